"""The gazetteer: every place, area and country a toponym may name, from a local SQLite index.

Load it once per process and pass it around::

    gaz = load_gazetteer()              # explicit path, else $EVENTSCOPE_GAZETTEER, else the default index
    gaz.lookup("Kunduz")                # -> list[Place]: towns, ADM1/ADM2 areas, countries named so
    gaz.lookup("Qunduz", country="AF")  # transliteration fallback inside one country (ISO2 or ISO3)
    gaz.matches("Donetsk region")       # -> list[PlaceMatch]: with name-match score and kind word
    gaz.country("Afghan")               # -> Country: by name, alias, ISO2/ISO3 or demonym
    gaz.admin_area("MX", "Sinaloa")     # -> Place (ADM1) | None; level=2 for districts
    gaz.capital(place)                  # -> the town a country or area is coded to (Sinaloa -> Culiacan)
    gaz.get(1135689)                    # -> Place by GeoNames id
    gaz.country_place(country)          # -> country-level Place (PCLI) at its capital's coordinates
    gaz.admin1_place(place)             # -> the ADM1 area a place lies in
    gaz.parent_town(place)              # -> the city a neighbourhood (PPLX) belongs to

The default index is built on first use from pinned registry packages (see ``geocode.build``); nothing
is downloaded. Opening an index reads only a few rows, so loading takes milliseconds and little memory.
"""

from __future__ import annotations

import logging
import math
import os
import sqlite3
import threading
from collections import OrderedDict
from pathlib import Path

from eventscope.errors import GazetteerError
from eventscope.geocode.build import SCHEMA, ensure_default_index
from eventscope.geocode.countries import CountryTable, load_country_table
from eventscope.geocode.normalize import (
    ToponymRules,
    fold,
    load_toponym_rules,
    loose_key,
    skeleton,
    split_kind_words,
)
from eventscope.models import Country, Place, PlaceMatch

log = logging.getLogger(__name__)

ENV_VAR = "EVENTSCOPE_GAZETTEER"

# Name-match scores (PlaceMatch.score): a place's own name beats an alternate name (barely: towns are
# often known in English by an alternate, "Basra" for Al Basrah) beats a key with articles and spaces
# dropped beats a consonant skeleton.
SCORE_NAME = 1.0
SCORE_ALTERNATE = 0.95
SCORE_LOOSE = 0.8
SCORE_SKELETON = 0.6
# Skeletons shorter than this match too many unrelated names ("kz" is Gaza, but also Kaz, Koz...).
MIN_SKELETON = 3
MAX_CANDIDATES = 200
KIND_STRIPPED = 0.9
# Names recur within and across articles: remember this many queries' candidates.
MATCH_CACHE = 20_000

_PLACE_COLUMNS = "id, geonames, name, fclass, fcode, cc, admin1, admin2, lat, lon, pop, a1, a2, capital"


class Gazetteer:
    """Read access to one gazetteer index (see the module docstring for the API)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise GazetteerError(
                f"{self.path}: gazetteer index not found; build one with 'eventscope gazetteer build' "
                f"or unset {ENV_VAR}"
            )
        try:
            self._db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            meta = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
            self._db.execute("SELECT id FROM place LIMIT 1").fetchall()
            self._db.execute("SELECT key FROM name LIMIT 1").fetchall()
        except sqlite3.DatabaseError as exc:
            raise GazetteerError(
                f"{self.path}: not a readable gazetteer index ({exc}); rebuild it with "
                "'eventscope gazetteer build' or delete it to rebuild the default"
            ) from exc
        if meta.get("schema") != SCHEMA:
            raise GazetteerError(
                f"{self.path}: gazetteer index format {meta.get('schema')!r}, this eventscope reads "
                f"{SCHEMA!r}; rebuild it with 'eventscope gazetteer build'"
            )
        self.meta = meta
        self.countries: CountryTable = load_country_table()
        self.rules: ToponymRules = load_toponym_rules()
        self._lock = threading.RLock()  # one connection and caches shared by threads
        self._places: OrderedDict[int, Place | None] = OrderedDict()
        self._row_ids: dict[Place, int] = {}
        self._rows: dict[int, tuple] = {}
        self._matches: dict[tuple[str, str | None], tuple[PlaceMatch, ...]] = {}
        self._country_rows: dict[str, int | None] = {}  # ISO2 -> row id of its PCLI place

    def __reduce__(self):
        # Pickled (e.g. to Dask workers) as its path: each process opens its own connection.
        return (load_gazetteer, (str(self.path),))

    def __repr__(self) -> str:
        return f"Gazetteer({str(self.path)!r})"

    # -- rows and places -------------------------------------------------------------------

    def _query(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._lock:
            try:
                return self._db.execute(sql, args).fetchall()
            except sqlite3.DatabaseError as exc:
                raise GazetteerError(f"{self.path}: gazetteer index is corrupt ({exc}); rebuild it") from exc

    def _place_from_row(self, row: tuple) -> Place | None:
        country = self.countries.by_iso2.get(row[5])
        if country is None:
            return None
        return Place(
            geonames_id=row[1],
            name=row[2],
            feature_class=row[3],
            feature_code=row[4],
            country=country,
            admin1=row[6],
            admin2=row[7],
            latitude=row[8],
            longitude=row[9],
            population=row[10],
        )

    def _places_by_ids(self, ids: list[int]) -> dict[int, Place]:
        with self._lock:
            return self._places_by_ids_locked(ids)

    def _places_by_ids_locked(self, ids: list[int]) -> dict[int, Place]:
        missing = [i for i in ids if i not in self._places]
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self._query(f"SELECT {_PLACE_COLUMNS} FROM place WHERE id IN ({marks})", tuple(chunk)):
                place = self._place_from_row(row)
                self._places[row[0]] = place
                self._rows[row[0]] = row
                if place is not None:
                    self._row_ids[place] = row[0]
        while len(self._places) > 50_000:  # bound the cache; evict the oldest
            old_id, old = self._places.popitem(last=False)
            self._rows.pop(old_id, None)
            if old is not None:
                self._row_ids.pop(old, None)
        return {i: p for i in ids if (p := self._places.get(i)) is not None}

    def _row(self, place: Place) -> tuple | None:
        row_id = self._row_ids.get(place)
        if row_id is None and place.geonames_id is not None:
            row_id = place.geonames_id
            self._places_by_ids([row_id])
        return self._rows.get(row_id) if row_id is not None else None

    def _iso2(self, country: str | Country | None) -> str | None:
        if country is None:
            return None
        if isinstance(country, Country):
            return country.iso2
        found = self.countries.find(country.upper() if len(country) in (2, 3) else country)
        if found is None:
            raise GazetteerError(f"unknown country {country!r}: give an ISO2 or ISO3 code or a country name")
        return found.iso2

    # -- public API --------------------------------------------------------------------------

    def info(self) -> dict[str, str]:
        """The index's metadata: schema, source, build time, counts."""
        return {"path": str(self.path), **self.meta}

    def matches(self, name: str, country: str | Country | None = None) -> list[PlaceMatch]:
        """Candidates for a toponym with their name-match scores, best first.

        ``country`` (ISO2, ISO3, a name or a Country) restricts the candidates to that country and
        enables the transliteration (consonant skeleton) fallback there.
        """
        cc = self._iso2(country)
        with self._lock:
            cached = self._matches.get((name, cc))
            if cached is not None:
                return list(cached)
            result = self._find(name, cc)
            if len(self._matches) >= MATCH_CACHE:
                self._matches.clear()
            self._matches[(name, cc)] = tuple(result)
            return result

    def _find(self, name: str, cc: str | None) -> list[PlaceMatch]:
        parts = split_kind_words(name, self.rules)
        # The text as written, then without its kind word; every match keeps the kind word written.
        texts: list[tuple[str, bool]] = [(name, False)]
        if parts.kind is not None and parts.name:
            texts.append((parts.name, True))
        found: dict[int, tuple[float, str, str | None]] = {}

        def keep(pid: int, score: float, how: str, stripped: bool) -> None:
            if stripped:
                score *= KIND_STRIPPED  # "Kunduz City" as written beats "Kunduz" + the word "city"
            if pid not in found or found[pid][0] < score:
                found[pid] = (score, how, parts.kind)

        cc_sql = " AND cc=?" if cc else ""
        cc_args: tuple = (cc,) if cc else ()
        for text, stripped in texts:
            key = fold(text)
            if not key:
                continue
            for pid, main in self._query(
                f"SELECT place, main FROM name WHERE key=?{cc_sql}", (key, *cc_args)
            ):
                keep(pid, SCORE_NAME if main else SCORE_ALTERNATE, "name" if main else "alternate", stripped)
            loose = loose_key(text, self.rules)
            if loose and loose != key:
                for (pid,) in self._query(f"SELECT place FROM name WHERE loose=?{cc_sql}", (loose, *cc_args)):
                    keep(pid, SCORE_LOOSE, "loose", stripped)
            elif loose:
                for (pid,) in self._query(
                    f"SELECT place FROM name WHERE loose=? AND key!=?{cc_sql}", (loose, key, *cc_args)
                ):
                    keep(pid, SCORE_LOOSE, "loose", stripped)
        if cc and not found:
            for text, stripped in texts:
                skel = skeleton(text, self.rules)
                if len(skel) < MIN_SKELETON:
                    continue
                words = _content_words(fold(text), self.rules)
                for pid, matched in self._query("SELECT place, key FROM name WHERE cc=? AND skel=?", (cc, skel)):
                    # a transliteration keeps its words and its first sound: "Bon Keller" is not
                    # "Bengaluru", "Shtula" is not "Eshtaol"
                    if _content_words(matched, self.rules) == words and _same_onset(fold(text), matched):
                        keep(pid, SCORE_SKELETON, "skeleton", stripped)
        places = self._places_by_ids(list(found))
        out = [PlaceMatch(places[pid], *found[pid]) for pid in found if pid in places]
        out.sort(key=lambda m: (-m.score, -m.place.population, m.place.name))
        return out[:MAX_CANDIDATES]

    def lookup(self, name: str, country: str | Country | None = None) -> list[Place]:
        """Every candidate place for a toponym: towns, ADM1/ADM2 areas and countries, best match first."""
        return [m.place for m in self.matches(name, country)]

    def country(self, text: str) -> Country | None:
        """A country from a name, alias, ISO2/ISO3 code or demonym ("Afghan", "DR Congo", "UK")."""
        return self.countries.find(text)

    def get(self, geonames_id: int) -> Place | None:
        """A place by its GeoNames id."""
        return self._places_by_ids([int(geonames_id)]).get(int(geonames_id))

    def country_place(self, country: str | Country) -> Place | None:
        """The country-level place (PCLI), at its capital's coordinates."""
        cc = self._iso2(country)
        with self._lock:
            # No index serves this query (a scan, 1-2 ms) and events ask it often: one per country.
            if cc not in self._country_rows:
                rows = self._query("SELECT id FROM place WHERE cc=? AND fcode='PCLI'", (cc,))
                self._country_rows[cc] = rows[0][0] if rows else None
            row_id = self._country_rows[cc]
        return self._places_by_ids([row_id]).get(row_id) if row_id is not None else None

    def admin_area(self, country: str | Country, name: str, level: int = 1) -> Place | None:
        """The ADM1 (or ADM2) area of a country called ``name``, or None."""
        code = f"ADM{level}"
        areas = [m for m in self.matches(name, country) if m.place.feature_code == code]
        return areas[0].place if areas else None

    def capital(self, place: Place) -> Place:
        """The town a country or admin area is coded to (its capital or representative town)."""
        if place.feature_class == "P":
            return place
        row = self._row(place)
        if row is None or row[13] is None:
            return place
        return self._places_by_ids([row[13]]).get(row[13], place)

    def admin1_place(self, place: Place) -> Place | None:
        """The ADM1 area a place lies in (the place itself for an ADM1 area)."""
        if place.feature_code == "ADM1":
            return place
        row = self._row(place)
        if row is None or not row[11]:
            return None
        rows = self._query("SELECT id FROM place WHERE cc=? AND a1=? AND fcode='ADM1'", (row[5], row[11]))
        return self._places_by_ids([rows[0][0]]).get(rows[0][0]) if rows else None

    def parent_town(self, place: Place, max_km: float = 20.0) -> Place | None:
        """The most populous town within ``max_km`` of a neighbourhood (PPLX): "City - District"."""
        dlat = max_km / 111.0
        dlon = max_km / (111.0 * max(math.cos(math.radians(place.latitude)), 0.05))
        rows = self._query(
            "SELECT id, lat, lon FROM place WHERE lat BETWEEN ? AND ? AND lon BETWEEN ? AND ? AND cc=? "
            "AND fclass='P' AND fcode != 'PPLX' ORDER BY pop DESC LIMIT 5",
            (
                place.latitude - dlat,
                place.latitude + dlat,
                place.longitude - dlon,
                place.longitude + dlon,
                place.country.iso2,
            ),
        )
        for pid, lat, lon in rows:
            if distance_km(place.latitude, place.longitude, lat, lon) <= max_km:
                return self._places_by_ids([pid]).get(pid)
        return None


# First letters that transliterations of one name swap ("Kunduz"/"Qunduz", "Jidda"/"Gidda").
_ONSETS = ({"k", "q", "c"}, {"j", "g", "d"}, {"y", "i", "j"}, {"w", "v", "o", "u"}, {"e", "a", "i"})


def _same_onset(a: str, b: str) -> bool:
    x, y = a[:1], b[:1]
    return x == y or any(x in group and y in group for group in _ONSETS)


def _content_words(folded: str, rules: ToponymRules) -> int:
    """How many words a folded name has, leaving out articles ("al", "el") and hyphens."""
    return len([w for w in folded.replace("-", " ").split() if w not in rules.articles])


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


_LOADED: dict[Path, Gazetteer] = {}
_LOAD_LOCK = threading.Lock()


def load_gazetteer(path: str | Path | None = None) -> Gazetteer:
    """The gazetteer at ``path``, else ``$EVENTSCOPE_GAZETTEER``, else the default index (built if needed).

    Loaded once per process and path; later calls return the same object.
    """
    chosen = path or os.environ.get(ENV_VAR)
    with _LOAD_LOCK:
        resolved = Path(chosen).expanduser() if chosen else ensure_default_index()
        key = resolved.resolve() if resolved.exists() else resolved
        if key not in _LOADED:
            _LOADED[key] = Gazetteer(resolved)
        return _LOADED[key]

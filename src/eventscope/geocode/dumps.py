"""Build a fuller gazetteer index from GeoNames dump files a user downloaded.

Files (GeoNames' own formats, UTF-8, tab-separated):
- ``--cities``: the geoname table (allCountries.txt, citiesNNNN.txt, a country's XX.txt): 19 columns.
  Populated places (class P, less historical, abandoned and destroyed ones) become places; ADM1/ADM2
  rows lend their alternate names to the areas.
- ``--admin1``: admin1CodesASCII.txt (code "AF.24", name, ASCII name, geonameid).
- ``--admin2``: admin2Codes.txt (code "AF.24.1401", name, ASCII name, geonameid), optional.
- ``--alternates``: alternateNamesV2.txt (10 columns) or alternateNames.txt (8), optional.
- ``--countries``: countryInfo.txt, optional (GeoNames ids and capitals; default: our countries.csv).

Every file is streamed line by line (allCountries.txt is 1.5 GB); alternate names are staged in a
temporary SQLite table beside the output. A missing file, or a line in the wrong format, is a
GazetteerError naming the file and line.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from eventscope.errors import GazetteerError
from eventscope.geocode.build import (
    RawArea,
    RawCountry,
    RawPlace,
    country_alias_table,
    raw_countries,
    write_index,
)
from eventscope.geocode.normalize import is_latin

log = logging.getLogger(__name__)

GEONAME_COLUMNS = 19
# Populated places that are not there any more.
_SKIPPED_CODES = frozenset({"PPLH", "PPLQ", "PPLW", "PPLCH"})
# alternateNames "languages" that are not names: links, postal codes, airport codes, Wikidata ids...
_NOT_NAMES = frozenset(
    {"link", "post", "iata", "icao", "faac", "abbr", "wkdt", "unlc", "tcid", "fr_1793", "phon"}
)


def _open(path: Path, what: str):
    if not path.is_file():
        raise GazetteerError(f"{path}: {what} file not found")
    try:
        return open(path, encoding="utf-8", newline="\n")
    except OSError as exc:
        raise GazetteerError(f"{path}: cannot read {what} file ({exc.strerror})") from exc


def _lines(path: Path, what: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, tab-separated fields) of a dump file, comments and blank lines skipped."""
    with _open(path, what) as fh:
        try:
            for n, line in enumerate(fh, start=1):
                if not line.strip() or line.startswith("#"):
                    continue
                yield n, line.rstrip("\r\n").split("\t")
        except UnicodeDecodeError as exc:
            raise GazetteerError(
                f"{path}: not UTF-8 text ({exc.reason}); is it a GeoNames {what} file?"
            ) from exc


def _bad(path: Path, n: int, what: str, detail: str) -> GazetteerError:
    return GazetteerError(f"{path} line {n}: not a GeoNames {what} line ({detail})")


def read_admin_codes(path: Path, level: int) -> list[RawArea]:
    """admin1CodesASCII.txt (level 1) or admin2Codes.txt (level 2) rows as areas."""
    what = "admin1 codes" if level == 1 else "admin2 codes"
    areas = []
    for n, f in _lines(path, what):
        if len(f) != 4:
            raise _bad(path, n, what, f"expected 4 tab-separated columns, found {len(f)}")
        code, name, ascii_name, gid = f
        if code.count(".") != level:
            raise _bad(path, n, what, f"code {code!r} should have {level + 1} dot-separated parts")
        try:
            geonames_id = int(gid) if gid else None
        except ValueError as exc:
            raise _bad(path, n, what, f"geonameid {gid!r} is not a number") from exc
        alternates = [ascii_name] if ascii_name and ascii_name != name else []
        areas.append(
            RawArea(code=code, level=level, name=name, alternates=alternates, geonames_id=geonames_id)
        )
    return areas


def read_country_info(path: Path) -> list[RawCountry]:
    """countryInfo.txt: GeoNames id and capital per country (names stay ACLED's, from our data file)."""
    ours = {c.iso2: c for c in raw_countries(country_alias_table())}
    out = []
    for n, f in _lines(path, "countryInfo"):
        if len(f) < 17:
            raise _bad(path, n, "countryInfo", f"expected 19 tab-separated columns, found {len(f)}")
        iso2, capital, gid = f[0], f[5], f[16]
        try:
            geonames_id = int(gid) if gid else None
        except ValueError as exc:
            raise _bad(path, n, "countryInfo", f"geonameid {gid!r} is not a number") from exc
        if iso2 in ours:
            base = ours[iso2]
            out.append(RawCountry(iso2, base.name, geonames_id, capital or base.capital, base.alternates))
    if not out:
        raise GazetteerError(f"{path}: no country of ours found; is it GeoNames' countryInfo.txt?")
    return out


def _stage_alternates(path: Path, db: sqlite3.Connection) -> None:
    """Load Latin-script alternate names into a temporary table keyed by geonameid."""
    db.execute("CREATE TABLE alt(gid INTEGER, name TEXT)")
    batch: list[tuple[int, str]] = []
    for n, f in _lines(path, "alternateNames"):
        if len(f) not in (8, 10):
            raise _bad(path, n, "alternateNames", f"expected 8 or 10 tab-separated columns, found {len(f)}")
        if f[2] in _NOT_NAMES or f[7] == "1" or not is_latin(f[3]):  # f[7]: isHistoric
            continue
        try:
            batch.append((int(f[1]), f[3]))
        except ValueError as exc:
            raise _bad(path, n, "alternateNames", f"geonameid {f[1]!r} is not a number") from exc
        if len(batch) >= 100_000:
            db.executemany("INSERT INTO alt VALUES (?,?)", batch)
            batch.clear()
    db.executemany("INSERT INTO alt VALUES (?,?)", batch)
    db.execute("CREATE INDEX alt_gid ON alt(gid)")


def _geoname_rows(
    path: Path, areas_by_id: dict[int, RawArea], alternates: sqlite3.Connection | None
) -> Iterator[RawPlace]:
    what = "geoname table"
    for n, f in _lines(path, what):
        if len(f) != GEONAME_COLUMNS:
            raise _bad(path, n, what, f"expected {GEONAME_COLUMNS} tab-separated columns, found {len(f)}")
        try:
            gid = int(f[0])
            lat, lon = float(f[4]), float(f[5])
            population = int(f[14] or 0)
        except ValueError as exc:
            raise _bad(path, n, what, f"bad number ({exc})") from exc
        fclass, fcode = f[6], f[7]
        if fclass not in ("P", "A"):
            continue
        names = [a for a in f[3].split(",") if a]
        if alternates is not None:
            names.extend(name for (name,) in alternates.execute("SELECT name FROM alt WHERE gid=?", (gid,)))
        if fclass == "A":
            area = areas_by_id.get(gid)
            if area is not None:
                area.alternates.extend(names)
            continue
        if fcode in _SKIPPED_CODES:
            continue
        yield RawPlace(
            geonames_id=gid,
            name=f[1],
            fclass="P",
            fcode=fcode or "PPL",
            cc=f[8],
            a1=f[10] or None,
            a2=f[11] or None,
            lat=lat,
            lon=lon,
            population=population,
            alternates=names,
        )


def build_from_dumps(
    output: Path,
    cities: Path,
    admin1: Path,
    admin2: Path | None = None,
    alternates: Path | None = None,
    countries: Path | None = None,
) -> dict[str, int]:
    """Build an index at ``output`` from GeoNames dump files; returns counts of places, areas, countries."""
    cities, admin1, output = Path(cities), Path(admin1), Path(output)
    for path, what in (
        (cities, "geoname table"),
        (admin1, "admin1 codes"),
        (admin2, "admin2 codes"),
        (alternates, "alternateNames"),
        (countries, "countryInfo"),
    ):
        if path is not None and not Path(path).is_file():
            raise GazetteerError(f"{path}: {what} file not found")
    areas = read_admin_codes(admin1, 1)
    if admin2 is not None:
        areas.extend(read_admin_codes(Path(admin2), 2))
    country_rows = read_country_info(Path(countries)) if countries else raw_countries(country_alias_table())
    areas_by_id = {a.geonames_id: a for a in areas if a.geonames_id}
    output.parent.mkdir(parents=True, exist_ok=True)
    stage_path = output.with_name(f".{output.name}.{os.getpid()}.alternates")
    stage = None
    try:
        if alternates is not None:
            stage_path.unlink(missing_ok=True)
            stage = sqlite3.connect(stage_path)
            stage.execute("PRAGMA journal_mode=OFF")
            _stage_alternates(Path(alternates), stage)
        source = f"GeoNames dumps: {cities.name}, {admin1.name}" + (
            f", {Path(admin2).name}" if admin2 else ""
        )
        counts = write_index(output, source, country_rows, areas, _geoname_rows(cities, areas_by_id, stage))
    finally:
        if stage is not None:
            stage.close()
        stage_path.unlink(missing_ok=True)
    if counts["places"] == 0:
        output.unlink(missing_ok=True)
        raise GazetteerError(
            f"{cities}: no populated place (feature class P) in it; is it a GeoNames geoname table?"
        )
    return counts

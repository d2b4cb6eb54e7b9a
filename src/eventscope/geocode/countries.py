"""Countries as ACLED codes them: names, ISO codes, regions, aliases and demonyms, from data files.

data/geo/countries.csv   iso2, iso3, iso_numeric, ACLED name, ACLED region, GeoNames id, capital
data/geo/country_aliases.csv   other names ("DR Congo", "Britain", "Gaza Strip" -> Palestine)
data/geo/demonyms.csv    adjectives and demonyms ("Afghan", "Congolese")
ISO names (official and common) come from pycountry.
"""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import pycountry

from eventscope.errors import RuleFileError
from eventscope.geocode.normalize import fold
from eventscope.models import Country

log = logging.getLogger(__name__)

# ACLED's region names, exactly as its data and API user guide spell them.
ACLED_REGIONS = frozenset(
    {
        "Western Africa",
        "Middle Africa",
        "Eastern Africa",
        "Southern Africa",
        "Northern Africa",
        "South Asia",
        "Southeast Asia",
        "Middle East",
        "Europe",
        "Caucasus and Central Asia",
        "Central America",
        "South America",
        "Caribbean",
        "East Asia",
        "North America",
        "Oceania",
        "Antarctica",
    }
)


@dataclass(slots=True)
class CountryTable:
    """Countries keyed every way a text or a code may name them."""

    by_iso2: dict[str, Country] = field(default_factory=dict)
    by_iso3: dict[str, Country] = field(default_factory=dict)
    names: dict[str, Country] = field(default_factory=dict)  # folded name or alias -> country
    aliases: dict[str, Country] = field(default_factory=dict)  # alias as written -> country
    demonyms: dict[str, Country] = field(default_factory=dict)  # folded demonym -> country
    official_names: dict[str, list[str]] = field(default_factory=dict)  # iso2 -> ISO names

    def find(self, text: str) -> Country | None:
        """A country named by ``text``: name, alias, ISO2/ISO3 code (upper case) or demonym."""
        raw = " ".join(text.split()).strip(" .,;:")
        if not raw:
            return None
        if raw.isupper() and raw.isalpha():
            by_code = (
                self.by_iso2.get(raw) if len(raw) == 2 else self.by_iso3.get(raw) if len(raw) == 3 else None
            )
            if by_code:
                return by_code
        key = fold(raw)
        if key.startswith("the "):
            key = key[4:]
        found = self.names.get(key) or self.demonyms.get(key)
        if found:
            return found
        # Plural demonyms: "Afghans", "Israelis", "Filipinos".
        if key.endswith("s"):
            return self.demonyms.get(key[:-1])
        return None

    def demonym(self, text: str) -> Country | None:
        """A country only when ``text`` is a demonym or adjective ("Afghan", "Nigerians")."""
        key = fold(text)
        return self.demonyms.get(key) or (self.demonyms.get(key[:-1]) if key.endswith("s") else None)


def _rows(name: str) -> list[tuple[int, dict[str, str]]]:
    path = resources.files("eventscope") / "data" / "geo" / name
    with path.open(encoding="utf-8") as fh:
        lines = [(i, line) for i, line in enumerate(fh, start=1) if not line.startswith("#")]
    reader = csv.DictReader(line for _, line in lines)
    return [(lines[n + 1][0], row) for n, row in enumerate(reader)]


def _fail(name: str, line: int, message: str) -> RuleFileError:
    return RuleFileError(f"data/geo/{name} line {line}: {message}")


@lru_cache(maxsize=1)
def load_country_table() -> CountryTable:
    """Read the country data files once a process, validating each row."""
    table = CountryTable()
    for line, row in _rows("countries.csv"):
        try:
            numeric = int(row["iso_numeric"])
        except (TypeError, ValueError) as exc:
            raise _fail(
                "countries.csv", line, f"iso_numeric {row.get('iso_numeric')!r} is not a number"
            ) from exc
        if row["region"] not in ACLED_REGIONS:
            raise _fail("countries.csv", line, f"region {row['region']!r} is not an ACLED region")
        country = Country(
            name=row["name"], iso2=row["iso2"], iso3=row["iso3"], iso_numeric=numeric, region=row["region"]
        )
        if country.iso2 in table.by_iso2:
            raise _fail("countries.csv", line, f"duplicate country {country.iso2}")
        table.by_iso2[country.iso2] = country
        table.by_iso3[country.iso3] = country
    for country in table.by_iso2.values():
        iso = pycountry.countries.get(alpha_2=country.iso2)
        names = [getattr(iso, attr, None) for attr in ("name", "official_name", "common_name")] if iso else []
        table.official_names[country.iso2] = [n for n in names if n and n != country.name]
        for n in [country.name, *table.official_names[country.iso2]]:
            table.names.setdefault(fold(n), country)
    for line, row in _rows("country_aliases.csv"):
        country = table.by_iso3.get(row["iso3"])
        if country is None:
            raise _fail("country_aliases.csv", line, f"unknown iso3 {row['iso3']!r}")
        table.aliases[row["alias"]] = country
        table.names[fold(row["alias"])] = country
    for line, row in _rows("demonyms.csv"):
        country = table.by_iso3.get(row["iso3"])
        if country is None:
            raise _fail("demonyms.csv", line, f"unknown iso3 {row['iso3']!r}")
        table.demonyms[fold(row["demonym"])] = country
    return table

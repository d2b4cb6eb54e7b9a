"""Score toponym resolution on a geolocation table (tests/data/geolocation_cases.csv's format).

A table row gives a sentence, the toponym to resolve in it (its last occurrence), and the expected
country (ISO3), admin1, coordinates and ACLED geo_precision. ``score_table`` runs a resolver over the
rows and reports accuracy within 25 km, admin1 (rows that give one), country and precision. Two
resolvers: ``resolve_in_sentence`` (ours: the geoparser with the sentence as context) and
``most_populous_match`` (the baseline: the most populous gazetteer candidate, no context).
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from eventscope.errors import InputError
from eventscope.geocode.gazetteer import Gazetteer, distance_km
from eventscope.geocode.geoparse import document_context, find_toponyms, resolve_toponyms
from eventscope.geocode.normalize import fold
from eventscope.geocode.resolve import resolve_place
from eventscope.models import ResolvedPlace

log = logging.getLogger(__name__)

MAX_KM = 25.0
# Words that differ between ACLED's and GeoNames' spellings of the same first-level area.
_GENERIC = frozenset(
    {
        "province",
        "governorate",
        "oblast",
        "state",
        "region",
        "district",
        "department",
        "division",
        "county",
        "prefecture",
        "of",
        "the",
        "al",
        "ad",
        "as",
        "el",
        "an",
        "ar",
    }
)
_FRENCH = {"nord": "north", "sud": "south", "est": "east", "ouest": "west", "centre": "center"}


@dataclass(frozen=True, slots=True)
class GeoCase:
    """One row of a geolocation table."""

    id: str
    category: str
    sentence: str
    toponym: str
    iso3: str
    admin1: str
    latitude: float
    longitude: float
    geo_precision: int

    @property
    def start(self) -> int:
        return self.sentence.rfind(self.toponym)


def load_cases(path: str | Path) -> list[GeoCase]:
    """Read a geolocation table; a malformed row is an error naming the file and line."""
    path = Path(path)
    with open(path, encoding="utf-8") as fh:
        lines = [(n, line) for n, line in enumerate(fh, start=1) if not line.startswith("#")]
    reader = csv.DictReader(line for _, line in lines)
    cases = []
    for i, row in enumerate(reader):
        line = lines[i + 1][0]
        try:
            case = GeoCase(
                id=row["id"],
                category=row["category"],
                sentence=row["sentence"],
                toponym=row["toponym"],
                iso3=row["iso3"],
                admin1=row["admin1"],
                latitude=float(row["latitude"]),
                longitude=float(row["longitude"]),
                geo_precision=int(row["geo_precision"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"{path} line {line}: malformed geolocation case ({exc})") from exc
        if case.start < 0:
            raise InputError(f"{path} line {line}: toponym {case.toponym!r} is not in its sentence")
        cases.append(case)
    return cases


def admin1_key(name: str | None) -> str:
    words = [_FRENCH.get(w, w) for w in fold(name or "").split()]
    return " ".join(w for w in words if w not in _GENERIC)


def admin1_matches(expected: str | None, found: str | None) -> bool:
    """Loose admin1 equality: 'Nord-Kivu' = 'North Kivu', 'Basra' ~ 'Basrah', suffixes ignored."""
    a, b = admin1_key(expected), admin1_key(found)
    if not (a and b):
        return False
    wa, wb = set(a.split()), set(b.split())
    return a == b or wa <= wb or wb <= wa or SequenceMatcher(None, a, b).ratio() >= 0.8


Resolver = Callable[[GeoCase], ResolvedPlace | None]


def resolve_in_sentence(gaz: Gazetteer, nlp: Any) -> Resolver:
    """Our resolver: geoparse the sentence and take the target toponym's resolution."""

    def resolve(case: GeoCase) -> ResolvedPlace | None:
        doc = nlp(case.sentence)
        start, end = case.start, case.start + len(case.toponym)
        for toponym, resolved in resolve_toponyms(doc, gaz):
            if toponym.start < end and start < toponym.end:
                return resolved
        # The geoparser missed the span: resolve the name with the sentence's context all the same.
        context = document_context(doc, gaz, find_toponyms(doc, gaz))
        return resolve_place(gaz, case.toponym, context, start=start, end=end)

    return resolve


def most_populous_match(gaz: Gazetteer) -> Resolver:
    """The baseline: of every candidate the gazetteer has for the name, the most populous."""

    def resolve(case: GeoCase) -> ResolvedPlace | None:
        candidates = gaz.lookup(case.toponym)
        if not candidates:
            return None
        best = max(candidates, key=lambda p: p.population)
        return ResolvedPlace(place=best, location=best.name, geo_precision=1, evidence=None)

    return resolve


def score_table(cases: list[GeoCase], resolver: Resolver) -> dict[str, Any]:
    """Accuracy within 25 km, admin1, country and geo_precision, overall and by category."""
    totals = {"n": 0, "km25": 0, "admin1_n": 0, "admin1": 0, "country": 0, "precision": 0, "resolved": 0}
    by_category: dict[str, list[int]] = {}
    failures: list[dict[str, Any]] = []
    for case in cases:
        resolved = resolver(case)
        place = resolved.place if resolved else None
        km = distance_km(case.latitude, case.longitude, place.latitude, place.longitude) if place else None
        ok_km = km is not None and km <= MAX_KM
        ok_country = place is not None and place.country.iso3 == case.iso3
        totals["n"] += 1
        totals["resolved"] += place is not None
        totals["km25"] += ok_km
        totals["country"] += ok_country
        totals["precision"] += resolved is not None and resolved.geo_precision == case.geo_precision
        if case.admin1:
            totals["admin1_n"] += 1
            totals["admin1"] += place is not None and admin1_matches(case.admin1, place.admin1)
        cat = by_category.setdefault(case.category, [0, 0])
        cat[0] += 1
        cat[1] += ok_km
        if not ok_km:
            failures.append(
                {
                    "id": case.id,
                    "toponym": case.toponym,
                    "expected": case.iso3,
                    "got": (place.name, place.country.iso3, place.admin1) if place else None,
                    "km": round(km, 1) if km is not None else None,
                }
            )
    n = max(totals["n"], 1)
    return {
        "cases": totals["n"],
        "within_25km": totals["km25"] / n,
        "admin1": totals["admin1"] / max(totals["admin1_n"], 1),
        "country": totals["country"] / n,
        "geo_precision": totals["precision"] / n,
        "resolved": totals["resolved"] / n,
        "by_category": {k: round(v[1] / v[0], 3) for k, v in sorted(by_category.items())},
        "failures": failures,
    }

"""The geolocation table: our resolution against pinned floors, and against the baseline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eventscope.geocode.evaluate import load_cases, most_populous_match, resolve_in_sentence, score_table

DATA = Path(__file__).parent.parent / "data"
CASES = DATA / "geolocation_cases.csv"
FLOORS = json.loads((DATA / "geolocation_floors.json").read_text())


@pytest.fixture(scope="module")
def cases():
    return load_cases(CASES)


@pytest.fixture(scope="module")
def ours(cases, gaz, nlp):
    return score_table(cases, resolve_in_sentence(gaz, nlp))


def test_table_is_large_and_varied(cases):
    assert len(cases) >= 150
    assert len({c.iso3 for c in cases}) >= 40
    categories = {c.category for c in cases}
    assert {"ambiguous", "alternate", "near", "province", "not_first"} <= categories
    assert len({c.id for c in cases}) == len(cases)


@pytest.mark.parametrize("metric", ["within_25km", "admin1", "country", "geo_precision"])
def test_resolution_meets_floor(ours, metric):
    figures = {k: round(v, 3) for k, v in ours.items() if isinstance(v, float)}
    print(f"geolocation table: {figures} by category {ours['by_category']}")
    assert ours[metric] >= FLOORS[metric], (
        f"{metric} {ours[metric]:.3f} below floor {FLOORS[metric]}: {figures}"
    )


def test_beats_most_populous_baseline(cases, gaz, ours):
    baseline = score_table(cases, most_populous_match(gaz))
    assert ours["within_25km"] > baseline["within_25km"]
    assert ours["country"] > baseline["country"]

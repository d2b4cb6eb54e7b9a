"""The seed report (../shared/seed): exactly one event, every field right and evidenced."""

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from eventscope.cli import main

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "000_a94a2e8138bbda3b.txt"
pytestmark = pytest.mark.skipif(not SEED.exists(), reason="../shared/seed is not beside the repository")


def run(*args):
    result = CliRunner().invoke(main, ["extract", str(SEED), "--format", "jsonl", *args])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


def check_event(event):
    assert event["event_type"] == "Battles"
    assert event["sub_event_type"] == "Non-state actor overtakes territory"
    assert event["actor1"] == "Taliban" and event["inter1"] == "Rebel group"
    assert event["actor2"] in ("Military Forces of Afghanistan", "Police Forces of Afghanistan")
    assert event["inter2"] == "State forces"
    assert (event["location"], event["admin1"], event["country"]) == ("Kunduz", "Kunduz", "Afghanistan")
    assert km(event["latitude"], event["longitude"], 36.73, 68.86) <= 10
    assert event["geo_precision"] == 1
    assert event["fatalities"] == 27
    text = SEED.read_text()
    fields = {e["field"] for e in event["evidence"]}
    assert {"event_type", "actor1", "actor2", "location", "fatalities"} <= fields
    for evidence in event["evidence"]:
        assert text[evidence["start"]:evidence["end"]] == evidence["text"]


def test_seed_with_publication_date():
    [event] = run("--published", "2015-09-28")
    check_event(event)
    assert event["event_date"] == "2015-09-28" and event["time_precision"] == 1
    assert "event_date" in {e["field"] for e in event["evidence"]}


def test_seed_without_publication_date():
    [event] = run()
    check_event(event)
    assert event["event_date"] is None

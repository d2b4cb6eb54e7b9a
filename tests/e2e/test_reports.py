"""Reports we wrote (tests/data/reports.yaml): the events an ACLED coder would code, no more."""

from pathlib import Path

import pytest
import yaml

from eventscope.api import Pipeline, extract

REPORTS = yaml.safe_load((Path(__file__).parents[1] / "data" / "reports.yaml").read_text())["reports"]


@pytest.fixture(scope="module")
def pipeline():
    return Pipeline.load()


def loose(name):
    return " ".join(str(name or "").lower().replace("-", " ").split())


def matches(want, got):
    place_ok = (
        loose(want["location"]) == loose(got["location"]) if "location" in want
        else loose(want["admin1"]) in loose(got["admin1"]) or loose(got["admin1"]) in loose(want["admin1"])
    )
    return (
        want["sub_event_type"] == got["sub_event_type"]
        and loose(want["actor1"]) in loose(got["actor1"])
        and place_ok
        and want["date"] == got["event_date"]
        and want["fatalities"] == got["fatalities"]
        and all(want[k] == got[k] for k in ("actor2", "assoc_actor_1", "assoc_actor_2") if k in want)
    )


@pytest.mark.parametrize("report", REPORTS, ids=[r["id"] for r in REPORTS])
def test_report(pipeline, report):
    got = [e.to_record() for e in extract(report["text"], report["published"], pipeline=pipeline)]
    summary = [(g["sub_event_type"], g["actor1"], g["actor2"], g["assoc_actor_2"], g["location"], g["admin1"],
                g["event_date"], g["fatalities"]) for g in got]
    if report["expect"] == "none":
        assert got == [], summary
        return
    for want in report["expect"]:
        assert any(matches(want, g) for g in got), f"missing {want} in {summary}"
    assert len(got) == len(report["expect"]), summary

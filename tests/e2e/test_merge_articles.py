"""End to end: short articles we wrote, several per event, through extraction, the store and the merge.

tests/data/merge_articles.jsonl holds reports of four events in different words (a city taken, a raid on
villagers, a shelling, a protest) and near misses (the same city shelled four days later, the same
protest in another city).  Scored on article pairs, as the shared merge evaluator does.
"""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path

import pytest
from click.testing import CliRunner

from eventscope.cli import main

ARTICLES = Path(__file__).resolve().parents[1] / "data" / "merge_articles.jsonl"


@pytest.fixture(scope="module")
def merged_events(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("e2e")
    db, out = f"sqlite:///{tmp / 'store.db'}", tmp / "events.jsonl"
    runner = CliRunner()
    ingest = runner.invoke(main, ["-q", "ingest", str(ARTICLES), "--db", db])
    assert ingest.exit_code == 0, ingest.output
    export = runner.invoke(main, ["export", "--db", db, "--format", "jsonl", "--output", str(out)])
    assert export.exit_code == 0, export.output
    return [json.loads(line) for line in out.read_text().splitlines()]


def test_article_pair_precision_and_recall(merged_events, record_property):
    truth = {a["id"]: a["event"] for a in map(json.loads, ARTICLES.read_text().splitlines())}
    gold = {p for p in combinations(sorted(truth), 2) if truth[p[0]] == truth[p[1]]}
    predicted = {p for e in merged_events for p in combinations(sorted(set(e["article_ids"])), 2)}
    hits = len(gold & predicted)
    precision = hits / len(predicted) if predicted else 1.0
    recall = hits / len(gold)
    record_property("article_pair_precision", precision)
    record_property("article_pair_recall", recall)
    print(f"\nmerge articles: gold pairs {len(gold)}, predicted {len(predicted)}; P {precision:.3f} R {recall:.3f}")
    assert precision >= 0.9
    assert recall >= 0.75


def test_near_misses_stay_apart(merged_events):
    for event in merged_events:
        ids = set(event["article_ids"])
        assert not ({"m-kharkiv-later", "m-kharkiv-a"} <= ids or {"m-kharkiv-later", "m-kharkiv-b"} <= ids)
        assert not ids & {"m-mombasa"} or ids == {"m-mombasa"}


def test_every_source_is_listed(merged_events):
    listed = {s["article_id"] for e in merged_events for s in e["sources"]}
    reporting = {a for e in merged_events for a in e["article_ids"]}
    assert listed == reporting

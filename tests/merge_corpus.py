"""The cluster corpus (tests/data/merge_corpus.yaml) as event records, and pairwise merge scoring."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations
from pathlib import Path
from typing import Any

import yaml

from event_factory import make_record

CORPUS = Path(__file__).parent / "data" / "merge_corpus.yaml"


def corpus_records(path: Path = CORPUS) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Every report of the corpus as a record (one article each), and each record's true event."""
    records, truth = [], {}
    for event in yaml.safe_load(path.read_text(encoding="utf-8"))["events"]:
        for n, overrides in enumerate(event["reports"]):
            fields = {**event["base"], **overrides}
            article_id = f"{event['id']}-{n}"
            record = make_record(f"{article_id}:0", source=f"Outlet {n}", url=f"https://news.test/{article_id}",
                                 **fields)  # fmt: skip
            records.append(record)
            truth[record["event_id"]] = event["id"]
    return records, truth


def pairwise_scores(
    clusters: Iterable[Iterable[str]], truth: dict[str, str]
) -> tuple[float, float, int, int]:
    """Pairwise precision and recall of predicted clusters against the true events, and pair counts."""
    predicted = {frozenset(p) for c in clusters for p in combinations(sorted(c), 2)}
    gold = {frozenset(p) for p in combinations(sorted(truth), 2) if truth[min(p)] == truth[max(p)]}
    hits = len(predicted & gold)
    precision = hits / len(predicted) if predicted else 1.0
    recall = hits / len(gold) if gold else 1.0
    return precision, recall, len(predicted), len(gold)

"""Partitioned extract output: one readable file per partition, a manifest each, and resuming a run."""

from __future__ import annotations

import json

import pytest

from eventscope.batch import InProcessRunner
from eventscope.errors import InputError
from eventscope.export.partitions import PROGRESS_DIR, PartitionedOutput, read_partitions
from eventscope.run import extract_partitions

RUN = {"inputs": ["corpus.jsonl"], "published": None}


class StubPipeline:
    """Stands in for the pipeline: one event per article, two for articles whose text says so."""

    def __init__(self):
        self.seen: list[str] = []

    def extract_articles(self, articles):
        for article in articles:
            self.seen.append(article.id)
            count = 2 if "twice" in article.text else 1
            yield article, [
                {"article_id": article.id, "event_id": f"{article.id}:{n}", "event_date": f"2024-01-0{n + 1}",
                 "fatalities": n, "evidence": [{"field": "event_type", "text": "x", "start": 0, "end": 1}]}
                for n in range(count)
            ]  # fmt: skip


@pytest.fixture
def corpus(tmp_path):
    lines = [json.dumps({"id": f"a{i}", "text": f"Report {i}" + (" twice" if i % 4 == 0 else "")}) for i in range(23)]
    lines.insert(6, "{broken")
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def run(corpus, directory, fmt="parquet", size=5, pipeline=None):
    output = PartitionedOutput.open(directory, fmt, size, {**RUN, "inputs": [str(corpus)]})
    pipeline = pipeline or StubPipeline()
    summary = extract_partitions([str(corpus)], output, InProcessRunner(pipeline=pipeline))
    return output, summary, pipeline


def test_parquet_partitions_read_as_one_table(corpus, tmp_path):
    ds = pytest.importorskip("pyarrow.dataset")
    output, summary, _ = run(corpus, tmp_path / "events")
    assert sorted(p.name for p in (tmp_path / "events").glob("part-*")) == [f"part-00000{k}.parquet" for k in range(5)]
    table = ds.dataset(tmp_path / "events", format="parquet").to_table()
    assert table.num_rows == summary.events == 23 + 6
    assert str(table.schema.field("event_date").type) == "date32[day]"
    assert "article_ids" not in table.schema.names  # per-article events, not merged ones
    rows = read_partitions(tmp_path / "events")
    assert [r["event_id"] for r in rows][:3] == ["a0:0", "a0:1", "a1:0"]
    assert summary.articles == 23 and summary.problems == [(f"{corpus}:7", summary.problems[0][1])]
    manifest = json.loads((tmp_path / "events" / PROGRESS_DIR / "part-000001.json").read_text())
    assert manifest["first"] == 5 and manifest["items"] == 5 and manifest["articles"] == 4
    assert manifest["problems"][0][0] == f"{corpus}:7"


def test_jsonl_partitions(corpus, tmp_path):
    _, summary, _ = run(corpus, tmp_path / "events", fmt="jsonl", size=10)
    assert [p.name for p in sorted((tmp_path / "events").glob("part-*"))] == [
        "part-000000.jsonl", "part-000001.jsonl", "part-000002.jsonl"]  # fmt: skip
    assert len(read_partitions(tmp_path / "events")) == summary.events


def test_a_rerun_extracts_only_the_partitions_not_done(corpus, tmp_path):
    first, _, _ = run(corpus, tmp_path / "events")
    clean = read_partitions(tmp_path / "events")
    # As after a crash: partition 2's manifest never written, partition 3's file half-written.
    (tmp_path / "events" / PROGRESS_DIR / "part-000002.json").unlink()
    (tmp_path / "events" / "part-000003.parquet").unlink()
    (tmp_path / "events" / ".part-000004.parquet.x1y2.part").write_bytes(b"PAR1 half")
    again, summary, pipeline = run(corpus, tmp_path / "events")
    assert pipeline.seen == [f"a{i}" for i in range(9, 19)]  # items 10-19, the broken line among them
    assert read_partitions(tmp_path / "events") == clean
    assert summary.articles == 23 and summary.events == len(clean) and len(summary.problems) == 1
    assert summary.resumed_partitions == 3
    assert not list((tmp_path / "events").glob(".*.part"))
    _, _, idle = run(corpus, tmp_path / "events")
    assert idle.seen == []


def test_a_directory_of_another_run_is_refused(corpus, tmp_path):
    run(corpus, tmp_path / "events")
    with pytest.raises(InputError, match="other partition_size"):
        run(corpus, tmp_path / "events", size=7)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    with pytest.raises(InputError, match="not empty"):
        run(corpus, tmp_path / "other")
    with pytest.raises(InputError, match="is a file"):
        run(corpus, tmp_path / "other" / "notes.txt")
    with pytest.raises(InputError, match="cannot be partitioned"):
        PartitionedOutput.open(tmp_path / "x", "json", 5, RUN)

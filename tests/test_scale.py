"""Dask: the corpus extracted on a LocalCluster gives the same store and the same partitions as one process."""

from __future__ import annotations

import pytest

from eventscope.batch import InProcessRunner, RunStats, Settings, worker_pipeline
from eventscope.errors import EventscopeError
from eventscope.export.partitions import PartitionedOutput, read_partitions
from eventscope.ingest import ingest
from eventscope.run import extract_partitions
from eventscope.store import open_store
from scale_corpus import write_corpus

distributed = pytest.importorskip("distributed")
pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("corpus") / "corpus.jsonl", copies=2)


@pytest.fixture(scope="module")
def dask_runner():
    """Two single-threaded workers in this process: they share its loaded pipeline, so the test is quick."""
    from eventscope.scale import DaskRunner

    worker_pipeline(Settings())
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None)
    runner = DaskRunner(distributed.Client(cluster), Settings(), cluster)
    yield runner
    runner.close()


def store_events(db):
    with open_store(db) as store:
        return store.counts(), sorted(store.iter_events(), key=lambda e: e["event_id"])


def test_ingest_on_dask_equals_one_process(corpus, dask_runner, tmp_path):
    with open_store(f"sqlite:///{tmp_path / 'one.db'}") as store:
        single = ingest([str(corpus)], store, pipeline=worker_pipeline(Settings()))
    stats = RunStats()
    with open_store(f"sqlite:///{tmp_path / 'dask.db'}") as store:
        report = ingest([str(corpus)], store, runner=dask_runner, task_articles=3, stats=stats)
    assert (report.articles_added, report.mentions_added, report.problems) == (
        single.articles_added, single.mentions_added, single.problems)  # fmt: skip
    one, dask = store_events(f"sqlite:///{tmp_path / 'one.db'}"), store_events(f"sqlite:///{tmp_path / 'dask.db'}")
    assert one == dask
    assert one[0]["articles"] == 35 and one[0]["events"] > 5 and one[0]["unmerged"] == 0
    assert len(report.problems) == 2 and stats.tasks >= 10


def test_extract_partitions_on_dask_equal_one_process(corpus, dask_runner, tmp_path):
    outputs = []
    for name, runner in (("one", InProcessRunner()), ("dask", dask_runner)):
        output = PartitionedOutput.open(tmp_path / name, "parquet", 8, {"inputs": [str(corpus)]})
        summary = extract_partitions([str(corpus)], output, runner)
        outputs.append((summary.articles, summary.events, summary.problems, read_partitions(tmp_path / name)))
    assert outputs[0] == outputs[1]
    assert outputs[0][3]


def test_dask_errors_are_one_line(monkeypatch):
    import eventscope.scale as scale

    with pytest.raises(EventscopeError, match="not a Dask scheduler address"):
        scale.open_dask_runner("nonsense")
    with pytest.raises(EventscopeError, match="sets the size of a local cluster"):
        scale.open_dask_runner("tcp://127.0.0.1:8786", workers=2)
    monkeypatch.setattr(scale, "Client", None)
    with pytest.raises(EventscopeError, match=r"pip install 'eventscope\[dask\]'"):
        scale.open_dask_runner("local")


def test_scale_is_documented():
    from pathlib import Path

    from eventscope.cli import main

    docs = (Path(__file__).resolve().parents[1] / "docs" / "scale.md").read_text()
    for text in ("eventscope extract ", "eventscope ingest ", "--workers", "--dask local", "--dask tcp://",
                 "--task-size", "--partition-size", "--batch-size", "EVENTSCOPE_PROGRESS_SECONDS",
                 "--format parquet", "_run.json", "_progress/", "MALLOC_TRIM_THRESHOLD_"):  # fmt: skip
        assert text in docs, text
    for command in ("extract", "ingest"):
        options = {opt for param in main.commands[command].params for opt in param.opts}
        assert {"--workers", "--dask", "--task-size", "--batch-size"} <= options
    assert "--partition-size" in {opt for param in main.commands["extract"].params for opt in param.opts}

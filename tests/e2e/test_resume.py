"""kill -9 in the middle of a parallel run, then the same command again: the result is that of a clean
run, with nothing lost and nothing counted twice (worker processes, and a Dask LocalCluster)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from eventscope.batch import InProcessRunner, Settings, worker_pipeline
from eventscope.export.partitions import PROGRESS_DIR, PartitionedOutput, read_partitions
from eventscope.ingest import ingest
from eventscope.run import extract_partitions
from eventscope.store import open_store
from scale_corpus import write_corpus

pytestmark = pytest.mark.timeout(300)

COPIES = 3
ARTICLES = 17 * COPIES + 1  # the copies and the HTML page; two more lines are unreadable
CLI = [sys.executable, "-c", "from eventscope.cli import main; main()"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("corpus") / "corpus.jsonl", copies=COPIES)


def start(*args: str) -> subprocess.Popen:
    """The CLI in a session of its own, so that its workers can be found (and killed) as one group."""
    return subprocess.Popen([*CLI, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)  # fmt: skip


def kill_when(process: subprocess.Popen, ready, whole_group: bool) -> None:
    deadline = time.monotonic() + 180
    while not ready():
        assert process.poll() is None, f"finished before it could be killed: {process.communicate()[1][-2000:]}"
        assert time.monotonic() < deadline, "no progress in time"
        time.sleep(0.05)
    if whole_group:
        os.killpg(process.pid, signal.SIGKILL)
    else:
        os.kill(process.pid, signal.SIGKILL)
    process.wait()
    # Worker processes end too (ours notice their parent is gone): nothing is left running.
    deadline = time.monotonic() + 30
    while True:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        assert time.monotonic() < deadline, "worker processes outlived the killed command"
        time.sleep(0.2)


def finish(*args: str) -> str:
    process = start(*args)
    _out, err = process.communicate(timeout=240)
    assert process.returncode == 0, err[-3000:]
    return err


def stored_articles(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=1) as conn:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:  # the schema is not created yet
        return 0


@pytest.fixture(scope="module")
def clean_store(corpus, tmp_path_factory):
    """The store one uninterrupted run in this process leaves."""
    db = f"sqlite:///{tmp_path_factory.mktemp('clean') / 'clean.db'}"
    with open_store(db) as store:
        ingest([str(corpus)], store, pipeline=worker_pipeline(Settings()))
    return store_state(db)


def store_state(db: str):
    with open_store(db) as store:
        return store.counts(), sorted(store.iter_events(), key=lambda e: e["event_id"])


@pytest.fixture(scope="module")
def clean_partitions(corpus, tmp_path_factory):
    directory = tmp_path_factory.mktemp("clean") / "events"
    output = PartitionedOutput.open(directory, "parquet", 4, {"inputs": [str(corpus)], "published": None})
    extract_partitions([str(corpus)], output, InProcessRunner())
    return read_partitions(directory)


@pytest.mark.parametrize("where", [["--workers", "2"], ["--dask", "local", "--workers", "1"]], ids=["workers", "dask"])
def test_extract_partitions_resume_after_kill_9(corpus, clean_partitions, tmp_path, where):
    out = tmp_path / "events"
    args = ["extract", str(corpus), "--format", "parquet", "--output", str(out), "--partition-size", "4",
            "--task-size", "2", *where]  # fmt: skip
    manifests = lambda: list((out / PROGRESS_DIR).glob("part-*.json")) if (out / PROGRESS_DIR).is_dir() else []  # noqa: E731
    kill_when(start(*args), lambda: len(manifests()) >= 1, whole_group="--dask" in where)
    partitions = -(-(ARTICLES + 2) // 4)
    assert 1 <= len(manifests()) < partitions  # killed part-way
    err = finish(*args)
    assert f"eventscope: {ARTICLES} articles, {len(clean_partitions)} events in {partitions} partitions" in err
    assert "resumed after" in err and ", 2 skipped in " in err
    assert read_partitions(out) == clean_partitions


@pytest.mark.parametrize("where", [["--workers", "2"], ["--dask", "local", "--workers", "1"]], ids=["workers", "dask"])
def test_ingest_resumes_after_kill_9(corpus, clean_store, tmp_path, where):
    db = tmp_path / "store.db"
    args = ["ingest", str(corpus), "--db", str(db), "--task-size", "2", "--merge-every", "5", *where]
    kill_when(start(*args), lambda: stored_articles(db) >= 4, whole_group="--dask" in where)
    assert 4 <= stored_articles(db) < ARTICLES
    err = finish(*args)
    assert "already stored" in err
    state = store_state(f"sqlite:///{db}")
    assert state[0] == clean_store[0] and state[0]["articles"] == ARTICLES and state[0]["unmerged"] == 0
    assert state == clean_store

"""Two ingest processes at once, and kill -9 mid-ingest then the same command again, on both backends."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from eventscope.merge import cluster, load_merge_rules
from eventscope.store import open_store
from merge_corpus import corpus_records

pytestmark = pytest.mark.timeout(300)

TESTS = Path(__file__).resolve().parents[1]
WORKER = Path(__file__).with_name("ingest_worker.py")


def start_worker(db_url: str, records_path: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")])}
    return subprocess.Popen(
        [sys.executable, str(WORKER), db_url, str(records_path), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen) -> dict:
    out, err = process.communicate(timeout=240)
    assert process.returncode == 0, err[-3000:]
    return json.loads(out.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    records, _ = corpus_records()
    path = tmp_path_factory.mktemp("corpus") / "records.json"
    path.write_text(json.dumps(records))
    expected = {frozenset(c) for c in cluster(records, load_merge_rules())}
    return path, records, expected


def assert_complete(db_url: str, records: list[dict], expected: set) -> None:
    """Every article once, every mention once, all merged, the same events as one clean run."""
    with open_store(db_url) as store:
        counts = store.counts()
        assert counts == {
            "articles": len({r["article_id"] for r in records}),
            "mentions": len(records),
            "events": len(expected),
            "unmerged": 0,
        }
        assert {frozenset(e["mention_ids"]) for e in store.iter_events()} == expected


def test_two_ingests_at_once_lose_nothing_and_duplicate_nothing(db_url, corpus):
    path, records, expected = corpus
    # Both start on an empty database, so they also race to create the schema.
    first = start_worker(db_url, path, "--merge-every", "3", "--sleep", "0.01")
    second = start_worker(db_url, path, "--merge-every", "4", "--sleep", "0.01", "--reverse")
    third = start_worker(db_url, path, "--merge-every", "5")
    reports = [finish(p) for p in (first, second, third)]
    assert sum(r["added"] for r in reports) == len({r["article_id"] for r in records})
    assert_complete(db_url, records, expected)


def _kill_when(db_url: str, process: subprocess.Popen, articles: int) -> None:
    with open_store(db_url) as store:
        deadline = time.monotonic() + 120
        while store.counts()["articles"] < articles and process.poll() is None:
            assert time.monotonic() < deadline, "the worker stored too few articles in time"
            time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()


def test_kill_9_then_the_same_command_completes(db_url, corpus):
    path, records, expected = corpus
    open_store(db_url).close()
    rng = random.Random(5)
    for stop_at in sorted(rng.sample(range(5, 55), 3)):
        worker = start_worker(db_url, path, "--merge-every", "4", "--sleep", "0.02")
        _kill_when(db_url, worker, stop_at)
        assert worker.returncode == -signal.SIGKILL
    finish(start_worker(db_url, path, "--merge-every", "4"))
    assert_complete(db_url, records, expected)


def test_kill_9_during_a_merge(db_url, tmp_path):
    from event_factory import synthetic_records

    records, _ = synthetic_records(1500, seed=21, days=60)
    path = tmp_path / "records.json"
    path.write_text(json.dumps(records))
    expected = {frozenset(c) for c in cluster(records, load_merge_rules())}
    # Store everything unmerged, then kill the merge that ends the next run part-way through.
    finish(start_worker(db_url, path, "--merge-every", "0", "--no-final-merge"))
    with open_store(db_url) as store:
        assert store.counts()["unmerged"] == len(records)
    merger = start_worker(db_url, path, "--merge-every", "0")
    with open_store(db_url) as store:
        deadline = time.monotonic() + 120
        while store.counts()["events"] == 0 and merger.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
    merger.send_signal(signal.SIGKILL)
    merger.wait()
    with open_store(db_url) as store:
        partial = store.counts()
    assert 0 < partial["unmerged"] < len(records) or merger.returncode == 0
    finish(start_worker(db_url, path, "--merge-every", "0"))
    assert_complete(db_url, records, expected)

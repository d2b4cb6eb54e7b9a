"""Runners: results in input order whatever order workers finish in, few tasks in flight, and worker
processes giving exactly what extraction in this process gives."""

from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from eventscope.batch import (
    InProcessRunner,
    ProcessPoolRunner,
    RunStats,
    Settings,
    TaskResult,
    numbered,
    open_runner,
    run_items,
    worker_pipeline,
)
from eventscope.errors import EventscopeError
from eventscope.models import Article
from eventscope.read import ReadProblem, iter_inputs
from scale_corpus import write_corpus


class ShuffledRunner:
    """Finishes tasks in random order on threads, recording how many were ever out at once."""

    def __init__(self, workers: int = 3):
        self.workers = workers
        self.pool = ThreadPoolExecutor(workers)
        self.out = 0
        self.most_out = 0
        self.lock = threading.Lock()

    def task(self, items):
        time.sleep(random.random() / 200)
        with self.lock:
            self.out -= 1
        return TaskResult([(None, [{"article_id": i.id}], None) for i in items], "thread", 0)

    def submit(self, items):
        with self.lock:
            self.out += 1
            self.most_out = max(self.most_out, self.out)
        return self.pool.submit(self.task, items)

    def close(self):
        self.pool.shutdown()


def test_outcomes_come_in_input_order_with_problems_in_place():
    items = []
    for i in range(500):
        items.append(ReadProblem(f"in.jsonl:{i}", "bad") if i % 7 == 3 else Article(f"a{i}", f"text {i}"))
    runner = ShuffledRunner()
    stats = RunStats()
    outcomes = list(run_items(numbered(items), runner, task_articles=5, stats=stats))
    runner.close()
    assert [o.index for o in outcomes] == list(range(500))
    for outcome, item in zip(outcomes, items, strict=True):
        if isinstance(item, ReadProblem):
            assert outcome.problem is item and outcome.article is None
        else:
            assert outcome.article is item and outcome.records == [{"article_id": item.id}]
    assert runner.most_out <= 2 * runner.workers  # a bounded window, not the whole stream
    assert stats.tasks == 86  # 428 articles, 5 a task


def test_open_runner_rejects_zero_workers():
    with pytest.raises(EventscopeError, match="at least 1"):
        open_runner(0)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("corpus") / "corpus.jsonl", copies=2)


@pytest.fixture(scope="module")
def expected(corpus):
    """Each item's records as Pipeline.extract_articles gives them, in one stream."""
    pipeline = worker_pipeline(Settings())
    items = list(iter_inputs([str(corpus)]))
    articles = [i for i in items if isinstance(i, Article)]
    found = {a.id: [e.to_record() for e in events] for a, events in pipeline.extract_articles(articles)}
    return [found[i.id] if isinstance(i, Article) else i for i in items]


def outcomes_as_expected(outcomes):
    return [o.problem if o.problem is not None else o.records for o in outcomes]


def test_in_process_batches_change_nothing(corpus, expected):
    items = numbered(iter_inputs([str(corpus)], defer_html=True))
    outcomes = list(run_items(items, InProcessRunner(), task_articles=3))
    assert outcomes_as_expected(outcomes) == expected
    assert sum(len(r) for r in expected if isinstance(r, list)) > 20


def test_worker_processes_give_what_one_process_gives(corpus, expected):
    runner = ProcessPoolRunner(2, Settings())
    stats = RunStats()
    try:
        outcomes = list(run_items(numbered(iter_inputs([str(corpus)], defer_html=True)), runner, task_articles=4,
                                  stats=stats))  # fmt: skip
    finally:
        runner.close()
    assert outcomes_as_expected(outcomes) == expected
    assert 1 <= len(stats.peak_rss_kb) <= 2 and all(kb > 0 for kb in stats.peak_rss_kb.values())


class FragilePipeline:
    """Raises on any batch holding an article that says 'boom'; one event per other article."""

    def extract_articles(self, articles):
        articles = list(articles)
        for article in articles:
            if "boom" in article.text:
                raise ValueError("boom")
        for article in articles:
            yield article, [{"article_id": article.id, "event_id": f"{article.id}:0"}]


def test_an_article_whose_extraction_raises_is_skipped_and_the_rest_kept():
    items = [Article(f"a{i}", "boom" if i == 2 else f"text {i}", origin=f"in.jsonl:{i + 1}") for i in range(5)]
    outcomes = list(run_items(numbered(items), InProcessRunner(pipeline=FragilePipeline()), task_articles=5))
    assert [o.records[0]["article_id"] if o.records else None for o in outcomes] == ["a0", "a1", None, "a3", "a4"]
    assert outcomes[2].problem == ReadProblem("in.jsonl:3", "extraction failed (ValueError: boom)")


def test_a_failed_worker_is_one_line():
    class Failing:
        workers = 1

        def submit(self, items):
            raise_later = ThreadPoolExecutor(1).submit(lambda: 1 / 0)
            return raise_later

    with pytest.raises(EventscopeError, match=r"a worker failed \(ZeroDivisionError"):
        list(run_items(numbered([Article("a", "x")]), Failing()))


class LoopingPipeline:
    """Never returns from an article that says 'loop'."""

    def extract_articles(self, articles):
        for article in articles:
            while "loop" in article.text:
                time.sleep(0.01)
            yield article, [{"article_id": article.id, "event_id": f"{article.id}:0"}]


def test_an_article_that_never_finishes_is_given_up(monkeypatch):
    import eventscope.batch as batch

    monkeypatch.setattr(batch, "ARTICLE_SECONDS", 0.3)
    monkeypatch.setattr(batch, "SECONDS_PER_ARTICLE", 0.0)
    items = [Article(f"a{i}", "loop" if i == 1 else f"text {i}", origin=f"in.jsonl:{i + 1}") for i in range(3)]
    started = time.monotonic()
    outcomes = list(run_items(numbered(items), InProcessRunner(pipeline=LoopingPipeline()), task_articles=3))
    assert time.monotonic() - started < 5
    assert [bool(o.records) for o in outcomes] == [True, False, True]
    assert outcomes[1].problem.message.startswith("extraction failed (ExtractionTimeout: still running after")

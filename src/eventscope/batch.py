"""Extraction over a stream of read items, in batches: in this process or in worker processes.

Every runner takes batches of numbered items (Article, HtmlPage or ReadProblem) and yields one `Outcome`
per item, in input order, whatever order the workers finish in.  Only a few batches are in flight at a
time, so memory stays flat however long the stream.  A worker loads the pipeline once
(`worker_pipeline`) and keeps it; the gazetteer is a read-only SQLite file each process opens itself.
The Dask runner (scale.py) calls the same `extract_items` on its workers.

    with open_runner(workers=2) as runner:
        for outcome in run_items(numbered(iter_inputs(paths, defer_html=True)), runner):
            ...
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import platform
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, Protocol

from eventscope.errors import EventscopeError
from eventscope.models import Article
from eventscope.read import HtmlPage, ReadProblem, materialize

log = logging.getLogger(__name__)

Item = Article | HtmlPage | ReadProblem
# Articles per task sent to a worker: enough to fill spaCy's batches, few enough to keep all busy.
TASK_ARTICLES = 64
# A worker process is replaced after this many tasks (about 30,000 articles): spaCy's string store
# grows with every new word it sees, and a fresh process gives that memory back.
TASKS_PER_WORKER = 500
# Extraction still running after this long is given up (a bug looping on some text must not stall a
# run for ever, nor again on the rerun): 60 s, plus 2 s an article and 1 s per 5,000 characters, some 20
# times what the slowest take.  A task that runs over is redone article by article, each with its own
# limit, so only the article that loops is skipped.  Enforced where a signal can interrupt the work: a
# worker process, or the main thread of the command; Dask runs tasks in threads, where it cannot be.
ARTICLE_SECONDS = 60.0
SECONDS_PER_ARTICLE = 2.0
SECONDS_PER_CHAR = 1 / 5000


class ExtractionTimeout(Exception):
    """Raised into an extraction that ran over its time limit."""


def _time_limit(articles: list[Article]) -> float:
    return ARTICLE_SECONDS + sum(SECONDS_PER_ARTICLE + len(a.text) * SECONDS_PER_CHAR for a in articles)


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise ExtractionTimeout in this thread after `seconds`, where signals allow (else no limit)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(_signum: int, _frame: Any) -> None:
        raise ExtractionTimeout(f"still running after {seconds:.0f} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass(frozen=True, slots=True)
class Settings:
    """What a worker needs to build its pipeline; small and picklable."""

    gazetteer: str | None = None
    batch_size: int = 64  # texts per spaCy batch


@dataclass(slots=True)
class Outcome:
    """One read item after extraction: its article and event records, or the problem that skipped it."""

    index: int  # position in the input stream
    article: Article | None
    records: list[dict[str, Any]] = field(default_factory=list)
    problem: ReadProblem | None = None


@dataclass(frozen=True, slots=True)
class TaskResult:
    """What a worker sends back for one task: per item, the records or a problem; its id, peak memory and
    the CPU time the task took."""

    results: list[tuple[Article | None, list[dict[str, Any]] | None, ReadProblem | None]]
    worker: str
    peak_rss_kb: int
    cpu_seconds: float = 0.0


# --------------------------------------------------------------------------------- worker side

_PIPELINES: dict[Settings, Any] = {}
_PIPELINE_LOCK = threading.Lock()


def worker_pipeline(settings: Settings) -> Any:
    """This process's pipeline for `settings`, loaded on first use and kept (thread-safe)."""
    with _PIPELINE_LOCK:
        if settings not in _PIPELINES:
            from eventscope.api import Pipeline  # imported here: a driver without workers never loads spaCy

            _PIPELINES[settings] = Pipeline.load(settings.gazetteer, batch_size=settings.batch_size)
        return _PIPELINES[settings]


def peak_rss_kb() -> int:
    """This process's peak resident memory in KiB (0 where the platform does not tell)."""
    try:
        import resource
    except ImportError:
        return 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak  # macOS counts bytes, Linux KiB


def extract_items(items: list[Article | HtmlPage], settings: Settings) -> TaskResult:
    """Extract the events of one task's items with this process's pipeline.

    An Article comes back as None (the sender has it); an HtmlPage comes back as the Article its text
    was found in, or as a ReadProblem when it holds none.
    """
    return extract_with(worker_pipeline(settings), items)


def extract_with(pipeline: Any, items: list[Article | HtmlPage]) -> TaskResult:
    """extract_items with a given pipeline (anything with `extract_articles`).

    An article whose extraction raises is skipped as a problem naming the error, and the others of its
    task are extracted one by one: one pathological article must not stop (or, rerun, stop again) a run
    of millions.
    """
    started = time.thread_time()
    materialized = [materialize(item) for item in items]
    articles = [a for a in materialized if isinstance(a, Article)]
    with _PIPELINE_LOCK:  # a pipeline is used by one thread at a time: its builder keeps per-article state
        try:
            with time_limit(_time_limit(articles)):
                found = [[_record(e) for e in events] for _a, events in pipeline.extract_articles(articles)]
        except Exception:  # any bug in any stage, or a loop: find the article that triggers it
            found = [_extract_one(pipeline, article) for article in articles]
    results: list[tuple[Article | None, list[dict[str, Any]] | None, ReadProblem | None]] = []
    each = iter(found)
    for item, done in zip(items, materialized, strict=True):
        outcome = done if isinstance(done, ReadProblem) else next(each)
        if isinstance(outcome, ReadProblem):
            results.append((None, None, outcome))
        else:
            results.append((done if isinstance(item, HtmlPage) else None, outcome, None))  # type: ignore[arg-type]
    worker = f"{platform.node()}:{os.getpid()}"
    return TaskResult(results, worker, peak_rss_kb(), time.thread_time() - started)


def _extract_one(pipeline: Any, article: Article) -> list[dict[str, Any]] | ReadProblem:
    try:
        with time_limit(_time_limit([article])):
            return [_record(e) for _a, events in pipeline.extract_articles([article]) for e in events]
    except Exception as exc:  # reported with the article; the run goes on
        log.debug("extraction of %s failed", article.origin or article.id, exc_info=True)
        return ReadProblem(article.origin or article.id, f"extraction failed ({type(exc).__name__}: {exc})")


def _record(event: Any) -> dict[str, Any]:
    """An event's record: a ResolvedEvent's to_record(), or a record already (stand-in pipelines)."""
    return event.to_record() if hasattr(event, "to_record") else dict(event)


def _watch_parent(parent: int) -> None:
    """End this worker when the process that started it is gone (killed with -9, say)."""
    stop = threading.Event()
    while not stop.wait(1.0):
        if os.getppid() != parent:
            os._exit(1)


def _init_pool_worker(settings: Settings, parent: int) -> None:
    # Ctrl-C reaches the whole process group: the command stops the pool; a worker should not die noisily.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="eventscope-parent-watch").start()
    worker_pipeline(settings)


# --------------------------------------------------------------------------------- driver side


class Runner(Protocol):
    """Runs extract_items on batches; `submit` returns a future-like object with `result()`."""

    workers: int

    def submit(self, items: list[Article | HtmlPage]) -> Any: ...

    def close(self) -> None: ...


class _Done:
    """An already computed result, for runners that work in the calling process."""

    __slots__ = ("value",)

    def __init__(self, value: TaskResult) -> None:
        self.value = value

    def result(self) -> TaskResult:
        return self.value


class InProcessRunner:
    """Extraction in the calling process, with its own pipeline (or one given)."""

    workers = 1

    def __init__(self, settings: Settings = Settings(), pipeline: Any = None) -> None:  # noqa: B008 - frozen
        self.settings = settings
        self.pipeline = pipeline

    def submit(self, items: list[Article | HtmlPage]) -> _Done:
        if self.pipeline is None:
            self.pipeline = worker_pipeline(self.settings)
        return _Done(extract_with(self.pipeline, items))

    def close(self) -> None:
        return None


class ProcessPoolRunner:
    """Extraction in `workers` processes, each loading the pipeline once when it starts."""

    def __init__(self, workers: int, settings: Settings = Settings()) -> None:  # noqa: B008 - frozen
        import multiprocessing

        self.workers = workers
        self.settings = settings
        # spawn, not fork: the driver may hold database connections and threads a fork would copy.
        self._pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_pool_worker,
            initargs=(settings, os.getpid()),
            max_tasks_per_child=TASKS_PER_WORKER,
        )

    def submit(self, items: list[Article | HtmlPage]) -> Future:
        return self._pool.submit(extract_items, items, self.settings)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def open_runner(workers: int = 1, settings: Settings = Settings(), pipeline: Any = None) -> Runner:  # noqa: B008
    """A runner for `workers` local processes: this process itself for one."""
    if workers < 1:
        raise EventscopeError(f"--workers must be at least 1, not {workers}")
    if workers == 1:
        return InProcessRunner(settings, pipeline)
    return ProcessPoolRunner(workers, settings)


@dataclass(slots=True)
class RunStats:
    """Worker facts gathered over a run: tasks done, their CPU time, and peak memory per worker."""

    tasks: int = 0
    cpu_seconds: float = 0.0
    peak_rss_kb: dict[str, int] = field(default_factory=dict)

    def add(self, result: TaskResult) -> None:
        self.tasks += 1
        self.cpu_seconds += result.cpu_seconds
        self.peak_rss_kb[result.worker] = max(self.peak_rss_kb.get(result.worker, 0), result.peak_rss_kb)


def numbered(items: Iterable[Item], start: int = 0) -> Iterator[tuple[int, Item]]:
    """Items with their position in the input stream."""
    return zip(itertools.count(start), items)


def run_items(
    items: Iterable[tuple[int, Item]],
    runner: Runner,
    *,
    task_articles: int = TASK_ARTICLES,
    in_flight: int | None = None,
    stats: RunStats | None = None,
) -> Iterator[Outcome]:
    """Each numbered item's Outcome, in input order, with at most `in_flight` tasks out at a time."""
    window = in_flight or 2 * runner.workers
    pending: deque[tuple[list[tuple[int, Item]], Any]] = deque()
    stream = iter(items)
    try:
        while True:
            while len(pending) < window:
                batch = _take_task(stream, task_articles)
                if not batch:
                    break
                work = [item for _i, item in batch if not isinstance(item, ReadProblem)]
                pending.append((batch, runner.submit(work) if work else None))
            if not pending:
                return
            batch, future = pending.popleft()
            yield from _outcomes(batch, _result(future) if future is not None else None, stats)
    finally:
        for _batch, future in pending:
            if future is not None and hasattr(future, "cancel"):
                future.cancel()


def _take_task(stream: Iterator[tuple[int, Item]], size: int) -> list[tuple[int, Item]]:
    """Up to `size` articles (with any problems between them) from the stream."""
    batch: list[tuple[int, Item]] = []
    articles = 0
    for numbered_item in stream:
        batch.append(numbered_item)
        if not isinstance(numbered_item[1], ReadProblem):
            articles += 1
            if articles >= size:
                break
    return batch


def _result(future: Any) -> TaskResult:
    """A task's result; a worker or cluster that failed is one line (extraction errors never get here)."""
    try:
        return future.result()
    except BrokenProcessPool:
        raise EventscopeError(
            "a worker process died (out of memory?); run the same command again to finish, or use fewer --workers"
        ) from None
    except EventscopeError:
        raise
    except Exception as exc:  # Dask raises many types for a lost worker or scheduler
        raise EventscopeError(
            f"a worker failed ({type(exc).__name__}: {exc}); run the same command again to finish"
        ) from None


def _outcomes(batch: list[tuple[int, Item]], result: TaskResult | None, stats: RunStats | None) -> Iterator[Outcome]:
    done = iter(result.results) if result is not None else iter(())
    if result is not None and stats is not None:
        stats.add(result)
    for index, item in batch:
        if isinstance(item, ReadProblem):
            yield Outcome(index, None, [], item)
            continue
        article, records, problem = next(done)
        if problem is not None:
            yield Outcome(index, None, [], problem)
        else:
            yield Outcome(index, article if article is not None else item, records or [])  # type: ignore[arg-type]

"""Batch extract runs: the inputs streamed through a runner into one output or a partitioned directory.

`extract_records` yields the event records of every article in input order (for one file or stdout);
`extract_partitions` writes them a partition at a time and resumes a run a crash interrupted.  Both
count what they did into a `RunSummary`; `progress` hears of every item as it is done.  The runner
decides where extraction happens: this process, worker processes (batch.py) or Dask (scale.py).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from eventscope.batch import TASK_ARTICLES, Item, Outcome, Runner, RunStats, numbered, run_items
from eventscope.errors import InputError
from eventscope.export.partitions import PartitionedOutput
from eventscope.read import ReadProblem, iter_inputs

log = logging.getLogger(__name__)


class ProgressSink(Protocol):
    """Hears of each input item done: an article (with its events) or a skipped record."""

    def advance(self, items: int = 1, events: int = 0) -> None: ...


@dataclass(slots=True)
class RunSummary:
    """What a run did; after a resume the counts include the partitions done before."""

    articles: int = 0
    events: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)  # (origin, message) of skipped inputs
    resumed_partitions: int = 0  # partitions an earlier run had written
    resumed_items: int = 0
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None
    stats: RunStats = field(default_factory=RunStats)

    @property
    def seconds(self) -> float:
        return (self.finished or time.monotonic()) - self.started

    def count(self, outcome: Outcome, progress: ProgressSink | None) -> None:
        if outcome.problem is not None:
            log.warning("skipped %s", outcome.problem)
            self.problems.append((outcome.problem.origin, outcome.problem.message))
        else:
            self.articles += 1
            self.events += len(outcome.records)
        if progress is not None:
            progress.advance(1, len(outcome.records))


def read_items(inputs: Iterable[str], published: dt.date | None, strict: bool = False) -> Iterator[Item]:
    """The read items of the inputs, HTML pages left for the workers; `strict` raises on the first problem."""
    for item in iter_inputs(inputs, published, defer_html=True):
        if strict and isinstance(item, ReadProblem):
            raise InputError(str(item))
        yield item


def extract_records(
    inputs: Iterable[str],
    runner: Runner,
    *,
    published: dt.date | None = None,
    strict: bool = False,
    summary: RunSummary | None = None,
    progress: ProgressSink | None = None,
    task_articles: int = TASK_ARTICLES,
) -> Iterator[dict[str, Any]]:
    """Every article's event records, in input order.  Skipped inputs go to summary.problems, or with
    `strict` (a single input) raise InputError."""
    summary = summary if summary is not None else RunSummary()
    items = numbered(read_items(inputs, published, strict))
    for outcome in run_items(items, runner, task_articles=task_articles, stats=summary.stats):
        if strict and outcome.problem is not None:
            raise InputError(str(outcome.problem))
        summary.count(outcome, progress)
        yield from outcome.records
    summary.finished = time.monotonic()


def extract_partitions(
    inputs: Iterable[str],
    output: PartitionedOutput,
    runner: Runner,
    *,
    published: dt.date | None = None,
    summary: RunSummary | None = None,
    progress: ProgressSink | None = None,
    task_articles: int = TASK_ARTICLES,
) -> RunSummary:
    """Write the events of every partition of the inputs not written yet; see export/partitions.py.

    A task never holds more articles than a partition, so partitions are finished (and safe) one by one.
    """
    summary = summary if summary is not None else RunSummary()
    for manifest in output.done.values():
        summary.articles += manifest.articles
        summary.events += manifest.events
        summary.problems.extend(manifest.problems)
        summary.resumed_partitions += 1
        summary.resumed_items += manifest.items

    def pending() -> Iterator[tuple[int, Item]]:
        for index, item in numbered(read_items(inputs, published)):
            if output.partition_of(index) not in output.done:
                yield index, item

    part: _Partition | None = None
    task_articles = min(task_articles, output.partition_size)
    for outcome in run_items(pending(), runner, task_articles=task_articles, stats=summary.stats):
        number = output.partition_of(outcome.index)
        if part is not None and part.number != number:
            part.write(output)
            part = None
        if part is None:
            part = _Partition(number, outcome.index)
        part.add(outcome)
        summary.count(outcome, progress)
        if part.items == output.partition_size:
            part.write(output)
            part = None
    if part is not None:
        part.write(output)
    summary.finished = time.monotonic()
    return summary


@dataclass(slots=True)
class _Partition:
    """The outcomes of one partition, gathered until it is complete."""

    number: int
    first: int
    items: int = 0
    articles: int = 0
    records: list[dict[str, Any]] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        self.items += 1
        if outcome.problem is not None:
            self.problems.append((outcome.problem.origin, outcome.problem.message))
        else:
            self.articles += 1
            self.records.extend(outcome.records)

    def write(self, output: PartitionedOutput) -> None:
        output.write(self.number, self.first, self.items, self.articles, self.records, self.problems)

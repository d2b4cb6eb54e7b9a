"""Ingest: read articles, extract the events of those not stored yet, store them, merge across articles.

Extraction runs in this process (`pipeline`) or, given a `runner` (batch.py, scale.py), in worker
processes or on Dask; either way the articles are stored in input order, one transaction each, and
the merge runs in this process, so the store ends up the same.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Protocol

from eventscope.models import Article, ResolvedEvent
from eventscope.read import HtmlPage, ReadProblem, iter_inputs
from eventscope.store.base import IngestReport, Store

if TYPE_CHECKING:
    from eventscope.batch import Runner, RunStats

log = logging.getLogger(__name__)


class Extractor(Protocol):
    """What ingest needs of extraction: eventscope.api.Pipeline, or a stand-in in tests."""

    def extract_articles(self, articles: Iterable[Article]) -> Iterator[tuple[Article, list[ResolvedEvent]]]: ...


def load_default_pipeline() -> Extractor:
    """The extraction pipeline with the default model and gazetteer."""
    # Imported here: loading spaCy takes seconds and only a new article needs it.
    from eventscope.api import Pipeline

    return Pipeline.load()


def ingest(
    inputs: Iterable[str],
    store: Store,
    *,
    published: dt.date | None = None,
    pipeline: Extractor | Callable[[], Extractor] = load_default_pipeline,
    merge_every: int = 500,
    progress: Callable[[IngestReport], None] | None = None,
    runner: Runner | Callable[[], Runner] | None = None,
    stats: RunStats | None = None,
    task_articles: int | None = None,
) -> IngestReport:
    """Add the articles of `inputs` (files, directories, JSONL, '-') to the store and merge their events.

    Articles already stored (same id, url or text) are skipped before extraction; unreadable records
    are skipped and listed in the report's problems.  `pipeline` is a loaded pipeline or a function that
    loads one, called only when there is a new article.  The final merge also places mentions an
    interrupted earlier ingest left unmerged, so running the same command again completes it.

    With `runner` (a batch.Runner, or a function that opens one, called only when there is a new
    article and closed at the end) extraction runs there instead of `pipeline`, `task_articles` at a
    time; `stats` gathers its workers' facts.  `progress` is called with the report after each input record.
    """
    if runner is not None:
        return _ingest_with_runner(inputs, store, published, runner, merge_every, progress, stats, task_articles)
    report = IngestReport()

    def new_articles() -> Iterator[Article]:
        for item in iter_inputs(inputs, published):
            if isinstance(item, ReadProblem):
                log.warning("skipped %s", item)
                report.problems.append((item.origin, item.message))
            elif store.has_article(item):
                # Stored already: nothing to extract; another id of it is kept as an alias.
                store.add_article(item, ())
                report.articles_duplicate += 1
            else:
                yield item
                continue
            if progress is not None:
                progress(report)

    articles = new_articles()
    first = next(articles, None)
    if first is None:
        report.events_changed += store.merge().events_written
        return report
    loaded = pipeline if hasattr(pipeline, "extract_articles") else pipeline()  # type: ignore[operator]
    extracted = loaded.extract_articles(itertools.chain([first], articles))
    return store.add_articles_and_mentions(extracted, merge_every, report=report, progress=progress)


def _probe(item: Article | HtmlPage) -> Article:
    """What the store can check of an item before extraction: an HtmlPage by its id and url."""
    if isinstance(item, Article):
        return item
    # The page's HTML stands in for its text: it matches no stored text, so only the id and url decide.
    return Article(item.article_id or "", item.html, item.title, item.published, item.source, item.url, item.origin)


def _ingest_with_runner(
    inputs: Iterable[str],
    store: Store,
    published: dt.date | None,
    runner: Runner | Callable[[], Runner],
    merge_every: int,
    progress: Callable[[IngestReport], None] | None,
    stats: RunStats | None,
    task_articles: int | None,
) -> IngestReport:
    from eventscope.batch import TASK_ARTICLES, numbered, run_items

    report = IngestReport()

    def new_items() -> Iterator[Article | HtmlPage | ReadProblem]:
        for item in iter_inputs(inputs, published, defer_html=True):
            if isinstance(item, ReadProblem):
                yield item
                continue
            probe = _probe(item)
            if not store.has_article(probe):
                yield item
                continue
            store.add_article(probe, ())
            report.articles_duplicate += 1
            if progress is not None:
                progress(report)

    items = new_items()
    first = next(items, None)
    if first is None:
        report.events_changed += store.merge().events_written
        return report
    opened = runner if hasattr(runner, "submit") else runner()  # type: ignore[operator]

    def extracted() -> Iterator[tuple[Article, list]]:
        stream = numbered(itertools.chain([first], items))
        for outcome in run_items(stream, opened, task_articles=task_articles or TASK_ARTICLES, stats=stats):
            if outcome.problem is None and outcome.article is not None:
                yield outcome.article, outcome.records
                continue
            if outcome.problem is not None:
                log.warning("skipped %s", outcome.problem)
                report.problems.append((outcome.problem.origin, outcome.problem.message))
            if progress is not None:
                progress(report)

    try:
        return store.add_articles_and_mentions(extracted(), merge_every, report=report, progress=progress)
    finally:
        if opened is not runner:
            opened.close()

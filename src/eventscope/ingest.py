"""Ingest: read articles, extract the events of those not stored yet, store them, merge across articles."""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Protocol

from eventscope.models import Article, ResolvedEvent
from eventscope.read import ReadProblem, iter_inputs
from eventscope.store.base import IngestReport, Store

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
) -> IngestReport:
    """Add the articles of `inputs` (files, directories, JSONL, '-') to the store and merge their events.

    Articles already stored (same id, url or text) are skipped before extraction; unreadable records
    are skipped and listed in the report's problems.  `pipeline` is a loaded pipeline or a function that
    loads one, called only when there is a new article.  The final merge also places mentions an
    interrupted earlier ingest left unmerged, so running the same command again completes it.
    """
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

    articles = new_articles()
    first = next(articles, None)
    if first is None:
        report.events_changed += store.merge().events_written
        return report
    loaded = pipeline if hasattr(pipeline, "extract_articles") else pipeline()  # type: ignore[operator]
    extracted = loaded.extract_articles(itertools.chain([first], articles))
    return store.add_articles_and_mentions(extracted, merge_every, report=report, progress=progress)

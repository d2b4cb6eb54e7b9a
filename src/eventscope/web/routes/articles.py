"""POST /api/articles: extract, store and merge new articles (needs the API token)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Response

from eventscope.errors import InputError
from eventscope.ingest import Extractor
from eventscope.read import article_from_record
from eventscope.store import IngestReport, Store
from eventscope.web.deps import CacheDep, StoreDep, get_pipeline, require_token
from eventscope.web.errors import ApiError
from eventscope.web.schemas import ArticleIn, ArticlesIn, ErrorResponse, IngestResult

router = APIRouter(prefix="/api/articles", tags=["articles"])
# One ingest at a time per app: the spaCy pipeline is not shared between threads.
_write_lock = threading.Lock()


@router.post(
    "",
    response_model=IngestResult,
    status_code=201,
    dependencies=[Depends(require_token)],
    responses={
        200: {"model": IngestResult, "description": "Nothing new: every article was stored already or skipped."},
        **{status: {"model": ErrorResponse} for status in (401, 403, 413, 422)},
    },
)
def post_articles(
    response: Response,
    store: StoreDep,
    cache: CacheDep,
    pipeline: Annotated[Callable[[], Extractor], Depends(get_pipeline)],
    payload: Annotated[ArticleIn | ArticlesIn, Body(description="One article, or {\"articles\": [...]}.")],
) -> IngestResult:
    """Code the events of new articles, store them and merge them into the stored events.

    Articles already stored (same id, url or text) are not extracted again; an article that cannot be read
    is skipped and listed in `problems`.
    """
    with _write_lock:
        report = _ingest(store, pipeline, payload.articles if isinstance(payload, ArticlesIn) else [payload])
    cache.clear()
    if not report.articles_added:
        response.status_code = 200
    return IngestResult(
        articles_added=report.articles_added,
        articles_duplicate=report.articles_duplicate,
        mentions_added=report.mentions_added,
        events_changed=report.events_changed,
        problems=[{"origin": o, "message": m} for o, m in report.problems],  # type: ignore[misc]
    )


def _ingest(store: Store, pipeline: Callable[[], Extractor], items: list[ArticleIn]) -> IngestReport:
    """Read, extract, store and merge, as eventscope.ingest does for files."""
    report = IngestReport()
    articles = []
    for i, item in enumerate(items):
        origin = f"articles[{i}]" + (f" ({item.id})" if item.id else "")
        try:
            articles.append(article_from_record(item.model_dump(exclude_none=True), origin))
        except InputError as problem:
            report.problems.append((origin, str(problem)))
    if not articles and len(items) == 1:
        raise ApiError(422, report.problems[0][1])
    new = []
    for article in articles:
        if store.has_article(article):
            store.add_to_report(report, article, ())
        else:
            new.append(article)
    if new:
        store.add_articles_and_mentions(pipeline().extract_articles(new), report=report)
    else:
        report.events_changed += store.merge().events_written
    return report


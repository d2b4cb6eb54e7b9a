"""GET /api/events (filtered, sorted, paged by cursor) and GET /api/events/{event_id} (with evidence)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from eventscope.store import SORT_FIELDS
from eventscope.web.deps import CacheDep, FilterDep, SettingsDep, StoreDep
from eventscope.web.errors import ApiError
from eventscope.web.responses import json_response
from eventscope.web.schemas import ErrorResponse, EventDetail, EventPage, Explanation

router = APIRouter(prefix="/api/events", tags=["events"])
SORT_PATTERN = "^-?(" + "|".join(SORT_FIELDS) + ")$"
ERRORS = {400: {"model": ErrorResponse}, 422: {"model": ErrorResponse}}
EventId = Annotated[str, Path(max_length=64, description="A merged event's id, e.g. AFG-16b6c9ee8e.")]


@router.get("", response_model=EventPage, responses=ERRORS)
def list_events(
    store: StoreDep,
    settings: SettingsDep,
    cache: CacheDep,
    filters: FilterDep,
    sort: Annotated[str, Query(pattern=SORT_PATTERN, description="A field, '-' first for descending: "
                               + ", ".join(SORT_FIELDS))] = "-event_date",  # fmt: skip
    cursor: Annotated[str | None, Query(max_length=1000, description="next_cursor of the page before.")] = None,
    limit: Annotated[int, Query(ge=1, description="Events per page (at most the server's max_page_size).")] = 50,
) -> Response:
    """Merged events matching the filters, one page at a time (evidence left out: see the event itself)."""
    if limit > settings.max_page_size:
        raise ApiError(422, f"limit: at most {settings.max_page_size} events a page")

    def page() -> bytes:
        found = store.query_events(filters, sort=sort, cursor=cursor or None, limit=limit)
        # The store's own records, encoded as they are (EventPage documents them): a page of 50 would
        # otherwise be validated field by field on every request.
        return json_response({"items": found.items, "next_cursor": found.next_cursor}).body

    # Pages are cached like the aggregates: the dashboards of a team open the same first pages.
    return json_response(cache.get(("events", filters, sort, cursor, limit), page))


@router.get("/{event_id}", response_model=EventDetail, responses={404: {"model": ErrorResponse}})
def get_event(store: StoreDep, event_id: EventId) -> EventDetail:
    """One merged event: its fields with evidence, each source article's report and the article texts."""
    detail = store.get_event(event_id)
    if detail is None:
        raise ApiError(404, f"no event {event_id!r}")
    return EventDetail(event=detail.event, mentions=detail.mentions, articles=detail.articles)  # type: ignore[arg-type]


@router.get("/{event_id}/explain", response_model=Explanation, responses={404: {"model": ErrorResponse}})
def explain_event(store: StoreDep, event_id: EventId) -> Explanation:
    """Why the event's reports were merged (every pair's checks), and the nearby reports kept apart."""
    explanation = store.explain(event_id)
    if explanation is None:
        raise ApiError(404, f"no event {event_id!r}")
    return explanation.to_dict()

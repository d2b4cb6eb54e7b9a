"""GET /api/stats: counts and fatalities overall, by day, by day and type, by type and by country."""

from __future__ import annotations

from fastapi import APIRouter, Response

from eventscope.web.deps import CacheDep, FilterDep, StoreDep
from eventscope.web.responses import json_response
from eventscope.web.schemas import ErrorResponse, Stats

router = APIRouter(prefix="/api/stats", tags=["stats"])


@router.get("", response_model=Stats, responses={422: {"model": ErrorResponse}})
def get_stats(store: StoreDep, cache: CacheDep, filters: FilterDep) -> Response:
    """Aggregates of the events matching the filters, computed by the database (cached for a few seconds)."""
    # The encoded body is cached: a year of days by type is thousands of rows, costly to encode again.
    return json_response(cache.get(("stats", filters), lambda: json_response(store.stats(filters).to_dict()).body))

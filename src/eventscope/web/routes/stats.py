"""GET /api/stats: counts and fatalities overall, by day, by day and type, by type and by country."""

from __future__ import annotations

from fastapi import APIRouter, Response

from eventscope.web.deps import CacheDep, FilterDep, StoreDep
from eventscope.web.responses import encode, json_response
from eventscope.web.schemas import ErrorResponse, Stats

router = APIRouter(prefix="/api/stats", tags=["stats"])


@router.get("", response_model=Stats, responses={422: {"model": ErrorResponse}})
def get_stats(store: StoreDep, cache: CacheDep, filters: FilterDep) -> Response:
    """Aggregates of the events matching the filters, computed by the database (cached for a few seconds)."""
    # The encoded body is cached: a year of days by type is thousands of rows, costly to encode again.  The
    # Stats dataclass is encoded as it is (orjson writes dataclasses field by field, dates as YYYY-MM-DD):
    # the same JSON as Stats.to_dict(), without building thousands of dicts first.
    return json_response(cache.get(("stats", filters), lambda: encode(store.stats(filters))))

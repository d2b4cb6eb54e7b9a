"""GET /api/stats: counts and fatalities overall, by day, by day and type, by type and by country."""

from __future__ import annotations

from fastapi import APIRouter

from eventscope.web.deps import CacheDep, FilterDep, StoreDep
from eventscope.web.schemas import ErrorResponse, Stats

router = APIRouter(prefix="/api/stats", tags=["stats"])


@router.get("", response_model=Stats, responses={422: {"model": ErrorResponse}})
def get_stats(store: StoreDep, cache: CacheDep, filters: FilterDep) -> Stats:
    """Aggregates of the events matching the filters, computed by the database (cached for a few seconds)."""
    stats = cache.get(("stats", filters), lambda: store.stats(filters))
    return stats.to_dict()

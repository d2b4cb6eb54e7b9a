"""GET /api/map: what the dashboard's map draws, aggregated on the server so it stays small."""

from __future__ import annotations

import dataclasses
from typing import Annotated

from fastapi import APIRouter, Query, Response

from eventscope.web.deps import CacheDep, FilterDep, SettingsDep, StoreDep, parse_bbox
from eventscope.web.responses import json_response
from eventscope.web.schemas import ErrorResponse, MapLayer

router = APIRouter(prefix="/api/map", tags=["map"])


@router.get("", response_model=MapLayer, responses={422: {"model": ErrorResponse}})
def get_map(
    store: StoreDep,
    settings: SettingsDep,
    cache: CacheDep,
    filters: FilterDep,
    view: Annotated[str | None, Query(max_length=100, description="The visible box, as bbox.")] = None,
    cell: Annotated[float, Query(gt=0.001, le=90, description="Grid cell size in degrees when events are many.")] = 2.0,
) -> Response:
    """The located events in view: each one when there are at most map_max_points, else counts per cell."""
    within = parse_bbox(view, "view")

    def layer() -> dict:
        points = store.event_points(filters, settings.map_max_points + 1, within)
        if len(points) <= settings.map_max_points:
            rows = [dataclasses.asdict(p) for p in points]
            for row in rows:
                row["event_date"] = row["event_date"].isoformat() if row["event_date"] else None
            return {"mode": "points", "cell": None, "points": rows, "cells": []}
        cells = store.event_grid(filters, cell, within)
        return {"mode": "grid", "cell": cell, "points": [], "cells": [dataclasses.asdict(c) for c in cells]}

    return json_response(cache.get(("map", filters, within, cell), lambda: json_response(layer()).body))

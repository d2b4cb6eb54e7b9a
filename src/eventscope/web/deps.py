"""Dependencies the routes declare: the store, the settings, the token check, the event filters.

They are coroutines although none of them waits for anything: FastAPI runs a plain function dependency on
a worker thread, and a thread hop per dependency cost more than the whole of their work.  Tests replace
any of them with `app.dependency_overrides`.
"""

from __future__ import annotations

import datetime as dt
import hmac
import math
import threading
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Header, Query, Request

from eventscope.ingest import Extractor, load_default_pipeline
from eventscope.store import EventFilter, Store
from eventscope.store.base import BBox
from eventscope.web.cache import ResponseCache
from eventscope.web.errors import ApiError
from eventscope.web.settings import TOKEN_ENV, Settings

TEXT_LIMIT = 200  # characters in a text filter: longer is a mistake, not a search


async def get_store(request: Request) -> Store:
    return request.app.state.store


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_cache(request: Request) -> ResponseCache:
    return request.app.state.cache


_pipeline_lock = threading.Lock()


async def get_pipeline(request: Request) -> Callable[[], Extractor]:
    """A loader of the extraction pipeline: loaded when a new article needs it (spaCy takes seconds), then kept."""
    state = request.app.state

    def load() -> Extractor:
        with _pipeline_lock:
            if getattr(state, "pipeline", None) is None:
                state.pipeline = load_default_pipeline()
            return state.pipeline

    return load


async def require_token(
    settings: Annotated[Settings, Depends(get_settings)],
    authorization: Annotated[str | None, Header(description="`Bearer TOKEN`: the server's API token.")] = None,
) -> None:
    """Writes need the configured token; with none configured the API is read-only."""
    if settings.api_token is None:
        raise ApiError(403, f"this server is read-only: start it with --token or {TOKEN_ENV} to accept articles")
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), settings.api_token.encode()):
        raise ApiError(401, "a valid API token is needed: send `Authorization: Bearer TOKEN`",
                       headers={"WWW-Authenticate": "Bearer"})  # fmt: skip


def parse_bbox(value: str | None, name: str = "bbox") -> BBox | None:
    """MIN_LON,MIN_LAT,MAX_LON,MAX_LAT in degrees (MIN_LON > MAX_LON: across the antimeridian)."""
    if value is None or not value.strip():
        return None
    try:
        box = tuple(float(part) for part in value.split(","))
    except ValueError:
        box = ()
    if (
        len(box) != 4
        or not all(math.isfinite(v) for v in box)
        or not (-180 <= box[0] <= 180 and -180 <= box[2] <= 180 and -90 <= box[1] <= box[3] <= 90)
    ):
        raise ApiError(422, f"{name}: expected MIN_LON,MIN_LAT,MAX_LON,MAX_LAT in degrees")
    return box  # type: ignore[return-value]


def _text(description: str):  # noqa: ANN202 - a Query() default
    return Query(description=description, max_length=TEXT_LIMIT)


async def event_filter(
    country: Annotated[str | None, _text("ISO3 code or country name, any case.")] = None,
    since: Annotated[dt.date | None, Query(description="Events on or after this day (YYYY-MM-DD).")] = None,
    until: Annotated[dt.date | None, Query(description="Events on or before this day (YYYY-MM-DD).")] = None,
    event_type: Annotated[str | None, _text("An ACLED event type or sub-event type.")] = None,
    sub_event_type: Annotated[str | None, _text("An ACLED sub-event type.")] = None,
    admin1: Annotated[str | None, _text("First-level administrative division, e.g. Borno.")] = None,
    actor: Annotated[str | None, _text("Part of any actor's name.")] = None,
    min_fatalities: Annotated[int | None, Query(ge=0, le=10_000_000, description="At least this many deaths.")] = None,
    bbox: Annotated[str | None, Query(max_length=100, description="MIN_LON,MIN_LAT,MAX_LON,MAX_LAT.")] = None,
    text: Annotated[str | None, _text("Part of the notes, place, country or actor names.")] = None,
) -> EventFilter:
    """The event filters every list, stats, map and export request takes."""
    if since and until and since > until:
        raise ApiError(422, f"since: {since} is after until {until}")
    blank = lambda value: value if value and value.strip() else None  # noqa: E731 - an empty form field is no filter
    return EventFilter(
        country=blank(country), since=since, until=until, event_type=blank(event_type),
        sub_event_type=blank(sub_event_type), admin1=blank(admin1), actor=blank(actor),
        min_fatalities=min_fatalities, bbox=parse_bbox(bbox), text=blank(text),
    )  # fmt: skip


StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
CacheDep = Annotated[ResponseCache, Depends(get_cache)]
FilterDep = Annotated[EventFilter, Depends(event_filter)]

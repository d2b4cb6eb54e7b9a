"""GET /api/meta: what this server offers (types for the filter menus, formats, limits, writable or not)."""

from __future__ import annotations

import functools

from fastapi import APIRouter

from eventscope import __version__
from eventscope.export.files import FORMATS
from eventscope.nlp.event_rules import load_event_rules
from eventscope.store import SORT_FIELDS
from eventscope.web.deps import SettingsDep
from eventscope.web.schemas import Meta

router = APIRouter(prefix="/api/meta", tags=["meta"])

# ACLED's order of event types (the codebook's).
EVENT_TYPES = ("Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots",
               "Strategic developments")  # fmt: skip


@functools.cache
def event_types() -> dict[str, list[str]]:
    """ACLED's event types with their sub-event types, from the event type rules."""
    grouped: dict[str, list[str]] = {name: [] for name in EVENT_TYPES}
    for sub_event_type, (event_type, _disorder) in load_event_rules().types.items():
        grouped.setdefault(event_type, []).append(sub_event_type)
    return {name: sorted(subs) for name, subs in grouped.items()}


@router.get("", response_model=Meta)
def get_meta(settings: SettingsDep) -> Meta:
    """Names and limits for clients: event types and sub-types, sort fields, export formats, page and map sizes."""
    return Meta(
        name="eventscope",
        version=__version__,
        writable=settings.api_token is not None,
        event_types=event_types(),
        sort_fields=list(SORT_FIELDS),
        export_formats=list(FORMATS),
        map_max_points=settings.map_max_points,
        max_page_size=settings.max_page_size,
    )

"""The event store: articles, their event mentions and the merged events, on SQLite or PostgreSQL."""

from eventscope.store.base import (
    SORT_FIELDS,
    DayTypeCount,
    EventDetail,
    EventFilter,
    GridCell,
    GroupCount,
    IngestReport,
    MapPoint,
    MergeReport,
    Page,
    Stats,
    Store,
)
from eventscope.store.engine import DEFAULT_DB, ENV_VAR, database_url
from eventscope.store.sql import SqlStore, open_store

__all__ = [
    "DEFAULT_DB",
    "ENV_VAR",
    "SORT_FIELDS",
    "DayTypeCount",
    "EventDetail",
    "EventFilter",
    "GridCell",
    "GroupCount",
    "IngestReport",
    "MapPoint",
    "MergeReport",
    "Page",
    "SqlStore",
    "Stats",
    "Store",
    "database_url",
    "open_store",
]

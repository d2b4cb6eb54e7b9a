"""The store interface: what ingest, the CLI, the web app and the scale runner call, and its records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from eventscope.merge import Explanation
from eventscope.models import Article, ResolvedEvent

# Event records as ResolvedEvent.to_record() gives them are accepted wherever events are.
EventLike = ResolvedEvent | Mapping[str, Any]

# min_lon, min_lat, max_lon, max_lat in degrees; min_lon > max_lon crosses the antimeridian.
BBox = tuple[float, float, float, float]
SORT_FIELDS = ("event_date", "fatalities", "n_articles", "country", "event_type", "location")


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Which merged events a query, an export or a stats call covers; None means any."""

    country: str | None = None  # ISO3 code or country name, any case
    since: dt.date | None = None  # event_date on or after
    until: dt.date | None = None  # event_date on or before
    event_type: str | None = None  # an event type or a sub-event type, any case
    sub_event_type: str | None = None
    admin1: str | None = None
    actor: str | None = None  # part of actor1, actor2 or an associated actor's name
    min_fatalities: int | None = None
    bbox: BBox | None = None
    text: str | None = None  # part of the notes, location, admin1, country or an actor's name


ALL_EVENTS = EventFilter()


@dataclass(frozen=True, slots=True)
class Page:
    """One page of merged events and the cursor of the next page (None on the last)."""

    items: list[dict[str, Any]]
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class EventDetail:
    """One merged event with everything behind it."""

    event: dict[str, Any]  # the merged record, with evidence
    mentions: list[dict[str, Any]]  # each article's own event record, with its evidence
    articles: list[dict[str, Any]]  # article_id, title, source, url, published, text


@dataclass(frozen=True, slots=True)
class GroupCount:
    """Events and fatalities in one group (a day, a type, a country)."""

    key: str
    events: int
    fatalities: int
    label: str | None = None  # e.g. the country name for an ISO3 key


@dataclass(frozen=True, slots=True)
class DayTypeCount:
    day: dt.date
    event_type: str
    events: int
    fatalities: int


@dataclass(frozen=True, slots=True)
class Stats:
    """Aggregates over the filtered events, computed in SQL."""

    events: int
    fatalities: int
    by_day: list[GroupCount]  # key: YYYY-MM-DD, ascending; undated events are left out
    by_day_type: list[DayTypeCount]
    by_type: list[GroupCount]
    by_country: list[GroupCount]  # key: ISO3, label: country name

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready; built field by field (dataclasses.asdict deep-copies, slow for years of days)."""

        def groups(rows: list[GroupCount]) -> list[dict[str, Any]]:
            return [{"key": g.key, "events": g.events, "fatalities": g.fatalities, "label": g.label} for g in rows]

        return {
            "events": self.events,
            "fatalities": self.fatalities,
            "by_day": groups(self.by_day),
            "by_day_type": [
                {"day": r.day.isoformat(), "event_type": r.event_type, "events": r.events, "fatalities": r.fatalities}
                for r in self.by_day_type
            ],
            "by_type": groups(self.by_type),
            "by_country": groups(self.by_country),
        }


@dataclass(frozen=True, slots=True)
class MapPoint:
    """One located event, with just what a map draws and labels."""

    event_id: str
    latitude: float
    longitude: float
    event_type: str
    sub_event_type: str
    fatalities: int
    event_date: dt.date | None
    location: str | None


@dataclass(frozen=True, slots=True)
class GridCell:
    """The located events in one cell of a latitude-longitude grid, for a map of many events."""

    latitude: float  # the mean position of its events
    longitude: float
    events: int
    fatalities: int
    by_type: dict[str, int]  # events per event type


@dataclass(slots=True)
class IngestReport:
    """What an ingest did; problems are the skipped inputs with their reasons."""

    articles_added: int = 0
    articles_duplicate: int = 0
    mentions_added: int = 0
    events_changed: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)  # (origin, message)


@dataclass(frozen=True, slots=True)
class MergeReport:
    """What one merge pass changed."""

    mentions: int = 0  # mentions (re)placed
    events_written: int = 0
    events_removed: int = 0


class Store(Protocol):
    """An event store: articles, their event mentions, and the merged events."""

    url: str  # for messages; passwords hidden

    def close(self) -> None: ...

    def has_article(self, article: Article) -> bool:
        """Is an article with this id, url or text stored already?"""
        ...

    def add_article(self, article: Article, events: Sequence[EventLike]) -> bool:
        """Store one article and its event mentions in one transaction; False if it was there already."""
        ...

    def add_articles_and_mentions(
        self,
        items: Iterable[tuple[Article, Sequence[EventLike]]],
        merge_every: int = 500,
        report: IngestReport | None = None,
        progress: Callable[[IngestReport], None] | None = None,
    ) -> IngestReport:
        """Store many articles (each in its own transaction), merging every `merge_every` and at the end."""
        ...

    def merge(self) -> MergeReport:
        """Place every not-yet-merged mention into merged events (re-merging the events it touches)."""
        ...

    def remerge(self) -> MergeReport:
        """Recompute every merged event from the mentions."""
        ...

    def query_events(
        self,
        filters: EventFilter = ALL_EVENTS,
        sort: str = "-event_date",
        cursor: str | None = None,
        limit: int = 50,
    ) -> Page:
        """A page of merged events (without evidence), sorted by one of SORT_FIELDS ("-" for descending)."""
        ...

    def count_events(self, filters: EventFilter = ALL_EVENTS) -> int: ...

    def iter_events(
        self, filters: EventFilter = ALL_EVENTS, sort: str = "-event_date", evidence: bool = True
    ) -> Iterator[dict[str, Any]]:
        """Every matching merged event's record, streamed in pages (memory stays flat)."""
        ...

    def get_event(self, event_id: str) -> EventDetail | None: ...

    def stats(self, filters: EventFilter = ALL_EVENTS) -> Stats: ...

    def event_points(
        self, filters: EventFilter = ALL_EVENTS, limit: int = 2000, within: BBox | None = None
    ) -> list[MapPoint]:
        """Up to `limit` located events (in no particular order), inside the box `within` when given."""
        ...

    def event_grid(
        self, filters: EventFilter = ALL_EVENTS, cell: float = 1.0, within: BBox | None = None
    ) -> list[GridCell]:
        """The located events counted per grid cell of `cell` degrees, inside the box `within` when given."""
        ...

    def explain(self, event_id: str) -> Explanation | None:
        """Why the event's mentions were merged, and why nearby mentions were not."""
        ...

    def counts(self) -> dict[str, int]:
        """Rows per table: articles, mentions, events, unmerged mentions."""
        ...

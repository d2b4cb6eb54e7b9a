"""What the API accepts and returns (pydantic), apart from the pipeline's records in eventscope.models."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class ErrorDetail(BaseModel):
    status: int = Field(description="The HTTP status again.")
    code: str = Field(description="A stable name for the kind of error, e.g. not_found, invalid_parameter.")
    message: str = Field(description="One line for a person: what is wrong and how to fix it.")


class ErrorResponse(BaseModel):
    """The one shape of every error response."""

    error: ErrorDetail


class EvidenceSpan(BaseModel):
    """The words a field was coded from: character offsets into the text of an article."""

    field: str
    text: str
    start: int
    end: int
    article_id: str | None = Field(None, description="The article the offsets point into (merged events).")


class SourceRef(BaseModel):
    source: str | None = None
    url: str | None = None
    article_id: str


class EventRecord(BaseModel):
    """A merged event (or one article's report of it) with ACLED's fields; lists leave out evidence."""

    model_config = ConfigDict(extra="allow")

    event_id: str
    article_id: str | None = None
    event_date: str | None = Field(None, description="YYYY-MM-DD, or null when no report dates it.")
    year: int | None = None
    time_precision: int | None = None
    disorder_type: str | None = None
    event_type: str | None = None
    sub_event_type: str | None = None
    actor1: str | None = None
    assoc_actor_1: str | None = None
    inter1: str | None = None
    actor2: str | None = None
    assoc_actor_2: str | None = None
    inter2: str | None = None
    interaction: int | None = None
    civilian_targeting: str | None = None
    country: str | None = None
    iso: int | None = None
    iso3: str | None = None
    region: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    location: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: int | None = None
    geonames_id: int | None = None
    fatalities: int | None = None
    fatalities_low: int | None = None
    fatalities_high: int | None = None
    notes: str | None = None
    source: str | None = None
    url: str | None = None
    confidence: float | None = None
    n_articles: int | None = None
    article_ids: list[str] | None = None
    sources: list[SourceRef] | None = None
    mention_ids: list[str] | None = None
    evidence: list[EvidenceSpan] | None = None


class EventPage(BaseModel):
    items: list[EventRecord]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


class ArticleText(BaseModel):
    article_id: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: str | None = None
    text: str = Field(description="The article text the evidence offsets point into (untrusted: never HTML).")


class EventDetail(BaseModel):
    event: EventRecord = Field(description="The merged event, with its evidence and all its sources.")
    mentions: list[EventRecord] = Field(description="Each article's own report of the event, with evidence.")
    articles: list[ArticleText]


class GroupCount(BaseModel):
    key: str
    events: int
    fatalities: int
    label: str | None = None


class DayTypeCount(BaseModel):
    day: str
    event_type: str
    events: int
    fatalities: int


class Stats(BaseModel):
    events: int
    fatalities: int
    by_day: list[GroupCount] = Field(description="Dated events per day (YYYY-MM-DD), ascending.")
    by_day_type: list[DayTypeCount]
    by_type: list[GroupCount]
    by_country: list[GroupCount] = Field(description="Keyed by ISO3, labelled with the country name.")


class MapPoint(BaseModel):
    event_id: str
    latitude: float
    longitude: float
    event_type: str
    sub_event_type: str
    fatalities: int
    event_date: str | None
    location: str | None


class GridCell(BaseModel):
    latitude: float = Field(description="The mean position of the cell's events.")
    longitude: float
    events: int
    fatalities: int
    by_type: dict[str, int] = Field(description="Events per event type, most first.")


class MapLayer(BaseModel):
    """Single events when few enough, else events counted per grid cell: never more than the map can draw."""

    mode: Literal["points", "grid"]
    cell: float | None = Field(description="The grid cell size in degrees (grid mode).")
    points: list[MapPoint]
    cells: list[GridCell]


class ArticleIn(BaseModel):
    """An article as an input JSONL line gives it: text or HTML, the rest optional."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(None, max_length=200, description="Its id; by default a hash of the text.")
    text: str | None = None
    html: str | None = Field(None, description="An HTML page: its main text and date are taken from it.")
    title: str | None = None
    published: str | None = Field(None, description="Publication date, YYYY-MM-DD: relative dates need it.")
    source: str | None = None
    url: str | None = None


class ArticlesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    articles: list[ArticleIn] = Field(min_length=1, max_length=1000)


class Problem(BaseModel):
    origin: str
    message: str


class IngestResult(BaseModel):
    articles_added: int
    articles_duplicate: int = Field(description="Already stored (same id, url or text); not extracted again.")
    mentions_added: int
    events_changed: int
    problems: list[Problem] = Field(description="Articles that were skipped, with the reason.")


class Meta(BaseModel):
    name: str
    version: str
    writable: bool = Field(description="Whether POST /api/articles is open (an API token is configured).")
    event_types: dict[str, list[str]] = Field(description="ACLED's event types and their sub-event types.")
    sort_fields: list[str]
    export_formats: list[str]
    map_max_points: int
    max_page_size: int


Explanation = dict[str, Any]

"""The records that flow through the pipeline, in pipeline order.

read -> Article -> clean -> CleanText -> analyse -> AnalysedDoc -> assemble -> EventMention
-> resolve -> ResolvedEvent -> merge -> MergedEvent.  Every extracted field keeps its Evidence:
a character span of the article text exactly as it was read, so a reader can always see the words a
field came from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

# ACLED's "inter" codes and their text, as in the public codebook.
INTER_NAMES: dict[int, str] = {
    1: "State forces",
    2: "Rebel group",
    3: "Political militia",
    4: "Identity militia",
    5: "Rioters",
    6: "Protesters",
    7: "Civilians",
    8: "External/Other forces",
}
INTER_CODES: dict[str, int] = {name: code for code, name in INTER_NAMES.items()}


def interaction_code(inter1: int | None, inter2: int | None) -> int | None:
    """ACLED's interaction code: both inter codes, lower first ("12"); a sole actor is X0."""
    codes = sorted(c for c in (inter1, inter2) if c)
    if not codes:
        return None
    if len(codes) == 1:
        return codes[0] * 10
    return codes[0] * 10 + codes[1]


@dataclass(frozen=True, slots=True)
class Evidence:
    """The words one field of an event came from: a span of Article.text."""

    field: str
    text: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "text": self.text, "start": self.start, "end": self.end}


@dataclass(frozen=True, slots=True)
class Article:
    """One news report as read from a file, stdin, a JSONL line or an HTML page."""

    id: str
    text: str
    title: str | None = None
    published: dt.date | None = None
    source: str | None = None
    url: str | None = None
    # Where the article came from ("report.txt", "batch.jsonl:17"), for error messages.
    origin: str = ""


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph-like run of article text (start/end offsets into Article.text)."""

    start: int
    end: int
    kind: str  # "body", "dateline", "caption", "boilerplate"


@dataclass(frozen=True, slots=True)
class CleanText:
    """Article text split into blocks; offsets always refer to the original Article.text."""

    article: Article
    blocks: tuple[Block, ...]
    # The date relative expressions are resolved against: the publication date, else a full date
    # printed in the article's header (dateline, timestamp, caption); None when neither exists.
    reference_date: dt.date | None
    reference_evidence: Evidence | None = None
    # The place a wire dateline names ("NARATHIWAT —"): where the story was filed from.
    dateline: Evidence | None = None
    # Where the dateline header (place, date, agency, dash) ends: dates inside it are the report's.
    dateline_end: int | None = None


@dataclass(frozen=True, slots=True)
class Country:
    """A country with the codes ACLED rows carry."""

    name: str  # ACLED's spelling where it differs from ISO ("Democratic Republic of Congo")
    iso2: str
    iso3: str
    iso_numeric: int
    region: str  # ACLED region, e.g. "Middle East", "Eastern Africa"


@dataclass(frozen=True, slots=True)
class Place:
    """A gazetteer entry: a populated place, an administrative area or a country."""

    geonames_id: int | None
    name: str
    feature_class: str  # GeoNames class: "P" populated place, "A" administrative area
    feature_code: str  # "PPL", "PPLA", "PPLC", "ADM1", "ADM2", "PCLI", ...
    country: Country
    admin1: str | None
    admin2: str | None
    latitude: float
    longitude: float
    population: int = 0


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    """A gazetteer candidate for a toponym and how well its name matched."""

    place: Place
    score: float  # name match quality: 1 own name, 0.95 alternate name, 0.8 loose key, 0.6 skeleton
    how: str  # "name", "alternate", "loose", "skeleton"
    kind: str | None = None  # kind word written with the name: "admin1", "admin2", "admin", "town"


@dataclass(frozen=True, slots=True)
class Toponym:
    """A place name found in a text: its span, how it was found and the kind word written with it."""

    text: str  # the name as written, without a leading "the" or a trailing kind word
    start: int  # character offsets of ``text`` in the document text
    end: int
    label: str  # spaCy entity label it came from ("GPE", "LOC", "ORG"...) or "PROPN" when NER missed it
    kind: str | None = None  # kind word written after it: "admin1", "admin2", "admin", "town"
    qualifier: str | None = None  # "near", "outskirts", "outside", "km" when the text places an event off it


@dataclass(frozen=True, slots=True)
class ResolvedPlace:
    """Where an event happened, at ACLED precision, with the words that said so."""

    place: Place
    location: str  # ACLED "location": the most specific named place
    geo_precision: int  # 1 town named; 2 near / part of a place or district; 3 region only
    evidence: Evidence | None


@dataclass(frozen=True, slots=True)
class Actor:
    """An actor in ACLED's naming, with its inter code."""

    name: str  # "Taliban", "Military Forces of Afghanistan", "Civilians (Sudan)"
    inter: int  # 1-8, see INTER_NAMES
    country_iso3: str | None = None
    evidence: Evidence | None = None


@dataclass(frozen=True, slots=True)
class EventDate:
    """An event's day, or None when the text gives no anchor (never guessed)."""

    date: dt.date | None
    time_precision: int  # 1 day, 2 week or range, 3 month or vaguer
    evidence: Evidence | None = None


@dataclass(frozen=True, slots=True)
class Fatalities:
    """The most conservative credible death toll, with the reported range."""

    best: int
    low: int
    high: int
    stated: bool  # the text gives a figure or an explicit "no one was killed"
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True)
class ResolvedEvent:
    """One ACLED-coded event from one article, every field linked to its evidence."""

    article_id: str
    event_id: str
    disorder_type: str
    event_type: str
    sub_event_type: str
    actor1: Actor
    actor2: Actor | None
    assoc_actor_1: tuple[str, ...]
    assoc_actor_2: tuple[str, ...]
    place: ResolvedPlace | None
    country: Country | None  # kept even when no place inside it could be resolved
    date: EventDate
    fatalities: Fatalities
    notes: str
    source: str | None
    url: str | None
    confidence: float
    evidence: tuple[Evidence, ...] = field(default=())

    @property
    def interaction(self) -> int:
        """ACLED's interaction code: both inter codes, lower first ("12"); a sole actor is X0."""
        return interaction_code(self.actor1.inter, self.actor2.inter if self.actor2 else None)

    @property
    def civilian_targeting(self) -> str:
        """ACLED marks events where civilians were the target."""
        targeted = self.actor2 is not None and self.actor2.inter == 7
        return "Civilian targeting" if targeted else ""

    def to_record(self) -> dict[str, Any]:
        """The event as one flat JSON-ready dict (the JSONL output contract)."""
        place = self.place.place if self.place else None
        country = self.country
        return {
            "article_id": self.article_id,
            "event_id": self.event_id,
            "event_date": self.date.date.isoformat() if self.date.date else None,
            "year": self.date.date.year if self.date.date else None,
            "time_precision": self.date.time_precision,
            "disorder_type": self.disorder_type,
            "event_type": self.event_type,
            "sub_event_type": self.sub_event_type,
            "actor1": self.actor1.name,
            "assoc_actor_1": "; ".join(self.assoc_actor_1),
            "inter1": INTER_NAMES[self.actor1.inter],
            "actor2": self.actor2.name if self.actor2 else None,
            "assoc_actor_2": "; ".join(self.assoc_actor_2),
            "inter2": INTER_NAMES[self.actor2.inter] if self.actor2 else None,
            "interaction": self.interaction,
            "civilian_targeting": self.civilian_targeting,
            "country": country.name if country else None,
            "iso": country.iso_numeric if country else None,
            "iso3": country.iso3 if country else None,
            "region": country.region if country else None,
            "admin1": place.admin1 if place else None,
            "admin2": place.admin2 if place else None,
            "location": self.place.location if self.place else None,
            "latitude": round(place.latitude, 4) if place else None,
            "longitude": round(place.longitude, 4) if place else None,
            "geo_precision": self.place.geo_precision if self.place else None,
            "geonames_id": place.geonames_id if place else None,
            "fatalities": self.fatalities.best,
            "fatalities_low": self.fatalities.low,
            "fatalities_high": self.fatalities.high,
            "notes": self.notes,
            "source": self.source,
            "url": self.url,
            "confidence": round(self.confidence, 3),
            "evidence": [e.to_dict() for e in self.evidence],
        }


@dataclass(frozen=True, slots=True)
class SourceRef:
    """One article that reports a merged event: its outlet and address."""

    article_id: str
    source: str | None
    url: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "url": self.url, "article_id": self.article_id}


@dataclass(frozen=True, slots=True)
class MergedEvent:
    """One real event: every report (mention) of it merged, all sources kept.

    `fields` holds the extract record's flat ACLED fields chosen for the event as a whole (see merge.py);
    evidence spans keep the article they point into, since offsets are per article.
    """

    event_id: str
    fields: dict[str, Any]
    mention_ids: tuple[str, ...]
    sources: tuple[SourceRef, ...]
    evidence: tuple[tuple[str, Evidence], ...] = ()

    @property
    def article_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.article_id for s in self.sources))

    def to_record(self) -> dict[str, Any]:
        """The event as one flat JSON-ready dict: the extract fields plus article_ids and sources."""
        outlets = dict.fromkeys(s.source for s in self.sources if s.source)
        return {
            "event_id": self.event_id,
            **self.fields,
            "source": "; ".join(outlets) or None,
            "article_ids": list(self.article_ids),
            "sources": [s.to_dict() for s in self.sources],
            "mention_ids": list(self.mention_ids),
            "evidence": [{**e.to_dict(), "article_id": a} for a, e in self.evidence],
        }

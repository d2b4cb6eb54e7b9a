"""Event records and articles for store, merge and export tests, built from a few readable fields."""

from __future__ import annotations

import datetime as dt
from typing import Any

from eventscope.models import INTER_NAMES, Article

COUNTRIES = {
    "AFG": ("Afghanistan", 4, "Caucasus and Central Asia"),
    "NGA": ("Nigeria", 566, "Western Africa"),
    "SOM": ("Somalia", 706, "Eastern Africa"),
    "KEN": ("Kenya", 404, "Eastern Africa"),
    "UKR": ("Ukraine", 804, "Europe"),
    "MLI": ("Mali", 466, "Western Africa"),
    "MEX": ("Mexico", 484, "Central America"),
    "SDN": ("Sudan", 729, "Northern Africa"),
    "YEM": ("Yemen", 887, "Middle East"),
    "PAK": ("Pakistan", 586, "Southern Asia"),
    "COD": ("Democratic Republic of Congo", 180, "Middle Africa"),
    "IRQ": ("Iraq", 368, "Middle East"),
    "COL": ("Colombia", 170, "South America"),
    "FRA": ("France", 250, "Europe"),
}
DISORDER = {
    "Battles": "Political violence",
    "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence",
    "Protests": "Demonstrations",
    "Riots": "Demonstrations",
    "Strategic developments": "Strategic developments",
}


def make_record(
    event_id: str,
    *,
    article_id: str | None = None,
    country: str = "AFG",
    date: str | None = "2015-09-28",
    time_precision: int = 1,
    type: str = "Battles|Armed clash",  # noqa: A002 - reads like the corpus files
    actors: tuple[str, ...] | list[str] = ("Taliban|2", "Military Forces of Afghanistan|1"),
    place: tuple | list | None = ("Kunduz", "Kunduz", 36.73, 68.86, 1),
    fatalities: int | None = None,
    low: int | None = None,
    high: int | None = None,
    source: str | None = "Test Wire",
    url: str | None = None,
    evidence: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """An event record as ResolvedEvent.to_record() gives it.

    `type` is "Event type|Sub-event type"; actors are "Name|inter code"; place is
    (location, admin1, latitude, longitude, geo_precision); fatalities None means the report gives none.
    """
    event_type, sub_event_type = type.split("|")
    name, iso_numeric, region = COUNTRIES[country]
    parsed = [(a.split("|")[0], int(a.split("|")[1])) for a in actors]
    (actor1, inter1), (actor2, inter2) = parsed[0], (parsed[1] if len(parsed) > 1 else (None, None))
    location, admin1, lat, lon, geo_precision = place if place else (None, None, None, None, None)
    day = dt.date.fromisoformat(date) if date else None
    stated = fatalities is not None
    evidence = list(evidence or [])
    if stated and not any(e["field"] == "fatalities" for e in evidence):
        evidence.append(
            {"field": "fatalities", "text": str(fatalities), "start": 0, "end": len(str(fatalities))}
        )
    codes = sorted(c for c in (inter1, inter2) if c)
    return {
        "article_id": article_id or event_id.split(":")[0],
        "event_id": event_id,
        "event_date": day.isoformat() if day else None,
        "year": day.year if day else None,
        "time_precision": time_precision,
        "disorder_type": DISORDER[event_type],
        "event_type": event_type,
        "sub_event_type": sub_event_type,
        "actor1": actor1,
        "assoc_actor_1": "",
        "inter1": INTER_NAMES[inter1],
        "actor2": actor2,
        "assoc_actor_2": "",
        "inter2": INTER_NAMES[inter2] if inter2 else None,
        "interaction": codes[0] * 10 + (codes[1] if len(codes) > 1 else 0),
        "civilian_targeting": "Civilian targeting" if inter2 == 7 else "",
        "country": name,
        "iso": iso_numeric,
        "iso3": country,
        "region": region,
        "admin1": admin1,
        "admin2": None,
        "location": location,
        "latitude": lat,
        "longitude": lon,
        "geo_precision": geo_precision,
        "geonames_id": None,
        "fatalities": fatalities or 0,
        "fatalities_low": low if low is not None else (fatalities or 0),
        "fatalities_high": high if high is not None else (fatalities or 0),
        "notes": f"{sub_event_type} at {location} on {date}.",
        "source": source,
        "url": url,
        "confidence": 0.7,
        "evidence": evidence,
    }


def make_article(article_id: str, text: str | None = None, **fields: Any) -> Article:
    """An article whose text is unique to its id unless given."""
    return Article(id=article_id, text=text or f"Report {article_id}: text of the article.", **fields)

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


# Rough bounding boxes (min lat, max lat, min lon, max lon) for synthetic places.
BOXES = {
    "AFG": (30.0, 38.0, 61.0, 71.0),
    "NGA": (5.0, 13.0, 3.5, 14.0),
    "SOM": (-1.0, 11.0, 41.5, 50.5),
    "KEN": (-4.0, 4.0, 34.5, 41.0),
    "UKR": (45.5, 52.0, 23.0, 40.0),
    "MLI": (11.0, 24.0, -11.0, 4.0),
    "MEX": (15.0, 32.0, -117.0, -87.0),
    "SDN": (9.0, 22.0, 22.0, 38.0),
    "YEM": (12.5, 18.5, 43.0, 52.0),
    "PAK": (24.5, 36.5, 61.0, 75.0),
    "COD": (-13.0, 5.0, 12.5, 31.0),
    "IRQ": (29.5, 37.0, 39.0, 48.0),
}
SYNTHETIC_TYPES = (
    "Battles|Armed clash",
    "Battles|Non-state actor overtakes territory",
    "Explosions/Remote violence|Air/drone strike",
    "Explosions/Remote violence|Shelling/artillery/missile attack",
    "Explosions/Remote violence|Remote explosive/landmine/IED",
    "Violence against civilians|Attack",
    "Violence against civilians|Abduction/forced disappearance",
    "Protests|Peaceful protest",
    "Riots|Violent demonstration",
    "Strategic developments|Arrests",
)


def synthetic_records(
    n_events: int, seed: int = 0, days: int = 365, towns_per_country: int = 300
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """n_events synthetic events, each reported 1-4 times with the variations real reports show.

    Returns the records (one article each) and each record's true event.  Towns and actors are shared
    between events, so same-town and same-day near misses occur as in real data.
    """
    import random

    rng = random.Random(seed)
    start = dt.date(2020, 1, 1).toordinal()

    def make_town(iso3: str, k: int) -> tuple[str, str, float, float]:
        a, b, c, d = BOXES[iso3]
        return (
            f"Town {iso3} {k}",
            f"Region {iso3} {k % 12}",
            round(rng.uniform(a, b), 4),
            round(rng.uniform(c, d), 4),
        )

    towns = {iso3: [make_town(iso3, k) for k in range(towns_per_country)] for iso3 in BOXES}
    records, truth = [], {}
    for e in range(n_events):
        iso3 = rng.choice(list(BOXES))
        name = COUNTRIES[iso3][0]
        town, region, lat, lon = rng.choice(towns[iso3])
        day = start + rng.randrange(days)
        kind = rng.choice(SYNTHETIC_TYPES)
        if kind.startswith(("Protests", "Riots")):
            crowd = "Protesters" if kind.startswith("Protests") else "Rioters"
            actors = [f"{crowd} ({name})|{6 if crowd == 'Protesters' else 5}", f"Police Forces of {name}|1"]
        else:
            group = f"Group {rng.randrange(4)} of {name}|2"
            other = f"Civilians ({name})|7" if kind.startswith("Violence") else f"Military Forces of {name}|1"
            actors = [group, other]
        toll = rng.choice([0, 0, 1, 2, 3, 5, 8, 12, 20, 40])
        for r in range(rng.choices([1, 2, 3, 4], weights=[4, 3, 2, 1])[0]):
            fields: dict[str, Any] = {"country": iso3, "type": kind, "actors": list(actors)}
            fields["date"] = dt.date.fromordinal(day + (rng.random() < 0.15)).isoformat()
            place = [town, region, lat, lon, 1]
            roll = rng.random()
            if roll < 0.1:  # "near" the town
                place = [
                    town,
                    region,
                    round(lat + rng.uniform(-0.05, 0.05), 4),
                    round(lon + rng.uniform(-0.05, 0.05), 4),
                    2,
                ]
            elif roll < 0.15:  # only the region
                place = [region, region, lat + 0.3, lon - 0.3, 3]
            fields["place"] = place
            if rng.random() < 0.1 and not kind.startswith(("Protests", "Riots")):
                fields["actors"] = [f"Unidentified Armed Group ({name})|3", *actors[1:]]
            if rng.random() < 0.7:
                fields["fatalities"] = toll + rng.choice([0, 0, 1, 3])
            article_id = f"s{e}-{r}"
            records.append(make_record(f"{article_id}:0", source=f"Outlet {r}", **fields))
            truth[f"{article_id}:0"] = f"s{e}"
    return records, truth

"""A small store for the web tests: articles with real texts, events whose evidence points into them.

Seven merged events from eight articles (two reports of Kunduz merge), one undated event, one without
coordinates, and an article full of markup that must never run in the dashboard.
"""

from __future__ import annotations

from typing import Any

from event_factory import make_article, make_record
from eventscope.store import Store

# The write token of the test apps.
TOKEN = "test-token-0123456789abcdef"

XSS_TEXT = (
    'Rioters set fire to cars in Culiacan on Wednesday. <script>window.__pwned = "script"</script> '
    'Police said <img src="x" onerror="window.__pwned = \'img\'"> two people were killed. '
    "<b>bold</b> & <iframe src=\"javascript:window.__pwned='iframe'\"></iframe>"
)

# article id: (text, source, url, record fields, evidence words by field)
ARTICLES: dict[str, tuple[str, str, str | None, dict[str, Any], dict[str, str]]] = {
    "kunduz-a": (
        "Taliban fighters seized the northern city of Kunduz on Monday. At least 27 people were killed, officials "
        "said.",
        "Kabul Wire",
        "https://news.example/kunduz-a",
        dict(country="AFG", date="2015-09-28", type="Battles|Non-state actor overtakes territory",
             actors=("Taliban|2", "Military Forces of Afghanistan|1"), place=("Kunduz", "Kunduz", 36.73, 68.86, 1),
             fatalities=27),
        {"actor1": "Taliban fighters", "event_type": "seized", "location": "Kunduz", "event_date": "on Monday",
         "fatalities": "At least 27 people were killed"},
    ),
    "kunduz-b": (
        "Kunduz fell to the Taliban on Monday after fighting with government troops; 30 were killed.",
        "Evening Post",
        "javascript:alert(1)",
        dict(country="AFG", date="2015-09-28", type="Battles|Non-state actor overtakes territory",
             actors=("Taliban|2", "Military Forces of Afghanistan|1"), place=("Kunduz", "Kunduz", 36.73, 68.86, 1),
             fatalities=30),
        {"location": "Kunduz", "event_type": "fell to", "actor1": "Taliban", "actor2": "government troops",
         "fatalities": "30 were killed"},
    ),
    "maiduguri": (
        "Boko Haram gunmen killed 11 villagers near Maiduguri in Borno state on Sunday.",
        "Lagos Daily",
        None,
        dict(country="NGA", date="2021-06-13", type="Violence against civilians|Attack",
             actors=("Boko Haram - Jamaatu Ahli is-Sunnah lid-Dawati wal-Jihad|2", "Civilians (Nigeria)|7"),
             place=("Maiduguri", "Borno", 11.85, 13.16, 1), fatalities=11),
        {"actor1": "Boko Haram gunmen", "fatalities": "killed 11 villagers", "actor2": "villagers",
         "location": "Maiduguri"},
    ),
    "nairobi": (
        "Police fired tear gas at protesters in Nairobi on Tuesday.",
        "Nairobi Star",
        None,
        dict(country="KEN", date="2020-07-07", type="Protests|Protest with intervention",
             actors=("Protesters (Kenya)|6", "Police Forces of Kenya|1"),
             place=("Nairobi", "Nairobi", -1.28, 36.82, 1)),
        {"actor2": "Police", "event_type": "fired tear gas", "actor1": "protesters", "location": "Nairobi"},
    ),
    "kharkiv": (
        "Russian missiles struck Kharkiv on Wednesday, killing seven people.",
        "Kyiv Independent",
        None,
        dict(country="UKR", date="2022-08-17", type="Explosions/Remote violence|Shelling/artillery/missile attack",
             actors=("Military Forces of Russia|8", "Civilians (Ukraine)|7"),
             place=("Kharkiv", "Kharkiv", 49.98, 36.25, 1), fatalities=7),
        {"actor1": "Russian", "event_type": "missiles struck", "location": "Kharkiv",
         "fatalities": "killing seven people"},
    ),
    "culiacan": (
        XSS_TEXT,
        "<b>Sinaloa</b> Times",
        None,
        dict(country="MEX", date="2023-03-01", type="Riots|Violent demonstration",
             actors=("Rioters (Mexico)|5", "Police Forces of Mexico|1"),
             place=("Culiacan", "Sinaloa", 24.8, -107.39, 1), fatalities=2),
        {"actor1": "Rioters", "event_type": "set fire to cars", "location": "Culiacan",
         "fatalities": "two people were killed"},
    ),
    "mogadishu": (
        "A roadside bomb exploded in Mogadishu, killing three soldiers.",
        "Horseed",
        None,
        dict(country="SOM", date=None, type="Explosions/Remote violence|Remote explosive/landmine/IED",
             actors=("Al Shabaab|2", "Military Forces of Somalia|1"), place=("Mogadishu", "Banaadir", 2.04, 45.34, 1),
             fatalities=3),
        {"event_type": "roadside bomb", "location": "Mogadishu", "fatalities": "killing three soldiers"},
    ),
    "yemen": (
        "Houthi forces clashed with government troops somewhere in the south on Saturday.",
        "Aden Herald",
        None,
        dict(country="YEM", date="2019-01-05", type="Battles|Armed clash",
             actors=("Ansar Allah|2", "Military Forces of Yemen|1"), place=None),
        {"actor1": "Houthi forces", "event_type": "clashed", "actor2": "government troops"},
    ),
}
XSS_TITLE = "<script>window.__pwned = 'title'</script>"
# The markup article's notes carry markup too: the table and the event view show notes.
XSS_NOTES = 'Violent demonstration at Culiacan. <img src="x" onerror="window.__pwned = \'notes\'">'

LOCATED = {"Kunduz", "Maiduguri", "Nairobi", "Kharkiv", "Culiacan", "Mogadishu"}
ALL_PLACES = LOCATED | {None}


def evidence(text: str, words: dict[str, str]) -> list[dict[str, Any]]:
    spans = []
    for field, phrase in words.items():
        start = text.index(phrase)
        spans.append({"field": field, "text": phrase, "start": start, "end": start + len(phrase)})
    return spans


def seed(store: Store) -> None:
    """Store the articles and their events, and merge."""
    items = []
    for article_id, (text, source, url, fields, words) in ARTICLES.items():
        record = make_record(f"{article_id}:0", source=source, url=url, evidence=evidence(text, words), **fields)
        record["fatalities_low"] = record["fatalities_high"] = record["fatalities"]
        if article_id == "culiacan":
            record["notes"] = XSS_NOTES
        title = XSS_TITLE if article_id == "culiacan" else f"Report {article_id}"
        article = make_article(article_id, text, source=source, url=url, title=title)
        items.append((article, [record]))
    store.add_articles_and_mentions(items)


def by_place(records: list[dict[str, Any]]) -> dict[str | None, dict[str, Any]]:
    return {r["location"]: r for r in records}

"""The JSON API over a seeded store, on SQLite and PostgreSQL: filters, sorting, paging, detail, stats, map, export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from web_seed import ALL_PLACES, ARTICLES, LOCATED, by_place

from eventscope.store import SORT_FIELDS
from eventscope.web import Settings, create_app


def places(response) -> set[str | None]:
    assert response.status_code == 200, response.text
    return {item["location"] for item in response.json()["items"]}


def all_pages(client, **params) -> list[dict]:
    items, cursor = [], None
    for _ in range(100):
        response = client.get("/api/events", params={**params, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200, response.text
        body = response.json()
        items += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError("paging did not end")


def test_list_newest_first_without_evidence(client):
    body = client.get("/api/events").json()
    dates = [item["event_date"] for item in body["items"]]
    assert dates[:-1] == sorted(dates[:-1], reverse=True) and dates[-1] is None  # undated last
    assert len(body["items"]) == 7 and body["next_cursor"] is None
    assert all("evidence" not in item for item in body["items"])
    kunduz = by_place(body["items"])["Kunduz"]
    assert kunduz["n_articles"] == 2 and {s["source"] for s in kunduz["sources"]} == {"Kabul Wire", "Evening Post"}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"country": "AFG"}, {"Kunduz"}),
        ({"country": "nigeria"}, {"Maiduguri"}),
        ({"since": "2021-01-01"}, {"Maiduguri", "Kharkiv", "Culiacan"}),
        ({"until": "2019-01-05"}, {"Kunduz", None}),
        ({"since": "2020-07-07", "until": "2021-06-13"}, {"Nairobi", "Maiduguri"}),
        ({"event_type": "Battles"}, {"Kunduz", None}),
        ({"event_type": "explosions/remote violence"}, {"Kharkiv", "Mogadishu"}),
        ({"event_type": "Attack"}, {"Maiduguri"}),  # a sub-event type given as the type
        ({"sub_event_type": "Protest with intervention"}, {"Nairobi"}),
        ({"admin1": "borno"}, {"Maiduguri"}),
        ({"actor": "boko haram"}, {"Maiduguri"}),
        ({"actor": "Police Forces"}, {"Nairobi", "Culiacan"}),
        ({"min_fatalities": 10}, {"Kunduz", "Maiduguri"}),
        ({"min_fatalities": 0}, ALL_PLACES),
        ({"bbox": "2,4,15,14"}, {"Maiduguri"}),
        ({"bbox": "30,-5,70,55"}, {"Kunduz", "Nairobi", "Kharkiv", "Mogadishu"}),
        ({"bbox": "170,-90,-100,90"}, {"Culiacan"}),  # across the antimeridian
        ({"text": "kharkiv"}, {"Kharkiv"}),
        ({"text": "Afghanistan"}, {"Kunduz"}),
        ({"country": "KEN", "event_type": "Protests", "min_fatalities": 0, "text": "nairobi"}, {"Nairobi"}),
        ({"country": ""}, ALL_PLACES),  # an empty form field is no filter
    ],
)
def test_every_filter(client, params, expected):
    assert places(client.get("/api/events", params=params)) == expected
    # The same filters drive stats, the map and the export.
    assert client.get("/api/stats", params=params).json()["events"] == len(expected)
    located = client.get("/api/map", params=params).json()["points"]
    assert {p["location"] for p in located} == expected & LOCATED
    exported = client.get("/api/export", params={**params, "format": "jsonl"}).text.splitlines()
    assert {json.loads(line)["location"] for line in exported} == expected


@pytest.mark.parametrize("sort", [*SORT_FIELDS, *(f"-{s}" for s in SORT_FIELDS)])
def test_cursor_pages_cover_every_event_once_in_order(client, sort):
    whole = client.get("/api/events", params={"sort": sort, "limit": 100}).json()["items"]
    paged = all_pages(client, sort=sort, limit=2)
    assert [e["event_id"] for e in paged] == [e["event_id"] for e in whole]
    assert len({e["event_id"] for e in paged}) == 7


def test_pages_keep_their_filters(client):
    paged = all_pages(client, limit=1, event_type="Battles")
    assert {e["location"] for e in paged} == {"Kunduz", None}


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"limit": 0}, 422),
        ({"limit": 501}, 422),
        ({"sort": "notes"}, 422),
        ({"sort": "--event_date"}, 422),
        ({"cursor": "not-a-cursor"}, 400),
        ({"since": "2021-13-01"}, 422),
        ({"since": "2022-01-01", "until": "2021-01-01"}, 422),
        ({"min_fatalities": -1}, 422),
        ({"min_fatalities": "many"}, 422),
        ({"bbox": "1,2,3"}, 422),
        ({"bbox": "0,95,10,99"}, 422),
        ({"bbox": "nan,0,1,1"}, 422),
        ({"country": "x" * 201}, 422),
    ],
)
def test_bad_parameters_are_one_line_errors(client, params, status):
    response = client.get("/api/events", params=params)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["status"] == status and error["code"] and "\n" not in error["message"]


def test_a_cursor_belongs_to_its_sort(client):
    cursor = client.get("/api/events", params={"limit": 1}).json()["next_cursor"]
    response = client.get("/api/events", params={"limit": 1, "cursor": cursor, "sort": "fatalities"})
    assert response.status_code == 400 and "cursor" in response.json()["error"]["message"]


def test_event_detail_has_sources_texts_and_evidence(client):
    event_id = by_place(client.get("/api/events").json()["items"])["Kunduz"]["event_id"]
    detail = client.get(f"/api/events/{event_id}").json()
    assert {a["article_id"] for a in detail["articles"]} == {"kunduz-a", "kunduz-b"}
    assert len(detail["mentions"]) == 2 and detail["event"]["evidence"]
    texts = {a["article_id"]: a["text"] for a in detail["articles"]}
    for mention in detail["mentions"]:
        assert mention["evidence"]
        for span in mention["evidence"]:
            assert texts[mention["article_id"]][span["start"] : span["end"]] == span["text"]
    for span in detail["event"]["evidence"]:
        assert texts[span["article_id"]][span["start"] : span["end"]] == span["text"]
    assert texts["kunduz-a"] == ARTICLES["kunduz-a"][0]


def test_unknown_event_is_404(client):
    response = client.get("/api/events/AFG-0000000000")
    assert response.status_code == 404
    assert response.json() == {"error": {"status": 404, "code": "not_found", "message": "no event 'AFG-0000000000'"}}


def test_explain(client):
    event_id = by_place(client.get("/api/events").json()["items"])["Kunduz"]["event_id"]
    why = client.get(f"/api/events/{event_id}/explain").json()
    assert len(why["members"]) == 2 and all(link["linked"] for link in why["links"])
    assert client.get("/api/events/nope/explain").status_code == 404


def test_stats(client):
    stats = client.get("/api/stats").json()
    assert stats["events"] == 7 and stats["fatalities"] == 27 + 11 + 7 + 2 + 3
    assert sum(d["events"] for d in stats["by_day"]) == 6  # the undated event has no day
    assert {g["key"]: g["events"] for g in stats["by_type"]}["Battles"] == 2
    assert {g["key"]: g["label"] for g in stats["by_country"]}["AFG"] == "Afghanistan"
    assert {(r["day"], r["event_type"]) for r in stats["by_day_type"]} >= {("2015-09-28", "Battles")}
    nigeria = client.get("/api/stats", params={"country": "NGA"}).json()
    assert nigeria["events"] == 1 and nigeria["fatalities"] == 11 and nigeria["by_day"][0]["key"] == "2021-06-13"


@pytest.mark.parametrize("params", [{}, {"country": "NGA"}, {"actor": "taliban"}, {"since": "2030-01-01"}])
def test_stats_body_is_the_stats_to_dict(client, seeded_store, params):
    """The route encodes the Stats dataclass directly: the same JSON, keys in the same order, as to_dict()."""
    from eventscope.store import EventFilter

    body = client.get("/api/stats", params=params).content
    filters = EventFilter(**params) if "since" not in params else EventFilter(since=dt.date(2030, 1, 1))
    expected = json.dumps(seeded_store.stats(filters).to_dict(), ensure_ascii=False, separators=(",", ":"))
    assert body == expected.encode()


def test_map_points_then_grid_cells(seeded_store):
    from fastapi.testclient import TestClient

    app = create_app(seeded_store, Settings(map_max_points=3, cache_seconds=0))
    with TestClient(app, base_url="http://127.0.0.1") as client:
        grid = client.get("/api/map", params={"cell": 10}).json()
        assert grid["mode"] == "grid" and grid["points"] == [] and grid["cell"] == 10
        assert sum(c["events"] for c in grid["cells"]) == len(LOCATED)
        assert sum(c["fatalities"] for c in grid["cells"]) == 27 + 11 + 7 + 2 + 3
        assert all(sum(c["by_type"].values()) == c["events"] for c in grid["cells"])
        africa = client.get("/api/map", params={"view": "-20,-35,55,38"}).json()
        assert africa["mode"] == "points"
        assert {p["location"] for p in africa["points"]} == {"Maiduguri", "Nairobi", "Mogadishu"}
        assert client.get("/api/map", params={"cell": 0}).status_code == 422
        assert client.get("/api/map", params={"view": "west"}).status_code == 422


def test_export_every_format(client):
    jsonl = client.get("/api/export", params={"format": "jsonl"})
    assert jsonl.headers["content-type"].startswith("application/x-ndjson")
    assert 'filename="eventscope-events.jsonl"' in jsonl.headers["content-disposition"]
    rows = [json.loads(line) for line in jsonl.text.splitlines()]
    assert len(rows) == 7 and all("evidence" in row for row in rows)
    table = list(csv.DictReader(io.StringIO(client.get("/api/export", params={"format": "acled-csv"}).text)))
    assert len(table) == 7 and list(table[0])[:2] == ["event_id_cnty", "event_date"]
    assert {r["source"] for r in table if r["location"] == "Kunduz"} == {"Kabul Wire; Evening Post"}
    geojson = client.get("/api/export", params={"format": "geojson", "country": "AFG"}).json()
    assert geojson["type"] == "FeatureCollection"
    assert geojson["features"][0]["geometry"]["coordinates"] == [68.86, 36.73]
    pyarrow = pytest.importorskip("pyarrow.parquet")
    parquet = client.get("/api/export", params={"format": "parquet", "since": "2020-01-01"})
    assert parquet.headers["content-type"] == "application/vnd.apache.parquet"
    assert pyarrow.read_table(io.BytesIO(parquet.content)).num_rows == 4
    empty = client.get("/api/export", params={"format": "acled-csv", "country": "FRA"})
    assert empty.status_code == 200 and len(empty.text.splitlines()) == 1  # the header only
    assert client.get("/api/export", params={"format": "xlsx"}).status_code == 422


def test_meta(client):
    meta = client.get("/api/meta").json()
    assert meta["writable"] is True and "Attack" in meta["event_types"]["Violence against civilians"]
    assert list(meta["event_types"])[0] == "Battles" and set(meta["export_formats"]) == {
        "acled-csv", "geojson", "jsonl", "parquet"}  # fmt: skip

"""Exports of merged events: JSONL with evidence, RFC 7946 GeoJSON, Parquet round trip, ACLED CSV columns."""

from __future__ import annotations

import csv
import io
import json
import math
import shutil
import subprocess

import pytest

from eventscope.errors import InputError
from eventscope.export.acled_csv import ACLED_COLUMNS
from eventscope.export.files import export_records
from eventscope.export.geojson import event_feature, write_geojson
from eventscope.merge import cluster, load_merge_rules, merge_records
from merge_corpus import corpus_records


@pytest.fixture(scope="module")
def merged():
    """The cluster corpus merged, plus one event with no place."""
    rules = load_merge_rules()
    records, _ = corpus_records()
    by_id = {r["event_id"]: r for r in records}
    events = [merge_records([by_id[m] for m in group], rules).to_record() for group in cluster(records, rules)]
    unplaced = dict(events[0], event_id="XXX-unplaced", latitude=None, longitude=None, location=None)
    return [*events, unplaced]


def test_jsonl_carries_sources_article_ids_and_evidence(merged, tmp_path):
    out = tmp_path / "events.jsonl"
    assert export_records(merged, "jsonl", str(out)) == len(merged)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == len(merged)
    for row in rows:
        assert row["article_ids"] and len(row["sources"]) == len(row["article_ids"])
        assert {s["article_id"] for s in row["sources"]} == set(row["article_ids"])
        assert all(e["article_id"] in row["article_ids"] for e in row["evidence"])
    assert any(len(r["article_ids"]) == 4 for r in rows)


def assert_rfc7946(document: dict) -> None:
    """The parts of RFC 7946 an event layer uses: FeatureCollection of Features with Point or null."""
    assert document["type"] == "FeatureCollection" and isinstance(document["features"], list)
    assert "crs" not in document  # RFC 7946 section 4: no crs member
    for feature in document["features"]:
        assert feature["type"] == "Feature"
        assert set(feature) <= {"type", "geometry", "properties", "id", "bbox"}
        assert isinstance(feature.get("id", ""), (str, int))
        assert feature["properties"] is None or isinstance(feature["properties"], dict)
        geometry = feature["geometry"]
        if geometry is None:
            continue
        assert geometry["type"] == "Point"
        lon, lat = geometry["coordinates"]
        assert all(isinstance(v, float) and math.isfinite(v) for v in (lon, lat))
        assert -180 <= lon <= 180 and -90 <= lat <= 90


def test_geojson_is_rfc7946(merged, tmp_path):
    out = tmp_path / "events.geojson"
    export_records(merged, "geojson", str(out))
    document = json.loads(out.read_text())
    assert_rfc7946(document)
    assert len(document["features"]) == len(merged)
    kunduz = next(f for f in document["features"] if f["properties"]["location"] == "Kunduz")
    assert kunduz["geometry"]["coordinates"] == [68.86, 36.73]  # longitude first
    assert "evidence" not in kunduz["properties"]
    assert next(f for f in document["features"] if f["id"] == "XXX-unplaced")["geometry"] is None


def test_geojson_of_nothing_and_bad_coordinates():
    out = io.StringIO()
    assert write_geojson([], out) == 0
    assert json.loads(out.getvalue()) == {"type": "FeatureCollection", "features": []}
    assert event_feature({"event_id": "x", "latitude": 95.0, "longitude": 10.0})["geometry"] is None
    assert event_feature({"event_id": "x", "latitude": float("nan"), "longitude": 10.0})["geometry"] is None


@pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="GDAL's ogrinfo (what QGIS reads GeoJSON with) is absent")
def test_geojson_opens_in_gdal(merged, tmp_path):
    out = tmp_path / "events.geojson"
    export_records(merged, "geojson", str(out))
    done = subprocess.run(["ogrinfo", "-ro", "-so", "-al", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert f"Feature Count: {len(merged)}" in done.stdout


def test_parquet_round_trip(merged, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "events.parquet"
    assert export_records(merged, "parquet", str(out)) == len(merged)
    table = pq.read_table(out)
    assert table.num_rows == len(merged)
    rows = {r["event_id"]: r for r in table.to_pylist()}
    for record in merged:
        row = rows[record["event_id"]]
        assert row["article_ids"] == record["article_ids"]
        assert row["sources"] == record["sources"]
        assert row["fatalities"] == record["fatalities"]
        assert (row["event_date"].isoformat() if row["event_date"] else None) == record["event_date"]
        assert len(row["evidence"]) == len(record["evidence"])
    assert str(table.schema.field("event_date").type) == "date32[day]"


def test_parquet_of_nothing(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "empty.parquet"
    assert export_records([], "parquet", str(out)) == 0
    assert pq.read_table(out).num_rows == 0


def test_acled_csv_columns_and_sources(merged, tmp_path):
    out = tmp_path / "events.csv"
    export_records(merged, "acled-csv", str(out))
    with out.open(newline="") as f:
        reader = csv.DictReader(f)
        assert tuple(reader.fieldnames) == ACLED_COLUMNS
        rows = list(reader)
    assert len(rows) == len(merged)
    four = next(r for r, m in zip(rows, merged, strict=True) if len(m["article_ids"]) == 4)
    assert four["source"].count(";") == 3


def test_a_failed_export_leaves_no_file(merged, tmp_path):
    out = tmp_path / "events.jsonl"
    out.write_text("the old export\n")

    def broken():
        yield merged[0]
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        export_records(broken(), "jsonl", str(out))
    assert out.read_text() == "the old export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["events.jsonl"]


def test_bad_export_targets(merged, tmp_path):
    with pytest.raises(InputError, match="binary"):
        export_records(merged, "parquet", "-")
    with pytest.raises(InputError, match="unknown export format"):
        export_records(merged, "xlsx", str(tmp_path / "x"))

"""GeoJSON (RFC 7946): a FeatureCollection of Point features, longitude first, WGS 84, no "crs" member.

Events without coordinates keep a null geometry, which RFC 7946 allows (section 3.2).  Properties are
the event record without its evidence (offsets into article texts mean nothing on a map).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

LEFT_OUT = ("evidence",)


def event_feature(record: Mapping[str, Any]) -> dict[str, Any]:
    """One event as a GeoJSON Feature."""
    lat, lon = record.get("latitude"), record.get("longitude")
    geometry = None
    numeric = isinstance(lat, (int, float)) and isinstance(lon, (int, float)) and math.isfinite(lat + lon)
    if numeric and -90 <= lat <= 90 and -180 <= lon <= 180:
        geometry = {"type": "Point", "coordinates": [round(float(lon), 6), round(float(lat), 6)]}
    properties = {k: v for k, v in record.items() if k not in LEFT_OUT}
    feature: dict[str, Any] = {"type": "Feature", "geometry": geometry, "properties": properties}
    if record.get("event_id") is not None:
        feature["id"] = str(record["event_id"])
    return feature


def write_geojson(records: Iterable[Mapping[str, Any]], out: TextIO) -> int:
    """Write a FeatureCollection, one feature a line (streamed); returns the number of features."""
    out.write('{"type": "FeatureCollection", "features": [\n')
    count = 0
    for record in records:
        if count:
            out.write(",\n")
        out.write(json.dumps(event_feature(record), ensure_ascii=False, default=str))
        count += 1
    out.write("\n]}\n")
    return count

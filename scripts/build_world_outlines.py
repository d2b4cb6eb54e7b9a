"""Build the dashboard's offline basemap, src/eventscope/web/static/world.json, from Natural Earth.

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python scripts/build_world_outlines.py package/countries-50m.json

The input is the TopoJSON of Natural Earth's 1:50m admin-0 countries (version 4.1.0) that the npm
package world-atlas 2.0.2 redistributes (package ISC licence; Natural Earth data is in the public
domain).  Each shared border (a TopoJSON arc) is simplified once, so neighbours still meet, and the
output is one record a country: its ISO 3166 numeric id, its name and its rings as flat
[lon, lat, lon, lat, ...] lists, rounded to 0.01 degrees.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

OUTPUT = Path(__file__).resolve().parents[1] / "src" / "eventscope" / "web" / "static" / "world.json"
# Degrees: about 2 km, finer than a pixel at any zoom the dashboard offers for a country.
TOLERANCE = 0.02
# Antarctica has no ACLED events and would take a fifth of an equirectangular map.
LEFT_OUT = {"010"}


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Quantised, delta-encoded TopoJSON arcs as lists of (lon, lat)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker, keeping both ends (so arcs still join)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = (dx * dx + dy * dy) ** 0.5
        worst, index = -1.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            if norm == 0:
                distance = ((px - x1) ** 2 + (py - y1) ** 2) ** 0.5
            else:
                distance = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / norm
            if distance > worst:
                worst, index = distance, i
        if index >= 0 and worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def ring(arc_ids: list[int], arcs: list[list[tuple[float, float]]]) -> list[float]:
    points: list[tuple[float, float]] = []
    for arc_id in arc_ids:
        part = arcs[arc_id] if arc_id >= 0 else arcs[~arc_id][::-1]
        points.extend(part[1:] if points else part)
    flat: list[float] = []
    for lon, lat in points:
        pair = [round(lon, 2), round(lat, 2)]
        if flat[-2:] != pair:
            flat.extend(pair)
    return flat


def build(topology: dict) -> dict:
    arcs = [simplify(arc, TOLERANCE) for arc in decode_arcs(topology)]
    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        country_id = geometry.get("id")
        if country_id in LEFT_OUT or geometry["type"] not in ("Polygon", "MultiPolygon"):
            continue
        polygons = [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry["arcs"]
        rings = [ring(r, arcs) for polygon in polygons for r in polygon]
        rings = [r for r in rings if len(r) >= 8]  # four points at least: a ring, not a speck
        if rings:
            countries.append({"id": country_id, "name": geometry["properties"]["name"], "rings": rings})
    return {
        "source": "Natural Earth 1:50m admin-0 countries 4.1.0, via the npm package world-atlas 2.0.2",
        "licence": "Natural Earth: public domain; world-atlas: ISC",
        "countries": countries,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("topojson", type=Path, help="world-atlas countries-50m.json")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    data = build(json.loads(args.topojson.read_text()))
    args.output.write_text(json.dumps(data, separators=(",", ":")) + "\n")
    points = sum(len(r) // 2 for c in data["countries"] for r in c["rings"])
    print(f"{args.output}: {len(data['countries'])} countries, {points:,} points, {args.output.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()

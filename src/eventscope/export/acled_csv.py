"""ACLED-compatible CSV: ACLED's 31 public columns, in ACLED's order."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

ACLED_COLUMNS: tuple[str, ...] = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
)  # fmt: skip


def acled_row(record: Mapping[str, Any]) -> dict[str, Any]:
    """One event record (the JSONL dict) as an ACLED row; missing values are empty cells."""
    sources = record.get("sources")
    if sources:
        source = "; ".join(dict.fromkeys(s.get("source") or s.get("url") or "" for s in sources))
    else:
        source = record.get("source") or ""
    row = {
        "event_id_cnty": record.get("event_id"),
        "source": source,
        "source_scale": record.get("source_scale") or "",
        "tags": record.get("tags") or "",
        "timestamp": record.get("timestamp") or "",
        "admin3": record.get("admin3") or "",
    }
    for column in ACLED_COLUMNS:
        if column not in row:
            row[column] = record.get(column)
    return {k: ("" if row[k] is None else row[k]) for k in ACLED_COLUMNS}


def write_acled_csv(records: Iterable[Mapping[str, Any]], out: TextIO) -> int:
    """Write the header and one row per record; returns the number of rows."""
    writer = csv.DictWriter(out, fieldnames=ACLED_COLUMNS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for record in records:
        writer.writerow(acled_row(record))
        count += 1
    return count

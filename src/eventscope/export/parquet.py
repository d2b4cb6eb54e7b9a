"""Parquet through pyarrow (the `parquet` extra): typed columns, sources and evidence as nested lists.

Two schemas: merged events (the store's export: article_ids, mention_ids, sources, evidence tagged with
its article) and the per-article events `eventscope extract` writes (no merge columns).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping
from typing import Any, BinaryIO

from eventscope.errors import EventscopeError

BATCH = 5000

_STRING = (
    "event_id", "article_id", "disorder_type", "event_type", "sub_event_type", "actor1", "assoc_actor_1",
    "inter1", "actor2", "assoc_actor_2", "inter2", "civilian_targeting", "country", "iso3", "region",
    "admin1", "admin2", "location", "notes", "source", "url",
)  # fmt: skip
_INT = (
    "year", "time_precision", "interaction", "iso", "geo_precision", "geonames_id", "fatalities",
    "fatalities_low", "fatalities_high", "n_articles",
)  # fmt: skip
_FLOAT = ("latitude", "longitude", "confidence")


# Columns only merged events have.
_MERGED_ONLY = ("n_articles", "article_ids", "mention_ids", "sources")


def _schema(pa: Any, merged: bool = True) -> Any:
    fields = [pa.field(name, pa.string()) for name in _STRING]
    fields.append(pa.field("event_date", pa.date32()))
    fields += [pa.field(name, pa.int64()) for name in _INT]
    fields += [pa.field(name, pa.float64()) for name in _FLOAT]
    if not merged:
        span = [("field", pa.string()), ("text", pa.string()), ("start", pa.int64()), ("end", pa.int64())]
        evidence = pa.struct(span)
        fields.append(pa.field("evidence", pa.list_(evidence)))
        return pa.schema([f for f in fields if f.name not in _MERGED_ONLY])
    fields += [
        pa.field("article_ids", pa.list_(pa.string())),
        pa.field("mention_ids", pa.list_(pa.string())),
        pa.field(
            "sources",
            pa.list_(pa.struct([("source", pa.string()), ("url", pa.string()), ("article_id", pa.string())])),
        ),
        pa.field(
            "evidence",
            pa.list_(
                pa.struct(
                    [
                        ("field", pa.string()),
                        ("text", pa.string()),
                        ("start", pa.int64()),
                        ("end", pa.int64()),
                        ("article_id", pa.string()),
                    ]
                )
            ),
        ),
    ]
    return pa.schema(fields)


def _row(record: Mapping[str, Any], names: Iterable[str]) -> dict[str, Any]:
    row = {name: record.get(name) for name in names}
    if isinstance(row["event_date"], str):
        row["event_date"] = dt.date.fromisoformat(row["event_date"])
    for name in _STRING:
        if name in row and row[name] is not None and not isinstance(row[name], str):
            row[name] = str(row[name])
    return row


def write_parquet(records: Iterable[Mapping[str, Any]], out: str | BinaryIO, merged: bool = True) -> int:
    """Write records to a Parquet file (a path or a binary file) in batches; returns the number of rows.

    `merged`: the merged-event schema (store exports); False for the per-article records of extract.
    """
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:  # an optional extra: the rest of eventscope works without it
        raise EventscopeError("Parquet export needs pyarrow: pip install 'eventscope[parquet]'") from None
    schema = _schema(pa, merged)
    count = 0
    rows = iter(records)
    with pq.ParquetWriter(out, schema) as writer:
        while batch := [_row(r, schema.names) for r in itertools.islice(rows, BATCH)]:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            count += len(batch)
        if count == 0:
            writer.write_table(schema.empty_table())
    return count

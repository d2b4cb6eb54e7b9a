"""GET /api/export: the matching events in any export format, streamed as they are read."""

from __future__ import annotations

import functools
import importlib.util
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from eventscope.export.files import FORMATS, TEXT_WRITERS
from eventscope.export.parquet import write_parquet
from eventscope.web.deps import FilterDep, StoreDep
from eventscope.web.errors import ApiError
from eventscope.web.schemas import ErrorResponse
from eventscope.web.streaming import stream_writer

router = APIRouter(prefix="/api/export", tags=["export"])

MEDIA = {
    "acled-csv": ("text/csv; charset=utf-8", "csv"),
    "geojson": ("application/geo+json", "geojson"),
    "jsonl": ("application/x-ndjson", "jsonl"),
    "parquet": ("application/vnd.apache.parquet", "parquet"),
}
ExportFormat = Literal["acled-csv", "geojson", "jsonl", "parquet"]
assert set(MEDIA) == set(FORMATS), "every export format needs a media type"


@router.get(
    "",
    response_class=StreamingResponse,
    responses={
        200: {"description": "The file, as an attachment.", "content": {m: {} for m, _ in MEDIA.values()}},
        422: {"model": ErrorResponse},
        501: {"model": ErrorResponse},
    },
)
def export_events(
    store: StoreDep,
    filters: FilterDep,
    format: Annotated[ExportFormat, Query(description="acled-csv, geojson, jsonl or parquet.")] = "jsonl",  # noqa: A002
) -> StreamingResponse:
    """Every merged event matching the filters, oldest first, each with all its sources (as `eventscope export`)."""
    if format == "parquet" and importlib.util.find_spec("pyarrow") is None:
        raise ApiError(501, "Parquet export needs pyarrow on the server: pip install 'eventscope[parquet]'")
    # Read the first page now, so that a bad filter is an error response, not a broken stream.
    records = store.iter_events(filters, sort="event_date")
    first = next(records, None)

    def all_records():
        if first is not None:
            yield first
            yield from records

    writer = write_parquet if format == "parquet" else TEXT_WRITERS[format]
    media, suffix = MEDIA[format]
    return StreamingResponse(
        stream_writer(functools.partial(writer, all_records()), text=format != "parquet"),
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="eventscope-events.{suffix}"'},
    )

"""Write event records in one of the export formats, to a file (all or nothing) or stdout."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from eventscope.errors import InputError
from eventscope.export.acled_csv import write_acled_csv
from eventscope.export.geojson import write_geojson
from eventscope.export.jsonl import write_jsonl
from eventscope.export.parquet import write_parquet
from eventscope.output import open_output

TEXT_WRITERS = {"acled-csv": write_acled_csv, "geojson": write_geojson, "jsonl": write_jsonl}
FORMATS = (*TEXT_WRITERS, "parquet")


def export_records(records: Iterable[Mapping[str, Any]], fmt: str, output: str | None) -> int:
    """Write records as `fmt` to `output` (None or "-": stdout); returns the number written.

    A file is renamed into place only when complete (see output.open_output), so a failure part-way
    leaves no half-written file and any older file untouched.
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if fmt == "parquet":
        if output in (None, "-"):
            raise InputError("Parquet is a binary format: give --output FILE")
        with open_output(output, binary=True) as out:
            return write_parquet(records, out)
    with open_output(output) as out:
        return TEXT_WRITERS[fmt](records, out)

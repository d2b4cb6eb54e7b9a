"""Write event records to a file in one of the export formats, all or nothing."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from eventscope.errors import EventscopeError, InputError
from eventscope.export.acled_csv import write_acled_csv
from eventscope.export.geojson import write_geojson
from eventscope.export.jsonl import write_jsonl
from eventscope.export.parquet import write_parquet

TEXT_WRITERS = {"acled-csv": write_acled_csv, "geojson": write_geojson, "jsonl": write_jsonl}
FORMATS = (*TEXT_WRITERS, "parquet")


def export_records(records: Iterable[Mapping[str, Any]], fmt: str, output: str) -> int:
    """Write records as `fmt` to `output` ("-" is stdout for text formats); returns the number written.

    The file is written beside its destination and renamed into place only when complete, so a failure
    (a full disk, a database gone mid-way) leaves no half-written file and any old file untouched.
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if output == "-":
        if fmt == "parquet":
            raise InputError("Parquet is a binary format: give --output FILE, not -")
        return TEXT_WRITERS[fmt](records, sys.stdout)
    target = Path(output)
    if not target.parent.is_dir():
        raise InputError(f"cannot write {output}: directory {target.parent} does not exist")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as error:
        raise InputError(f"cannot write {output}: {error.strerror}") from None
    try:
        if fmt == "parquet":
            os.close(handle)
            count = write_parquet(records, temporary)
        else:
            newline = "" if fmt == "acled-csv" else None  # the csv module writes its own line ends
            with open(handle, "w", encoding="utf-8", newline=newline) as out:
                count = TEXT_WRITERS[fmt](records, out)
        os.replace(temporary, target)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise EventscopeError(f"cannot write {output}: {error.strerror or error}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return count

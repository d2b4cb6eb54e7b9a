"""Partitioned output for long extract runs: one file per partition of the input, and a manifest per file.

The input stream (articles and unreadable records alike, in input order) is cut into partitions of
`partition_size` items; partition k holds items k*size to (k+1)*size-1.  When all of a partition's
articles are extracted, its events are written to their own file, then its manifest; both are renamed
into place only when complete.  A partition is done exactly when its manifest exists, so after a crash
(kill -9 included) the same command skips the done partitions and extracts only the rest: nothing is
lost and nothing is written twice.

    events/
      _run.json                     the inputs and options: a rerun with other ones is refused
      part-000000.parquet           the events of items 0..999 (.jsonl or .csv for those formats)
      _progress/part-000000.json    written after its part: items, articles, events, skipped inputs

Parquet readers (pyarrow.dataset, pandas, DuckDB, Spark) skip names starting with '_', so the directory
reads as one table.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eventscope.errors import EventscopeError, InputError
from eventscope.export.acled_csv import write_acled_csv
from eventscope.export.jsonl import write_jsonl
from eventscope.output import open_output

SUFFIXES = {"parquet": ".parquet", "jsonl": ".jsonl", "acled-csv": ".csv"}
RUN_FILE = "_run.json"
PROGRESS_DIR = "_progress"


@dataclass(frozen=True, slots=True)
class PartitionManifest:
    """What one written partition holds."""

    partition: int
    first: int  # stream position of its first item
    items: int  # articles and unreadable records
    articles: int
    events: int
    file: str
    problems: tuple[tuple[str, str], ...] = ()  # (origin, message) of each skipped input

    def to_dict(self) -> dict[str, Any]:
        return {
            "partition": self.partition, "first": self.first, "items": self.items, "articles": self.articles,
            "events": self.events, "file": self.file, "problems": [list(p) for p in self.problems],
        }  # fmt: skip

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PartitionManifest:
        return cls(
            int(data["partition"]), int(data["first"]), int(data["items"]), int(data["articles"]),
            int(data["events"]), str(data["file"]), tuple((str(o), str(m)) for o, m in data.get("problems", ())),
        )  # fmt: skip


@dataclass(slots=True)
class PartitionedOutput:
    """A directory of event partitions with their manifests (see the module docstring)."""

    directory: Path
    fmt: str
    partition_size: int
    run: dict[str, Any]  # the inputs and options that define the partitions
    done: dict[int, PartitionManifest] = field(default_factory=dict)

    @classmethod
    def open(cls, directory: str | Path, fmt: str, partition_size: int, run: Mapping[str, Any]) -> PartitionedOutput:
        """Create the directory, or resume in one a run with the same inputs and options left."""
        if fmt not in SUFFIXES:
            raise InputError(f"--format {fmt} cannot be partitioned: use one of {', '.join(SUFFIXES)}")
        if partition_size < 1:
            raise InputError(f"--partition-size must be at least 1, not {partition_size}")
        path = Path(directory)
        info = {**run, "format": fmt, "partition_size": partition_size}
        if path.exists() and not path.is_dir():
            raise InputError(f"{path}: is a file; partitioned output needs a directory (a new or empty one)")
        if not path.parent.is_dir():
            raise EventscopeError(f"{path}: the directory {path.parent} does not exist")
        run_file = path / RUN_FILE
        try:
            path.mkdir(exist_ok=True)
            if run_file.exists():
                before = json.loads(run_file.read_text(encoding="utf-8"))
                changed = sorted(k for k in set(before) | set(info) if before.get(k) != info.get(k))
                if changed:
                    raise InputError(
                        f"{path}: holds the partitions of a run with other {', '.join(changed)}; "
                        "give the same command to resume it, or another directory"
                    )
            elif any(not child.name.startswith(".") for child in path.iterdir()):
                raise InputError(f"{path}: the directory is not empty and holds no eventscope run; use a new one")
            else:
                with open_output(str(run_file)) as out:
                    json.dump(info, out, indent=2, sort_keys=True)
                    out.write("\n")
            (path / PROGRESS_DIR).mkdir(exist_ok=True)
            # Half-written files of a run that was killed (see output.open_output) are garbage.
            for stale in [*path.glob(".*.part"), *(path / PROGRESS_DIR).glob(".*.part")]:
                with contextlib.suppress(OSError):
                    stale.unlink()
            done = {}
            for manifest_file in sorted((path / PROGRESS_DIR).glob("part-*.json")):
                manifest = PartitionManifest.from_dict(json.loads(manifest_file.read_text(encoding="utf-8")))
                if (path / manifest.file).is_file():
                    done[manifest.partition] = manifest
        except OSError as exc:
            raise EventscopeError(f"{path}: cannot write there ({exc.strerror or exc})") from None
        except (ValueError, KeyError, TypeError) as exc:
            raise EventscopeError(f"{path}: a progress file is damaged ({exc}); remove {path} and run again") from None
        return cls(path, fmt, partition_size, info, done)

    def partition_of(self, index: int) -> int:
        return index // self.partition_size

    def name(self, partition: int) -> str:
        return f"part-{partition:06d}"

    def write(
        self,
        partition: int,
        first: int,
        items: int,
        articles: int,
        records: Iterable[Mapping[str, Any]],
        problems: Iterable[tuple[str, str]] = (),
    ) -> PartitionManifest:
        """Write one partition's events, then its manifest (each renamed into place when complete)."""
        file = self.name(partition) + SUFFIXES[self.fmt]
        target = str(self.directory / file)
        if self.fmt == "parquet":
            from eventscope.export.parquet import write_parquet

            with open_output(target, binary=True) as out:
                events = write_parquet(records, out, merged=False)
        else:
            writer = write_jsonl if self.fmt == "jsonl" else write_acled_csv
            with open_output(target) as out:
                events = writer(records, out)
        manifest = PartitionManifest(partition, first, items, articles, events, file, tuple(problems))
        with open_output(str(self.directory / PROGRESS_DIR / f"{self.name(partition)}.json")) as out:
            json.dump(manifest.to_dict(), out, ensure_ascii=False)
            out.write("\n")
        self.done[partition] = manifest
        return manifest

    def files(self) -> list[Path]:
        """The partition files written so far, in partition order."""
        return [self.directory / self.done[k].file for k in sorted(self.done)]


def read_partitions(directory: str | Path) -> list[dict[str, Any]]:
    """Every event record of a partitioned output directory, in input order (for tests and small outputs)."""
    path = Path(directory)
    records: list[dict[str, Any]] = []
    for manifest_file in sorted((path / PROGRESS_DIR).glob("part-*.json")):
        manifest = PartitionManifest.from_dict(json.loads(manifest_file.read_text(encoding="utf-8")))
        file = path / manifest.file
        if file.suffix == ".parquet":
            import pyarrow.parquet as pq

            records.extend(pq.read_table(file).to_pylist())
        elif file.suffix == ".jsonl":
            with file.open(encoding="utf-8") as fh:
                records.extend(json.loads(line) for line in fh if line.strip())
        else:
            import csv

            with file.open(encoding="utf-8", newline="") as fh:
                records.extend(csv.DictReader(fh))
    return records


__all__ = ["PartitionManifest", "PartitionedOutput", "SUFFIXES", "read_partitions"]

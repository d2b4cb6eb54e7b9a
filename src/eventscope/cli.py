"""Command line: parse options, call eventscope.api, print.  Nothing else lives here."""

from __future__ import annotations

import logging
import sys

import click

from eventscope import __version__
from eventscope.errors import EventscopeError

log = logging.getLogger("eventscope")


class EventscopeGroup(click.Group):
    """A click group that turns user errors into one line on stderr and exit status 1."""

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except EventscopeError as exc:
            click.echo(f"eventscope: error: {exc}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("eventscope: interrupted", err=True)
            ctx.exit(130)


def _configure_logging(verbose: int, quiet: bool) -> None:
    level = logging.WARNING
    if quiet:
        level = logging.ERROR
    elif verbose == 1:
        level = logging.INFO
    elif verbose > 1:
        level = logging.DEBUG
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("eventscope: %(levelname)s: %(message)s"))
    root = logging.getLogger("eventscope")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


@click.group(cls=EventscopeGroup)
@click.version_option(__version__, prog_name="eventscope")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors; no progress bar.")
@click.pass_context
def main(ctx: click.Context, verbose: int, quiet: bool) -> None:
    """eventscope: news reports of political violence in, ACLED-coded events with evidence out."""
    _configure_logging(verbose, quiet)
    ctx.ensure_object(dict)
    ctx.obj["quiet"] = quiet


# -- extract --------------------------------------------------------------------------------------

EXTRACT_FORMATS = ("table", "jsonl", "json", "acled-csv", "parquet")
TABLE_COLUMNS = (("event_date", 10), ("sub_event_type", 34), ("actor1", 30), ("actor2", 30),
                 ("location", 18), ("admin1", 16), ("country", 14), ("fatalities", 5))


def _parse_date_option(value: str | None) -> object:
    from eventscope.read import parse_published

    return parse_published(value, "--published") if value else None


def _is_batch(inputs: tuple[str, ...]) -> bool:
    from pathlib import Path

    from eventscope.read import PARQUET_SUFFIXES, _is_jsonl

    if len(inputs) != 1 or inputs[0] == "-":
        return len(inputs) != 1
    path = Path(inputs[0])
    return path.is_dir() or _is_jsonl(path) or path.suffix.lower() in PARQUET_SUFFIXES


def _write_table(records, out) -> None:
    header = "  ".join(name.upper()[:width].ljust(width) for name, width in TABLE_COLUMNS)
    out.write(header.rstrip() + "\n")
    count = 0
    for record in records:
        cells = []
        for name, width in TABLE_COLUMNS:
            value = record.get(name)
            text = "" if value is None else str(value)
            cells.append((text[: width - 1] + "…" if len(text) > width else text).ljust(width))
        out.write("  ".join(cells).rstrip() + "\n")
        count += 1
    if not count:
        out.write("(no events)\n")


def _write_json_array(records, out) -> None:
    """A JSON array written an element at a time, as json.dump(list, indent=2) would write it."""
    import json

    first = True
    for record in records:
        text = json.dumps(record, ensure_ascii=False, indent=2, default=str).replace("\n", "\n  ")
        out.write(("[\n  " if first else ",\n  ") + text)
        first = False
    out.write("[]\n" if first else "\n]\n")


# Shared by extract and ingest.
workers_option = click.option(
    "--workers", type=click.IntRange(min=1), default=None,
    help="Worker processes, each loading the pipeline once [default: 1, this process; with --dask local: "
         "one per core].",
)  # fmt: skip
dask_option = click.option(
    "--dask", "dask_address", metavar="local|tcp://HOST:PORT",
    help="Extract on a Dask cluster: 'local' starts a LocalCluster of --workers processes.",
)  # fmt: skip


task_size_option = click.option(
    "--task-size", default=64, show_default=True, type=click.IntRange(min=1),
    help="Articles per task sent to a worker (--workers, --dask).",
)  # fmt: skip


def open_cli_runner(workers: int | None, dask_address: str | None, gazetteer: str | None, batch_size: int):
    """The runner --workers and --dask ask for: this process, a process pool, or a Dask cluster."""
    from eventscope.batch import Settings, open_runner

    settings = Settings(gazetteer, batch_size)
    if dask_address:
        from eventscope.scale import open_dask_runner

        return open_dask_runner(dask_address, workers, settings)
    return open_runner(workers or 1, settings)


def log_workers(stats) -> None:
    for worker, kb in sorted(stats.peak_rss_kb.items()):
        log.info("worker %s: peak memory %.0f MB", worker, kb / 1024)


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--published", help="Publication date (YYYY-MM-DD) for inputs that do not carry one.")
@click.option("--format", "fmt", type=click.Choice(EXTRACT_FORMATS), default=None,
              help="Output format (default: a table on a terminal, else jsonl).")
@click.option("-o", "--output", help="Write to this file instead of stdout (written atomically); a directory "
              "(always for parquet, or a name ending in '/') gets one file per partition of the input, and a "
              "run killed part-way resumes there.")
@click.option("--gazetteer", envvar="EVENTSCOPE_GAZETTEER", help="Gazetteer index to use.")
@click.option("--batch-size", default=64, show_default=True, help="Texts per spaCy batch.")
@workers_option
@dask_option
@task_size_option
@click.option("--partition-size", default=1000, show_default=True, type=click.IntRange(min=1),
              help="Input records per output partition (directory output).")
@click.pass_context
def extract(ctx: click.Context, inputs: tuple[str, ...], published: str | None, fmt: str | None,
            output: str | None, gazetteer: str | None, batch_size: int, workers: int | None,
            dask_address: str | None, task_size: int, partition_size: int) -> None:
    """Code the events of articles: text or HTML files, '-' for stdin, JSONL, Parquet, directories."""
    import contextlib
    import os

    from eventscope.cli_progress import Progress, echo_summary
    from eventscope.errors import InputError
    from eventscope.export.acled_csv import write_acled_csv
    from eventscope.export.jsonl import write_jsonl
    from eventscope.output import open_output
    from eventscope.run import RunSummary, extract_partitions, extract_records

    published_date = _parse_date_option(published)
    quiet = bool(ctx.obj.get("quiet"))
    partitioned = fmt == "parquet" or bool(output and (output.endswith(("/", os.sep)) or os.path.isdir(output)))
    if partitioned:
        from eventscope.export.partitions import PartitionedOutput

        if output is None:
            raise InputError("Parquet output is a directory of partitions: give --output DIR")
        fmt = fmt or "jsonl"
        out_dir = PartitionedOutput.open(
            output.rstrip("/" + os.sep) or output, fmt, partition_size,
            {"inputs": [os.path.abspath(i) if i != "-" else i for i in inputs],
             "published": published_date.isoformat() if published_date else None},
        )  # fmt: skip
        done = out_dir.done.values()
        progress = Progress.for_cli(quiet, inputs, initial=sum(m.items for m in done),
                                    initial_events=sum(m.events for m in done))  # fmt: skip
        with contextlib.closing(open_cli_runner(workers, dask_address, gazetteer, batch_size)) as runner:
            try:
                summary = extract_partitions(inputs, out_dir, runner, published=published_date, progress=progress,
                                             task_articles=task_size)  # fmt: skip
            finally:
                progress.close()
        log_workers(summary.stats)
        echo_summary(f"{summary.articles} articles, {summary.events} events in {len(out_dir.done)} partitions "
                     f"of {out_dir.directory}", summary.seconds, summary.problems, quiet,
                     summary.resumed_partitions)  # fmt: skip
        return

    if fmt is None:
        fmt = "table" if output is None and sys.stdout.isatty() else "jsonl"
    batch = _is_batch(inputs)
    summary = RunSummary()
    # A bar only when it cannot mix with the events on the terminal.
    progress = Progress.for_cli(quiet or not batch or (output in (None, "-") and sys.stdout.isatty()), inputs)
    with contextlib.closing(open_cli_runner(workers, dask_address, gazetteer, batch_size)) as runner:
        records = extract_records(inputs, runner, published=published_date, strict=not batch, summary=summary,
                                  progress=progress, task_articles=task_size)  # fmt: skip
        try:
            with open_output(output) as out:
                if fmt == "jsonl":
                    write_jsonl(records, out)
                elif fmt == "json":
                    _write_json_array(records, out)
                elif fmt == "acled-csv":
                    write_acled_csv(records, out)
                else:
                    _write_table(records, out)
        finally:
            progress.close()
    log_workers(summary.stats)
    echo_summary(f"{summary.articles} articles, {summary.events} events", summary.seconds, summary.problems,
                 quiet)


# Geolocation commands (geoparse, gazetteer) register themselves on main.
from eventscope import cli_geo  # noqa: E402,F401

# isort: split
from eventscope import cli_store  # noqa: E402,F401 - store commands: ingest, events, explain, export

# isort: split
from eventscope import cli_web  # noqa: E402,F401 - web commands: serve, demo

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

EXTRACT_FORMATS = ("table", "jsonl", "json", "acled-csv")
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


def _write_table(records: list[dict], out) -> None:
    header = "  ".join(name.upper()[:width].ljust(width) for name, width in TABLE_COLUMNS)
    out.write(header.rstrip() + "\n")
    for record in records:
        cells = []
        for name, width in TABLE_COLUMNS:
            value = record.get(name)
            text = "" if value is None else str(value)
            cells.append((text[: width - 1] + "…" if len(text) > width else text).ljust(width))
        out.write("  ".join(cells).rstrip() + "\n")
    if not records:
        out.write("(no events)\n")


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--published", help="Publication date (YYYY-MM-DD) for inputs that do not carry one.")
@click.option("--format", "fmt", type=click.Choice(EXTRACT_FORMATS), default=None,
              help="Output format (default: a table on a terminal, else jsonl).")
@click.option("-o", "--output", help="Write to this file instead of stdout (written atomically).")
@click.option("--gazetteer", envvar="EVENTSCOPE_GAZETTEER", help="Gazetteer index to use.")
@click.option("--batch-size", default=64, show_default=True, help="Texts per spaCy batch.")
@click.pass_context
def extract(ctx: click.Context, inputs: tuple[str, ...], published: str | None, fmt: str | None,
            output: str | None, gazetteer: str | None, batch_size: int) -> None:
    """Code the events of articles: text or HTML files, '-' for stdin, JSONL batches, directories."""
    from eventscope.api import Pipeline
    from eventscope.errors import InputError
    from eventscope.export.acled_csv import write_acled_csv
    from eventscope.export.jsonl import write_jsonl
    from eventscope.output import open_output
    from eventscope.read import ReadProblem, iter_inputs

    published_date = _parse_date_option(published)
    batch = _is_batch(inputs)
    if fmt is None:
        fmt = "table" if output is None and sys.stdout.isatty() else "jsonl"
    problems: list[ReadProblem] = []

    def articles():
        for item in iter_inputs(inputs, published_date):
            if isinstance(item, ReadProblem):
                if not batch:
                    raise InputError(str(item))
                log.warning("skipped %s", item)
                problems.append(item)
                continue
            yield item

    pipeline = Pipeline.load(gazetteer, batch_size=batch_size)
    counts = {"articles": 0, "events": 0}

    def records():
        for _article, events in pipeline.extract_articles(articles()):
            counts["articles"] += 1
            for event in events:
                counts["events"] += 1
                yield event.to_record()

    with open_output(output) as out:
        if fmt == "jsonl":
            write_jsonl(records(), out)
        elif fmt == "json":
            import json

            json.dump(list(records()), out, ensure_ascii=False, indent=2, default=str)
            out.write("\n")
        elif fmt == "acled-csv":
            write_acled_csv(records(), out)
        else:
            _write_table(list(records()), out)
    if not ctx.obj.get("quiet"):
        click.echo(f"eventscope: {counts['articles']} articles, {counts['events']} events"
                   + (f", {len(problems)} skipped" if problems else ""), err=True)
    for problem in problems:
        click.echo(f"eventscope: skipped {problem}", err=True)
# Geolocation commands (geoparse, gazetteer) register themselves on main.
from eventscope import cli_geo  # noqa: E402,F401

# isort: split
from eventscope import cli_store  # noqa: E402,F401 - store commands: ingest, events, explain, export

# isort: split
from eventscope import cli_web  # noqa: E402,F401 - web commands: serve, demo

"""Store commands: ingest, events, explain, export.  They register themselves on eventscope.cli.main."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable, Iterable
from typing import Any, TextIO

import click

from eventscope.cli import (
    _is_batch,
    dask_option,
    log_workers,
    main,
    open_cli_runner,
    task_size_option,
    workers_option,
)
from eventscope.errors import EventscopeError, InputError
from eventscope.export.files import FORMATS, export_records
from eventscope.ingest import ingest as ingest_articles
from eventscope.merge import Explanation
from eventscope.store import ENV_VAR, EventFilter, IngestReport, open_store

EVENT_COLUMNS = (
    ("event_id", 14), ("event_date", 10), ("sub_event_type", 30), ("actor1", 26), ("actor2", 26),
    ("location", 16), ("country", 14), ("fatalities", 5), ("n_articles", 4),
)  # fmt: skip

db_option = click.option(
    "--db",
    envvar=ENV_VAR,
    show_envvar=True,
    metavar="PATH|URL",
    help="The store: a SQLite file path, sqlite:///PATH or postgresql://USER@HOST/DB [default: ./eventscope.db].",
)


def _date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _bbox(_ctx: click.Context, _param: click.Parameter, value: str | None) -> tuple[float, ...] | None:
    if value is None:
        return None
    try:
        box = tuple(float(part) for part in value.split(","))
    except ValueError:
        box = ()
    if len(box) != 4 or not (-180 <= box[0] <= 180 and -180 <= box[2] <= 180 and -90 <= box[1] <= box[3] <= 90):
        raise click.BadParameter("expected MIN_LON,MIN_LAT,MAX_LON,MAX_LAT in degrees")
    return box


def filter_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--country, --since, --until, --type, --bbox: the event filters shared by events and export."""
    options = [
        click.option("--country", help="ISO3 code or country name."),
        click.option("--since", callback=_date, help="Events on or after this day (YYYY-MM-DD)."),
        click.option("--until", callback=_date, help="Events on or before this day (YYYY-MM-DD)."),
        click.option("--type", "event_type", help="An ACLED event type or sub-event type."),
        click.option("--bbox", callback=_bbox, help="MIN_LON,MIN_LAT,MAX_LON,MAX_LAT."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _filters(country: str | None, since: dt.date | None, until: dt.date | None, event_type: str | None,
             bbox: tuple[float, float, float, float] | None) -> EventFilter:  # fmt: skip
    if since and until and since > until:
        raise InputError(f"--since {since} is after --until {until}")
    return EventFilter(country=country, since=since, until=until, event_type=event_type, bbox=bbox)


# ------------------------------------------------------------------------------------------- ingest


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@db_option
@click.option("--published", callback=_date, help="Publication date (YYYY-MM-DD) for inputs without one.")
@click.option("--gazetteer", envvar="EVENTSCOPE_GAZETTEER", help="Gazetteer index to use.")
@click.option("--batch-size", default=64, show_default=True, help="Texts per spaCy batch.")
@click.option("--merge-every", default=500, show_default=True, help="Merge after this many new articles.")
@workers_option
@dask_option
@task_size_option
@click.pass_context
def ingest(ctx: click.Context, inputs: tuple[str, ...], db: str | None, published: dt.date | None,
           gazetteer: str | None, batch_size: int, merge_every: int, workers: int | None,
           dask_address: str | None, task_size: int) -> None:  # fmt: skip
    """Extract the events of articles into the store and merge reports of the same event.

    Articles already stored (same id, url or text) are skipped; running the same command again after
    an interruption completes the store.
    """
    import time

    from eventscope.batch import RunStats
    from eventscope.cli_progress import Progress, echo_summary

    def open_runner():
        # Called at the first new article: spaCy (and any worker) is loaded only when there is work.
        return open_cli_runner(workers, dask_address, gazetteer, batch_size)

    quiet = bool(ctx.obj.get("quiet"))
    store = open_store(db)
    bar = Progress.for_cli(quiet, inputs)
    stats = RunStats()
    started = time.monotonic()

    def progress(report: IngestReport) -> None:
        done = report.articles_added + report.articles_duplicate + len(report.problems)
        bar.advance(done - bar.items, report.mentions_added - bar.events)

    try:
        with store:
            report = ingest_articles(
                inputs,
                store,
                published=published,
                merge_every=merge_every,
                progress=progress,
                runner=open_runner,
                stats=stats,
                task_articles=task_size,
            )
            counts = store.counts()
    finally:
        bar.close()
    if report.problems and not _is_batch(inputs) and not (report.articles_added or report.articles_duplicate):
        origin, message = report.problems[0]
        raise InputError(f"{origin}: {message}")
    log_workers(stats)
    echo_summary(
        f"{report.articles_added} articles added ({report.articles_duplicate} already stored), "
        f"{report.mentions_added} event mentions; {store.url} holds {counts['events']} events "
        f"from {counts['articles']} articles",
        time.monotonic() - started,
        report.problems,
        quiet,
    )


# ------------------------------------------------------------------------------------------- events


def _write_table(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    out.write("  ".join(name.upper()[:width].ljust(width) for name, width in EVENT_COLUMNS).rstrip() + "\n")
    count = 0
    for record in records:
        cells = []
        for name, width in EVENT_COLUMNS:
            text = "" if record.get(name) is None else str(record[name])
            cells.append((text[: width - 1] + "…" if len(text) > width else text).ljust(width))
        out.write("  ".join(cells).rstrip() + "\n")
        count += 1
    if not count:
        out.write("(no events)\n")
    return count


@main.command()
@db_option
@filter_options
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1), help="Events to list.")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default=None,
              help="Output format (default: a table on a terminal, else jsonl).")  # fmt: skip
def events(db: str | None, country: str | None, since: dt.date | None, until: dt.date | None,
           event_type: str | None, bbox: tuple[float, float, float, float] | None, limit: int,
           fmt: str | None) -> None:  # fmt: skip
    """List merged events, newest first."""
    filters = _filters(country, since, until, event_type, bbox)
    with open_store(db) as store:
        page = store.query_events(filters, limit=limit)
        total = store.count_events(filters)
    fmt = fmt or ("table" if sys.stdout.isatty() else "jsonl")
    if fmt == "table":
        _write_table(page.items, sys.stdout)
        if total > len(page.items):
            click.echo(f"({len(page.items)} of {total} events; --limit shows more)")
    else:
        for record in page.items:
            click.echo(json.dumps(record, ensure_ascii=False, default=str))


# ------------------------------------------------------------------------------------------ explain


def _event_line(record: dict[str, Any]) -> str:
    actors = " vs ".join(a for a in (record.get("actor1"), record.get("actor2")) if a)
    place = ", ".join(p for p in (record.get("location"), record.get("admin1"), record.get("country")) if p)
    return (f"{record.get('event_type')} / {record.get('sub_event_type')}, {record.get('event_date') or 'undated'}, "
            f"{place or 'place unknown'}: {actors}")  # fmt: skip


def _render_explanation(explanation: Explanation, out: TextIO) -> None:
    event = explanation.event
    out.write(f"Event {event['event_id']}: {_event_line(event)}\n")
    out.write(f"  fatalities {event.get('fatalities')} (reported range {event.get('fatalities_low')}-"
              f"{event.get('fatalities_high')}; the lowest figure a report states)\n")  # fmt: skip
    out.write(f"\nReports ({len(explanation.members)}):\n")
    for member in explanation.members:
        source = member.get("source") or "unknown outlet"
        out.write(f"  {member['event_id']} [{member.get('article_id')}, {source}]\n    {_event_line(member)}; "
                  f"fatalities {member.get('fatalities')}\n")  # fmt: skip
        for evidence in member.get("evidence") or ():
            out.write(f'      {evidence["field"]}: "{evidence["text"]}" @{evidence["start"]}-{evidence["end"]}\n')
    if explanation.links:
        out.write("\nWhy they are one event (every pair must link):\n")
    for decision in explanation.links:
        out.write(f"  {decision.a} + {decision.b}\n")
        for check in decision.checks:
            out.write(f"    {check.criterion}: {check.detail}\n")
    if explanation.near_misses:
        out.write("\nNearby reports not merged (closest first):\n")
    for miss in explanation.near_misses:
        failed = [c for c in miss.decision.checks if not c.ok]
        other = miss.decision.b if miss.decision.a == miss.mention_id else miss.decision.a
        if failed:
            reason = "; ".join(f"{c.criterion}: {c.detail}" for c in failed)
        else:
            reason = "linked to this report, but its own event's links were closer"
        out.write(f"  {miss.mention_id} (in {miss.event_id}) vs {other}: {reason}\n")


@main.command()
@click.argument("event_id")
@db_option
@click.option("--json", "as_json", is_flag=True, help="The explanation as one JSON object.")
def explain(event_id: str, db: str | None, as_json: bool) -> None:
    """Show why a merged event's reports were merged, with their evidence, and what was kept apart."""
    with open_store(db) as store:
        explanation = store.explain(event_id)
        where = store.url
    if explanation is None:
        raise EventscopeError(f"no event {event_id!r} in {where}; `eventscope events` lists the event ids")
    if as_json:
        click.echo(json.dumps(explanation.to_dict(), ensure_ascii=False, indent=2, default=str))
    else:
        _render_explanation(explanation, sys.stdout)


# ------------------------------------------------------------------------------------------- export


@main.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True, help="Output format.")
@click.option("-o", "--output", required=True, help="File to write ('-' for stdout; written atomically).")
@filter_options
@click.pass_context
def export(ctx: click.Context, db: str | None, fmt: str, output: str, country: str | None, since: dt.date | None,
           until: dt.date | None, event_type: str | None,
           bbox: tuple[float, float, float, float] | None) -> None:  # fmt: skip
    """Write the merged events (each with all its sources) as ACLED CSV, GeoJSON, Parquet or JSONL."""
    filters = _filters(country, since, until, event_type, bbox)
    with open_store(db) as store:
        count = export_records(store.iter_events(filters, sort="event_date"), fmt, output)
    if not ctx.obj.get("quiet") and output != "-":
        click.echo(f"eventscope: {count} events written to {output}", err=True)

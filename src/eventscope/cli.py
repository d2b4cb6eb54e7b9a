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

# Geolocation commands (geoparse, gazetteer) register themselves on main.
from eventscope import cli_geo  # noqa: E402,F401

"""Web commands: serve (the API and dashboard over a store) and demo.  They register on eventscope.cli.main."""

from __future__ import annotations

import ipaddress
import logging
import tempfile
from pathlib import Path

import click

from eventscope.cli import main
from eventscope.cli_store import db_option
from eventscope.errors import EventscopeError
from eventscope.rules import data_path

log = logging.getLogger(__name__)

SAMPLE_ARTICLES = "samples/articles.jsonl"


def _web():
    """The web modules, or one line saying how to install them."""
    try:
        from eventscope.web import Settings, create_app, server
    except ImportError as error:
        raise EventscopeError(f"the web extra is not installed ({error.name} is missing): "
                              "pip install 'eventscope[web]'") from None  # fmt: skip
    return Settings, create_app, server


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _settings(Settings, host: str, token: str | None, cors_origins: tuple[str, ...], allow_hosts: tuple[str, ...]):  # noqa: N803
    hosts = allow_hosts or (None if _is_loopback(host) else ("*",))
    if not _is_loopback(host):
        log.warning("serving on %s: anyone who can reach it can read the events", host)
    return Settings.from_env(api_token=token, cors_origins=cors_origins or None, allowed_hosts=hosts)


def _announce(what: str, url: str) -> None:
    click.echo(f"eventscope: {what} at {url}/  (API reference: {url}/docs; Ctrl+C stops)", err=True)


def _serve(app, host: str, port: int, announce: str, quiet: bool, server) -> None:  # noqa: ANN001
    sock = server.bind(host, port)
    server.serve(app, sock, ready=lambda url: _announce(announce, url), access_log=not quiet)


host_option = click.option("--host", default="127.0.0.1", show_default=True,
                           help="Address to listen on; any but loopback opens the events to the network.")  # fmt: skip
port_option = click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
                           help="Port to listen on (0: any free port).")  # fmt: skip


@main.command()
@db_option
@host_option
@port_option
@click.option("--token", envvar="EVENTSCOPE_API_TOKEN", show_envvar=True, metavar="TOKEN",
              help="API token that POST /api/articles requires; without one the API is read-only.")
@click.option("--cors-origin", "cors_origins", multiple=True, metavar="ORIGIN",
              help="Let pages of this origin (e.g. http://localhost:3000) read the API; repeatable. Off by default.")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME",
              help="Host name the server answers to (default: loopback names when listening on loopback).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Server processes (each with its own connections); up to one a core helps under load.")
@click.pass_context
def serve(ctx: click.Context, db: str | None, host: str, port: int, token: str | None, cors_origins: tuple[str, ...],
          allow_hosts: tuple[str, ...], workers: int) -> None:  # fmt: skip
    """Serve the JSON API and the dashboard over a store: open http://127.0.0.1:8000 in a browser."""
    from eventscope.store import open_store

    Settings, create_app, server = _web()
    settings = _settings(Settings, host, token, cors_origins, allow_hosts)
    quiet = ctx.obj.get("quiet", False)
    mode = "read-write with a token" if settings.api_token else "read-only"
    with open_store(db) as store:  # opened here too: a bad store is one line before anything listens
        announce = f"serving {store.url} ({store.counts()['events']} events, {mode}"
        if workers == 1:
            _serve(create_app(store, settings), host, port, announce + ")", quiet, server)
            return
    sock = server.bind(host, port)
    server.serve_processes(db, settings, sock, workers, lambda url: _announce(f"{announce}, {workers} processes)", url),
                           access_log=not quiet)  # fmt: skip


@main.command()
@host_option
@port_option
@click.option("--articles", type=click.Path(exists=True, dir_okay=True), default=None,
              help="Articles to ingest instead of the bundled samples (any input `ingest` reads).")
@click.pass_context
def demo(ctx: click.Context, host: str, port: int, articles: str | None) -> None:
    """Ingest the bundled sample articles into a temporary store and serve the dashboard over it."""
    from eventscope.ingest import ingest
    from eventscope.store import open_store

    Settings, create_app, server = _web()
    settings = _settings(Settings, host, None, (), ())
    inputs = [articles or str(data_path(SAMPLE_ARTICLES))]
    with tempfile.TemporaryDirectory(prefix="eventscope-demo-") as tmp, open_store(str(Path(tmp) / "demo.db")) as store:
        click.echo("eventscope: extracting the events of the sample articles…", err=True)
        report = ingest(inputs, store)
        for origin, message in report.problems:
            click.echo(f"eventscope: skipped {origin}: {message}", err=True)
        events = store.counts()["events"]
        _serve(create_app(store, settings), host, port,
               f"{report.articles_added} articles, {events} events (a temporary store, deleted on exit)",
               ctx.obj.get("quiet", False), server)  # fmt: skip

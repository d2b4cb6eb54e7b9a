"""Serve an app with uvicorn, in the foreground (`eventscope serve`) or on a thread (tests, benchmarks)."""

from __future__ import annotations

import dataclasses
import logging
import multiprocessing
import multiprocessing.connection
import signal
import socket
import threading
import time
from collections.abc import Callable

import uvicorn
from fastapi import FastAPI

from eventscope.errors import EventscopeError
from eventscope.web.settings import Settings

log = logging.getLogger(__name__)


def bind(host: str, port: int) -> socket.socket:
    """A listening socket, or one line saying why not (port in use, no such address)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP named explicitly: asyncio turns Nagle's algorithm off (TCP_NODELAY) only on sockets
    # that say so, and with it on, every response of more than one packet waits ~40 ms for an ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise EventscopeError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _config(app: FastAPI, access_log: bool) -> uvicorn.Config:
    # log_config=None: the CLI's logging setup stays in charge of the output.
    return uvicorn.Config(app, log_config=None, access_log=access_log, server_header=False, timeout_graceful_shutdown=5)


def serve(
    app: FastAPI, sock: socket.socket, ready: Callable[[str], None] | None = None, access_log: bool = True
) -> None:
    """Serve until interrupted; `ready(url)` is called once the socket accepts requests."""
    server = uvicorn.Server(_config(app, access_log))
    if ready is not None:
        watcher = threading.Thread(target=_when_started, args=(server, lambda: ready(url_of(sock))), daemon=True)
        watcher.start()
    server.run(sockets=[sock])


def serve_processes(
    db: str | None, settings: Settings, sock: socket.socket, workers: int, ready: Callable[[str], None],
    access_log: bool = True,
) -> None:
    """Serve from `workers` processes that share the listening socket, each with its own app and store.

    Python runs one request's code at a time per process; processes use every core.  Ctrl+C or SIGTERM
    stops them all; one that dies stops the others and raises EventscopeError.
    """
    context = multiprocessing.get_context("spawn")
    args = (db, dataclasses.asdict(settings), sock, access_log)
    children = [context.Process(target=_worker, args=args, name=f"eventscope-web-{i}") for i in range(workers)]

    def stop_on_term(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop_on_term)
    try:
        for child in children:
            child.start()
        ready(url_of(sock))
        multiprocessing.connection.wait([child.sentinel for child in children])
        dead = next(child for child in children if not child.is_alive())
        raise EventscopeError(f"a server process stopped (exit status {dead.exitcode}); see the messages above")
    except KeyboardInterrupt:
        log.info("stopping %d server processes", workers)
    finally:
        signal.signal(signal.SIGTERM, previous)
        for child in children:
            if child.is_alive():
                child.terminate()
        for child in children:
            child.join(timeout=10)


def _worker(db: str | None, settings: dict, sock: socket.socket, access_log: bool) -> None:
    """One server process: open the store, build the app, serve the shared socket until told to stop."""
    from eventscope.store import open_store
    from eventscope.web.app import create_app

    with open_store(db) as store:
        uvicorn.Server(_config(create_app(store, Settings(**settings)), access_log)).run(sockets=[sock])


def _when_started(server: uvicorn.Server, then: Callable[[], None]) -> None:
    while not server.started:
        if server.should_exit:
            return
        time.sleep(0.02)
    then()


class BackgroundServer:
    """An app served on a thread on 127.0.0.1 at a free port: `with BackgroundServer(app) as url: ...`."""

    def __init__(self, app: FastAPI, host: str = "127.0.0.1", port: int = 0, access_log: bool = False):
        self.sock = bind(host, port)
        self.url = url_of(self.sock)
        self.server = uvicorn.Server(_config(app, access_log))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise EventscopeError(f"the test server on {self.url} did not start")
            time.sleep(0.02)
        return self.url

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()

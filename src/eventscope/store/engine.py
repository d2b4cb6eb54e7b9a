"""Database URLs, engines and one-line errors: the only place that knows SQLite from PostgreSQL."""

from __future__ import annotations

import importlib.util
import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson
from sqlalchemy import URL, Connection, Engine, Integer, create_engine, event, exc, make_url, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from eventscope.errors import StoreError

log = logging.getLogger(__name__)

DEFAULT_DB = "eventscope.db"
ENV_VAR = "EVENTSCOPE_DB"

# How long a writer waits for another process's write transaction (SQLite busy timeout): a merge
# pass over a large country can hold the write lock for seconds.
SQLITE_BUSY_SECONDS = 120
# An arbitrary constant: the PostgreSQL advisory lock that serialises merges and migrations.
PG_LOCK_KEY = 7_305_200_915
URL_HELP = "give a file path, sqlite:///PATH or postgresql://USER@HOST:PORT/DB"


def database_url(target: str | None = None) -> URL:
    """The SQLAlchemy URL for --db: a file path, a sqlite:/// or postgresql:// URL, else $EVENTSCOPE_DB."""
    target = target or os.environ.get(ENV_VAR) or DEFAULT_DB
    if "://" not in target:
        return URL.create("sqlite+pysqlite", database=str(Path(target).expanduser()))
    try:
        url = make_url(target)
    except (exc.ArgumentError, ValueError):  # ValueError: a port that is not a number
        raise StoreError(f"bad database URL {target!r}: {URL_HELP}") from None
    backend, _, driver = url.drivername.partition("+")
    if backend == "sqlite" and driver in ("", "pysqlite"):
        if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
            raise StoreError(f"bad database URL {target!r}: sqlite:/// needs a file path after it")
        return url.set(drivername="sqlite+pysqlite")
    if backend in ("postgresql", "postgres") and driver in ("", "psycopg"):
        if importlib.util.find_spec("psycopg") is None:
            raise StoreError("PostgreSQL support is not installed: pip install 'eventscope[postgres]'")
        if not url.database:
            raise StoreError(f"bad database URL {_show(url)!r}: name a database after the host (…/DB)")
        return url.set(drivername="postgresql+psycopg")
    raise StoreError(f"unsupported database {url.drivername!r} in {_show(url)!r}: {URL_HELP}")


def _show(url: URL) -> str:
    if url.get_backend_name() == "sqlite":
        return url.database or ""
    return url.set(drivername=url.get_backend_name()).render_as_string(hide_password=True)


def describe(url: URL) -> str:
    """The database as messages name it: the file path, or the URL without its password."""
    return _show(url)


def make_engine(url: URL) -> Engine:
    """An engine with our transaction discipline: SQLite in WAL mode, writers take the lock up front.

    Stored JSON (the records) is read with orjson, several times faster than the json module on a page
    of records; it is written as before.
    """
    if url.get_backend_name() == "sqlite":
        path = Path(url.database or "")
        if not path.parent.exists():
            raise StoreError(f"cannot create {path}: directory {path.parent} does not exist")
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS}, json_deserializer=orjson.loads)
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10}, json_deserializer=orjson.loads)


def _sqlite_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # Our own BEGIN (below) instead of the sqlite3 module's implicit one.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_SECONDS * 1000}")
    cursor.execute("PRAGMA foreign_keys = ON")
    try:
        # WAL: readers never block the writer, and a crash loses at most the open transaction.
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.OperationalError as error:
        log.debug("journal mode unchanged (%s): read-only database?", error)
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    # A writer takes the write lock when its transaction begins, so two writers queue on the busy
    # timeout instead of one failing when it upgrades a read lock.
    write = conn.get_execution_options().get("eventscope_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A write transaction: committed at the end, rolled back on any error."""
    with engine.connect().execution_options(eventscope_write=True) as conn, conn.begin():
        yield conn


def lock_for_merge(conn: Connection) -> None:
    """Serialise merges and migrations across processes (SQLite: BEGIN IMMEDIATE already does)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})


class cell_index(FunctionElement):  # noqa: N801 - used like a SQL function
    """The integer part of a non-negative number: a grid cell's row or column (SQLite has no FLOOR)."""

    type = Integer()
    inherit_cache = True


@compiles(cell_index)
def _cell_index_default(element: cell_index, compiler: object, **kw: object) -> str:
    return f"CAST(FLOOR({compiler.process(element.clauses, **kw)}) AS INTEGER)"  # type: ignore[attr-defined]


@compiles(cell_index, "sqlite")
def _cell_index_sqlite(element: cell_index, compiler: object, **kw: object) -> str:
    # Truncation, which is the floor for the non-negative values this is used with.
    return f"CAST({compiler.process(element.clauses, **kw)} AS INTEGER)"  # type: ignore[attr-defined]


_SQLITE_MESSAGES = (
    ("attempt to write a readonly database", "cannot write to {db}: the database file is read-only"),
    ("readonly", "cannot write to {db}: the database file is read-only"),
    ("database or disk is full", "cannot write to {db}: the disk is full"),
    ("disk i/o error", "cannot write to {db}: disk I/O error (is the disk full or gone?)"),
    ("unable to open database file", "cannot open {db}: check the path and its permissions"),
    ("file is not a database", "{db} is not an eventscope (SQLite) database"),
    ("database is locked", "{db} stayed locked by another process; try again when it is done"),
)
_PG_MESSAGES = (
    ("no space left on device", "cannot write to {db}: the server's disk is full"),
    ("could not extend file", "cannot write to {db}: the server's disk is full"),
    ("read-only transaction", "cannot write to {db}: the database is read-only"),
    ("does not exist", "cannot open {db}: {detail}"),
    ("password authentication failed", "cannot open {db}: {detail}"),
)


def store_error(error: exc.SQLAlchemyError, url: URL) -> StoreError:
    """One line for a database failure, naming the database and, where known, the fix."""
    orig = getattr(error, "orig", None) or error
    lines = [line.strip() for line in str(orig).strip().splitlines() if line.strip()]
    detail = lines[0] if lines else type(orig).__name__
    low = detail.lower()
    db = describe(url)
    sqlite = url.get_backend_name() == "sqlite"
    if sqlite and "unable to open" in low and _read_only(Path(url.database or "")):
        # A WAL database on a read-only disk cannot even be opened: its -shm file cannot be created.
        return StoreError(f"cannot write to {db}: the database file or its directory is read-only")
    table = _SQLITE_MESSAGES if sqlite else _PG_MESSAGES
    for needle, message in table:
        if needle in low:
            return StoreError(message.format(db=db, detail=detail))
    if isinstance(error, exc.OperationalError) and not sqlite:
        return StoreError(f"cannot reach {db}: {detail}")
    return StoreError(f"{db}: {detail}")


def _read_only(path: Path) -> bool:
    return path.exists() and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))

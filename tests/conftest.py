"""Shared fixtures; tests/ is on sys.path (pytest's rootdir conftest), so tests import event_factory.

`db_url` gives an empty database on SQLite and on PostgreSQL (a fresh database per test).  PostgreSQL
needs EVENTSCOPE_TEST_PG_URL (`. .ci/postgres.sh` starts a server and sets it); without it those tests
skip, unless EVENTSCOPE_REQUIRE_PG=1, when they fail.
"""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, make_url, text

PG_URL = os.environ.get("EVENTSCOPE_TEST_PG_URL")


def _pg_admin():
    url = make_url(PG_URL).set(drivername="postgresql+psycopg")
    return url, create_engine(url, isolation_level="AUTOCOMMIT")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A URL of an empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    if not PG_URL:
        if os.environ.get("EVENTSCOPE_REQUIRE_PG") == "1":
            pytest.fail("EVENTSCOPE_REQUIRE_PG=1 but EVENTSCOPE_TEST_PG_URL is not set: source .ci/postgres.sh")
        pytest.skip("EVENTSCOPE_TEST_PG_URL is not set (source .ci/postgres.sh to test PostgreSQL)")
    url, admin = _pg_admin()
    name = f"es_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(drivername="postgresql", database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()

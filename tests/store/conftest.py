"""The store tests run on SQLite and on PostgreSQL: `db_url` (tests/conftest.py) gives each backend."""

from __future__ import annotations

import pytest

from eventscope.store import open_store


@pytest.fixture
def store(db_url):
    with open_store(db_url) as opened:
        yield opened

"""Web fixtures: a seeded store on each backend, the app over it, a client with the write token."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from web_seed import TOKEN, seed

from eventscope.store import open_store
from eventscope.web import Settings, create_app


@pytest.fixture
def seeded_store(db_url):
    with open_store(db_url) as store:
        seed(store)
        yield store


@pytest.fixture
def settings():
    # No caching: the tests change the store and look again at once.
    return Settings(api_token=TOKEN, cache_seconds=0)


@pytest.fixture
def app(seeded_store, settings):
    return create_app(seeded_store, settings)


@pytest.fixture
def client(app):
    with TestClient(app, base_url="http://127.0.0.1") as test_client:
        yield test_client

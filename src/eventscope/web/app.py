"""create_app(store, settings): the JSON API under /api, the dashboard at /, the API reference at /docs."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from eventscope import __version__
from eventscope.store import Store
from eventscope.web.cache import ResponseCache
from eventscope.web.errors import install_error_handlers
from eventscope.web.routes import articles, events, export, map, meta, pages, stats
from eventscope.web.security import SecurityMiddleware
from eventscope.web.settings import Settings
from eventscope.web.static_files import STATIC

log = logging.getLogger(__name__)

DESCRIPTION = """\
Merged conflict events, coded by ACLED's public rules, each field linked to the words of the article it
came from.  Every list, stats, map and export request takes the same filters.  Errors are always
`{"error": {"status", "code", "message"}}`.  Writes need `Authorization: Bearer TOKEN`.
"""


def create_app(store: Store, settings: Settings | None = None) -> FastAPI:
    """The web app over an open store; the caller keeps the store open while the app runs."""
    settings = (settings or Settings()).checked()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Requests run on worker threads; no more at once than the store's connection pool can serve
        # (SQLAlchemy's default: 5 + 10 overflow), so that none waits for a connection and times out.
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="eventscope",
        version=__version__,
        description=DESCRIPTION,
        # The framework's docs pages load their scripts from a CDN: /docs is our own offline page instead.
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.store = store
    app.state.settings = settings
    app.state.cache = ResponseCache(settings.cache_seconds)
    app.state.pipeline = None
    install_error_handlers(app)
    for module in (events, stats, map, export, articles, meta, pages):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET"],
            allow_headers=[],
            allow_credentials=False,
        )
    # Added last: the outermost layer, so that its limits and headers apply to every response.
    app.add_middleware(SecurityMiddleware, max_body=settings.max_request_bytes, allowed_hosts=settings.allowed_hosts)
    return app

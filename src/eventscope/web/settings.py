"""What a served app is allowed to do and how much it takes: from arguments, else the environment."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass

from eventscope.errors import InputError

TOKEN_ENV = "EVENTSCOPE_API_TOKEN"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


@dataclass(frozen=True, slots=True)
class Settings:
    """Settings of one app; the defaults are the safe ones (read-only, no CORS, loopback names only)."""

    # Writes (POST /api/articles) need this bearer token; None: the API is read-only.
    api_token: str | None = None
    # A larger request body gets 413: a batch of articles, not an upload of the archive.
    max_request_bytes: int = 10_000_000
    # Origins other sites' pages may read the API from (CORS); none by default.
    cors_origins: tuple[str, ...] = ()
    # Host header names the app answers to ("*": any).  Loopback names only by default, so that a web
    # page whose domain is re-pointed at 127.0.0.1 (DNS rebinding) cannot read the local API.
    allowed_hosts: tuple[str, ...] = LOOPBACK_HOSTS
    # The map gets at most this many single events; more are counted per grid cell on the server.
    map_max_points: int = 2000
    # Responses to the same list, stats or map request are reused this long (an ingest through the API
    # clears them; one by another process shows after at most this long).
    cache_seconds: float = 5.0
    # The largest page GET /api/events returns.
    max_page_size: int = 500
    # Requests served at once (worker threads); the others queue.  More than the cores gains little,
    # and more than the store's connection pool (15) would make requests wait for connections.
    threads: int = 8

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Settings from EVENTSCOPE_* variables, then `overrides` (None values are ignored)."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        if env.get(TOKEN_ENV):
            values["api_token"] = env[TOKEN_ENV]
        for name, var in (("max_request_bytes", "EVENTSCOPE_MAX_REQUEST_BYTES"),
                          ("map_max_points", "EVENTSCOPE_MAP_MAX_POINTS")):  # fmt: skip
            if env.get(var):
                values[name] = _positive_int(env[var], var)
        if env.get("EVENTSCOPE_CACHE_SECONDS"):
            values["cache_seconds"] = _seconds(env["EVENTSCOPE_CACHE_SECONDS"], "EVENTSCOPE_CACHE_SECONDS")
        if env.get("EVENTSCOPE_CORS_ORIGINS"):
            values["cors_origins"] = tuple(o.strip() for o in env["EVENTSCOPE_CORS_ORIGINS"].split(",") if o.strip())
        if env.get("EVENTSCOPE_ALLOWED_HOSTS"):
            values["allowed_hosts"] = tuple(h.strip() for h in env["EVENTSCOPE_ALLOWED_HOSTS"].split(",") if h.strip())
        values.update((k, v) for k, v in overrides.items() if v is not None)
        return cls(**values).checked()

    def checked(self) -> Settings:
        """These settings, or an InputError naming the one that cannot work."""
        if self.api_token is not None and len(self.api_token) < 16:
            raise InputError("the API token is too short: use at least 16 characters (e.g. `openssl rand -hex 24`)")
        for origin in self.cors_origins:
            if origin == "*" or not origin.startswith(("http://", "https://")):
                raise InputError(f"CORS origin {origin!r}: give a full origin such as http://localhost:3000, not '*'")
        if not 1 <= self.threads <= 15:
            raise InputError(f"threads: {self.threads} is not between 1 and 15 (the store's connection pool)")
        if not self.allowed_hosts:
            raise InputError("no allowed host names: give at least one, or '*' for any")
        return self

    def replace(self, **changes: object) -> Settings:
        return dataclasses.replace(self, **changes).checked()


def _positive_int(value: str, name: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise InputError(f"{name}={value!r}: expected a positive whole number")
    return number


def _seconds(value: str, name: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not number >= 0:
        raise InputError(f"{name}={value!r}: expected a number of seconds (0 turns caching off)")
    return number

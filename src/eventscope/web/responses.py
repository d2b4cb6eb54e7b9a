"""JSON responses encoded once: for bodies the app caches or builds from records the store already checked."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import Response

# Compact, UTF-8 (not \u-escaped), keys in their order: what json.dumps(ensure_ascii=False,
# separators=(",", ":")) wrote, several times faster.  Non-string keys become strings as json.dumps made them.
_OPTIONS = orjson.OPT_NON_STR_KEYS


def encode(content: Any) -> bytes:
    """A JSON-ready value as compact UTF-8 JSON."""
    return orjson.dumps(content, option=_OPTIONS)


def json_response(content: Any, status_code: int = 200) -> Response:
    """`content` (a JSON-ready value, or bytes already encoded) as an application/json response."""
    if not isinstance(content, bytes):
        content = encode(content)
    return Response(content, status_code=status_code, media_type="application/json")

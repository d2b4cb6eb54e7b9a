"""JSON responses encoded once: for bodies the app caches or builds from records the store already checked."""

from __future__ import annotations

import json
from typing import Any

from fastapi import Response


def json_response(content: Any, status_code: int = 200) -> Response:
    """`content` (a JSON-ready value, or bytes already encoded) as an application/json response."""
    if not isinstance(content, bytes):
        content = json.dumps(content, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
    return Response(content, status_code=status_code, media_type="application/json")

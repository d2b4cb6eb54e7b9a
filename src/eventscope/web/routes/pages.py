"""The dashboard (/) and the API reference (/docs): static pages whose scripts call the JSON API."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse

from eventscope.web.static_files import STATIC

router = APIRouter(include_in_schema=False)


@router.get("/")
def dashboard() -> FileResponse:
    return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")


@router.get("/docs")
def api_reference() -> FileResponse:
    return FileResponse(STATIC / "docs.html", media_type="text/html; charset=utf-8")

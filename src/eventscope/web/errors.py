"""One JSON shape for every error the app returns: {"error": {"status", "code", "message"}}."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from eventscope.errors import EventscopeError, InputError, StoreError

log = logging.getLogger(__name__)

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "read_only",
    404: "not_found",
    405: "method_not_allowed",
    413: "request_too_large",
    415: "unsupported_media_type",
    422: "invalid_parameter",
    500: "internal_error",
    501: "not_available",
    503: "store_unavailable",
}


class ApiError(Exception):
    """An error with its HTTP status and a one-line message for the client."""

    def __init__(self, status: int, message: str, code: str | None = None, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code or CODES.get(status, "error")
        self.message = message
        self.headers = headers


def error_body(status: int, message: str, code: str | None = None) -> dict[str, Any]:
    return {"error": {"status": status, "code": code or CODES.get(status, "error"), "message": message}}


def error_response(status: int, message: str, code: str | None = None, headers: dict[str, str] | None = None):
    return JSONResponse(error_body(status, message, code), status_code=status, headers=headers)


def _validation_message(error: RequestValidationError) -> str:
    """The first problem as one line: `since: Input should be a valid date ...`."""
    problems = error.errors()
    if not problems:
        return "invalid request"
    first = problems[0]
    where = [str(part) for part in first.get("loc", ()) if part not in ("query", "path", "body", "header")]
    message = str(first.get("msg", "invalid value")).split("\n")[0]
    return f"{'.'.join(where) or 'request'}: {message}"


def install_error_handlers(app: FastAPI) -> None:
    """Every error, ours or the framework's, in the one shape."""

    @app.exception_handler(ApiError)
    async def api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.message, exc.code, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(422, _validation_message(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else None
        message = detail or HTTPStatus(exc.status_code).phrase
        return error_response(exc.status_code, message, headers=getattr(exc, "headers", None))

    @app.exception_handler(StoreError)
    async def store_error(_request: Request, exc: StoreError) -> JSONResponse:
        log.error("store error: %s", exc)
        return error_response(503, str(exc))

    @app.exception_handler(InputError)
    async def input_error(_request: Request, exc: InputError) -> JSONResponse:
        return error_response(400, str(exc))

    @app.exception_handler(EventscopeError)
    async def eventscope_error(_request: Request, exc: EventscopeError) -> JSONResponse:
        return error_response(400, str(exc))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("internal error on %s %s", request.method, request.url.path, exc_info=exc)
        return error_response(500, "internal error: the server log has the details")

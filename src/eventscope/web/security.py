"""Headers and limits for every request: Content-Security-Policy, Host names, request body size."""

from __future__ import annotations

import json
import logging

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from eventscope.web.errors import error_body

log = logging.getLogger(__name__)

# Only our own files run, and only from files: no inline script, no eval, no other origin.  Article
# text is shown with textContent, and even markup that slipped through could run nothing under this.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)


class TooLarge(HTTPException):
    """The request body passed the limit while the app was reading it (the error handlers answer 413)."""

    def __init__(self, message: str):
        super().__init__(413, message)


class SecurityMiddleware:
    """Security headers on every response; 400 for an unknown Host; 413 for an oversize body.

    The body limit holds for a declared Content-Length and for a chunked body counted as it arrives.
    """

    def __init__(self, app: ASGIApp, max_body: int, allowed_hosts: tuple[str, ...]):
        self.app = app
        self.max_body = max_body
        self.any_host = "*" in allowed_hosts
        self.allowed_hosts = {h.lower() for h in allowed_hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or ())
        if not self.any_host and _host_name(headers.get(b"host", b"")) not in self.allowed_hosts:
            await _reply(send, 400, "this server does not answer to that Host name", "invalid_host")
            return
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body):
            await _reply(send, 413, self._too_large())
            return
        started = False
        received = 0

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise TooLarge(self._too_large())
            return message

        async def secured_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {name.lower() for name, _ in message.get("headers", ())}
                extra = [(n, v) for n, v in SECURITY_HEADERS if n not in names]
                if scope["path"].startswith(("/api/", "/openapi.json")) and b"cache-control" not in names:
                    extra.append((b"cache-control", b"no-store"))
                message = {**message, "headers": [*message.get("headers", ()), *extra]}
            await send(message)

        try:
            await self.app(scope, counted_receive, secured_send)
        except TooLarge:
            if started:
                raise
            await _reply(send, 413, self._too_large())

    def _too_large(self) -> str:
        return f"the request body is over the {self.max_body:,}-byte limit; send fewer articles at a time"


def _host_name(host: bytes) -> str:
    """The name of a Host header without its port: 'localhost:8000' -> 'localhost', '[::1]:80' -> '[::1]'."""
    text = host.decode("latin-1").strip().lower()
    if text.startswith("["):
        return text[: text.find("]") + 1] if "]" in text else text
    return text.rsplit(":", 1)[0] if ":" in text else text


async def _reply(send: Send, status: int, message: str, code: str | None = None) -> None:
    body = json.dumps(error_body(status, message, code)).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
               (b"cache-control", b"no-store"), *SECURITY_HEADERS]  # fmt: skip
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})

"""One pure-ASGI middleware in front of everything: request id, API key, body limits, metrics and access log.

It sits outside FastAPI's exception handling, so whatever it refuses (401, 413) it answers itself in the same
``{"status", "reason"}`` envelope, and every answer, refused or not, carries ``Request-Id`` and is counted.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
import time
import uuid
from collections.abc import Callable

from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import Status
from .errors import CLIENT_CLOSED, UNAUTHORIZED, envelope, http_status
from .limits import BodyReceiver, UploadGate, declared_length, too_large_message
from .metrics import Metrics

log = logging.getLogger("ktp_ocr.service.access")

REQUEST_ID_HEADER = "request-id"
_REQUEST_ID_KEY = REQUEST_ID_HEADER.encode()  # as ASGI names headers: lower-case bytes
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:@/+=-]{1,128}$")
# Routes anyone may reach: the page, its assets, health probes, docs. Everything else needs a key when keys exist.
PUBLIC_PREFIXES = (
    "/static/",
    "/docs",
    "/redoc",
    "/openapi.json",
    "/healthz",
    "/readyz",
    "/metrics",
    "/favicon.ico",
)
PUBLIC_PATHS = frozenset({"/"})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


def request_id_of(scope: Scope) -> str:
    """Keep a caller's id when it is a sane token (it ends up in logs and headers), else make one."""
    incoming = _header(scope, _REQUEST_ID_KEY) or _header(scope, b"x-" + _REQUEST_ID_KEY)  # or its X- spelling
    if incoming and _SAFE_ID.match(incoming):
        return incoming
    return uuid.uuid4().hex


def presented_key(scope: Scope) -> str | None:
    auth = _header(scope, b"authorization")
    if auth and auth[:7].lower() == "bearer ":
        return auth[7:].strip()
    return _header(scope, b"x-api-key")


def key_is_valid(key: str | None, keys: frozenset[str]) -> bool:
    """Compare against every key in constant time so the answer time does not leak a prefix."""
    if not key:
        return False
    found = False
    for candidate in keys:
        found |= hmac.compare_digest(key.encode(), candidate.encode())
    return found


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


class ServiceMiddleware:
    """Everything that must happen to every request, whatever route answers it."""

    def __init__(
        self, app: ASGIApp, *, metrics: Metrics, api_keys: Callable[[], frozenset[str]], uploads: UploadGate
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.api_keys = api_keys
        self.uploads = uploads

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = request_id_of(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        code = 500  # what is recorded when the app raises before answering: ServerErrorMiddleware answers 500
        answered = False
        body = BodyReceiver(receive, scope, self.uploads)  # every route's body: slot, rate and size limits

        async def send_with_id(message: Message) -> None:
            nonlocal code, answered
            if message["type"] == "http.response.start":
                code = int(message["status"])
                answered = True
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != _REQUEST_ID_KEY]
                headers.append((_REQUEST_ID_KEY, request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            refusal = self._refusal(scope)
            if refusal is not None:
                status, reason = refusal
                await _send_envelope(send_with_id, status, reason)
            else:
                await self.app(scope, body, send_with_id)
        except ClientDisconnect:
            # The client left mid-body and no handler answered it (the app's handler answers 499): not a server
            # error, no traceback. Answer 499 for the record; nobody is there to read it.
            if not answered:
                await send_with_id({"type": "http.response.start", "status": CLIENT_CLOSED, "headers": []})
                await send_with_id({"type": "http.response.body", "body": b""})
        finally:
            body.close()
            elapsed = time.perf_counter() - started
            route = _route_template(scope)
            self.metrics.observe(scope["method"], route, code, elapsed)
            line = {"request_id": request_id, "method": scope["method"], "route": route, "code": code}
            line["duration_ms"] = round(elapsed * 1000, 1)
            log.info("%(request_id)s %(method)s %(route)s %(code)d %(duration_ms).1fms", line, extra=line)

    def _refusal(self, scope: Scope) -> tuple[str, str | None] | None:
        """A status to answer without running the app: no valid key, or a declared body over the limit."""
        keys = self.api_keys()
        if keys and not is_public(scope["path"]) and not key_is_valid(presented_key(scope), keys):
            return UNAUTHORIZED, None
        length = declared_length(scope.get("headers", []))
        limit = self.uploads.policy.max_bytes
        if length is not None and length > limit:
            return Status.FILE_TOO_LARGE, too_large_message(limit)
        return None


def _route_template(scope: Scope) -> str:
    """The matched route's template (bounded label cardinality); unmatched paths share one label."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path
    if "endpoint" in scope:  # a plain Starlette route (docs, openapi.json) or the static mount: fixed paths
        return "/static" if scope["path"].startswith("/static/") else str(scope["path"])
    return "unmatched"


async def _send_envelope(send: Send, status: str, reason: str | None) -> None:
    body = json.dumps(envelope(status, reason)).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if status == UNAUTHORIZED:
        headers.append((b"www-authenticate", b'Bearer realm="ktp-ocr"'))
    await send({"type": "http.response.start", "status": http_status(status), "headers": headers})
    await send({"type": "http.response.body", "body": body})

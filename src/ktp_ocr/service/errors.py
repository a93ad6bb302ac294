"""Status -> HTTP, in one place, and the ``{"status", "reason"}`` envelope every failure is answered with.

Reader statuses come from :data:`ktp_ocr.errors.STATUS_CODES`; the few outcomes that only the HTTP layer knows
(bad request syntax, a missing API key, a full queue) are added here so that no handler invents a code of its own.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any, NamedTuple

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from ..errors import STATUS_CODES, KtpOcrError, Status, StatusCodes

log = logging.getLogger("ktp_ocr.service")


class ServiceStatus(NamedTuple):
    http: int
    reason: str


INVALID_REQUEST = "INVALID_REQUEST"
UNAUTHORIZED = "UNAUTHORIZED"
NOT_FOUND = "NOT_FOUND"
METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
REQUEST_TIMEOUT = "REQUEST_TIMEOUT"
TOO_MANY_UPLOADS = "TOO_MANY_UPLOADS"
BUSY = "BUSY"
TIMEOUT = "TIMEOUT"
NOT_READY = "NOT_READY"

SERVICE_STATUSES: dict[str, ServiceStatus] = {
    INVALID_REQUEST: ServiceStatus(400, "The request is malformed."),
    UNAUTHORIZED: ServiceStatus(401, "A valid API key is required (Authorization: Bearer <key> or x-api-key)."),
    NOT_FOUND: ServiceStatus(404, "No such route."),
    METHOD_NOT_ALLOWED: ServiceStatus(405, "Method not allowed on this route."),
    REQUEST_TIMEOUT: ServiceStatus(
        408, "The request body did not arrive in time (a minimum rate after a grace period, and a time limit)."
    ),
    TOO_MANY_UPLOADS: ServiceStatus(429, "Too many uploads are open from this address; retry later."),
    BUSY: ServiceStatus(503, "All OCR workers are busy and the queue is full; retry later."),
    TIMEOUT: ServiceStatus(503, "Reading took longer than the configured time limit; retry later."),
    NOT_READY: ServiceStatus(503, "The OCR models are still loading; retry later."),
}

# What the body limits (:mod:`.limits`) answer while a body arrives: every route passes them on as they are.
BODY_REFUSALS = frozenset({REQUEST_TIMEOUT, TOO_MANY_UPLOADS, BUSY})

# nginx's code for "client closed request": what the metrics and the access log record for a request whose client
# went away before its body was read. Not a server error, and no answer reaches anyone.
CLIENT_CLOSED = 499

# HTTP codes the framework may raise on its own, mapped back to a typed status.
_HTTP_TO_STATUS: dict[int, str] = {
    400: INVALID_REQUEST,
    401: UNAUTHORIZED,
    404: NOT_FOUND,
    405: METHOD_NOT_ALLOWED,
    408: REQUEST_TIMEOUT,
    413: Status.FILE_TOO_LARGE,
    415: Status.FILE_INVALID_FORMAT,
    429: TOO_MANY_UPLOADS,
    503: BUSY,
}


def _row(status: str) -> ServiceStatus | StatusCodes:
    """A service or reader status's row (HTTP code, reason); an unknown status is FAILED's, a server error."""
    if status in SERVICE_STATUSES:
        return SERVICE_STATUSES[status]
    try:
        return STATUS_CODES[Status(status)]
    except ValueError:
        return STATUS_CODES[Status.FAILED]


def http_status(status: str) -> int:
    """The HTTP code of a reader or service status; unknown statuses are server errors."""
    return _row(status).http


def default_reason(status: str) -> str:
    return _row(status).reason


class ServiceError(Exception):
    """A failure the HTTP layer answers by itself (not a read), e.g. a full queue or a missing key."""

    def __init__(self, status: str, message: str | None = None, headers: Mapping[str, str] | None = None) -> None:
        self.status = status
        self.message = message or default_reason(status)
        self.headers = dict(headers or {})
        super().__init__(self.message)

    @property
    def http_status(self) -> int:
        return http_status(self.status)


ECHO_MAX_CHARS = 200


def echo(value: str, limit: int = ECHO_MAX_CHARS) -> str:
    """A string from the request, safe to put back into an answer: at most ``limit`` characters, and every
    character the UTF-8 encoder refuses (a lone surrogate, sent as ``"\\udcff"`` in JSON) written as its escape.
    """
    short = value[:limit] + ("..." if len(value) > limit else "")
    return short.encode("utf-8", "backslashreplace").decode("utf-8")


def envelope(status: str, reason: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"status": str(status), "reason": reason or default_reason(status), **extra}


class SafeJSONResponse(JSONResponse):
    """JSON that always encodes: text from a request that reached an answer unescaped (a lone surrogate the UTF-8
    encoder refuses) is written as a JSON ``\\u`` escape instead of failing the answer with a 500."""

    def render(self, content: Any) -> bytes:
        try:
            return super().render(content)
        except UnicodeEncodeError:
            return json.dumps(content, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode("ascii")


def error_response(status: str, reason: str | None = None, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return SafeJSONResponse(envelope(status, reason), status_code=http_status(status), headers=dict(headers or {}))


def _validation_status(exc: RequestValidationError) -> tuple[str, str]:
    """A missing ``image`` is NO_FILE; any other bad parameter is INVALID_REQUEST naming the parameter."""
    problems: list[str] = []
    for error in exc.errors():
        loc = [str(part) for part in error.get("loc", ())]
        if "image" in loc and error.get("type") == "missing":
            return Status.NO_FILE, default_reason(Status.NO_FILE)
        problems.append(f"{'.'.join(loc) or 'request'}: {error.get('msg', 'invalid')}")
    return INVALID_REQUEST, "; ".join(problems)[:500] or default_reason(INVALID_REQUEST)


async def _on_service_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ServiceError)
    return error_response(exc.status, exc.message, exc.headers)


async def _on_reader_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, KtpOcrError)
    return error_response(exc.status, exc.message)


async def _on_validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    status, reason = _validation_status(exc)
    return error_response(status, reason)


async def _on_http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = _HTTP_TO_STATUS.get(exc.status_code, INVALID_REQUEST if exc.status_code < 500 else Status.FAILED)
    reason = exc.detail if isinstance(exc.detail, str) and exc.status_code < 500 else None
    return error_response(status, reason, exc.headers)


async def _on_client_disconnect(_: Request, exc: Exception) -> Response:
    """The client closed the connection mid-body: nothing to answer and nothing went wrong here. The access log
    line (code 499) is the one trace of it; no traceback, not a 5xx in the metrics."""
    assert isinstance(exc, ClientDisconnect)
    return Response(status_code=CLIENT_CLOSED)


async def _on_unexpected(_: Request, exc: Exception) -> JSONResponse:
    """Last resort: log the type only (a message could quote card text) and answer FAILED without a trace."""
    log.error("unhandled %s in a request", type(exc).__name__, exc_info=log.isEnabledFor(logging.DEBUG))
    return error_response(Status.FAILED)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ServiceError, _on_service_error)
    app.add_exception_handler(KtpOcrError, _on_reader_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(ClientDisconnect, _on_client_disconnect)
    app.add_exception_handler(Exception, _on_unexpected)

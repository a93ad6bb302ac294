"""Running one read on the pool and recording it: metrics (status, stage times) and a log line, NIK and name masked.

Every OCR route takes its place in the pool with :func:`admission` *before* it reads the request body, reads the
body with :func:`receive_body` (a deadline, as a slow upload holds its place meanwhile), then reads the card with
:func:`run_read` in that place.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import TypeVar

from fastapi import Request

from ..options import ReaderOptions
from ..result import KtpResult
from .errors import REQUEST_TIMEOUT, ServiceError
from .logs import mask
from .pool import Reservation
from .state import ServiceState, get_state

log = logging.getLogger("ktp_ocr.service.read")
T = TypeVar("T")
_RESERVATION = "ocr_reservation"


def _read_sync(state: ServiceState, data: bytes, options: ReaderOptions) -> KtpResult:
    with state.reader.borrow() as reader:
        try:
            return reader.read(data, options)
        except Exception as exc:  # the reader promises not to raise; if it does, answer without a trace
            log.error("reader raised %s", type(exc).__name__)
            return KtpResult.from_error(exc)


@asynccontextmanager
async def admission(request: Request) -> AsyncIterator[Reservation]:
    """This request's place in the pool, taken before its body is read: NOT_READY, or BUSY (503, Retry-After)
    when every place is taken, both without reading a byte. Nested use (a route, then ``read_with``) shares one."""
    held = getattr(request.state, _RESERVATION, None)
    if isinstance(held, Reservation):
        yield held
        return
    state = get_state(request)
    state.reader.get()  # NOT_READY before taking a place or reading anything
    async with state.pool.admit() as reservation:
        setattr(request.state, _RESERVATION, reservation)
        try:
            yield reservation
        finally:
            setattr(request.state, _RESERVATION, None)


async def receive_body(state: ServiceState, reading: Awaitable[T]) -> T:
    """Await ``reading`` (the body being received and parsed) within ``body_timeout_s``, else REQUEST_TIMEOUT."""
    deadline = asyncio.timeout(state.settings.body_timeout_s)
    try:
        async with deadline:
            return await reading
    except TimeoutError as exc:
        if not deadline.expired():
            raise
        raise ServiceError(REQUEST_TIMEOUT) from exc


async def run_read(
    state: ServiceState,
    data: bytes,
    options: ReaderOptions,
    request_id: str = "-",
    reservation: Reservation | None = None,
) -> KtpResult:
    """Read ``data`` on a worker thread within the pool's bounds and time limit, in ``reservation``'s place
    (taken by :func:`admission`; a place is taken here when None)."""
    state.reader.get()  # fail fast with NOT_READY before taking a pool slot
    result = await state.pool.run(lambda: _read_sync(state, data, options), reservation)
    state.metrics.observe_read(result)
    fields = result.fields
    log.info(
        "%s read %s nik=%s nama=%s %d bytes",
        request_id,
        result.status,
        mask("NIK", fields.nik.value),
        mask("NAME", fields.nama.value),
        len(data),
        extra={"request_id": request_id, "status": str(result.status)},
    )
    return result

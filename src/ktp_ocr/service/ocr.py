"""Running one read on the pool and recording it: metrics (status, stage times) and a log line, NIK and name masked.

Every OCR route checks :func:`open_for_reads` before it reads the request body (NOT_READY and BUSY cost no body),
receives the body (its slot, rate and size are the middleware's, :mod:`.limits`), then reads the card with
:func:`run_read`, which takes the pool place for the read.
"""

from __future__ import annotations

import logging

from fastapi import Request

from ..options import ReaderOptions
from ..result import KtpResult
from .logs import mask
from .state import ServiceState, get_state

log = logging.getLogger("ktp_ocr.service.read")


def _read_sync(state: ServiceState, data: bytes, options: ReaderOptions) -> KtpResult:
    with state.reader.borrow() as reader:
        try:
            return reader.read(data, options)
        except Exception as exc:  # the reader promises not to raise; if it does, answer without a trace
            log.error("reader raised %s", type(exc).__name__)
            return KtpResult.from_error(exc)


def open_for_reads(request: Request) -> ServiceState:
    """NOT_READY, or BUSY (503, Retry-After) when every pool place is taken, both before a byte of the body is
    read. The body is then received in an upload slot (:mod:`.limits`) and the place is taken by
    :func:`run_read` once it is in: a slow upload never holds a read place."""
    state = get_state(request)
    state.reader.get()
    state.pool.check_room()
    return state


async def run_read(
    state: ServiceState,
    data: bytes,
    options: ReaderOptions,
    request_id: str = "-",
) -> KtpResult:
    """Read ``data`` on a worker thread within the pool's bounds and time limit (BUSY when no place is free)."""
    state.reader.get()  # fail fast with NOT_READY before taking a pool slot
    result = await state.pool.run(lambda: _read_sync(state, data, options))
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

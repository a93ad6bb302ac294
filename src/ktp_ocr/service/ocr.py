"""Running one read on the pool and recording it: metrics (status, stage times) and a log line, NIK and name masked."""

from __future__ import annotations

import logging

from ..errors import KtpOcrError, Status
from ..options import ReaderOptions
from ..result import KtpResult
from .logs import mask
from .state import ServiceState

log = logging.getLogger("ktp_ocr.service.read")


def _read_sync(state: ServiceState, data: bytes, options: ReaderOptions) -> KtpResult:
    with state.reader.borrow() as reader:
        try:
            return reader.read(data, options)
        except KtpOcrError as exc:
            return KtpResult.failure(exc.status, exc.message)
        except Exception as exc:  # the reader promises not to raise; if it does, answer FAILED without a trace
            log.error("reader raised %s", type(exc).__name__)
            return KtpResult.failure(Status.FAILED)


async def run_read(state: ServiceState, data: bytes, options: ReaderOptions, request_id: str = "-") -> KtpResult:
    """Read ``data`` on a worker thread within the pool's bounds and time limit."""
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

"""Seed 000, a Flask/Tesseract service: ``POST /ocr`` with a multipart ``image``.

Envelope ``{error, message, result}``; ``result`` holds the nested Flask layout plus ``time_elapsed`` (seconds,
a string with three decimals). Like the original, every answer is HTTP 200 and failures are told apart by
``error: true`` and the original's Indonesian messages:

- no ``image`` part: "Foto wajib ada";
- not a KTP (no card, unrecognized document): "Foto yang diunggah haruslah foto E-KTP";
- read but NIK, name, province or regency missing: "Resolusi foto terlalu rendah, silakan coba lagi.";
- anything else (bad file, no text, failure): "Maaf, KTP tidak terdeteksi".
BUSY/TIMEOUT (503) are the only non-200 answers, in our ``{status, reason}`` envelope.
"""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from ...errors import Status
from ...result import KtpResult
from ..openapi import error_responses, image_body
from ._common import NOT_READ, flask_layout, own_envelope, read_uploaded, respond, value_of

router = APIRouter(tags=["compat: seed 000 (Flask/Tesseract /ocr)"])

SUCCESS_MESSAGE = "Proses OCR Berhasil"
NO_PHOTO = "Foto wajib ada"
NOT_KTP = "Foto yang diunggah haruslah foto E-KTP"
LOW_RESOLUTION = "Resolusi foto terlalu rendah, silakan coba lagi."
NOT_DETECTED = "Maaf, KTP tidak terdeteksi"
REQUIRED = ("nik", "nama", "provinsi", "kabupaten_kota")


def failure_message(result: KtpResult) -> str | None:
    """The original's message for a failed read, or None when the read counts as a success."""
    if result.status == Status.NO_FILE:
        return NO_PHOTO
    if result.status in NOT_READ or result.status == Status.MULTIPLE_DOCUMENTS_DETECTED:
        return NOT_KTP
    if result.status != Status.SUCCESS:
        return NOT_DETECTED
    if not all(value_of(result, name) for name in REQUIRED):
        return LOW_RESOLUTION
    return None


def body_of(result: KtpResult, seconds: float) -> dict[str, Any]:
    message = failure_message(result)
    if message is not None:
        return {"error": True, "message": message}
    return {
        "error": False,
        "message": SUCCESS_MESSAGE,
        "result": {**flask_layout(result), "time_elapsed": f"{seconds:.3f}"},
    }


@router.post(
    "/ocr",
    summary="Seed 000: read a KTP (multipart image); always 200, failures flagged by error: true",
    openapi_extra=image_body(),
    responses=error_responses(401, 408, 413, 503),
)
@own_envelope(lambda result: respond(body_of(result, 0.0)))
async def ocr(request: Request) -> JSONResponse:
    started = time.perf_counter()
    result = await read_uploaded(request)
    return respond(body_of(result, time.perf_counter() - started))

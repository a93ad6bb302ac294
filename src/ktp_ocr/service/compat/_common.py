"""What every compatibility contract shares: get the bytes, read them, rename the fields."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect

from ...errors import STATUS_CODES, KtpOcrError, Status
from ...options import ReaderOptions
from ...result import FieldResult, KtpResult
from ..errors import SafeJSONResponse, ServiceError, http_status
from ..ocr import open_for_reads, run_read
from ..uploads import read_upload

log = logging.getLogger("ktp_ocr.service")
PASSED_ON = (ServiceError, KtpOcrError, HTTPException, RequestValidationError, ClientDisconnect)

# Statuses where the reader found no usable card or text: contracts without such codes call them "not a KTP".
NOT_READ = frozenset({Status.CARD_NOT_FOUND, Status.TEXT_NOT_FOUND, Status.UNRECOGNIZED_DOCUMENT_TYPE})


def request_id(request: Request) -> str:
    return str(getattr(request.state, "request_id", "-"))


async def read_with(
    request: Request, get_bytes: Callable[[], Awaitable[bytes]], options: ReaderOptions | None = None
) -> KtpResult:
    """Always a KtpResult: failures to get the bytes become failure results; only BUSY/TIMEOUT/NOT_READY and the
    body's own refusals (REQUEST_TIMEOUT, TOO_MANY_UPLOADS) raise.

    NOT_READY and BUSY are checked before ``get_bytes`` runs, so such a request's body is never read.
    """
    state = open_for_reads(request)
    try:
        data = await get_bytes()
    except KtpOcrError as exc:
        return KtpResult.failure(exc.status, exc.message)
    return await run_read(state, data, options or state.base_options, request_id(request))


async def read_uploaded(request: Request, options: ReaderOptions | None = None) -> KtpResult:
    """The common case: the image is a multipart ``image`` (or JSON base64 / a raw body)."""

    async def get_bytes() -> bytes:
        return (await read_upload(request)).data

    return await read_with(request, get_bytes, options)


R = TypeVar("R", bound=Response)
Route = Callable[..., Awaitable[R]]


def own_envelope(render: Callable[[KtpResult], R]) -> Callable[[Route[R]], Route[R]]:
    """A contract route whose unexpected exceptions answer in the contract's own shape: ``render`` of a FAILED
    result (500 where the contract has codes), logged by type only, without a traceback. The refusals every route
    shares (BUSY, REQUEST_TIMEOUT, ...: ``ServiceError``), typed reader errors, the framework's own and a client
    gone go on to the app's handlers as before."""

    def wrap(route: Route[R]) -> Route[R]:
        @functools.wraps(route)
        async def guarded(*args: Any, **kwargs: Any) -> R:
            try:
                return await route(*args, **kwargs)
            except PASSED_ON:
                raise
            except Exception as exc:
                log.error("unhandled %s in a request", type(exc).__name__, exc_info=log.isEnabledFor(logging.DEBUG))
                return render(KtpResult.failure(Status.FAILED))

        return guarded

    return wrap


def value_of(result: KtpResult, name: str) -> str:
    """A field's value, '' when absent (the seed services print empty strings, never null)."""
    return result.fields.get(name).value or ""


def renamed(result: KtpResult, names: Mapping[str, str], render: Callable[[FieldResult], Any]) -> dict[str, Any]:
    """``{their_name: render(our field)}`` for a contract's field table ``{their_name: our_name}``."""
    return {theirs: render(result.fields.get(ours)) for theirs, ours in names.items()}


def values_renamed(result: KtpResult, names: Mapping[str, str]) -> dict[str, str]:
    return renamed(result, names, lambda field: field.value or "")


def code_of(result: KtpResult, overrides: Mapping[Status, int] | None = None) -> int:
    """The HTTP code from the one status table, unless a contract documents another one."""
    if overrides and result.status in overrides:
        return overrides[result.status]
    return http_status(result.status)


def reason_of(status: Status) -> str:
    return STATUS_CODES[status].reason


def respond(body: dict[str, Any], code: int = 200) -> JSONResponse:
    return SafeJSONResponse(body, status_code=code)


# The two Flask services print the same nested layout; only their envelopes differ.
FLASK_FIELDS: dict[str, str] = {
    "nik": "nik",
    "nama": "nama",
    "tempat_lahir": "tempat_lahir",
    "tgl_lahir": "tanggal_lahir",
    "jenis_kelamin": "jenis_kelamin",
    "agama": "agama",
    "status_perkawinan": "status_perkawinan",
    "pekerjaan": "pekerjaan",
    "kewarganegaraan": "kewarganegaraan",
}
FLASK_ADDRESS: dict[str, str] = {
    "name": "alamat",
    "rt_rw": "rt_rw",
    "kel_desa": "kelurahan_desa",
    "kecamatan": "kecamatan",
    "kabupaten": "kabupaten_kota",
    "provinsi": "provinsi",
}


def flask_layout(result: KtpResult) -> dict[str, Any]:
    """``{nik, nama, ..., alamat: {name, rt_rw, kel_desa, kecamatan, kabupaten, provinsi}}``."""
    return {**values_renamed(result, FLASK_FIELDS), "alamat": values_renamed(result, FLASK_ADDRESS)}

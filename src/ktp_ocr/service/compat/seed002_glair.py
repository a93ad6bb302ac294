"""Seed 002, GLAIR Vision: ``POST /ocr/v1/ktp`` and ``POST /ocr/v1/ktp/qualities`` with a multipart ``image``.

``{status, reason, images{photo, sign}, read{<camelCase field>: {confidence, value}}}``; ``withRawText``,
``withConfidenceField`` and ``withPolygon`` add ``raw_text``, ``confidence_field`` and ``polygon`` (a list
holding one 4-point polygon) to each field; the qualities route adds ``qualities`` with the nine ``is_*`` flags.

Mapping of our statuses onto GLAIR's: SUCCESS stays, with "File successfully read. Some fields are invalid." when
a field failed validation; on the plain route a card that is not a KTP, an unrecognized document or several
documents are all 200 SUCCESS with that reason (GLAIR answers a non-KTP file so); on the qualities route they
are 200 UNRECOGNIZED_DOCUMENT_TYPE / MULTIPLE_DOCUMENTS_DETECTED. NO_FILE 400 "No file in request body";
FILE_INVALID_FORMAT 415 "Failed to process invalid request"; FILE_TOO_LARGE 413 and FAILED 500 keep ours.
Defaults where our reader has nothing: ``confidence_field`` = the field's confidence (the label is not scored
apart), ``images.photo``/``sign`` null, quality flags false except ``is_ktp`` (card or NIK found).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from ...errors import Status
from ...result import FieldResult, KtpResult
from ..extras import card_images, quality_flags
from ..openapi import error_responses, image_body
from ._common import NOT_READ, code_of, own_envelope, read_uploaded, reason_of, renamed, respond

router = APIRouter(tags=["compat: seed 002 (GLAIR /ocr/v1/ktp)"])

GLAIR_FIELDS: dict[str, str] = {
    "agama": "agama",
    "alamat": "alamat",
    "berlakuHingga": "berlaku_hingga",
    "golonganDarah": "golongan_darah",
    "jenisKelamin": "jenis_kelamin",
    "kecamatan": "kecamatan",
    "kelurahanDesa": "kelurahan_desa",
    "kewarganegaraan": "kewarganegaraan",
    "kotaKabupaten": "kabupaten_kota",
    "nama": "nama",
    "nik": "nik",
    "pekerjaan": "pekerjaan",
    "provinsi": "provinsi",
    "rtRw": "rt_rw",
    "statusPerkawinan": "status_perkawinan",
    "tanggalLahir": "tanggal_lahir",
    "tempatLahir": "tempat_lahir",
}
SOME_INVALID = "File successfully read. Some fields are invalid."
INVALID_FORMAT = "Failed to process invalid request"
QUALITY_ONLY = frozenset({Status.UNRECOGNIZED_DOCUMENT_TYPE, Status.MULTIPLE_DOCUMENTS_DETECTED})


def status_and_reason(result: KtpResult, with_qualities: bool) -> tuple[Status, str]:
    if result.status == Status.FILE_INVALID_FORMAT:
        return result.status, INVALID_FORMAT
    if result.status == Status.NO_FILE:
        return result.status, reason_of(Status.NO_FILE)
    if with_qualities and result.status in QUALITY_ONLY:
        return result.status, reason_of(result.status)
    if with_qualities and result.status in NOT_READ:
        return Status.UNRECOGNIZED_DOCUMENT_TYPE, reason_of(Status.UNRECOGNIZED_DOCUMENT_TYPE)
    if result.status in NOT_READ or result.status in QUALITY_ONLY:
        return Status.SUCCESS, SOME_INVALID
    if result.status == Status.SUCCESS:
        invalid = any(not field.valid and field.value for field in _our_fields(result))
        return Status.SUCCESS, SOME_INVALID if invalid else reason_of(Status.SUCCESS)
    return result.status, result.reason


def _our_fields(result: KtpResult) -> list[FieldResult]:
    return [result.fields.get(ours) for ours in GLAIR_FIELDS.values()]


def field_renderer(raw_text: bool, confidence_field: bool, polygon: bool) -> Any:
    def render(field: FieldResult) -> dict[str, Any]:
        entry: dict[str, Any] = {"confidence": round(field.confidence), "value": field.value or ""}
        if confidence_field:
            entry["confidence_field"] = round(field.confidence)
        if polygon:
            entry["polygon"] = [field.polygon] if field.polygon else []
        if raw_text:
            entry["raw_text"] = field.raw_text or ""
        return entry

    return render


def body_of(
    result: KtpResult, *, qualities: bool, raw_text: bool, confidence_field: bool, polygon: bool
) -> tuple[dict[str, Any], Status]:
    status, reason = status_and_reason(result, qualities)
    body: dict[str, Any] = {"status": str(status), "reason": reason}
    if qualities:
        body["qualities"] = quality_flags(result)[0]
    body["images"] = card_images(result)
    body["read"] = renamed(result, GLAIR_FIELDS, field_renderer(raw_text, confidence_field, polygon))
    return body, status


async def _answer(
    request: Request, qualities: bool, raw_text: bool, confidence_field: bool, polygon: bool
) -> JSONResponse:
    result = await read_uploaded(request)
    body, status = body_of(
        result, qualities=qualities, raw_text=raw_text, confidence_field=confidence_field, polygon=polygon
    )
    code = 200 if status in (Status.SUCCESS, *QUALITY_ONLY) else code_of(result)
    return respond(body, code)


RawText = Annotated[bool, Query(alias="withRawText", description="Add raw_text to each field.")]
ConfidenceField = Annotated[bool, Query(alias="withConfidenceField", description="Add confidence_field.")]
Polygon = Annotated[bool, Query(alias="withPolygon", description="Add polygon to each field.")]
DOC: dict[str, Any] = {"openapi_extra": image_body(), "responses": error_responses(400, 401, 408, 413, 415, 500, 503)}


def _failed(result: KtpResult) -> JSONResponse:
    body, _ = body_of(result, qualities=False, raw_text=False, confidence_field=False, polygon=False)
    return respond(body, code_of(result))


@router.post("/ocr/v1/ktp", summary="GLAIR: read a KTP", **DOC)
@own_envelope(_failed)
async def glair_ktp(
    request: Request, raw_text: RawText = False, confidence_field: ConfidenceField = False, polygon: Polygon = False
) -> JSONResponse:
    return await _answer(request, False, raw_text, confidence_field, polygon)


@router.post("/ocr/v1/ktp/qualities", summary="GLAIR: read a KTP with quality verdicts", **DOC)
@own_envelope(_failed)
async def glair_ktp_qualities(
    request: Request, raw_text: RawText = False, confidence_field: ConfidenceField = False, polygon: Polygon = False
) -> JSONResponse:
    return await _answer(request, True, raw_text, confidence_field, polygon)

"""Seed 003, Nodeflux OCR-KTP: ``POST /v1/analytics/ocr-ktp`` (also ``/v1/nodeflux/ocr-ktp``).

Request: JSON ``{"images": ["<base64 or data: URI>"]}`` as Nodeflux takes it, or a multipart ``image``. Nodeflux
runs jobs asynchronously; we answer the finished job at once:
``{"job": {"id", "result": {"status": "success", "analytic_type": "OCR_KTP", "result": [{<fields>,
"image_quality": {sharpness, brightness, specularity}}]}}, "message": "OCR_KTP Service Success", "ok": true}``.
The job id is the request id. A failed read is ``status: "failed"``, an empty ``result``, ``ok: false``, our
reason as ``message`` and our status table's HTTP code. ``image_quality`` is true where no problem was found:
sharpness = not blurred, brightness = neither dark nor bright, specularity = no flash/glare; unassessed = true.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from ...errors import Status
from ...result import KtpResult
from ..extras import quality_flags
from ..openapi import BASE64_IMAGE, NODEFLUX_ERROR_SCHEMA, error_responses, image_body
from ..uploads import read_upload
from ._common import code_of, own_envelope, read_with, request_id, respond, values_renamed

router = APIRouter(tags=["compat: seed 003 (Nodeflux OCR-KTP)"])

ANALYTIC = "OCR_KTP"
SUCCESS_MESSAGE = "OCR_KTP Service Success"
NODEFLUX_FIELDS: dict[str, str] = {
    name: name
    for name in (
        "nik",
        "agama",
        "rt_rw",
        "alamat",
        "provinsi",
        "kecamatan",
        "pekerjaan",
        "tempat_lahir",
        "jenis_kelamin",
        "tanggal_lahir",
        "berlaku_hingga",
        "golongan_darah",
        "kabupaten_kota",
        "kelurahan_desa",
        "kewarganegaraan",
        "status_perkawinan",
    )
}
# Nodeflux's own 'nama' is absent from the seed's truncated sample but present in its API: keep it.
NODEFLUX_FIELDS["nama"] = "nama"


def image_quality(result: KtpResult) -> dict[str, bool]:
    flags, _ = quality_flags(result)
    return {
        "sharpness": not flags["is_blurred"],
        "brightness": not (flags["is_dark"] or flags["is_bright"]),
        "specularity": not flags["is_flash"],
    }


def body_of(result: KtpResult, job_id: str) -> dict[str, Any]:
    ok = result.status == Status.SUCCESS
    items = [{**values_renamed(result, NODEFLUX_FIELDS), "image_quality": image_quality(result)}] if ok else []
    return {
        "job": {
            "id": job_id,
            "result": {"status": "success" if ok else "failed", "analytic_type": ANALYTIC, "result": items},
        },
        "message": SUCCESS_MESSAGE if ok else result.reason,
        "ok": ok,
    }


async def _images_bytes(request: Request) -> bytes:
    return (await read_upload(request, json_field="images")).data


DOC: dict[str, Any] = {
    "openapi_extra": image_body(json_props={"images": {"type": "array", "items": BASE64_IMAGE, "minItems": 1}}),
    "responses": error_responses(400, 401, 408, 413, 415, 422, 500, 503, schema=NODEFLUX_ERROR_SCHEMA),
}


@router.post("/v1/analytics/ocr-ktp", summary="Nodeflux: read a KTP", **DOC)
@own_envelope(lambda result: respond(body_of(result, "-"), code_of(result)))
async def nodeflux_ocr_ktp(request: Request) -> JSONResponse:
    result = await read_with(request, lambda: _images_bytes(request))
    return respond(body_of(result, request_id(request)), code_of(result))


@router.post("/v1/nodeflux/ocr-ktp", summary="Nodeflux: read a KTP (alias)", **DOC)
async def nodeflux_ocr_ktp_alias(request: Request) -> JSONResponse:
    return await nodeflux_ocr_ktp(request)

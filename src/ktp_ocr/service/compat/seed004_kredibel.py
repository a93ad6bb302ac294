"""Seed 004, Kredibel National Identity: ``POST /v1/ocr/id/ktp`` with JSON ``{"image": "<base64>", options}``.

Options in the body, as Kredibel takes them: ``cardDetect`` (true), ``passCardDetect`` (true), ``flipImage``
(false), ``checkFlipImage`` (false), ``validateResult`` (false). Success is Kredibel's envelope
``{"message", "data": {"result": {identityId, fullName, ...}, "information": {tilt, cardDetected}}}``;
``checkFlipImage`` adds ``information.flipped``, ``validateResult`` adds ``data.validation`` (field -> valid).
Errors are ``{"errors": {"errorId": <request id>, "errorType": <code>}, "message"}``:
invalid_base64_encoding 400, card_not_found 422, text_not_found 422, invalid_document_type 422 (Kredibel lists it
as a 4XX), parsing_failed 422 (text read but no NIK); FILE_INVALID_FORMAT, FILE_TOO_LARGE and a missing image are
Kredibel's validation error ``{"errors": {"image": [...]}, "message": "Input payload validation failed."}``
with 415/413/400; FAILED is 500 with only ``errorId``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from ...errors import NoFileError, Status
from ...result import KtpResult
from ..errors import BODY_REFUSALS, ServiceError
from ..ocr import open_for_reads
from ..openapi import BASE64_IMAGE, KREDIBEL_ERROR_SCHEMA, error_responses, image_body
from ..reqopts import ReadRequest
from ..uploads import decode_base64, read_json
from ._common import code_of, own_envelope, read_with, request_id, respond, values_renamed

router = APIRouter(tags=["compat: seed 004 (Kredibel /v1/ocr/id/ktp)"])

KREDIBEL_FIELDS: dict[str, str] = {
    "identityId": "nik",
    "fullName": "nama",
    "birthPlace": "tempat_lahir",
    "birthDate": "tanggal_lahir",
    "gender": "jenis_kelamin",
    "address": "alamat",
    "province": "provinsi",
    "city": "kabupaten_kota",
    "district": "kecamatan",
    "village": "kelurahan_desa",
    "rtrw": "rt_rw",
    "religion": "agama",
    "maritalStatus": "status_perkawinan",
    "occupation": "pekerjaan",
    "nationality": "kewarganegaraan",
}
OPTIONS = {
    "cardDetect": "card_detect",
    "passCardDetect": "pass_card_detect",
    "flipImage": "flip_image",
    "checkFlipImage": "check_flip_image",
    "validateResult": "validate_result",
}
ERROR_TYPES: dict[Status, str] = {
    Status.INVALID_BASE64: "invalid_base64_encoding",
    Status.CARD_NOT_FOUND: "card_not_found",
    Status.TEXT_NOT_FOUND: "text_not_found",
    Status.UNRECOGNIZED_DOCUMENT_TYPE: "invalid_document_type",
    Status.MULTIPLE_DOCUMENTS_DETECTED: "invalid_document_type",
}
MESSAGES: dict[str, str] = {
    "invalid_base64_encoding": "Invalid base64 encoding.",
    "card_not_found": "There is no identity card found in the image.",
    "text_not_found": "There is no text found in the image.",
    "invalid_document_type": "The document sent does not appear to be the right identity type.",
    "parsing_failed": "System fail to parse identity card.",
}
VALIDATION = "Input payload validation failed."
VALIDATION_STATUSES = frozenset({Status.NO_FILE, Status.FILE_INVALID_FORMAT, Status.FILE_TOO_LARGE})
SUCCESS_MESSAGE = "Success"


def parse_options(payload: dict[str, Any]) -> tuple[ReadRequest, dict[str, list[str]]]:
    """The body's boolean options; a non-boolean is a validation error naming the field, as Kredibel does."""
    values: dict[str, bool] = {}
    problems: dict[str, list[str]] = {}
    for theirs, ours in OPTIONS.items():
        value = payload.get(theirs)
        if value is None:
            continue
        if isinstance(value, bool):
            values[ours] = value
        else:
            problems[theirs] = ["Not a valid boolean."]
    return ReadRequest(**values), problems


def _error(code: int, message: str, errors: dict[str, Any]) -> JSONResponse:
    return respond({"errors": errors, "message": message}, code)


def error_of(result: KtpResult, rid: str) -> JSONResponse | None:
    """The Kredibel error for a failed or unparsable read, or None for a success."""
    if result.status in VALIDATION_STATUSES:
        return _error(code_of(result), VALIDATION, {"image": [result.reason]})
    if result.status == Status.FAILED:
        return _error(500, result.reason, {"errorId": rid})
    kind = ERROR_TYPES.get(result.status)
    if kind is None and not result.fields.nik.value:
        kind = "parsing_failed"
    if kind is None:
        return None
    code = 400 if kind == "invalid_base64_encoding" else 422
    return _error(code, MESSAGES[kind], {"errorId": rid, "errorType": kind})


def body_of(result: KtpResult, req: ReadRequest) -> dict[str, Any]:
    information: dict[str, Any] = {"tilt": result.card.tilt, "cardDetected": result.card.detected}
    if req.check_flip_image:
        information["flipped"] = result.card.mirrored
    data: dict[str, Any] = {"result": values_renamed(result, KREDIBEL_FIELDS), "information": information}
    if req.validate_result:
        data["validation"] = {theirs: result.fields.get(ours).valid for theirs, ours in KREDIBEL_FIELDS.items()}
    return {"message": SUCCESS_MESSAGE, "data": data}


DOC: dict[str, Any] = {
    "openapi_extra": image_body(
        multipart=False,
        json_props={"image": BASE64_IMAGE, **{name: {"type": "boolean"} for name in OPTIONS}},
    ),
    "responses": error_responses(400, 401, 408, 413, 415, 422, 500, 503, schema=KREDIBEL_ERROR_SCHEMA),
}


@router.post("/v1/ocr/id/ktp", summary="Kredibel: read a KTP (base64 JSON)", **DOC)
@own_envelope(lambda result: error_of(result, "-") or respond(body_of(result, ReadRequest())))
async def kredibel_ktp(request: Request) -> JSONResponse:
    rid = request_id(request)
    state = open_for_reads(request)  # the body holds the image: NOT_READY/BUSY before reading it
    try:
        payload = await read_json(request)
    except ServiceError as exc:
        if exc.status in BODY_REFUSALS:
            raise
        return _error(400, VALIDATION, {"_schema": ["Invalid input type."]})
    except NoFileError:
        return _error(400, VALIDATION, {"image": ["Missing data for required field."]})
    req, problems = parse_options(payload)
    image = payload.get("image")
    if not isinstance(image, str) or not image:
        problems["image"] = ["Missing data for required field." if image is None else "Not a valid string."]
    if problems:
        return _error(400, VALIDATION, problems)
    assert isinstance(image, str)

    async def get_bytes() -> bytes:
        return decode_base64(image)

    result = await read_with(request, get_bytes, req.reader_options(state.base_options))
    return error_of(result, rid) or respond(body_of(result, req))

"""OpenAPI fragments shared by the routes: the image request bodies and the error envelope.

Bodies are parsed by hand (:mod:`.uploads`), so FastAPI cannot infer them; they are declared here so /docs shows
them and schemathesis can fuzz them.
"""

from __future__ import annotations

from typing import Any

from ..errors import Status
from .errors import SERVICE_STATUSES

# Every status a failure envelope may carry, as an enum so that generated clients get a typed value.
ENVELOPE_STATUSES: list[str] = [*(str(status) for status in Status), *SERVICE_STATUSES]
ENVELOPE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["status", "reason"],
    "properties": {"status": {"type": "string", "enum": ENVELOPE_STATUSES}, "reason": {"type": "string"}},
}


def _json_schema(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"schema": {"type": "object", "properties": properties, "required": required}}


MULTIPART_IMAGE: dict[str, Any] = {
    "schema": {
        "type": "object",
        "properties": {"image": {"type": "string", "format": "binary", "description": "JPEG/PNG/WEBP/TIFF/BMP/PDF"}},
        "required": ["image"],
    }
}
BASE64_IMAGE = {"type": "string", "description": "The file in base64 (a data: prefix is accepted)."}
# The raw body is declared as octet-stream, the type client generators know; image/* and application/pdf too are
# accepted (uploads.RAW_TYPES).
RAW_IMAGE: dict[str, Any] = {
    "schema": {
        "type": "string",
        "format": "binary",
        "description": "The file itself; also accepted as image/* or application/pdf.",
    }
}


def image_body(
    *, multipart: bool = True, json_props: dict[str, Any] | None = None, raw: bool = False
) -> dict[str, Any]:
    """``openapi_extra`` declaring the accepted request bodies."""
    content: dict[str, Any] = {}
    if multipart:
        content["multipart/form-data"] = MULTIPART_IMAGE
    if json_props is not None:
        content["application/json"] = _json_schema(json_props, [next(iter(json_props))])
    if raw:
        content["application/octet-stream"] = RAW_IMAGE
    return {"requestBody": {"required": True, "content": content}}


NODEFLUX_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["job", "message", "ok"],
    "properties": {"job": {"type": "object"}, "message": {"type": "string"}, "ok": {"type": "boolean"}},
}
KREDIBEL_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["errors", "message"],
    "properties": {"errors": {"type": "object"}, "message": {"type": "string"}},
}
FLASK_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["status", "error", "message"],
    "properties": {"status": {"type": "integer"}, "error": {"type": "boolean"}, "message": {"type": "string"}},
}


def error_responses(*codes: int, schema: dict[str, Any] | None = None) -> dict[int | str, dict[str, Any]]:
    """Documented failures. A contract's own error ``schema`` may also come as our envelope: the middleware
    answers 401/413, the pool 503 and the body deadline 408 before any contract code runs."""
    body = {"anyOf": [schema, ENVELOPE_SCHEMA]} if schema else ENVELOPE_SCHEMA
    described = {
        400: "NO_FILE, INVALID_BASE64 or INVALID_REQUEST",
        404: "Not found (the /ocr/ktp file)",
        408: "REQUEST_TIMEOUT: the body did not arrive within the body time limit",
        401: "UNAUTHORIZED: API keys are configured and none valid was sent",
        413: "FILE_TOO_LARGE",
        415: "FILE_INVALID_FORMAT",
        422: "CARD_NOT_FOUND, TEXT_NOT_FOUND or IMAGE_REQUIREMENT_FAILED",
        500: "FAILED",
        503: "BUSY, TIMEOUT or NOT_READY, with Retry-After",
    }
    return {
        code: {"description": described[code], "content": {"application/json": {"schema": body}}}
        for code in codes or tuple(described)
    }

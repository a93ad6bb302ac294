"""OpenAPI fragments shared by the routes: the image request bodies, the error envelope, the API-key scheme.

Bodies are parsed by hand (:mod:`.uploads`), so FastAPI cannot infer them; they are declared here so /docs shows
them and schemathesis can fuzz them. Every error answer of our routes is one component, ``ErrorEnvelope``, whose
status is one enum, ``ErrorStatus``; the compatibility routes' own error shapes are components too, so a client
generated from the document gets one model per shape, not one per route and code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from ..errors import Status
from .errors import SERVICE_STATUSES

# Every status a failure envelope may carry, as an enum so that generated clients get a typed value.
ENVELOPE_STATUSES: list[str] = [*(str(status) for status in Status), *SERVICE_STATUSES]


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


ENVELOPE_SCHEMA: dict[str, Any] = ref("ErrorEnvelope")


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


NODEFLUX_ERROR_SCHEMA: dict[str, Any] = ref("NodefluxError")
KREDIBEL_ERROR_SCHEMA: dict[str, Any] = ref("KredibelError")
FLASK_ERROR_SCHEMA: dict[str, Any] = ref("FlaskError")

# The shapes the references above name, added to the document's components by :func:`install_openapi`.
COMPONENTS: dict[str, dict[str, Any]] = {
    "ErrorStatus": {"title": "ErrorStatus", "type": "string", "enum": ENVELOPE_STATUSES},
    "ErrorEnvelope": {
        "title": "ErrorEnvelope",
        "type": "object",
        "required": ["status", "reason"],
        "properties": {"status": ref("ErrorStatus"), "reason": {"type": "string"}},
    },
    "NodefluxError": {
        "title": "NodefluxError",
        "type": "object",
        "required": ["job", "message", "ok"],
        "properties": {"job": {"type": "object"}, "message": {"type": "string"}, "ok": {"type": "boolean"}},
    },
    "KredibelError": {
        "title": "KredibelError",
        "type": "object",
        "required": ["errors", "message"],
        "properties": {"errors": {"type": "object"}, "message": {"type": "string"}},
    },
    "FlaskError": {
        "title": "FlaskError",
        "type": "object",
        "required": ["status", "error", "message"],
        "properties": {"status": {"type": "integer"}, "error": {"type": "boolean"}, "message": {"type": "string"}},
    },
}
# How a key is presented (middleware.presented_key): either scheme satisfies the requirement.
SECURITY_SCHEMES: dict[str, dict[str, Any]] = {
    "bearer": {"type": "http", "scheme": "bearer", "description": "Authorization: Bearer <key>"},
    "apiKey": {"type": "apiKey", "in": "header", "name": "x-api-key"},
}


def error_responses(*codes: int, schema: dict[str, Any] | None = None) -> dict[int | str, dict[str, Any]]:
    """Documented failures. A contract's own error ``schema`` may also come as our envelope: the middleware
    answers 401/413, the pool 503 and the body deadline 408 before any contract code runs."""
    body = {"anyOf": [schema, ENVELOPE_SCHEMA]} if schema else ENVELOPE_SCHEMA
    described = {
        400: "NO_FILE, INVALID_BASE64 or INVALID_REQUEST",
        404: "Not found (the /ocr/ktp file)",
        408: "REQUEST_TIMEOUT: the body fell below the minimum rate or passed the body time limit",
        401: "UNAUTHORIZED: API keys are configured and none valid was sent",
        413: "FILE_TOO_LARGE",
        415: "FILE_INVALID_FORMAT",
        429: "TOO_MANY_UPLOADS: this client address has its share of uploads open, with Retry-After",
        422: "CARD_NOT_FOUND, TEXT_NOT_FOUND or IMAGE_REQUIREMENT_FAILED",
        500: "FAILED",
        503: "BUSY, TIMEOUT or NOT_READY, with Retry-After",
    }
    return {
        code: {"description": described[code], "content": {"application/json": {"schema": body}}}
        for code in codes or tuple(code for code in described if code != 404)
    }


FRAMEWORK_VALIDATION = ("HTTPValidationError", "ValidationError")


def _drop_framework_validation_error(spec: dict[str, Any]) -> None:
    """FastAPI documents a 422 ``HTTPValidationError`` on routes with parameters, but a bad parameter is answered
    400 ``INVALID_REQUEST`` in the envelope (errors.py): the framework's shape is never sent, so it goes."""
    unused = ref(FRAMEWORK_VALIDATION[0])
    for operations in spec["paths"].values():
        for operation in operations.values():
            answer = operation.get("responses", {}).get("422", {})
            if answer.get("content", {}).get("application/json", {}).get("schema") == unused:
                del operation["responses"]["422"]
    for name in FRAMEWORK_VALIDATION:
        spec["components"]["schemas"].pop(name, None)


def install_openapi(app: FastAPI, *, keys_required: Callable[[], bool], public: Callable[[str], bool]) -> None:
    """The app's document with the shared error components, and, when API keys are set, the key schemes
    required on every route but the public ones (so /docs has an Authorize button)."""

    def document() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            spec.setdefault("components", {}).setdefault("schemas", {}).update(COMPONENTS)
            _drop_framework_validation_error(spec)
            if keys_required():
                spec["components"]["securitySchemes"] = SECURITY_SCHEMES
                for path, operations in spec["paths"].items():
                    for operation in operations.values():
                        operation["security"] = [] if public(path) else [{name: []} for name in SECURITY_SCHEMES]
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = document  # type: ignore[method-assign]

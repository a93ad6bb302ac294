"""Seed 001, a Flask/PaddleOCR service: ``POST /ocr/ktp`` with JSON ``{"filename"}`` naming a file in a folder.

The folder is ``KTP_OCR_UPLOADS_DIR``; without it every name is "File not found". A name that is absolute, holds
a NUL or a ``..`` that leaves the folder, or resolves (through a symlink) outside it, is refused with 400 before
anything is opened. Envelope ``{status, error, message, data}`` with the original's messages:

- 400 "Bad Request: Missing JSON body" / "Bad Request: 'filename' key is missing";
- 400 "Bad Request: 'filename' must name a file inside the uploads folder" (ours: traversal);
- 404 "File not found: <name>";
- reader failures keep our status table's code (413/415/422; the original said 500 for every one) with
  "Could not extract data from the image." (and FAILED stays 500, "An internal server error occurred: ...").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from ...errors import FileTooLargeError, NoFileError, Status
from ...result import KtpResult
from ..errors import ServiceError
from ..openapi import FLASK_ERROR_SCHEMA, error_responses
from ..state import get_state
from ..uploads import read_json
from ._common import code_of, flask_layout, read_with, respond

router = APIRouter(tags=["compat: seed 001 (Flask/PaddleOCR /ocr/ktp)"])

SUCCESS_MESSAGE = "Process OCR Successfully"
MISSING_JSON = "Bad Request: Missing JSON body"
MISSING_NAME = "Bad Request: 'filename' key is missing"
OUTSIDE = "Bad Request: 'filename' must name a file inside the uploads folder"
NOT_EXTRACTED = "Could not extract data from the image."


def _error(code: int, message: str) -> JSONResponse:
    return respond({"status": code, "error": True, "message": message}, code)


def safe_path(folder: Path | None, name: str) -> Path | None:
    """The file ``name`` inside ``folder``, or None when it would leave it (raises nothing: callers answer)."""
    if folder is None or not name or "\x00" in name or Path(name).is_absolute() or "\\" in name:
        return None
    try:
        root = folder.resolve()
        candidate = (root / name).resolve()
    except (OSError, ValueError, RuntimeError):  # a name too long for the OS, a symlink loop
        return None
    return candidate if candidate.is_relative_to(root) and candidate != root else None


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def _file_bytes(path: Path, limit: int) -> bytes:
    size = path.stat().st_size
    if size > limit:
        raise FileTooLargeError(f"The file is {size} bytes; the limit is {limit} bytes.")
    return path.read_bytes()


def _result_response(result: KtpResult) -> JSONResponse:
    if result.status == Status.SUCCESS:
        body: dict[str, Any] = {"status": 200, "error": False, "message": SUCCESS_MESSAGE, "data": flask_layout(result)}
        return respond(body)
    code = code_of(result)
    if result.status == Status.FAILED:
        return _error(code, f"An internal server error occurred: {result.reason}")
    return _error(code, NOT_EXTRACTED)


@router.post(
    "/ocr/ktp",
    summary="Seed 001: read a KTP file from the uploads folder",
    responses=error_responses(400, 401, 404, 413, 415, 422, 500, 503, schema=FLASK_ERROR_SCHEMA),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {"filename": {"type": "string"}},
                        "required": ["filename"],
                    }
                }
            },
        }
    },
)
async def ocr_ktp(request: Request) -> JSONResponse:
    state = get_state(request)
    try:
        payload = await read_json(request)
    except (ServiceError, NoFileError):
        return _error(400, MISSING_JSON)
    name = payload.get("filename")
    if not isinstance(name, str) or not name:
        return _error(400, MISSING_NAME)
    if state.settings.uploads_dir is None:
        return _error(404, f"File not found: {name}")
    path = safe_path(state.settings.uploads_dir, name)
    if path is None:
        return _error(400, OUTSIDE)
    if not _is_file(path):
        return _error(404, f"File not found: {name}")

    async def get_bytes() -> bytes:
        try:
            return _file_bytes(path, state.settings.max_file_bytes)
        except OSError as exc:
            raise NoFileError(f"File not found: {name}") from exc

    return _result_response(await read_with(request, get_bytes))

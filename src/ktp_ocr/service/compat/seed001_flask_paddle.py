"""Seed 001, a Flask/PaddleOCR service: ``POST /ocr/ktp`` with JSON ``{"filename"}`` naming a file in a folder.

The folder is ``KTP_OCR_UPLOADS_DIR``; without it the route answers 404 saying so. A name that is absolute, is
not valid UTF-8 text (a lone surrogate), holds a NUL, a backslash, an empty component or a ``..``, passes through
a symbolic link (wherever the link points), or names a file with more than one hard link (a hard link to a file
outside the folder is indistinguishable from that file) is refused with 400. The file is opened once, component
by component from a descriptor of the folder with ``O_NOFOLLOW`` (:func:`open_upload`), and read from that
descriptor: a link swapped in after a check is never followed (the name is not resolved and opened again).
Envelope ``{status, error, message, data}`` with the original's messages:

- 400 "Bad Request: Missing JSON body" / "Bad Request: 'filename' key is missing";
- 400 "Bad Request: 'filename' must name a file inside the uploads folder" (ours: traversal, and any link: a
  link is answered alike whether it points inside or outside, so the answer tells nothing about its target);
- 404 "File not found: <name>" (the name as sent, escaped: no character the JSON encoder refuses);
- reader failures keep our status table's code (413/415/422; the original said 500 for every one) with
  "Could not extract data from the image." (and FAILED stays 500, "An internal server error occurred: ...").
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from ...errors import FileTooLargeError, NoFileError, Status, size_text
from ...result import KtpResult
from ..errors import BODY_REFUSALS, ServiceError, echo
from ..openapi import FLASK_ERROR_SCHEMA, error_responses
from ..state import get_state
from ..uploads import read_json
from ._common import code_of, flask_layout, own_envelope, read_with, respond

router = APIRouter(tags=["compat: seed 001 (Flask/PaddleOCR /ocr/ktp)"])

SUCCESS_MESSAGE = "Process OCR Successfully"
MISSING_JSON = "Bad Request: Missing JSON body"
MISSING_NAME = "Bad Request: 'filename' key is missing"
OUTSIDE = "Bad Request: 'filename' must name a file inside the uploads folder"
NOT_EXTRACTED = "Could not extract data from the image."
# The JSON only names a file, and is read before the request takes a pool place (read_with takes one before the
# file is opened): a larger body is refused as a bad JSON body rather than buffered.
MAX_JSON_BYTES = 64 * 1024


def _error(code: int, message: str) -> JSONResponse:
    return respond({"status": code, "error": True, "message": message}, code)


class UploadRefused(Exception):
    """The name is not a plain relative path inside the uploads folder, or it passes through a symbolic link."""


_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# O_NONBLOCK: opening a FIFO someone left in the folder must not hang the route (fstat then refuses it).
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_READ_CHUNK = 1 << 20


NO_FOLDER = "File not found: no uploads folder is configured (set KTP_OCR_UPLOADS_DIR to enable /ocr/ktp)"


def _components(name: str) -> list[str]:
    """The name's path components; UploadRefused for anything but a plain relative path of UTF-8 text."""
    if not name or "\x00" in name or "\\" in name or name.startswith("/") or not _is_text(name):
        raise UploadRefused(name)
    parts = [part for part in name.split("/") if part != "."]
    if not parts or any(part in ("", "..") for part in parts):
        raise UploadRefused(name)
    return parts


def _is_text(name: str) -> bool:
    """False for a string with a lone surrogate (JSON allows ``"\\udcff"``): no file name, and unprintable."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _open_at(part: str, flags: int, dir_fd: int) -> int:
    """Open one component relative to ``dir_fd``; a symbolic link there is UploadRefused, never followed."""
    try:
        return os.open(part, flags, dir_fd=dir_fd)
    except OSError as exc:
        # One component with O_NOFOLLOW: ELOOP can only mean the entry was a link when it was opened. Decide on
        # that alone: a second look (lstat) may see the entry swapped back already and turn a refusal into 404.
        if exc.errno == errno.ELOOP:
            raise UploadRefused(part) from exc
        # O_DIRECTORY|O_NOFOLLOW answers ENOTDIR for a link and a plain file alike: the entry's own kind (lstat,
        # no following) chooses the answer, and a swap in between only changes which refusal is given.
        if exc.errno == errno.ENOTDIR:
            try:
                is_link = stat.S_ISLNK(os.stat(part, dir_fd=dir_fd, follow_symlinks=False).st_mode)
            except OSError:
                is_link = False
            if is_link:
                raise UploadRefused(part) from exc
        raise


def open_upload(folder: Path | None, name: str) -> int:
    """A read-only descriptor of the regular file ``name`` inside ``folder``, opened without following links.

    Walks ``name`` from a descriptor of the folder one component at a time (``dir_fd=``, ``O_NOFOLLOW``), so
    what is opened is what the walk saw, whatever is renamed or linked meanwhile. UploadRefused: not a plain
    relative name, or a link on the way; FileNotFoundError: no folder, no such file, or not a regular file;
    other OSErrors as the OS says. The caller closes the descriptor.
    """
    parts = _components(name)
    if folder is None:
        raise FileNotFoundError(errno.ENOENT, "no uploads folder", name)
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)  # the folder itself is the operator's
    try:
        for part in parts[:-1]:
            child = _open_at(part, _DIR_FLAGS, fd)
            os.close(fd)
            fd = child
        file_fd = _open_at(parts[-1], _FILE_FLAGS, fd)
    finally:
        os.close(fd)
    try:
        info = os.fstat(file_fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileNotFoundError(errno.ENOENT, "not a regular file", name)
        if info.st_nlink > 1:  # a hard link: the same file may be reachable from outside the folder
            raise UploadRefused(name)
    except BaseException:
        os.close(file_fd)
        raise
    return file_fd


def _check_upload(folder: Path | None, name: str) -> int:
    """200 when ``name`` opens as a regular file in the folder, 400 when refused (OUTSIDE), else 404."""
    try:
        os.close(open_upload(folder, name))
    except UploadRefused:
        return 400
    except (OSError, ValueError):
        return 404
    return 200


def _file_bytes(folder: Path | None, name: str, limit: int) -> bytes:
    """The file's bytes, read from the one descriptor :func:`open_upload` gave (at most ``limit`` bytes)."""
    fd = open_upload(folder, name)
    try:
        size = os.fstat(fd).st_size
        if size > limit:
            raise FileTooLargeError(f"The file is {size_text(size)}; the limit is {size_text(limit, up=False)}.")
        chunks: list[bytes] = []
        total = 0
        while chunk := os.read(fd, min(_READ_CHUNK, limit + 1 - total)):  # one byte past the limit: it grew
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise FileTooLargeError(f"The file is over the limit of {size_text(limit, up=False)}.")
        return b"".join(chunks)
    finally:
        os.close(fd)


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
    responses=error_responses(400, 401, 404, 408, 413, 415, 422, 500, 503, schema=FLASK_ERROR_SCHEMA),
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
@own_envelope(lambda result: _result_response(result))
async def ocr_ktp(request: Request) -> JSONResponse:
    state = get_state(request)
    try:
        payload = await read_json(request, max_bytes=MAX_JSON_BYTES)  # no pool place yet: keep it small
    except ServiceError as exc:
        if exc.status in BODY_REFUSALS:
            raise
        return _error(400, MISSING_JSON)
    except NoFileError:
        return _error(400, MISSING_JSON)
    name = payload.get("filename")
    if not isinstance(name, str) or not name:
        return _error(400, MISSING_NAME)
    if state.settings.uploads_dir is None:
        return _error(404, NO_FOLDER)
    if (found := _check_upload(state.settings.uploads_dir, name)) != 200:  # opened without following links
        return _error(found, OUTSIDE if found == 400 else f"File not found: {echo(name)}")

    async def get_bytes() -> bytes:
        try:
            return _file_bytes(state.settings.uploads_dir, name, state.settings.max_file_bytes)
        except (OSError, ValueError, UploadRefused) as exc:  # gone, or made a link, since the check
            raise NoFileError(f"File not found: {echo(name)}") from exc

    return _result_response(await read_with(request, get_bytes))

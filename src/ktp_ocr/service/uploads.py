"""Getting the image out of a request: multipart, JSON with base64, or a raw body; kept in memory only.

Starlette's own form parser spools files over 1 MB to a temporary file on disk; a card photo must never touch
disk, so multipart bodies are parsed here with python-multipart's streaming parser into memory. The body is
held to :mod:`.limits` while it arrives (its size, its rate, the upload slots), so memory stays bounded.
"""

from __future__ import annotations

import binascii
import json
import re
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

from ..errors import InvalidBase64Error, InvalidFormatError, NoFileError
from .errors import INVALID_REQUEST, ServiceError

MAX_PARTS = 16
_DATA_URI = re.compile(r"^data:[\w.+/-]*(;[\w=.+-]+)*;base64,", re.IGNORECASE)
_B64_JUNK = re.compile(r"\s+")
_DATA_URI_ASCII = re.compile(rb"^data:[\w.+/-]*(;[\w=.+-]+)*;base64,", re.IGNORECASE)
_ASCII_SPACE = b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"  # what str.isspace() calls space, within ASCII
_TO_CLEAN = re.compile(rb"[-_ \t\n\r\x0b\x0c\x1c-\x1f]")
_URL_SAFE = bytes.maketrans(b"-_", b"+/")
RAW_TYPES = ("image/", "application/pdf", "application/octet-stream")


@dataclass
class Upload:
    """The image bytes (may be empty: the caller decides NO_FILE) and the other fields sent beside it."""

    data: bytes = b""
    fields: dict[str, Any] = field(default_factory=dict)
    filename: str | None = None


def decode_base64(text: str | bytes) -> bytes:
    """Strict base64 (standard or URL-safe alphabet), tolerating a ``data:`` prefix and line breaks.

    The work is done on one ASCII copy of the text, cleaned (one more copy) only when it holds line breaks or
    URL-safe characters, and the prefix is skipped with a view: a body's base64 image costs at most about three
    times its size while it is decoded (see the memory formula in :class:`.pool.OcrPool`).
    """
    if isinstance(text, str):
        try:
            raw = text.encode("ascii")
        except UnicodeEncodeError:  # never valid base64; empty only if it is all (Unicode) space
            if not _B64_JUNK.sub("", _DATA_URI.sub("", text.strip(), count=1)):
                raise NoFileError("The image field is empty.") from None
            raise InvalidBase64Error() from None
    else:
        raw = text
    raw = raw.strip(_ASCII_SPACE)
    prefix = _DATA_URI_ASCII.match(raw)
    start = prefix.end() if prefix else 0
    if _TO_CLEAN.search(raw, start):  # the prefix holds no space, and mapping keeps lengths: start still holds
        raw = raw.translate(_URL_SAFE, _ASCII_SPACE)
    payload = memoryview(raw)[start:]
    if not payload:
        raise NoFileError("The image field is empty.")
    try:
        return binascii.a2b_base64(payload, strict_mode=True)  # what base64.b64decode(validate=True) runs
    except (binascii.Error, ValueError) as exc:
        raise InvalidBase64Error() from exc


class _Parts:
    """Callbacks collecting every part of a multipart body into memory."""

    def __init__(self) -> None:
        self.parts: list[tuple[dict[bytes, bytes], bytearray]] = []
        self._header_name = bytearray()
        self._header_value = bytearray()

    def on_part_begin(self) -> None:
        if len(self.parts) >= MAX_PARTS:
            raise ServiceError(INVALID_REQUEST, f"Too many parts in the multipart body (at most {MAX_PARTS}).")
        self.parts.append(({}, bytearray()))

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        self.parts[-1][1].extend(data[start:end])

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name.extend(data[start:end])

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value.extend(data[start:end])

    def on_header_end(self) -> None:
        self.parts[-1][0][bytes(self._header_name).lower()] = bytes(self._header_value)
        self._header_name.clear()
        self._header_value.clear()


async def _read_multipart(request: Request, content_type: str, file_field: str) -> Upload:
    _, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if not boundary:
        raise ServiceError(INVALID_REQUEST, "The multipart body has no boundary.")
    sink = _Parts()
    try:
        # The constructor checks the boundary too (at most 256 characters): a ValueError/FormParserError there
        # is the client's malformed header, not a server error.
        parser = MultipartParser(boundary, _callbacks(sink))  # type: ignore[arg-type]
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except (FormParserError, ValueError) as exc:
        raise ServiceError(INVALID_REQUEST, "The multipart body is malformed.") from exc
    upload = Upload()
    for headers, part in sink.parts:
        body = bytes(part)
        part.clear()  # each part is held once, not twice
        _, options = parse_options_header(headers.get(b"content-disposition"))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        if name == file_field and b"filename" in options:
            upload.data = body
            upload.filename = options[b"filename"].decode("utf-8", "replace")
        elif name == file_field:
            upload.data = _text_field_image(body)
        elif name:
            upload.fields[name] = body.decode("utf-8", "replace")
    return upload


def _text_field_image(body: bytes) -> bytes:
    """A form field without a filename (some clients) holds the bytes, or base64 text of them."""
    if not body.isascii():
        return body
    try:
        return decode_base64(body)
    except InvalidBase64Error:
        return body


def _callbacks(sink: _Parts) -> dict[str, Any]:
    return {
        "on_part_begin": sink.on_part_begin,
        "on_part_data": sink.on_part_data,
        "on_header_field": sink.on_header_field,
        "on_header_value": sink.on_header_value,
        "on_header_end": sink.on_header_end,
    }


async def _body_within(request: Request, limit: int) -> bytes:
    """The body, or INVALID_REQUEST as soon as more than ``limit`` bytes arrived (the rest is never read)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ServiceError(INVALID_REQUEST, f"The JSON body exceeds {limit} bytes.")
        chunks.append(chunk)
    return b"".join(chunks)


async def read_json(request: Request, *, max_bytes: int | None = None) -> dict[str, Any]:
    """The body as a JSON object; anything else is INVALID_REQUEST (not a crash, not FastAPI's 422).

    ``max_bytes`` caps a body read without a pool place (a JSON that only names a file) far below the upload limit.
    """
    body = await (request.body() if max_bytes is None else _body_within(request, max_bytes))
    if not body.strip():
        raise NoFileError()
    try:
        value = json.loads(body)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError, an int over 4,300 digits
        raise ServiceError(INVALID_REQUEST, "The body is not valid JSON.") from exc
    if not isinstance(value, dict):
        raise ServiceError(INVALID_REQUEST, "The JSON body must be an object.")
    return value


async def read_upload(request: Request, *, file_field: str = "image", json_field: str = "image") -> Upload:
    """The image of a request in any accepted encoding. Missing -> NO_FILE, bad base64 -> INVALID_BASE64."""
    content_type = request.headers.get("content-type", "")
    media = content_type.split(";", 1)[0].strip().lower()
    if media == "multipart/form-data":
        upload = await _read_multipart(request, content_type, file_field)
    elif media == "application/json" or media.endswith("+json"):
        fields = await read_json(request)
        upload = Upload(fields=fields)
        upload.data = _json_image(fields.pop(json_field, None))  # the base64 text is not kept beside its bytes
    elif media.startswith(RAW_TYPES):
        upload = Upload(data=await request.body())
    elif not media and not await request.body():
        raise NoFileError()
    else:
        raise InvalidFormatError(
            f"Unsupported Content-Type {media or 'none'!r}: send multipart/form-data with an {file_field!r} file, "
            f'JSON {{"{json_field}": "<base64>"}}, or the image itself as image/* or application/pdf.'
        )
    if not upload.data:
        raise NoFileError()
    return upload


def _json_image(value: Any) -> bytes:
    if value is None or value == "":
        raise NoFileError()
    if isinstance(value, list) and value and isinstance(value[0], str):
        value = value[0]  # Nodeflux sends {"images": ["<base64>", ...]}
    if not isinstance(value, str):
        raise InvalidBase64Error("The image must be a base64 string.")
    return decode_base64(value)

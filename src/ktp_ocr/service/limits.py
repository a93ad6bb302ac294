"""The request body limit, enforced while the body streams in rather than after it has been buffered.

A declared ``Content-Length`` over the limit is refused before a byte is read; a chunked or lying body is cut off
as soon as it passes the limit, by raising :class:`BodyTooLargeError` out of ``receive`` into whichever parser is
reading it. The pixel limit is the decoder's (:mod:`ktp_ocr.decode` checks the header before decoding).
"""

from __future__ import annotations

from starlette.types import Message, Receive

from ..errors import FileTooLargeError


class BodyTooLargeError(FileTooLargeError):
    """The request body passed the service's byte limit (FILE_TOO_LARGE, 413)."""


def declared_length(headers: list[tuple[bytes, bytes]]) -> int | None:
    """The ``Content-Length`` header as an int, or None when absent or unparsable (then counting decides)."""
    for name, value in headers:
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def too_large_message(limit: int) -> str:
    return f"The request body exceeds the limit of {limit} bytes."


def limited_receive(receive: Receive, limit: int) -> Receive:
    """Wrap ``receive`` so the app never sees more than ``limit`` body bytes."""
    seen = 0

    async def wrapped() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLargeError(too_large_message(limit))
        return message

    return wrapped

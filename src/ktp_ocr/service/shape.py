"""Our own ``/v1/ktp`` answer: the reader's :class:`KtpResult` JSON, trimmed by the request's ``with*`` switches."""

from __future__ import annotations

from typing import Any

from ..result import FIELD_NAMES, KtpResult
from .errors import envelope, http_status
from .reqopts import ReadRequest


def _trim_field(entry: dict[str, Any], req: ReadRequest) -> None:
    if not req.with_raw_text:
        entry.pop("raw_text", None)
    if not req.with_confidence:
        entry.pop("confidence", None)
        entry.pop("weakest_char", None)
    if not req.with_polygon:
        entry.pop("polygon", None)
    if req.validate_result is False:
        entry.pop("valid", None)
        entry.pop("warnings", None)


def v1_body(result: KtpResult, req: ReadRequest) -> dict[str, Any]:
    """The KtpResult as JSON; a failed read (4xx/5xx) is only the ``{status, reason}`` envelope."""
    if http_status(result.status) >= 400:
        return envelope(result.status, result.reason)
    body = result.model_dump(mode="json")
    for name in FIELD_NAMES:
        _trim_field(body["fields"][name], req)
    if not req.with_polygon:
        body["card"].pop("polygon", None)
    if req.validate_result is False:
        body.pop("nik_details", None)
    if not req.qualities:
        body.pop("quality", None)
    if not req.images:
        body.pop("images", None)
    return body

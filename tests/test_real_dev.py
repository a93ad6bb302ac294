"""Regression guard on the real development photos (skipped where ../shared/ktp-real is absent).

Only aggregate accuracy is asserted; no real value appears in this file. The measured numbers are printed by
`ktp-ocr eval ../shared/ktp-real/dev --warm-up`. Each field has its own floor, the accuracy measured on 2026-12-07
less about five points (five cards of 110), so that a regression in one field cannot hide behind gains in others.
"""

from __future__ import annotations

import pytest

from ktp_ocr.evaluation import evaluate

from .conftest import REAL_DEV

pytestmark = pytest.mark.skipif(not (REAL_DEV / "labels.json").is_file(), reason="../shared/ktp-real is absent")


MEASURED = {  # 2026-12-07, all 110 dev photos
    "provinsi": 0.981, "kabupaten_kota": 0.991, "nik": 1.0, "nama": 0.911, "tempat_lahir": 0.971,
    "tanggal_lahir": 1.0, "jenis_kelamin": 1.0, "golongan_darah": 0.932, "alamat": 0.884, "rt_rw": 0.99,
    "kelurahan_desa": 0.971, "kecamatan": 0.981, "agama": 1.0, "status_perkawinan": 0.991, "pekerjaan": 0.991,
    "kewarganegaraan": 0.991, "berlaku_hingga": 0.99, "tempat_terbit": 1.0, "tanggal_terbit": 1.0,
}  # fmt: skip
MARGIN = 0.05


@pytest.fixture(scope="module")
def report(reader):  # type: ignore[no-untyped-def]
    return evaluate(REAL_DEV, reader.read)


@pytest.mark.parametrize("field", sorted(MEASURED))
def test_no_field_regresses(report, field: str) -> None:  # type: ignore[no-untyped-def]
    right, scored = report.field_accuracy()[field]
    assert right / scored >= MEASURED[field] - MARGIN


def test_overall_and_whole_cards_do_not_regress(report) -> None:  # type: ignore[no-untyped-def]
    assert report.overall() >= 0.97  # 97.8% measured
    assert sum(c.all_right for c in report.cards) / len(report.cards) >= 0.70  # 72.7% measured
    right, scored = report.field_accuracy()["nik"]
    assert right / scored >= 0.98

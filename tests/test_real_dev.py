"""Regression guard on the real development photos (skipped where ../shared/ktp-real is absent).

Only aggregate accuracy is asserted; no real value appears in this file. The measured numbers are printed by
`ktp-ocr eval ../shared/ktp-real/dev --warm-up`. Each field has its own floor, the accuracy measured on 2026-11-30
less about five points (two or three cards), so that a regression in one field cannot hide behind gains in others.
"""

from __future__ import annotations

import pytest

from ktp_ocr.evaluation import evaluate

from .conftest import REAL_DEV

pytestmark = pytest.mark.skipif(not (REAL_DEV / "labels.json").is_file(), reason="../shared/ktp-real is absent")


MEASURED = {
    "provinsi": 0.981, "kabupaten_kota": 0.945, "nik": 1.0, "nama": 0.925, "tempat_lahir": 0.982,
    "tanggal_lahir": 1.0, "jenis_kelamin": 1.0, "golongan_darah": 0.964, "alamat": 0.887, "rt_rw": 1.0,
    "kelurahan_desa": 1.0, "kecamatan": 0.982, "agama": 1.0, "status_perkawinan": 1.0, "pekerjaan": 0.982,
    "kewarganegaraan": 1.0, "berlaku_hingga": 0.982, "tempat_terbit": 0.98, "tanggal_terbit": 0.976,
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
    assert report.overall() >= 0.95
    assert sum(c.all_right for c in report.cards) / len(report.cards) >= 0.62
    right, scored = report.field_accuracy()["nik"]
    assert right / scored >= 0.98

"""Regression guard on the real development photos (skipped where ../shared/ktp-real is absent).

Only aggregate accuracy is asserted; no real value appears in this file. The measured numbers are printed
by scripts/bench_dev.py.
"""

from __future__ import annotations

import pytest

from ktp_ocr.evaluation import evaluate

from .conftest import REAL_DEV

pytestmark = pytest.mark.skipif(not (REAL_DEV / "labels.json").is_file(), reason="../shared/ktp-real is absent")


def test_dev_set_accuracy_does_not_regress(reader) -> None:  # type: ignore[no-untyped-def]
    report = evaluate(REAL_DEV, reader.read)
    right, scored = report.field_accuracy()["nik"]
    assert report.overall() >= 0.88
    assert right / scored >= 0.95

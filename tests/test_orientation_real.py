"""Real development photos turned and mirrored read as they read upright (skipped where ../shared/ktp-real is absent).

Only counts are asserted; no real value appears in this file. ``scripts/bench_orientation.py --real`` prints the
table over every photo and turn.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest

from ktp_ocr.decode import decode_image, read_source
from ktp_ocr.errors import Status
from ktp_ocr.evaluation import Report, evaluate, load_labels
from ktp_ocr.options import ReaderOptions
from ktp_ocr.reader import KtpReader
from ktp_ocr.result import KtpResult

from .conftest import REAL_DEV

pytestmark = pytest.mark.skipif(not (REAL_DEV / "labels.json").is_file(), reason="../shared/ktp-real is absent")

FIRST = 6  # the first labelled photos: a few cards of each kind of capture, read in about a minute
SLACK = 1  # fields: a card located on a turned photo may be cut a pixel apart, and a marginal glyph flip

Turn = Callable[[np.ndarray], np.ndarray]


def _report(reader: KtpReader, turn: Turn) -> Report:
    chosen = set(sorted(load_labels(REAL_DEV))[:FIRST])

    def read(path: Path) -> KtpResult:
        if path.name not in chosen:  # left out, and dropped from the report below
            return KtpResult.failure(Status.FAILED)
        image = turn(decode_image(read_source(path), ReaderOptions()))
        return reader.read(cv2.imencode(".png", image)[1].tobytes())

    return Report([c for c in evaluate(REAL_DEV, read).cards if c.file in chosen])


def _counts(report: Report) -> tuple[int, int]:
    """(NIKs right, fields right)."""
    table = report.field_accuracy()
    return table["nik"][0], sum(right for right, _ in table.values())


@pytest.fixture(scope="module")
def upright(reader) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    return _counts(_report(reader, lambda image: image))


@pytest.mark.parametrize(
    "turn",
    [lambda image: cv2.rotate(image, cv2.ROTATE_180), lambda image: cv2.flip(image, 1)],
    ids=["180", "mirrored"],
)
def test_turned_real_photos_read_as_well_as_upright(reader, upright: tuple[int, int], turn: Turn) -> None:  # type: ignore[no-untyped-def]
    nik, fields = _counts(_report(reader, turn))
    assert nik == upright[0]
    assert fields >= upright[1] - SLACK

"""The OCR runtime (backend, threads, precision), the cheap orientation decision and the cap on OCR passes."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import cv2
import numpy as np
import pytest

from ktp_ocr.layout.orientation import Turn, candidate_turns, labels_on_left
from ktp_ocr.locate import CARD_WIDTH, RECHECK_SIDE, carry_boxes, reorient
from ktp_ocr.locate.align import Alignment
from ktp_ocr.ocr import TextLine
from ktp_ocr.ocr import runtime as rt
from ktp_ocr.options import ReaderOptions, threads_per_worker
from ktp_ocr.reader import MAX_OCR_PASSES, KtpReader
from ktp_ocr.service.settings import ServiceSettings
from ktp_ocr.synth import render_sample

# -- runtime ---------------------------------------------------------------------------------------------------


def test_auto_prefers_openvino_and_falls_back_to_onnxruntime(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rt, "openvino_available", lambda: True)
    assert rt.resolve("auto").backend == "openvino"
    monkeypatch.setattr(rt, "openvino_available", lambda: False)
    assert rt.resolve("auto").backend == "onnxruntime"
    assert rt.resolve("onnxruntime").backend == "onnxruntime"


def test_openvino_asked_for_but_missing_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rt, "openvino_available", lambda: False)
    with pytest.raises(ValueError, match="openvino"):
        rt.resolve("openvino")


def test_threads_default_to_one_and_never_exceed_the_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rt.os, "cpu_count", lambda: 4)
    assert rt.resolve("onnxruntime").threads == rt.DEFAULT_THREADS == 1
    assert rt.resolve("onnxruntime", threads=3).threads == 3
    assert rt.resolve("onnxruntime", threads=64).threads == 4


def test_bf16_without_openvino_runs_f32_and_says_so(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        chosen = rt.resolve("onnxruntime", precision="bf16")
    assert chosen.precision == "f32"
    assert "bf16" in caplog.text


def test_precision_auto_is_f32() -> None:
    assert rt.resolve("onnxruntime").precision == "f32"


@pytest.mark.skipif(not rt.openvino_available(), reason="openvino not installed")
def test_both_backends_run_the_wheel_recogniser_alike() -> None:
    """Same file, same alphabet, the same scores to float rounding: the backend changes cost, not answers."""
    from ktp_ocr.ocr.rapid import RapidOcrEngine

    ort = RapidOcrEngine(rt.resolve("onnxruntime"))
    ov = RapidOcrEngine(rt.resolve("openvino"))
    data, _ = render_sample(0)
    card = cv2.resize(cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR), (1000, 631))
    a, b = ort.recognize(card), ov.recognize(card)
    assert len(a) == len(b) > 10
    assert sum(x.text == y.text for x, y in zip(a, b, strict=True)) >= len(a) - 1
    assert ort._rec.session.get_character_list() == ov._rec.session.get_character_list()


# -- orientation -----------------------------------------------------------------------------------------------

W = CARD_WIDTH


def _line(x0: float, x1: float, y: float) -> TextLine:
    box = np.array([[x0, y], [x1, y], [x1, y + 20], [x0, y + 20]], np.float32)
    return TextLine("x", 0.9, box)


def _upright_lines() -> list[TextLine]:
    """Label column at the left margin, values in the middle, nothing over the photo on the right."""
    lines = [_line(30, 200, 120 + 32 * i) for i in range(10)]
    lines += [_line(260, 600, 120 + 32 * i) for i in range(10)]
    lines += [_line(720, 930, 500)]  # the issue place under the photo reaches the right margin
    return lines


def _mirrored(lines: list[TextLine]) -> list[TextLine]:
    return [_line(W - ln.x1, W - ln.x0, ln.y0) for ln in lines]


def test_the_label_column_side_is_read_from_line_boxes() -> None:
    assert labels_on_left(_upright_lines(), W) is True
    assert labels_on_left(_mirrored(_upright_lines()), W) is False
    assert labels_on_left(_upright_lines()[:2], W) is None  # too few lines to tell


HALF, MIRROR, FLIPPED = Turn(True, False), Turn(False, True), Turn(True, True)


@pytest.mark.parametrize(
    ("mirrored", "upside_down", "allow_mirror", "labels", "expected"),
    [
        (False, 0.1, True, 4, []),  # a hard but upright card, some labels read: no second reading
        (False, 0.1, True, 0, [FLIPPED]),  # labels column left, lines found, no label read: flipped top to bottom
        (True, 0.9, True, 0, [HALF, MIRROR]),  # labels on the right, glyphs upside down: a half turn first
        (True, 0.1, True, 0, [MIRROR, HALF]),  # labels on the right, glyphs upright: a mirror image first
        (True, 0.1, False, 0, [HALF]),  # mirrors not to be checked: only a half turn is left
        (False, 0.9, True, 2, [FLIPPED]),  # labels left, glyphs upside down: flipped top to bottom
        (False, 0.9, False, 2, []),
    ],
)
def test_candidate_turns(
    mirrored: bool, upside_down: float, allow_mirror: bool, labels: int, expected: list[Turn]
) -> None:
    lines = _mirrored(_upright_lines()) if mirrored else _upright_lines()
    assert candidate_turns(lines, W, upside_down, allow_mirror, labels) == expected


def test_too_few_lines_fall_back_on_the_classifier() -> None:
    assert candidate_turns(_upright_lines()[:2], W, 0.9, True, 0) == [HALF]
    assert candidate_turns(_upright_lines()[:2], W, 0.1, True, 0) == []


@pytest.mark.parametrize(("half_turn", "mirror"), [(True, False), (False, True), (True, True)])
def test_carried_boxes_cover_the_same_print(half_turn: bool, mirror: bool) -> None:
    image = np.full((631, 1000, 3), 255, np.uint8)
    cv2.rectangle(image, (100, 200), (400, 230), (0, 0, 0), -1)
    box = np.array([[100, 200], [400, 200], [400, 230], [100, 230]], np.float32)
    base = Alignment(image, np.eye(3), True, box)
    turned = reorient(base, half_turn, mirror)
    (moved,) = carry_boxes(base, turned, [box])
    x0, y0 = moved.min(axis=0).astype(int)
    x1, y1 = moved.max(axis=0).astype(int)
    assert turned.image[y0 + 2 : y1 - 2, x0 + 2 : x1 - 2].max() == 0  # all ink: the same bar
    tl, tr, br, bl = moved
    assert tl[0] < tr[0] and tl[1] < bl[1] and br[0] > bl[0]  # still TL TR BR BL


# -- passes ----------------------------------------------------------------------------------------------------


@dataclass
class CountingEngine:
    """Reads nothing useful (a card it cannot read): every pass the reader may take is counted."""

    name: str = "counting"
    passes: int = 0
    detect_sides: list[int] = field(default_factory=list)

    def detect(self, image: np.ndarray) -> list[np.ndarray]:
        self.detect_sides.append(max(image.shape[:2]))
        h, w = image.shape[:2]
        box = [[0.2 * w, 0.3 * h], [0.8 * w, 0.3 * h], [0.8 * w, 0.35 * h], [0.2 * w, 0.35 * h]]
        return [np.array(box, np.float32)]

    def _lines(self, image: np.ndarray) -> list[TextLine]:
        lines = [_line(W - 200, W - 30, 120 + 32 * i) for i in range(8)]  # labels on the right: looks turned
        return [TextLine("~~~", 0.5, ln.box) for ln in lines]

    def recognize(self, image: np.ndarray) -> list[TextLine]:
        self.passes += 1
        return self._lines(image)

    def read_boxes(self, image: np.ndarray, boxes: list[np.ndarray]) -> list[TextLine]:
        self.passes += 1
        return self._lines(image)

    def upside_down(self, image: np.ndarray, boxes: list[np.ndarray]) -> float:
        return 0.9


def test_an_unreadable_card_costs_at_most_the_capped_passes() -> None:
    engine = CountingEngine()
    photo = np.full((1500, 2000, 3), 90, np.uint8)
    cv2.rectangle(photo, (300, 300), (1600, 1120), (235, 235, 235), -1)  # a card-shaped outline is found
    reader = KtpReader(ReaderOptions(), engine=engine)
    reader.read(cv2.imencode(".png", photo)[1].tobytes())
    assert 1 <= engine.passes <= MAX_OCR_PASSES
    photo_sides = [side for side in engine.detect_sides if side != CARD_WIDTH]  # the photo, not the warped card
    assert photo_sides and max(photo_sides) <= RECHECK_SIDE  # no 1,280 px re-detection of the photo


# -- service ---------------------------------------------------------------------------------------------------


def test_workers_times_threads_fill_the_cores_once() -> None:
    assert threads_per_worker(2, cores=16) == 8
    assert threads_per_worker(2, cores=2) == 1
    assert threads_per_worker(4, cores=2) == 1
    settings = ServiceSettings(workers=2)
    assert settings.reader_options().threads == threads_per_worker(2)
    assert ServiceSettings(workers=2, threads=3).reader_options().threads == 3


def test_cli_and_service_flags_reach_the_runtime() -> None:
    from ktp_ocr.cli import _reader_options, build_parser
    from ktp_ocr.service.cli import settings_from_args

    args = build_parser().parse_args(["read", "x.jpg", "--backend", "onnxruntime", "--threads", "2"])
    options = _reader_options(args)
    assert (options.backend, options.threads) == ("onnxruntime", 2)
    serve = build_parser().parse_args(["serve", "--workers", "4", "--threads", "3", "--backend", "openvino"])
    settings = settings_from_args(serve)
    served = settings.reader_options()
    assert (settings.workers, served.threads, served.backend) == (4, 3, "openvino")

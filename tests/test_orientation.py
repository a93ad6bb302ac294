"""Orientation: the cheap decision from line boxes (which side the labels are on, which turns to try), turned and
mirrored cards read as they read upright, an upright card in one pass, an unreadable card within the cap on OCR
passes, and a card too blurred to show labels kept the way up the recogniser reads surely."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import pytest

from ktp_ocr.evaluation import canonical
from ktp_ocr.locate import CARD_HEIGHT, CARD_WIDTH, RECHECK_SIDE
from ktp_ocr.locate import geometry as geo
from ktp_ocr.locate.align import Alignment, align_card
from ktp_ocr.ocr import TextLine
from ktp_ocr.options import ReaderOptions
from ktp_ocr.orientation import (
    CLEARER,
    MAX_OCR_PASSES,
    Turn,
    candidate_turns,
    clarity,
    labels_on_left,
    reads_clearer,
    reorient,
)
from ktp_ocr.reader import KtpReader
from ktp_ocr.result import FIELD_NAMES
from ktp_ocr.synth import render_sample

from .fakes import PassCounter


def _line(text: str, score: float, y: float = 100.0) -> TextLine:
    box = np.array([[300, y], [700, y], [700, y + 30], [300, y + 30]], np.float32)
    return TextLine(text, score, box)


# -- clarity -----------------------------------------------------------------------------------------------------


def test_clarity_weighs_each_line_by_its_characters() -> None:
    lines = [_line("A" * 30, 0.9), _line("B" * 10, 0.5)]
    assert clarity(lines) == pytest.approx((30 * 0.9 + 10 * 0.5) / 40)


def test_one_line_says_nothing_about_the_way_up() -> None:
    assert clarity([_line("3171012345678901", 0.99)]) is None
    assert not reads_clearer([_line("x" * 16, 0.99)], [_line("x" * 16, 0.2), _line("y" * 5, 0.2)])


def test_a_reading_is_clearer_only_by_the_margin() -> None:
    sure = [_line("x" * 16, 0.95), _line("y" * 16, 0.95)]
    unsure = [_line("x" * 16, 0.6), _line("y" * 16, 0.6)]
    close = [_line("x" * 16, 0.95 - CLEARER / 2), _line("y" * 16, 0.95 - CLEARER / 2)]
    assert reads_clearer(sure, unsure)
    assert not reads_clearer(unsure, sure)
    assert not reads_clearer(sure, close)


# -- the label column's side and the turns worth a second reading --------------------------------------------

W = CARD_WIDTH


def _line_at(x0: float, x1: float, y: float) -> TextLine:
    box = np.array([[x0, y], [x1, y], [x1, y + 20], [x0, y + 20]], np.float32)
    return TextLine("x", 0.9, box)


def _upright_lines() -> list[TextLine]:
    """Label column at the left margin, values in the middle, nothing over the photo on the right."""
    lines = [_line_at(30, 200, 120 + 32 * i) for i in range(10)]
    lines += [_line_at(260, 600, 120 + 32 * i) for i in range(10)]
    lines += [_line_at(720, 930, 500)]  # the issue place under the photo reaches the right margin
    return lines


def _mirrored(lines: list[TextLine]) -> list[TextLine]:
    return [_line_at(W - ln.x1, W - ln.x0, ln.y0) for ln in lines]


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


# -- alignment: a turned photo gives the upright card's pixels -------------------------------------------------


@pytest.fixture(scope="module")
def card() -> np.ndarray:
    data, _ = render_sample(0)
    return np.asarray(cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR))


def half_turn_matrix(width: int, height: int) -> np.ndarray:
    """A half turn of a width x height image, as ``img[::-1, ::-1]`` does to the pixels."""
    return np.array([[-1, 0, width - 1], [0, -1, height - 1], [0, 0, 1]], dtype=np.float64)


def _warped(photo: np.ndarray, quad: np.ndarray) -> Alignment:
    matrix = geo.card_warp_matrix(quad)
    return Alignment(cv2.warpPerspective(photo, matrix, (CARD_WIDTH, CARD_HEIGHT)), matrix, True, quad)


@pytest.mark.parametrize(("half_turn", "mirror"), [(True, False), (False, True), (True, True)])
def test_a_turned_photo_turned_back_is_the_upright_card(card: np.ndarray, half_turn: bool, mirror: bool) -> None:
    """The same card outline found on the photo turned or mirrored: once turned back, the very pixels of the
    upright warp (not one pixel off), so the turned card is read from what the upright one is read from."""
    h, w = card.shape[:2]
    quad = np.array([[37.0, 21.0], [w - 45.0, 30.0], [w - 28.0, h - 33.0], [26.0, h - 24.0]])
    photo, to_photo, order = card, np.eye(3), np.arange(4)  # to_photo: upright photo pixels -> turned photo's
    if mirror:
        photo, to_photo, order = photo[:, ::-1], geo.mirror_matrix(w) @ to_photo, order[[1, 0, 3, 2]]
    if half_turn:
        photo, to_photo, order = photo[::-1, ::-1], half_turn_matrix(w, h) @ to_photo, order[[2, 3, 0, 1]]
    upright = _warped(card, quad)
    turned = _warped(np.ascontiguousarray(photo), geo.apply(to_photo, quad)[order])
    back = reorient(turned, half_turn, mirror)
    diff = np.abs(back.image.astype(int) - upright.image.astype(int))[2:-2, 2:-2]
    assert diff.mean() < 0.5
    same_map = back.matrix @ to_photo  # upright photo pixels -> the turned-back card: the upright warp's map
    assert np.allclose(same_map / same_map[2, 2], upright.matrix / upright.matrix[2, 2], atol=1e-6)


@pytest.mark.parametrize(("half_turn", "mirror"), [(True, False), (False, True), (True, True)])
def test_a_reoriented_card_keeps_its_print_where_its_matrix_says(half_turn: bool, mirror: bool) -> None:
    """A box on the card, moved by the turned card's matrix, covers the same print there, and maps back."""
    image = np.full((631, 1000, 3), 255, np.uint8)
    cv2.rectangle(image, (100, 200), (400, 230), (0, 0, 0), -1)
    box = np.array([[100, 200], [400, 200], [400, 230], [100, 230]], np.float32)
    base = Alignment(image, np.eye(3), True, box)  # the card is the input: its matrix is the identity
    turned = reorient(base, half_turn, mirror)
    moved = geo.apply(turned.matrix, box)
    x0, y0 = moved.min(axis=0).astype(int)
    x1, y1 = moved.max(axis=0).astype(int)
    assert turned.image[y0 + 2 : y1 - 2, x0 + 2 : x1 - 2].max() == 0  # all ink: the same bar
    assert np.allclose(turned.to_input(moved), box, atol=1e-3)


@dataclass
class BarDetector:
    """Finds the dark bars of a drawing as axis-aligned line boxes, as a text detector finds lines."""

    name: str = "bars"

    def detect(self, image: np.ndarray) -> list[np.ndarray]:
        dark = (cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) < 128).astype(np.uint8)
        count, _, stats, _ = cv2.connectedComponentsWithStats(dark)
        boxes = [stats[i, :4] for i in range(1, count)]
        return [np.array([[x, y], [x + bw, y], [x + bw, y + bh], [x, y + bh]], np.float32) for x, y, bw, bh in boxes]


@pytest.mark.parametrize("width", [800, 440], ids=["long block", "nearly square block"])
def test_a_card_found_from_its_text_is_the_same_card_turned_a_quarter(width: int) -> None:
    """The margin added around the text's extent goes by the card's sides, and the card's top edge runs along
    its lines, whatever the block's shape: a card photographed on its side gets the outline it gets lying
    upright, its top along the lines (a nearly square block must not come out with its lines standing)."""
    photo = np.full((900, 1400, 3), 255, np.uint8)
    for i in range(10):  # ten text lines of a card's face, ``width`` x 400 in all
        x1 = 300 + (width if i % 3 else width * 2 // 3)
        cv2.rectangle(photo, (300, 250 + 40 * i), (x1, 270 + 40 * i), (0, 0, 0), -1)
    sides = []
    for turn, along in ((None, (1.0, 0.0)), (cv2.ROTATE_90_CLOCKWISE, (0.0, 1.0))):
        image = photo if turn is None else cv2.rotate(photo, turn)
        quad = align_card(image, ReaderOptions(), BarDetector(), outline=False).card_corners  # type: ignore[arg-type]
        top = (quad[1] - quad[0]) / np.linalg.norm(quad[1] - quad[0])
        assert abs(float(np.dot(top, along))) > 0.99  # the top edge runs along the lines
        sides.append((np.linalg.norm(quad[1] - quad[0]), np.linalg.norm(quad[3] - quad[0])))
    assert sides[1] == pytest.approx(sides[0], rel=0.01)


# -- the reader with an engine that only reads one way up --------------------------------------------------------


@dataclass
class MarkerEngine:
    """Finds three lines and no label on any card; reads them surely only when the card's dark corner mark is at
    its top left (the card the right way up), as garbage it is unsure of otherwise. The angle classifier always
    says turned, so the reader tries a half turn either way."""

    name: str = "marker"

    def detect(self, image: np.ndarray) -> list[np.ndarray]:
        h, w = image.shape[:2]
        return [
            np.array(
                [[0.3 * w, y * h], [0.7 * w, y * h], [0.7 * w, (y + 0.05) * h], [0.3 * w, (y + 0.05) * h]], np.float32
            )
            for y in (0.3, 0.45, 0.6)
        ]

    def read_boxes(self, image: np.ndarray, boxes: list[np.ndarray]) -> list[TextLine]:
        h, w = image.shape[:2]
        upright = float(image[: h // 4, : w // 4].mean()) < float(image[-h // 4 :, -w // 4 :].mean())
        text, score = ("3171012345678901", 0.95) if upright else ("~~~~~~~~", 0.55)
        return [TextLine(text, score, box) for box in boxes]

    def recognize(self, image: np.ndarray) -> list[TextLine]:
        return self.read_boxes(image, self.detect(image))

    def upside_down(self, image: np.ndarray, boxes: list[np.ndarray]) -> float:
        return 0.9


def _marked_card_photo(half_turned: bool) -> bytes:
    photo = np.full((1500, 2000, 3), 90, np.uint8)
    cv2.rectangle(photo, (300, 300), (1600, 1120), (235, 235, 235), -1)  # the card, its outline found
    cv2.circle(photo, (420, 420), 60, (20, 20, 20), -1)  # the mark at its top left (round: not a card or photo box)
    if half_turned:
        photo = cv2.rotate(photo, cv2.ROTATE_180)
    return cv2.imencode(".png", photo)[1].tobytes()


def _off_half_turn(tilt: float) -> float:
    return abs((tilt - 180.0 + 180.0) % 360.0 - 180.0)


def test_without_labels_the_surely_read_way_up_is_kept() -> None:
    reader = KtpReader(ReaderOptions(), engine=MarkerEngine())  # type: ignore[arg-type]
    upright = reader.read(_marked_card_photo(half_turned=False))
    turned = reader.read(_marked_card_photo(half_turned=True))
    assert _off_half_turn(upright.card.tilt) > 90  # read as it lies: the half turn read garbage
    assert _off_half_turn(turned.card.tilt) < 10  # turned back: the half turn read surely, with no more labels


# -- the cap on OCR passes ----------------------------------------------------------------------------------------


@dataclass
class UnreadableEngine:
    """Finds one line and reads garbage, its labels on the right (the card looks turned), on any card."""

    name: str = "unreadable"

    def detect(self, image: np.ndarray) -> list[np.ndarray]:
        h, w = image.shape[:2]
        box = [[0.2 * w, 0.3 * h], [0.8 * w, 0.3 * h], [0.8 * w, 0.35 * h], [0.2 * w, 0.35 * h]]
        return [np.array(box, np.float32)]

    def _lines(self) -> list[TextLine]:
        lines = [_line_at(W - 200, W - 30, 120 + 32 * i) for i in range(8)]  # labels on the right: looks turned
        return [TextLine("~~~", 0.5, ln.box) for ln in lines]

    def recognize(self, image: np.ndarray) -> list[TextLine]:
        return self._lines()

    def read_boxes(self, image: np.ndarray, boxes: list[np.ndarray]) -> list[TextLine]:
        return self._lines()

    def upside_down(self, image: np.ndarray, boxes: list[np.ndarray]) -> float:
        return 0.9


def test_an_unreadable_card_costs_at_most_the_capped_passes() -> None:
    engine = PassCounter(UnreadableEngine())
    photo = np.full((1500, 2000, 3), 90, np.uint8)
    cv2.rectangle(photo, (300, 300), (1600, 1120), (235, 235, 235), -1)  # a card-shaped outline is found
    reader = KtpReader(ReaderOptions(), engine=engine)
    reader.read(cv2.imencode(".png", photo)[1].tobytes())
    assert 1 <= engine.passes <= MAX_OCR_PASSES
    photo_sides = [side for side in engine.detect_sides if side != CARD_WIDTH]  # the photo, not the warped card
    assert photo_sides and max(photo_sides) <= RECHECK_SIDE  # no 1,280 px re-detection of the photo


# -- the real engine on rendered cards ---------------------------------------------------------------------------


def _read(reader: KtpReader, image: np.ndarray) -> dict[str, str]:
    values = reader.read(cv2.imencode(".png", image)[1].tobytes()).fields.values()
    return {name: canonical(values[name]) for name in FIELD_NAMES}


def test_an_upright_card_is_read_in_one_pass(reader, card: np.ndarray) -> None:  # type: ignore[no-untyped-def]
    engine = PassCounter(reader.engine)
    _read(KtpReader(ReaderOptions(), engine=engine), card)  # type: ignore[arg-type]
    assert engine.passes == 1


@pytest.mark.parametrize(
    "turn",
    [
        lambda img: cv2.rotate(img, cv2.ROTATE_180),
        lambda img: cv2.rotate(img, cv2.ROTATE_90_COUNTERCLOCKWISE),
        lambda img: cv2.flip(img, 1),
        lambda img: cv2.flip(img, 0),
    ],
    ids=["180", "270 cw", "mirrored", "mirrored 180"],
)
def test_a_turned_card_reads_what_it_reads_upright(reader, card: np.ndarray, turn) -> None:  # type: ignore[no-untyped-def]
    engine = PassCounter(reader.engine)
    counted = KtpReader(ReaderOptions(), engine=engine)  # type: ignore[arg-type]
    upright = _read(counted, card)
    engine.passes = 0
    assert _read(counted, turn(card)) == upright
    assert engine.passes <= 3  # the first reading, at worst the other candidate, then the right way up

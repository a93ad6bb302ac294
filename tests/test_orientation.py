"""Orientation: turned and mirrored cards read as they read upright, an upright card in one pass, and a card too
blurred to show labels kept the way up the recogniser reads surely."""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
import pytest

from ktp_ocr.evaluation import canonical
from ktp_ocr.layout.orientation import CLEARER, clarity, reads_clearer
from ktp_ocr.locate import CARD_HEIGHT, CARD_WIDTH, reorient
from ktp_ocr.locate import geometry as geo
from ktp_ocr.locate.align import Alignment, align_card
from ktp_ocr.ocr import OcrEngine, TextLine
from ktp_ocr.options import ReaderOptions
from ktp_ocr.reader import KtpReader
from ktp_ocr.result import FIELD_NAMES
from ktp_ocr.synth import render_sample


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


# -- alignment: a turned photo gives the upright card's pixels -------------------------------------------------


@pytest.fixture(scope="module")
def card() -> np.ndarray:
    data, _ = render_sample(0)
    return np.asarray(cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR))


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
        photo, to_photo, order = photo[::-1, ::-1], geo.turn_matrix(2, w, h) @ to_photo, order[[2, 3, 0, 1]]
    upright = _warped(card, quad)
    turned = _warped(np.ascontiguousarray(photo), geo.apply(to_photo, quad)[order])
    back = reorient(turned, half_turn, mirror)
    diff = np.abs(back.image.astype(int) - upright.image.astype(int))[2:-2, 2:-2]
    assert diff.mean() < 0.5
    same_map = back.matrix @ to_photo  # upright photo pixels -> the turned-back card: the upright warp's map
    assert np.allclose(same_map / same_map[2, 2], upright.matrix / upright.matrix[2, 2], atol=1e-6)


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
    detect_sides: list[int] = field(default_factory=list)

    def detect(self, image: np.ndarray) -> list[np.ndarray]:
        self.detect_sides.append(max(image.shape[:2]))
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


# -- the real engine on rendered cards ---------------------------------------------------------------------------


class Counting:
    """The reader's engine, counting OCR passes: a full reading (detect and read) and a recogniser-only one."""

    def __init__(self, engine: OcrEngine) -> None:
        self.engine, self.name, self.passes = engine, engine.name, 0

    def detect(self, image: np.ndarray) -> list[np.ndarray]:
        return self.engine.detect(image)

    def read_boxes(self, image: np.ndarray, boxes: list[np.ndarray]) -> list[TextLine]:
        self.passes += 1
        return self.engine.read_boxes(image, boxes)

    def recognize(self, image: np.ndarray) -> list[TextLine]:
        return self.read_boxes(image, self.detect(image))

    def upside_down(self, image: np.ndarray, boxes: list[np.ndarray]) -> float:
        return self.engine.upside_down(image, boxes)


def _read(reader: KtpReader, image: np.ndarray) -> dict[str, str]:
    values = reader.read(cv2.imencode(".png", image)[1].tobytes()).fields.values()
    return {name: canonical(values[name]) for name in FIELD_NAMES}


def test_an_upright_card_is_read_in_one_pass(reader, card: np.ndarray) -> None:  # type: ignore[no-untyped-def]
    engine = Counting(reader.engine)
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
    engine = Counting(reader.engine)
    counted = KtpReader(ReaderOptions(), engine=engine)  # type: ignore[arg-type]
    upright = _read(counted, card)
    engine.passes = 0
    assert _read(counted, turn(card)) == upright
    assert engine.passes <= 3  # the first reading, at worst the other candidate, then the right way up

"""Quality checks on a clean synthetic card and on copies of it with one known defect each.

The alignment is built from the card's true corners (no OCR), so the tests are fast and exercise only the
quality measurements; the reader's own alignment is exercised by ``scripts/bench_quality.py``.
"""

from __future__ import annotations

import random

import cv2
import numpy as np
import pytest

from ktp_ocr.locate import Alignment
from ktp_ocr.locate import geometry as geo
from ktp_ocr.quality import CURVES, FLAG_AT, Logistic, assess_quality, measure
from ktp_ocr.result import QUALITY_CHECKS, Quality
from ktp_ocr.synth import effects as fx
from ktp_ocr.synth import render_sample

FLAGS = [name for name in QUALITY_CHECKS if name != "is_ktp"]


def _align(image: np.ndarray, corners: np.ndarray, mirrored: bool = False) -> Alignment:
    warp = geo.card_warp_matrix(corners)
    card = cv2.warpPerspective(image, warp, (geo.CARD_WIDTH, geo.CARD_HEIGHT), flags=cv2.INTER_AREA)
    return Alignment(card, warp, True, np.asarray(corners, np.float64), 0, mirrored)


@pytest.fixture(scope="module")
def clean() -> tuple[np.ndarray, np.ndarray]:
    """A clean photo-like capture (card well inside the frame) and its true corners in reading order."""
    for seed in range(40):
        data, entry = render_sample(seed, "clean")
        image = np.asarray(cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR))
        corners = np.asarray(entry["corners"], np.float64)
        h, w = image.shape[:2]
        margin = 0.05 * max(h, w)
        if corners.min() > margin and (corners[:, 0] < w - margin).all() and (corners[:, 1] < h - margin).all():
            return image, corners
    raise AssertionError("no clean capture with a margin around the card")


def _flags(q: Quality) -> set[str]:
    return {name for name in FLAGS if getattr(q, name)}


def _assess(image: np.ndarray, corners: np.ndarray, mirrored: bool = False) -> Quality:
    return assess_quality(image, _align(image, corners, mirrored), True, 0.9)


def test_clean_card_raises_no_flag(clean: tuple[np.ndarray, np.ndarray]) -> None:
    q = _assess(*clean)
    assert _flags(q) == set(), q.scores
    assert q.sharpness and q.brightness and q.specularity
    assert q.is_ktp and q.scores["is_ktp"] == 0.9
    assert set(q.scores) == set(QUALITY_CHECKS)
    assert all(0.0 <= v <= 1.0 for v in q.scores.values())


def test_is_ktp_is_passed_through(clean: tuple[np.ndarray, np.ndarray]) -> None:
    image, corners = clean
    q = assess_quality(image, _align(image, corners), False, 0.1)
    assert not q.is_ktp and q.scores["is_ktp"] == 0.1


def test_heavy_blur(clean: tuple[np.ndarray, np.ndarray]) -> None:
    image, corners = clean
    q = _assess(cv2.GaussianBlur(image, (0, 0), 3.0), corners)
    assert "is_blurred" in _flags(q) and not q.sharpness


def test_dark(clean: tuple[np.ndarray, np.ndarray]) -> None:
    image, corners = clean
    q = _assess((image.astype(np.float32) * 0.4).astype(np.uint8), corners)
    assert _flags(q) == {"is_dark"} and not q.brightness


def test_bright(clean: tuple[np.ndarray, np.ndarray]) -> None:
    image, corners = clean
    q = _assess(np.clip(image.astype(np.float32) * 1.7, 0, 255).astype(np.uint8), corners)
    assert "is_bright" in _flags(q) and not q.brightness


def test_washed_out_card_is_bright_not_a_copy_nor_glare(clean: tuple[np.ndarray, np.ndarray]) -> None:
    """Over-exposure bleaches the light-blue ground to white; the photo backdrop keeps some colour."""
    image, corners = clean
    flags = _flags(_assess(np.clip(image.astype(np.float32) * 2.2, 0, 255).astype(np.uint8), corners))
    assert "is_bright" in flags and not flags & {"is_copy", "is_flash"}, flags


def _highlight(image: np.ndarray, corners: np.ndarray, size: float, strength: float = 0.95) -> np.ndarray:
    """A specular highlight: white light added in a soft ellipse of ``size`` x the card's width, left of centre."""
    img = image.astype(np.float32)
    centre = corners[0] + 0.35 * (corners[1] - corners[0]) + 0.5 * (corners[3] - corners[0])
    radius = size * float(np.linalg.norm(corners[1] - corners[0]))
    mask = np.zeros(image.shape[:2], np.float32)
    cv2.ellipse(mask, (int(centre[0]), int(centre[1])), (int(radius), int(radius * 0.6)), 20, 0, 360, 1.0, -1)
    mask = cv2.GaussianBlur(mask, (0, 0), radius / 4) * strength
    img += (255.0 - img) * mask[..., None]
    return np.clip(img, 0, 255).astype(np.uint8)


def test_glare(clean: tuple[np.ndarray, np.ndarray]) -> None:
    image, corners = clean
    q = _assess(_highlight(image, corners, 0.15), corners)
    assert "is_flash" in _flags(q) and not q.specularity


def test_glare_on_a_dim_card(clean: tuple[np.ndarray, np.ndarray]) -> None:
    """A highlight is judged against the card's own ground: in dim light it still stands out, and dim is not dark."""
    image, corners = clean
    dim = (image.astype(np.float32) * 0.65).astype(np.uint8)
    assert _flags(_assess(_highlight(dim, corners, 0.1), corners)) == {"is_flash"}


def test_a_sheen_over_the_whole_card_is_not_glare(clean: tuple[np.ndarray, np.ndarray]) -> None:
    """Diffuse light lifts every pixel a little towards white; a highlight lifts a spot most of the way."""
    image, corners = clean
    veiled = image.astype(np.float32) + (255.0 - image.astype(np.float32)) * 0.3
    assert "is_flash" not in _flags(_assess(veiled.astype(np.uint8), corners))


def test_a_speck_is_not_glare(clean: tuple[np.ndarray, np.ndarray]) -> None:
    """A highlight smaller than a printed character (~2 mm) hides nothing."""
    image, corners = clean
    speck = _highlight(image, corners, 0.015)  # an ellipse ~2.6 x 1.5 mm
    assert measure(speck, _align(speck, corners))["glare_share"] > 0.0  # seen as a highlight ...
    assert "is_flash" not in _flags(_assess(speck, corners))  # ... too small to flag


def test_dim_indoor_light_is_not_dark(clean: tuple[np.ndarray, np.ndarray]) -> None:
    """Real photos at 60-65 % of a card's normal ground level are not called dark by their labellers."""
    image, corners = clean
    assert "is_dark" not in _flags(_assess((image.astype(np.float32) * 0.65).astype(np.uint8), corners))


def test_scores_are_logistic_around_the_flag_point() -> None:
    up, down = Logistic(10.0, 2.0), Logistic(120.0, -20.0)
    assert up.score(10.0) == pytest.approx(0.5) and up.score(12.0) == pytest.approx(0.9)
    assert down.score(100.0) == pytest.approx(0.9) and down.score(140.0) == pytest.approx(0.1)
    assert 0.0 < up.score(-1e9) < 1e-6 and up.score(1e9) == pytest.approx(1.0)
    assert all(curve.score(curve.mid) == pytest.approx(FLAG_AT) for curve in CURVES.values())


def test_greyscale_copy(clean: tuple[np.ndarray, np.ndarray]) -> None:
    image, corners = clean
    grey = cv2.cvtColor(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
    assert _flags(_assess(grey, corners)) == {"is_copy"}


def test_screen(clean: tuple[np.ndarray, np.ndarray]) -> None:
    image, corners = clean
    h, w = image.shape[:2]
    shot = fx.screen(image.astype(np.float32), random.Random(4), h, w, [])
    q = _assess(np.clip(shot, 0, 255).astype(np.uint8), corners)
    assert "is_taken_from_screen" in _flags(q)
    assert "is_blurred" not in _flags(q), q.scores  # the sub-pixel grid is not a lens blur


def test_card_partly_outside(clean: tuple[np.ndarray, np.ndarray]) -> None:
    image, corners = clean
    cut = int(corners[:, 0].min() + 0.15 * (corners[:, 0].max() - corners[:, 0].min()))
    shifted = corners - np.array([cut, 0.0])
    assert "is_cropped" in _flags(_assess(np.ascontiguousarray(image[:, cut:]), shifted))


def test_card_cut_by_the_frame_with_its_outline_inside(clean: tuple[np.ndarray, np.ndarray]) -> None:
    """The outline of a cut card ends just inside the border, where no card edge shows."""
    image, corners = clean
    cut = int(corners[:, 0].min() + 0.15 * (corners[:, 0].max() - corners[:, 0].min()))
    outline = corners - np.array([cut, 0.0])
    left = np.argsort(outline[:, 0])[:2]
    outline[left, 0] = 2.0
    assert "is_cropped" in _flags(_assess(np.ascontiguousarray(image[:, cut:]), outline))


def test_card_close_to_the_border_is_not_cropped(clean: tuple[np.ndarray, np.ndarray]) -> None:
    """A tight scan: the card's edge shows a few pixels inside the frame on every side."""
    image, corners = clean
    lo = np.floor(corners.min(axis=0)).astype(int) - 6
    hi = np.ceil(corners.max(axis=0)).astype(int) + 6
    tight = np.ascontiguousarray(image[lo[1] : hi[1], lo[0] : hi[0]])
    assert "is_cropped" not in _flags(_assess(tight, corners - lo))


def _printed(image: np.ndarray, corners: np.ndarray, printed: np.ndarray) -> Quality:
    """The quality verdicts when the card's text places the card at ``printed`` (input pixels)."""
    return assess_quality(image, _align(image, corners), True, 0.9, printed)


def test_a_scan_trimmed_to_the_card_is_not_cropped(clean: tuple[np.ndarray, np.ndarray]) -> None:
    """The image is the card: its border on the image's edges, and the text frame, off by its usual 1-3 %,
    reaching a little past them."""
    image, corners = clean
    lo, hi = np.floor(corners.min(axis=0)).astype(int), np.ceil(corners.max(axis=0)).astype(int)
    card = np.ascontiguousarray(image[lo[1] : hi[1], lo[0] : hi[0]])
    h, w = card.shape[:2]
    edges = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float64)
    frame = edges + np.array([[-0.01 * w, 0.005 * h], [0.01 * w, 0.0], [0.01 * w, 0.03 * h], [-0.01 * w, 0.03 * h]])
    assert "is_cropped" not in _flags(_printed(card, corners - lo, frame))


def test_a_card_whose_text_runs_off_the_frame_is_cropped(clean: tuple[np.ndarray, np.ndarray]) -> None:
    """The outline was laid along the border (it says nothing), but the rows place the card 15 % past it."""
    image, corners = clean
    cut = int(corners[:, 0].min() + 0.15 * (corners[:, 0].max() - corners[:, 0].min()))
    shifted = corners - np.array([cut, 0.0])
    inside = shifted.copy()
    inside[np.argsort(inside[:, 0])[:2], 0] = 1.0
    assert "is_cropped" in _flags(_printed(np.ascontiguousarray(image[:, cut:]), inside, shifted))


def test_the_text_frame_decides_over_an_outline_off_the_frame(clean: tuple[np.ndarray, np.ndarray]) -> None:
    """A text extent with its margin runs past the border of a photo whose card is all in view."""
    image, corners = clean
    centre = corners.mean(axis=0)
    margin = centre + (corners - centre) * 3.0  # far past the image's edges
    assert "is_cropped" in _flags(_assess(image, margin))
    assert "is_cropped" not in _flags(_printed(image, margin, corners))


@pytest.mark.parametrize("turns", [1, 2, 3])
def test_quarter_turns(clean: tuple[np.ndarray, np.ndarray], turns: int) -> None:
    image, corners = clean
    h, w = image.shape[:2]
    turned = np.ascontiguousarray(np.rot90(image, -turns))  # clockwise
    points = corners.copy()
    for _ in range(turns):  # (x, y) -> (h - 1 - y, x) for one clockwise turn
        points = np.stack([h - 1 - points[:, 1], points[:, 0]], axis=1)
        h, w = w, h
    assert "is_rotated" in _flags(_assess(turned, points))


def test_tilt_and_mirror(clean: tuple[np.ndarray, np.ndarray]) -> None:
    image, corners = clean
    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), -20, 0.8)
    tilted = cv2.warpAffine(image, m, (w, h), borderValue=(90, 90, 90))
    points = np.hstack([corners, np.ones((4, 1))]) @ m.T
    assert "is_rotated" in _flags(_assess(tilted, points))
    assert _assess(image, corners, mirrored=True).is_rotated

"""The card-outline finder on synthetic scenes with known corners: accuracy, counts, and no photo-box mistakes."""

from __future__ import annotations

import random

import cv2
import numpy as np
import pytest

from ktp_ocr.locate.card import find_card_quad, find_card_quads
from ktp_ocr.locate.card_face import photo_evidence
from ktp_ocr.locate.card_lines import line_quads
from ktp_ocr.locate.card_select import FACE_EVIDENCE, FACE_MARGIN
from ktp_ocr.synth import make_identity, render_card, render_card_entry, render_sample
from ktp_ocr.synth.backgrounds import make_background

TOLERANCE = 0.02


def corner_error(pred: np.ndarray, truth: np.ndarray) -> float:
    """Worst corner distance over the diagonal, best over the cyclic and mirrored matchings of the corners."""
    truth = np.asarray(truth, np.float64).reshape(4, 2)
    pred = np.asarray(pred, np.float64).reshape(4, 2)
    best = min(
        float(np.linalg.norm(np.roll(cycle, k, axis=0) - truth, axis=1).max())
        for cycle in (pred, pred[::-1])
        for k in range(4)
    )
    return best / float(np.linalg.norm(truth[0] - truth[2]))


def _decode(data: bytes) -> np.ndarray:
    return np.asarray(cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR))


def _card(seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = random.Random(seed)
    card = render_card(make_identity(rng), rng)
    return card.image, card.mask


def _quad(cx: float, cy: float, long: float, degrees: float) -> np.ndarray:
    short = long * 54.0 / 85.6
    t = np.radians(degrees)
    rot = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
    corners = np.array([[-long, -short], [long, -short], [long, short], [-long, short]]) / 2
    return np.asarray(corners @ rot.T + (cx, cy), np.float64)


def _place(scene: np.ndarray, card: tuple[np.ndarray, np.ndarray], quad: np.ndarray) -> np.ndarray:
    """The card warped onto ``scene`` at ``quad`` (TL, TR, BR, BL), blended through its rounded-corner mask."""
    image, mask = card
    h, w = image.shape[:2]
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    hom = cv2.getPerspectiveTransform(src, quad.astype(np.float32))
    size = (scene.shape[1], scene.shape[0])
    warped = cv2.warpPerspective(image, hom, size).astype(np.float32)
    alpha = cv2.warpPerspective(mask, hom, size).astype(np.float32)[..., None] / 255.0
    return np.asarray(scene * (1 - alpha) + warped * alpha, np.uint8)


def _surface(kind: str, h: int, w: int, seed: int = 3) -> np.ndarray:
    out = make_background(kind, np.random.default_rng(seed), h, w)
    return np.asarray(np.clip(out, 0, 255), np.uint8)


def test_clean_card() -> None:
    data, entry = render_sample(0, "clean")
    quads = find_card_quads(_decode(data))
    assert len(quads) <= 1  # a scan cropped to the card may show no edge at all
    if quads:
        assert corner_error(quads[0], entry["corners"]) < TOLERANCE


@pytest.mark.parametrize("kind", ["wood", "fabric", "desk"])
def test_angled_card_on_a_textured_surface(kind: str) -> None:
    truth = _quad(620, 430, 700, 17.0)
    truth[1] += (-25, 10)  # a little perspective
    scene = _place(_surface(kind, 900, 1200), _card(1), truth)
    quads = find_card_quads(scene)
    assert len(quads) == 1
    assert corner_error(quads[0], truth) < TOLERANCE


def test_card_held_in_a_hand() -> None:
    for index in range(60):
        data, entry = render_card_entry(11, index, "phone")
        if "in_hand" in entry["conditions"]:
            break
    else:  # pragma: no cover - the generator draws a hand for about one card in five
        pytest.skip("no hand drawn")
    quad = find_card_quad(_decode(data))
    assert quad is not None
    assert corner_error(quad, entry["corners"]) < TOLERANCE


def test_small_card_on_a_600_dpi_a4_page_is_found() -> None:
    """Its speed is measured by scripts/bench_locate.py, not asserted here."""
    page = np.full((7020, 5100, 3), 246, np.uint8)
    long = float(np.sqrt(0.03 * 5100 * 7020 * 85.6 / 54.0))
    truth = _quad(1800, 1750, long, -2.0)
    page = _place(page, _card(2), truth)
    quads = find_card_quads(page)
    assert len(quads) == 1
    assert corner_error(quads[0], truth) < TOLERANCE


def test_two_cards_come_back_as_two_quads() -> None:
    truths = [_quad(330, 420, 520, 8.0), _quad(950, 470, 500, -12.0)]
    scene = _surface("wood", 900, 1300)
    for seed, truth in enumerate(truths):
        scene = _place(scene, _card(seed), truth)
    quads = find_card_quads(scene)
    assert len(quads) == 2
    for truth in truths:
        assert min(corner_error(q, truth) for q in quads) < TOLERANCE


def test_single_card_is_not_returned_with_its_photo_box() -> None:
    truth = _quad(600, 400, 800, 3.0)
    scene = _place(_surface("plain", 800, 1200, seed=5), _card(4), truth)
    quads = find_card_quads(scene)
    assert len(quads) == 1
    assert corner_error(quads[0], truth) < TOLERANCE


def test_white_scan_never_returns_the_photo_box() -> None:
    """A scan on a white lid with the card's border faded away: the sharp photo box must not pass as the card."""
    image, mask = _card(5)
    h, w = image.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w]
    border = np.minimum.reduce([xx, yy, w - 1 - xx, h - 1 - yy]).astype(np.float32)
    fade = np.clip(border / 40.0, 0, 1)[..., None]
    faded = np.asarray(image * fade + 252 * (1 - fade), np.uint8)
    truth = _quad(560, 370, 1000, 0.5)
    scene = _place(np.full((740, 1120, 3), 252, np.uint8), (faded, mask), truth)
    for quad in find_card_quads(scene):
        assert corner_error(quad, truth) < TOLERANCE


def _copied(card: tuple[np.ndarray, np.ndarray], black: float, white: float) -> tuple[np.ndarray, np.ndarray]:
    """A grey copy of the card: levels from ``black`` to ``white`` stretched to the full range (clipped)."""
    gray = cv2.cvtColor(card[0], cv2.COLOR_BGR2GRAY).astype(np.float32)
    copy = np.clip((gray - black) / (white - black) * 255.0, 0, 255).astype(np.uint8)
    return cv2.cvtColor(copy, cv2.COLOR_GRAY2BGR), card[1]


def test_grey_copy_of_a_card_on_a_white_page_is_the_card_not_a_photo() -> None:
    """A copier makes the card darker than the page, as a photo box is darker than the card; the blank page
    around it tells them apart."""
    image, mask = _copied(_card(7), 0, 330)
    truth = _quad(600, 520, 420, 1.0)
    page = np.full((1700, 1200, 3), 250, np.uint8)
    quads = find_card_quads(_place(page, (image, mask), truth))
    assert len(quads) == 1
    assert corner_error(quads[0], truth) < TOLERANCE


def test_card_whose_border_is_washed_out_is_predicted_from_its_photo_and_print() -> None:
    """A high-contrast copy clips the card's face to the page's white: only its print and photo remain."""
    truth = _quad(640, 560, 480, -1.5)
    page = np.full((1700, 1200, 3), 255, np.uint8)
    quads = find_card_quads(_place(page, _copied(_card(8), 60, 190), truth))
    assert len(quads) == 1
    assert corner_error(quads[0], truth) < TOLERANCE


def _speckled(page: np.ndarray, count: int, seed: int) -> np.ndarray:
    """A copier's toner dust: small dark specks all over the page."""
    rng = np.random.default_rng(seed)
    h, w = page.shape[:2]
    spots = np.stack([rng.integers(0, w, count), rng.integers(0, h, count), rng.integers(1, 4, count)], axis=1)
    for x, y, r in spots:
        cv2.circle(page, (int(x), int(y)), int(r), (90, 90, 90), -1)
    return page


def test_washed_out_copy_of_a_small_card_on_a_speckled_page_is_predicted_from_its_photo() -> None:
    """On a page-sized copy the photo box is too small for the card cues and the border is gone: the photo box
    proposed from darkness, the toner specks around the card ignored, and the caption under the photo (not
    above it) picks the card's placement over the one flipped top to bottom."""
    long = float(np.sqrt(0.05 * 2480 * 3508 * 85.6 / 54.0))
    truth = _quad(900, 1100, long, 0.0)
    page = _place(np.full((3508, 2480, 3), 255, np.uint8), _copied(_card(3), 60, 190), truth)
    quads = find_card_quads(_speckled(page, 4000, 9))
    assert len(quads) == 1
    assert corner_error(quads[0], truth) < TOLERANCE


def test_lone_dark_box_on_a_page_is_no_card() -> None:
    """A photo-shaped dark box with nothing printed around it: no card is predicted from it."""
    page = np.full((1700, 1200, 3), 250, np.uint8)
    cv2.rectangle(page, (500, 600), (600, 730), (60, 60, 60), -1)
    assert find_card_quads(_speckled(page, 600, 4)) == []


def test_scan_cropped_to_the_card_gives_no_sub_region() -> None:
    image, _ = _card(6)
    quad = find_card_quad(image)
    if quad is not None:
        h, w = image.shape[:2]
        assert cv2.contourArea(quad.astype(np.float32)) > 0.8 * w * h


def test_nothing_in_a_blank_or_tiny_image() -> None:
    assert find_card_quads(np.full((600, 800, 3), 200, np.uint8)) == []
    assert find_card_quads(np.zeros((5, 7, 3), np.uint8)) == []
    assert find_card_quads(np.full((300, 400), 120, np.uint8)) == []


@pytest.mark.parametrize(("profile", "index"), [("clean", 0), ("clean", 1), ("clean", 3), ("phone", 2), ("phone", 7)])
def test_generated_captures_are_found_at_their_labelled_corners(profile: str, index: int) -> None:
    """A scan, two clean photos and two phone photos (one held in a hand over a cluttered ground): one card each,
    where its label's corners (plain lists, as labels.json stores them) say it is."""
    data, entry = render_card_entry(21, index, profile)
    quads = find_card_quads(_decode(data))
    assert len(quads) == 1, entry["conditions"]
    assert corner_error(quads[0], entry["corners"]) < TOLERANCE, entry["conditions"]


def _keystoned(quad: np.ndarray, side: int, shrink: float) -> np.ndarray:
    """The quad with one side shortened about its middle, as a camera tilted towards that side sees it."""
    out = quad.copy()
    i, j = side, (side + 1) % 4
    middle = (out[i] + out[j]) / 2
    out[i] += (middle - out[i]) * shrink
    out[j] += (middle - out[j]) * shrink
    return out


@pytest.mark.parametrize(("seed", "side", "shrink", "tilt"), [(8, 0, 0.12, 2.0), (3, 1, 0.15, -6.0), (5, 2, 0.1, 10.0)])
def test_washed_out_copy_photographed_at_an_angle_is_predicted_from_its_keystoned_photo(
    seed: int, side: int, shrink: float, tilt: float
) -> None:
    """A copy whose border is gone, on a white page, seen under perspective: the photo box is no rectangle, so
    the card is placed by the homography that maps the printed box onto it, not by a similarity."""
    truth = _keystoned(_quad(600, 650, 560, tilt), side, shrink)
    page = np.full((1300, 1200, 3), 252, np.uint8)
    quads = find_card_quads(_place(page, _copied(_card(seed), 60, 190), truth))
    assert quads
    assert corner_error(quads[0], truth) < TOLERANCE


def test_card_is_not_returned_with_a_band_of_what_it_lies_against() -> None:
    """A dark folder flush with the card's left side continues its top and bottom edges: the quad around both
    is edged all round too, but moves the card's photo off its place."""
    truth = _quad(640, 450, 560, 0.0)
    scene = _surface("plain", 900, 1300, seed=5)
    x0, y0, y1 = int(truth[:, 0].min()), int(truth[:, 1].min()), int(truth[:, 1].max())
    cv2.rectangle(scene, (x0 - 260, y0), (x0, y1), (60, 70, 90), -1)
    quad = find_card_quad(_place(scene, _card(1), truth))
    assert quad is not None
    assert corner_error(quad, truth) < TOLERANCE


def test_straight_sides_propose_a_card_whose_outline_a_thumb_breaks() -> None:
    """Two thumbs across two sides and a blur: no contour closes around the card, its four lines still meet."""
    truth = _keystoned(_quad(600, 450, 620, -9.0), 1, 0.08)
    scene = _place(_surface("paper", 900, 1200, seed=4), _card(2), truth)
    for (x, y), angle in ((truth[2:].mean(axis=0), 70), (truth[[0, 3]].mean(axis=0), 160)):
        cv2.ellipse(scene, (int(x), int(y)), (30, 60), angle, 0, 360, (120, 150, 205), -1)
    small = cv2.GaussianBlur(scene, (0, 0), 2.0)
    gray = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    proposals = line_quads(gray, 0.01 * gray.size, float(gray.size))
    assert min(corner_error(q, truth) for q in proposals) < TOLERANCE


@pytest.mark.parametrize("turn", [0, 1, 2])
def test_a_card_face_shows_its_photo_and_a_patterned_cloth_does_not(turn: int) -> None:
    """The photo zone is darker than the ground all round it on the card, upright or turned; on a patch of
    cloth cut to a card's shape it is not, and a quad a band wider than the card moves the box off its place."""
    truth = _quad(600, 450, 640, 4.0 + 90.0 * turn)
    scene = _place(_surface("fabric", 900, 1200, seed=2), _card(3), truth)
    gray = cv2.cvtColor(scene, cv2.COLOR_BGR2GRAY)
    face, fit = photo_evidence(gray, truth)
    assert face >= FACE_EVIDENCE
    cloth, _ = photo_evidence(gray, _quad(170, 780, 280, 0.0))  # the cloth in the corner, clear of the card
    assert cloth < FACE_EVIDENCE
    wider = truth.copy()
    wider[[1, 2]] += 0.25 * (truth[1] - truth[0])  # a band of cloth beyond the photo's side
    assert photo_evidence(gray, wider)[1] < fit - FACE_MARGIN

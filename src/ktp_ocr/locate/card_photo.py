"""The card's portrait photo box, which looks like a small card of its own, told apart and used to find the card.

The photo box is a sharp, straight-edged rectangle with an aspect near 1.4, so it passes every shape test a
card passes; where the card's own border is faint (a pale card on white paper, a photocopy) it may be the only
quad found. It differs in two robust ways: it is much darker than what surrounds it (a red or blue backdrop
inside a light card face), while a card on a desk is as bright as, or brighter than, its surroundings; and the
card predicted around it is printed (text, caption, signature). A grey copy of a card on a white page is
darker than the page too, but the "card" predicted around it is blank paper. And because the photo sits at a
fixed place on the card, the card's outline can be predicted from it and then confirmed by its edges.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import cv2
import numpy as np

from ..template import CARD_ASPECT, PHOTO

# The photo box in card units (TL, TR, BR, BL), as printed on an e-KTP.
PHOTO_BOX = np.array(PHOTO.corners())
CARD_UNIT = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
DARKER_THAN_SURROUND = 0.7
PRINTED_AROUND = 0.015  # share of dark-stroke pixels in the card predicted around a photo (blank page: ~0.002)
STROKE = 12  # grey levels by which a stroke is darker than its 5x5 neighbourhood
PHOTO_FIT = 0.04  # card units: how far the photo box may lie from its printed place on a recovered card

T = TypeVar("T")


def looks_like_photo(gray: np.ndarray, quad: np.ndarray) -> bool:
    """True when the (clockwise) quad's inside is much darker than a ring just outside it and some card
    predicted around it is printed: a photo on a card's face, not a grey copy of a card on white paper."""
    return darker_than_ring(gray, quad) and _printed_around(gray, quad)


def darker_than_ring(gray: np.ndarray, quad: np.ndarray) -> bool:
    """True when the quad's inside is much darker than a ring just outside it (the cheap half of the test)."""
    centre = quad.mean(axis=0)
    x, y, w, h = cv2.boundingRect((centre + (quad - centre) * 1.3).astype(np.float32))
    x0, y0 = max(x, 0), max(y, 0)
    crop = gray[y0 : y + h, x0 : x + w]
    if crop.size == 0:
        return False

    def mask(factor: float) -> np.ndarray:
        m = np.zeros(crop.shape[:2], np.uint8)
        cv2.fillConvexPoly(m, np.round(centre + (quad - centre) * factor - (x0, y0)).astype(np.int32), 255)
        return m

    inner, ring = mask(0.8), mask(1.3) & ~mask(1.05)
    if not inner.any() or not ring.any():
        return False
    inside, around = float(np.median(crop[inner > 0])), float(np.median(crop[ring > 0]))
    return inside < DARKER_THAN_SURROUND * around


def _printed_around(gray: np.ndarray, quad: np.ndarray) -> bool:
    """Whether any card predicted around the quad shows dark strokes (text) outside the quad; True when no
    card can be predicted, so that the darker-than-ring test alone decides as it always did."""
    cards = cards_around_photo(quad)
    return not cards or max(stroke_share(gray, card, grown(quad, 1.15)) for card in cards) >= PRINTED_AROUND


def grown(quad: np.ndarray, factor: float) -> np.ndarray:
    """The quad scaled about its centre."""
    centre = quad.mean(axis=0)
    return np.asarray(centre + (quad - centre) * factor, np.float64)


def stroke_share(gray: np.ndarray, keep: np.ndarray, cut: np.ndarray, speck: int = 0) -> float:
    """Share of dark-stroke pixels (print) inside the quad ``keep`` but outside the quad ``cut``; strokes of
    at most ``speck`` pixels (a copier's toner dust, not print) are left out."""
    h, w = gray.shape[:2]
    x, y, bw, bh = cv2.boundingRect(keep.astype(np.float32))
    x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + bw, w), min(y + bh, h)
    if x1 - x0 < 3 or y1 - y0 < 3:
        return 0.0
    crop = gray[y0:y1, x0:x1]
    strokes = cv2.morphologyEx(crop, cv2.MORPH_BLACKHAT, np.ones((5, 5), np.uint8)) > STROKE
    if speck > 0:
        strokes = _without_specks(strokes, speck)
    region = np.zeros(crop.shape, np.uint8)
    cv2.fillConvexPoly(region, np.round(keep - (x0, y0)).astype(np.int32), 255)
    cv2.fillConvexPoly(region, np.round(cut - (x0, y0)).astype(np.int32), 0)
    total = np.count_nonzero(region)
    return float(np.count_nonzero(strokes & (region > 0))) / total if total else 0.0


def _without_specks(strokes: np.ndarray, speck: int) -> np.ndarray:
    """The stroke mask less its connected components of at most ``speck`` pixels."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats(strokes.astype(np.uint8), connectivity=8)
    keep = stats[:, cv2.CC_STAT_AREA] > speck
    keep[0] = False
    return np.asarray(keep[labels], bool)


def cards_around_photo(photo: np.ndarray) -> list[np.ndarray]:
    """Card outlines predicted from a photo box (clockwise quad): every way of laying the printed photo onto
    it, upright or mirrored, whose mapping is close to a similarity (a card is not stretched one way)."""
    size = np.array([CARD_ASPECT, 1.0])  # card heights on both axes, so that a similarity is the right expectation
    out = []
    for mirrored in (False, True):
        box = (PHOTO_BOX[[0, 3, 2, 1]] if mirrored else PHOTO_BOX) * size
        for shift in range(4):
            q = np.roll(photo, shift, axis=0)
            affine, _ = cv2.estimateAffine2D(box.astype(np.float32), q.astype(np.float32))
            if affine is None:
                continue
            stretch = np.linalg.svd(affine[:, :2], compute_uv=False)
            if stretch[0] > 1.45 * stretch[1]:
                continue
            card = np.hstack([CARD_UNIT * size, np.ones((4, 1))]) @ affine.T
            out.append(np.asarray(card, np.float64))
    return out


def cards_through_photo(photo: np.ndarray) -> list[np.ndarray]:
    """Card outlines predicted from a photo box seen under perspective (clockwise quad): every way of laying the
    printed photo onto it, upright or mirrored, as the one homography that maps the printed box's corners
    onto its four corners, kept where the card it maps stays convex."""
    size = np.array([CARD_ASPECT, 1.0])
    out = []
    for mirrored in (False, True):
        box = ((PHOTO_BOX[[0, 3, 2, 1]] if mirrored else PHOTO_BOX) * size).astype(np.float32)
        for shift in range(4):
            hom = cv2.getPerspectiveTransform(box, np.roll(photo, shift, axis=0).astype(np.float32))
            card = cv2.perspectiveTransform((CARD_UNIT * size).reshape(-1, 1, 2).astype(np.float32), hom)
            if cv2.isContourConvex(card):
                out.append(np.asarray(card.reshape(4, 2), np.float64))
    return out


def recover_card(
    photo: np.ndarray, confirm: Callable[[np.ndarray], T | None], outline: Callable[[T], np.ndarray]
) -> T | None:
    """The first predicted card outline around ``photo`` that ``confirm`` snaps to real edges, if any, and
    that still holds the photo box at its printed place: a snap that ran off to the text column or to the
    photo's own side is an edge-confirmed quad, but not this photo's card."""
    for guess in cards_around_photo(photo):
        card = confirm(guess)
        if card is not None and photo_offset(outline(card), photo) <= PHOTO_FIT:
            return card
    return None


def photo_offset(card: np.ndarray, photo: np.ndarray) -> float:
    """How far (card units) the photo box's corners lie from PHOTO_BOX once the card is mapped onto the unit
    square, at best over the card's four turns, upright or mirrored."""
    best = np.inf
    corners = photo.reshape(-1, 1, 2).astype(np.float32)
    for mirrored in (False, True):
        box = PHOTO_BOX[[0, 3, 2, 1]] if mirrored else PHOTO_BOX
        for shift in range(4):
            turned = np.roll(card, shift, axis=0).astype(np.float32)
            hom = cv2.getPerspectiveTransform(turned, CARD_UNIT.astype(np.float32))
            mapped = cv2.perspectiveTransform(corners, hom).reshape(4, 2)
            best = min(best, float(np.linalg.norm(mapped[:, None] - box[None], axis=2).min(axis=1).max()))
    return best

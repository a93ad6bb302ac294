"""A card on blank paper whose border does not show: its outline predicted from its photo box and its print.

A photocopy or a washed-out scan of a card on a white page can lose the card's border altogether (face and
page both clipped to white), while the photo box stays a sharp, dark rectangle. The photo sits at a fixed
place on an e-KTP, so the card is one of a few placements around it (``cards_around_photo``); the right one
is the placement that holds the card's print (labels, values, signature) and has blank paper all around it,
and which has the photo's caption (place and date of issue) under the photo rather than above it: a
placement flipped top to bottom holds nearly the same print, being only a few millimetres off.
A photo box seen square-on (a flat scan) places the card by the similarity that fits its four corners, which
averages out their small errors; a keystoned box (a copy photographed at an angle) by the homography that
maps the printed box onto it, since a similarity fitted to a keystoned box drifts far off at the card's far
corners. The blank surround keeps the prediction to its case: a photo inside a busy scene, on a larger
document or on a scan cropped to the card is left to the edge-confirmed paths.
"""

from __future__ import annotations

import cv2
import numpy as np

from ..template import PHOTO, Zone
from .card_photo import CARD_UNIT, PRINTED_AROUND, cards_around_photo, cards_through_photo, grown, stroke_share

INSIDE_MARGIN = 0.02  # of the card diagonal: the predicted card must lie this far inside the frame
SURROUND = (1.04, 1.15)  # the blank ring checked around a predicted card: past its border line, to here
SPECK = 8  # pixels: strokes this small in the ring are a page's toner specks, not print
BLANK_SHARE = 0.25  # the ring's print, as a share of the card's: a page's specks, not more print
SQUARE = 0.03  # largest |cos| of a photo box's corner angle, and relative difference of its opposite sides
CAPTION = Zone(PHOTO.x0, 0.70, PHOTO.x1, 0.84)  # the caption (issue place and date) under the photo, photo-wide
ABOVE_PHOTO = Zone(PHOTO.x0, 0.03, PHOTO.x1, 0.17)  # blank paper above the photo, beside the header


def card_from_print(gray: np.ndarray, photo: np.ndarray, keystone: bool = False) -> np.ndarray | None:
    """The card placement around ``photo`` (clockwise quad) that holds the most print with a blank page
    around it, or None when no placement is printed, lies inside the frame, and has a blank surround.
    ``keystone``: the box's four sides were measured on clean edges, long enough for a pixel to be a small
    share of them, so a box that is no rectangle is seen under perspective; else only a rectangle is taken
    (an odd side is then the holder's shoulders or veil, or a clump of print, and places no card)."""
    h, w = gray.shape[:2]
    best, best_score = None, -1.0
    square_on = _rectangle(photo)
    if not square_on and not keystone:
        return None
    for card in cards_around_photo(photo) if square_on else cards_through_photo(photo):
        if not _inside_frame(card, w, h):
            continue
        share = stroke_share(gray, card, grown(photo, 1.15))
        if share <= PRINTED_AROUND:
            continue
        if stroke_share(gray, grown(card, SURROUND[1]), grown(card, SURROUND[0]), SPECK) >= BLANK_SHARE * share:
            continue
        caption = _zone_share(gray, card, CAPTION) - _zone_share(gray, card, ABOVE_PHOTO)
        if caption > 0 and share + caption > best_score:
            best, best_score = card, share + caption
    return best


def _zone_share(gray: np.ndarray, card: np.ndarray, zone: Zone) -> float:
    """Share of print (specks left out) in a zone of the card placed at ``card``."""
    hom = cv2.getPerspectiveTransform(CARD_UNIT.astype(np.float32), card.astype(np.float32))
    corners = np.array(zone.corners(), np.float32).reshape(-1, 1, 2)
    quad = cv2.perspectiveTransform(corners, hom).reshape(4, 2).astype(np.float64)
    return stroke_share(gray, quad, np.zeros((4, 2)), SPECK)


def _inside_frame(quad: np.ndarray, w: int, h: int) -> bool:
    margin = INSIDE_MARGIN * float(np.linalg.norm(quad[0] - quad[2]))
    lo, hi = quad.min(axis=0), quad.max(axis=0)
    return bool(lo[0] >= margin and lo[1] >= margin and hi[0] <= w - margin and hi[1] <= h - margin)


def _rectangle(quad: np.ndarray) -> bool:
    """Right-angled corners and equal opposite sides: a box seen square-on, as a scanner or copier sees it."""
    sides = np.roll(quad, -1, axis=0) - quad
    lengths = np.linalg.norm(sides, axis=1)
    for i in range(4):
        if abs(float(np.dot(sides[i - 1], sides[i]))) > SQUARE * lengths[i - 1] * lengths[i]:
            return False
    return bool(
        abs(lengths[0] - lengths[2]) <= SQUARE * max(lengths[0], lengths[2])
        and abs(lengths[1] - lengths[3]) <= SQUARE * max(lengths[1], lengths[3])
    )

"""A card on blank paper whose border does not show: its outline predicted from its photo box and its print.

A photocopy or a washed-out scan of a card on a white page can lose the card's border altogether (face and
page both clipped to white), while the photo box stays a sharp, dark rectangle. The photo sits at a fixed
place on an e-KTP, so the card is one of a few placements around it (``cards_around_photo``); the right one
is the placement that holds the card's print (labels, values, signature) and has blank paper all around it.
The photo box must be a true rectangle (a flat scan, not a phone photo under perspective): a similarity fitted
to a small box drifts far off at the card's far corners once the box is even slightly keystoned. That and
the blank surround keep the prediction to its case: a photo inside a busy scene, on a larger document or
on a scan cropped to the card is left to the edge-confirmed paths.
"""

from __future__ import annotations

import numpy as np

from .card_photo import PRINTED_AROUND, cards_around_photo, grown, stroke_share

INSIDE_MARGIN = 0.02  # of the card diagonal: the predicted card must lie this far inside the frame
SURROUND = 1.15  # the blank ring checked around a predicted card reaches this scale of it
BLANK_SHARE = 0.25  # the ring's print, as a share of the card's: a page's specks, not more print
SQUARE = 0.03  # largest |cos| of a photo box's corner angle, and relative difference of its opposite sides


def card_from_print(gray: np.ndarray, photo: np.ndarray) -> np.ndarray | None:
    """The card placement around ``photo`` (clockwise quad) that holds the most print with a blank page
    around it, or None when no placement is printed, lies inside the frame, and has a blank surround."""
    if not _rectangle(photo):
        return None
    h, w = gray.shape[:2]
    best, best_share = None, PRINTED_AROUND
    for card in cards_around_photo(photo):
        if not _inside_frame(card, w, h):
            continue
        share = stroke_share(gray, card, grown(photo, 1.15))
        if share <= best_share:
            continue
        if stroke_share(gray, grown(card, SURROUND), card) >= BLANK_SHARE * share:
            continue
        best, best_share = card, share
    return best


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

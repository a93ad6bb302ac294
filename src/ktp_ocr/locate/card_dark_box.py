"""Photo boxes proposed from darkness alone, for copies and scans on which the card's border is gone.

The coarse card cues (``card_candidates``) look for card-sized shapes; on an A4 copy holding a small card the
photo box covers well under 1% of the page, below what they consider, and on a copy whose border has washed
out the photo box is the only sharp shape left. It stays a large dark (or grey) patch with straight sides on
white paper, cut at most by the lighter silhouette of the person, so a dark mask's solid, photo-proportioned
hulls propose it. Nothing is decided here: the caller checks each like any photo box (darker than its
surround, print around it) and predicts the card from it and its print (``card_layout``).
"""

from __future__ import annotations

import cv2
import numpy as np

from .card_edges import clockwise

PAPER_PERCENTILE = 90  # the page's (or face's) white: most of a scan of paper
DARK = 0.7  # a photo box is at most this share of the paper's brightness, as in ``card_photo``
BOX_ASPECT = (1.1, 1.7)  # the printed box is 1.30 high to wide, caption left off
LEAST_SIDE = 8  # working pixels: the photo of a card covering 3% of an A4 page is ~12 x 16 there
MOST_SHARE = 0.05  # of the frame: a box larger than this is the photo of a card that edges find anyway
HULL_FILL = 0.85  # hull area / its minimum rectangle: straight-sided
DARK_FILL = 0.35  # dark area / that rectangle: a silhouette may cut out most of the middle
MOST_BOXES = 8  # the largest boxes only: bold letters pass every shape test too, and each box costs ~1.5 ms


def dark_boxes(gray: np.ndarray) -> list[np.ndarray]:
    """Clockwise quads (working pixels) around dark, solid, photo-proportioned patches of ``gray``, largest
    first and at most MOST_BOXES of them: a card's photo box is by far its largest dark patch, and on a
    page the card's own letters are smaller still."""
    paper = float(np.percentile(gray[::4, ::4], PAPER_PERCENTILE))
    dark = np.asarray((gray < DARK * paper).astype(np.uint8) * 255, np.uint8)
    dark = np.asarray(cv2.morphologyEx(dark, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8)), np.uint8)  # specks
    contours, _ = cv2.findContours(dark, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    most = MOST_SHARE * gray.shape[0] * gray.shape[1]
    out = []
    for contour in contours:
        if cv2.contourArea(contour) < DARK_FILL * LEAST_SIDE**2 * BOX_ASPECT[0]:
            continue
        box = _box(contour, most)
        if box is not None:
            out.append(box)
    out.sort(key=lambda q: -float(cv2.contourArea(q.astype(np.float32))))
    return out[:MOST_BOXES]


def _box(contour: np.ndarray, most: float) -> np.ndarray | None:
    """The contour's minimum rectangle, when the contour is photo-proportioned, straight-sided and solid."""
    hull = cv2.convexHull(contour)
    rect = cv2.minAreaRect(hull)
    rw, rh = rect[1]
    if min(rw, rh) < LEAST_SIDE or rw * rh > most:
        return None
    if not BOX_ASPECT[0] <= max(rw, rh) / min(rw, rh) <= BOX_ASPECT[1]:
        return None
    if cv2.contourArea(hull) < HULL_FILL * rw * rh or cv2.contourArea(contour) < DARK_FILL * rw * rh:
        return None
    return clockwise(np.asarray(cv2.boxPoints(rect), np.float64))

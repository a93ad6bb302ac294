"""Find the card's outline: a light-blue (or, for copies, bright) quadrilateral of ID-1 proportions.

Two cheap cues are tried on a small copy of the image: the card's colour against its background, then
edges. A cue's largest contour counts only if its minimum-area rectangle has a card's aspect ratio and covers a
fair share of the image; otherwise the caller falls back to the text's extent.
"""

from __future__ import annotations

import cv2
import numpy as np

DETECT_SIDE = 640
MIN_AREA_SHARE = 0.12
MAX_AREA_SHARE = 0.97
ASPECT_RANGE = (1.35, 1.9)
ID1_ASPECT = 85.6 / 54.0


def find_card_quad(image: np.ndarray) -> np.ndarray | None:
    """Card corners in ``image`` pixels (unordered), or None when no cue finds a card-shaped region."""
    h, w = image.shape[:2]
    scale = DETECT_SIDE / max(h, w)
    small = cv2.resize(image, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
    for mask in (_colour_mask(small), _edge_mask(small)):
        quad = _card_from_mask(mask)
        if quad is not None:
            scaled: np.ndarray = quad / scale
            return scaled
    return None


def _colour_mask(small: np.ndarray) -> np.ndarray:
    hsv = cv2.cvtColor(small, cv2.COLOR_BGR2HSV)
    hue, sat, val = hsv[:, :, 0], hsv[:, :, 1], hsv[:, :, 2]
    blue = np.where((hue >= 80) & (hue <= 115) & (sat >= 20) & (val >= 90), 255, 0).astype(np.uint8)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (9, 9))
    closed = cv2.morphologyEx(blue, cv2.MORPH_CLOSE, kernel, iterations=2)
    return np.asarray(cv2.morphologyEx(closed, cv2.MORPH_OPEN, kernel))


def _edge_mask(small: np.ndarray) -> np.ndarray:
    gray = cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY), (5, 5), 0)
    edges = cv2.Canny(gray, 40, 120)
    edges = cv2.dilate(edges, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5)))
    contours, _ = cv2.findContours(edges, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    mask = np.zeros_like(gray)
    cv2.drawContours(mask, contours, -1, 255, thickness=cv2.FILLED)
    return mask


def _card_from_mask(mask: np.ndarray) -> np.ndarray | None:
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    area = float(mask.shape[0] * mask.shape[1])
    contour = max(contours, key=cv2.contourArea)
    share = cv2.contourArea(contour) / area
    if not MIN_AREA_SHARE <= share <= MAX_AREA_SHARE:
        return None
    (_, _), (rw, rh), _ = rect = cv2.minAreaRect(contour)
    if min(rw, rh) < 1:
        return None
    aspect = max(rw, rh) / min(rw, rh)
    if not ASPECT_RANGE[0] <= aspect <= ASPECT_RANGE[1]:
        return None
    if cv2.contourArea(contour) < 0.8 * rw * rh:  # ragged blob, not a card
        return None
    hull = cv2.convexHull(contour)
    approx = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
    quad = approx.reshape(-1, 2) if len(approx) == 4 else cv2.boxPoints(rect)
    return np.asarray(quad, dtype=np.float64)

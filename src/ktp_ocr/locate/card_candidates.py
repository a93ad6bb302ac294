"""Coarse card-shaped quads from cheap cues on a small copy of the image.

No single cue finds every card: the light-blue colour fails on photocopies and greyscale scans, edges fail
where the card meets a white page with little contrast, a brightness threshold fails on a cluttered desk. So
every cue proposes quads and the caller keeps those that the card's own edges confirm (``card_edges``).
"""

from __future__ import annotations

from collections.abc import Iterator

import cv2
import numpy as np

WORK_SIDE = 800  # long side of the working copy: a 3%-of-A4 card is still ~150 px long there
MIN_AREA_SHARE = 0.008
MIN_FILL = 0.72  # contour area / its minimum-area rectangle: a card blob is nearly solid
RECT_ASPECT = (1.15, 2.4)  # loose: perspective can squash or stretch a 1.585 card


def working_copy(image: np.ndarray) -> tuple[np.ndarray, float]:
    """A copy no longer than WORK_SIDE and the scale used; huge scans are thinned first so this stays fast."""
    h, w = image.shape[:2]
    scale = min(1.0, WORK_SIDE / max(h, w))
    if scale >= 1.0:
        return image, 1.0
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    if scale < 0.4:  # area-averaging 35 Mpx costs ~120 ms; pick every k-th pixel to twice the size first
        image = cv2.resize(image, (size[0] * 2, size[1] * 2), interpolation=cv2.INTER_NEAREST)
    small = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    return small, size[0] / w


def masks(small: np.ndarray) -> Iterator[tuple[np.ndarray, int]]:
    """Binary masks whose contours may trace a card, each with the contour retrieval mode that suits it."""
    colour = small if small.ndim == 3 else cv2.cvtColor(small, cv2.COLOR_GRAY2BGR)
    gray = cv2.cvtColor(colour, cv2.COLOR_BGR2GRAY)
    k = max(3, round(max(gray.shape) / 160)) | 1
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))
    hsv = cv2.cvtColor(colour, cv2.COLOR_BGR2HSV)
    for least in (18, 40):  # pale cards; cards on a bluish-white surface
        yield _blue(hsv, least, kernel), cv2.RETR_EXTERNAL
    blur = cv2.GaussianBlur(gray, (5, 5), 0)
    for low, high in ((12, 36), (40, 110)):  # faint edges (a card on white paper), then only strong ones
        yield _edges(blur, low, high), cv2.RETR_LIST
    _, bright = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    yield cv2.morphologyEx(bright, cv2.MORPH_OPEN, kernel), cv2.RETR_EXTERNAL
    yield cv2.morphologyEx(255 - bright, cv2.MORPH_OPEN, kernel), cv2.RETR_EXTERNAL


def _blue(hsv: np.ndarray, least_saturation: int, kernel: np.ndarray) -> np.ndarray:
    """The e-KTP's light-blue face (hue ~100 of 180, pale): closed over its text, opened to drop specks."""
    blue = cv2.inRange(hsv, (80, least_saturation, 70), (118, 255, 255))
    closed = cv2.morphologyEx(blue, cv2.MORPH_CLOSE, kernel, iterations=2)
    return np.asarray(cv2.morphologyEx(closed, cv2.MORPH_OPEN, kernel))


def _edges(blur: np.ndarray, low: float, high: float) -> np.ndarray:
    """Canny edges thickened by a pixel so that small gaps in a card's outline close."""
    edges = cv2.Canny(blur, low, high)
    return np.asarray(cv2.dilate(edges, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3))))


def coarse_quads(small: np.ndarray) -> list[np.ndarray]:
    """Quads (4x2, working pixels) around every solid, card-proportioned contour of every mask."""
    area = float(small.shape[0] * small.shape[1])
    out: list[np.ndarray] = []
    for mask, mode in masks(small):
        contours, _ = cv2.findContours(mask, mode, cv2.CHAIN_APPROX_SIMPLE)
        for contour in contours:
            if cv2.contourArea(contour) < MIN_AREA_SHARE * area:
                continue
            quad = contour_quad(contour)
            if quad is not None and not any(same_quad(quad, q) for q in out):
                out.append(quad)
    return out


def same_quad(a: np.ndarray, b: np.ndarray) -> bool:
    """Two coarse quads with every corner of one within 2% of the diagonal of a corner of the other."""
    tol = 0.02 * float(np.linalg.norm(a.max(axis=0) - a.min(axis=0)))
    dist = np.linalg.norm(a[:, None, :] - b[None, :, :], axis=2)
    return bool((dist.min(axis=1) < tol).all() and (dist.min(axis=0) < tol).all())


def contour_quad(contour: np.ndarray) -> np.ndarray | None:
    """Four corners of a solid, card-proportioned contour, or None for a ragged or oddly shaped one."""
    hull = cv2.convexHull(contour)
    (_, _), (rw, rh), _ = rect = cv2.minAreaRect(hull)
    if min(rw, rh) < 8:
        return None
    aspect = max(rw, rh) / min(rw, rh)
    if not RECT_ASPECT[0] <= aspect <= RECT_ASPECT[1] or cv2.contourArea(contour) < MIN_FILL * rw * rh:
        return None
    approx = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True).reshape(-1, 2).astype(np.float64)
    if len(approx) == 4:
        return approx
    if len(approx) > 4:
        quad = _longest_sides(approx)
        if quad is not None and cv2.contourArea(quad.astype(np.float32)) <= 1.15 * cv2.contourArea(hull):
            return quad
    return np.asarray(cv2.boxPoints(rect), np.float64)


def _longest_sides(poly: np.ndarray) -> np.ndarray | None:
    """Corners where the polygon's four longest sides meet: rounded or cut-off corners (a thumb) ignored."""
    n = len(poly)
    lengths = np.linalg.norm(np.roll(poly, -1, axis=0) - poly, axis=1)
    keep = sorted(np.argsort(lengths)[-4:])
    corners = []
    for j in range(4):
        a, b = keep[j - 1], keep[j]
        p1, p2 = poly[a], poly[(a + 1) % n]
        q1, q2 = poly[b], poly[(b + 1) % n]
        r, s = p2 - p1, q2 - q1
        cross = r[0] * s[1] - r[1] * s[0]
        if abs(cross) < 1e-6 * (np.hypot(*r) * np.hypot(*s) + 1e-9):
            return None
        t = ((q1[0] - p1[0]) * s[1] - (q1[1] - p1[1]) * s[0]) / cross
        corners.append(p1 + t * r)
    return np.array(corners, np.float64)

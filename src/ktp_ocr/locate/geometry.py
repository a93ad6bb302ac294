"""Homogeneous 3x3 transforms, so every warp, turn and flip composes into one matrix and inverts once."""

from __future__ import annotations

import cv2
import numpy as np

from ..template import CARD_ASPECT

# ID-1 card, 85.6 x 54 mm, at about 300 dpi / 2.5: large enough for the smallest print, small enough for speed.
CARD_WIDTH = 1000
CARD_HEIGHT = round(CARD_WIDTH / CARD_ASPECT)  # 631


def order_corners(points: np.ndarray) -> np.ndarray:
    """TL, TR, BR, BL of four points, with the long side taken as the top edge."""
    pts = np.asarray(points, dtype=np.float32).reshape(4, 2)
    centre = pts.mean(axis=0)
    angles = np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0])
    pts = pts[np.argsort(angles)]  # clockwise in image coordinates, starting near -180 degrees
    start = int(np.argmin(pts.sum(axis=1)))
    pts = np.roll(pts, -start, axis=0)
    top, side = np.linalg.norm(pts[1] - pts[0]), np.linalg.norm(pts[3] - pts[0])
    if side > top * 1.1:  # portrait quad: the card lies on its side, make the long edge the top
        pts = np.roll(pts, -1, axis=0)
    return pts


def card_warp_matrix(corners: np.ndarray) -> np.ndarray:
    dst = np.array([[0, 0], [CARD_WIDTH, 0], [CARD_WIDTH, CARD_HEIGHT], [0, CARD_HEIGHT]], dtype=np.float32)
    return np.asarray(cv2.getPerspectiveTransform(np.asarray(corners, np.float32), dst), dtype=np.float64)


def mirror_matrix(width: int) -> np.ndarray:
    return np.array([[-1, 0, width - 1], [0, 1, 0], [0, 0, 1]], dtype=np.float64)


def apply(matrix: np.ndarray, points: np.ndarray) -> np.ndarray:
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    homog = np.hstack([pts, np.ones((len(pts), 1))]) @ matrix.T
    mapped: np.ndarray = homog[:, :2] / homog[:, 2:3]
    return mapped

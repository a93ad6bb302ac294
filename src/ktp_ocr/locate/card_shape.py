"""The outline an ID-1 card (85.6 x 53.98 mm) can have in a picture: a convex quad near a 1.59 rectangle.

Perspective keystones the card and tilts its sides, but a card photographed to be read is never seen so
obliquely that a corner strays far from square, that one side shrinks to near half of its opposite, or that
the outline's proportions leave the range below. One definition serves every path that proposes or keeps a
card-shaped quad, checked on one quad or on many at once.
"""

from __future__ import annotations

import math

import numpy as np

ASPECT_RANGE = (1.15, 2.05)  # mean long side / mean short side (1.59 square-on), perspective included
LEAST_CORNER = 50.0  # degrees: every corner lies between this and 180 minus it
SIDE_RATIO = 0.6  # the shorter of two opposite sides is at least this share of the longer
LEAST_SIDE = 6.0  # pixels: a shorter side is no card that can be checked


def card_shaped(quad: np.ndarray) -> bool:
    """Convex, corners not far from square, opposite sides alike, and a card's aspect ratio."""
    return bool(card_shaped_many(np.asarray(quad, np.float64).reshape(1, 4, 2))[0])


def card_shaped_many(quads: np.ndarray) -> np.ndarray:
    """``card_shaped`` of N quads (N x 4 x 2, corners in order around) at once: a mask of N."""
    sides = np.roll(quads, -1, axis=1) - quads
    lengths = np.linalg.norm(sides, axis=2)
    prev = np.roll(sides, 1, axis=1)
    cross = prev[..., 0] * sides[..., 1] - prev[..., 1] * sides[..., 0]
    convex = (cross > 0).all(axis=1) | (cross < 0).all(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        cos = -(prev * sides).sum(axis=2) / (np.roll(lengths, 1, axis=1) * lengths)
        square = (np.abs(cos) <= math.cos(math.radians(LEAST_CORNER))).all(axis=1)
        alike = (np.minimum(lengths[:, 0], lengths[:, 2]) >= SIDE_RATIO * np.maximum(lengths[:, 0], lengths[:, 2])) & (
            np.minimum(lengths[:, 1], lengths[:, 3]) >= SIDE_RATIO * np.maximum(lengths[:, 1], lengths[:, 3])
        )
        pair_a, pair_b = (lengths[:, 0] + lengths[:, 2]) / 2, (lengths[:, 1] + lengths[:, 3]) / 2
        aspect = np.maximum(pair_a, pair_b) / np.minimum(pair_a, pair_b)
    proportioned = (aspect >= ASPECT_RANGE[0]) & (aspect <= ASPECT_RANGE[1])
    return np.asarray(convex & square & alike & proportioned & (lengths.min(axis=1) >= LEAST_SIDE))


def quad_areas(quads: np.ndarray) -> np.ndarray:
    """Areas of N quads (N x 4 x 2), by the shoelace formula."""
    x, y = quads[..., 0], quads[..., 1]
    return np.asarray(0.5 * np.abs((x * np.roll(y, -1, axis=1) - np.roll(x, -1, axis=1) * y).sum(axis=1)))

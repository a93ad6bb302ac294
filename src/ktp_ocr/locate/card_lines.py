"""Coarse card quads from straight edge lines: a card's four sides, even where no mask closes around it.

The mask cues (``card_candidates``) need the card to come out as one solid blob or one closed edge ring. Under
perspective on a cluttered desk, with a thumb across one side, a faint side against a surface of like colour,
or a blur that breaks the outline into pieces, no contour traces the card, yet each of its sides is still a
long straight run of edge. So the edge map's contours are cut into straight runs, runs on one line are joined
(a side broken by a thumb or glare is one line), and every two pairs of roughly opposite lines among the
best covered that meet in a card-shaped quad (``card_shape``) is a candidate; those whose four sides show
edge turned across them along most of their length are proposed, the most edge seen first. The caller
confirms each against the card's own edges like any other coarse quad (``card.py``).
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from .card_candidates import same_quad
from .card_shape import ASPECT_RANGE, LEAST_CORNER, card_shaped_many, quad_areas

EDGE_THRESHOLDS = (20, 50)  # Canny (3x3 Sobel) on the blurred grey copy: 50 starts an edge at a sharp step of
# about 12 grey levels, 20 lets it run on where blur or a surface of like colour makes the step fainter
SEGMENT_TOLERANCE = 1.5  # pixels: a straight run may wander this far off its chord (blur, JPEG, noise)
LEAST_SEGMENT = 0.03  # of the working copy's long side: shorter runs are print and texture, not a card's side
SAME_LINE_OFFSET = 2.0  # pixels: both ends of a run lie this close to a line for the run to be part of it
MOST_LINES = 50  # the strongest lines only: a card's sides are among the longest straight edges in view
OPPOSITE_ANGLE = 35.0  # degrees: a card's opposite sides converge under strong perspective, not more
ORIENTATIONS = 12  # directions (every 15 degrees) for which the edge pixels turned that way are mapped
ALIGNED = 22.5  # degrees: an edge pixel's gradient this close to a side's normal (with the 7.5 of the nearest
# direction mapped: 15 to 30 degrees) counts as that side's edge; blur and noise turn a faint side's gradient
SIDE_SAMPLES = 16  # points checked along each side, its rounded-corner ends left out
LEAST_SUPPORT, LEAST_MEAN_SUPPORT = 0.5, 0.7  # share of each side, and of all four, on an edge pixel
MOST_QUADS = 8  # proposals passed on, best supported first: each costs a few milliseconds to confirm


def line_quads(gray: np.ndarray, least_area: float, most_area: float) -> list[np.ndarray]:
    """Card-shaped quads (4x2 float64, working pixels) whose four sides lie on strong straight edge lines and
    show edge along most of their length; ``least_area`` / ``most_area``: their area, in pixels."""
    blur = cv2.GaussianBlur(gray, (5, 5), 0)
    edges = cv2.Canny(blur, *EDGE_THRESHOLDS)
    lines = _lines(edges)
    if len(lines) < 4:
        return []
    quads = _quads(lines, gray.shape[:2], least_area, most_area)
    if not len(quads):
        return []
    support = _support(_aligned_edges(blur, edges), quads)
    keep = (support.min(axis=1) >= LEAST_SUPPORT) & (support.mean(axis=1) >= LEAST_MEAN_SUPPORT)
    lengths = np.linalg.norm(np.roll(quads, -1, axis=1) - quads, axis=2)
    evidence = (support * lengths).sum(axis=1)  # edge length seen along the sides: long, unbroken sides first
    order = np.argsort(-evidence[keep], kind="stable")
    return _distinct(quads[keep][order])


def _lines(edges: np.ndarray) -> np.ndarray:
    """The best-covered straight lines as (theta radians, rho) rows: x cos(theta) + y sin(theta) = rho.

    Edge contours are cut into straight runs; runs on one line (a side broken by a thumb, glare or a blur
    that thinned its middle) are joined, and a line's strength is the length its runs cover."""
    runs = _runs(edges, LEAST_SEGMENT * max(edges.shape))
    if not len(runs):
        return np.zeros((0, 2))
    length = np.linalg.norm(runs[:, 1] - runs[:, 0], axis=1)
    order = np.argsort(-length, kind="stable")
    runs, length = runs[order], length[order]
    direction = (runs[:, 1] - runs[:, 0]) / length[:, None]
    normal = np.stack([-direction[:, 1], direction[:, 0]], axis=1)
    owner = np.full(len(runs), -1)
    for k in range(len(runs)):  # each run joins the longest earlier run whose line passes through both its ends
        if owner[k] >= 0:
            continue
        owner[k] = k
        free = np.nonzero(owner < 0)[0]
        free = free[free > k]
        rho = float(runs[k, 0] @ normal[k])
        near = np.abs(runs[free] @ normal[k] - rho).max(axis=1) <= SAME_LINE_OFFSET
        owner[free[near]] = k
    heads, cover = np.unique(owner, return_counts=False), np.bincount(owner, weights=length)
    heads = heads[np.argsort(-cover[heads], kind="stable")][:MOST_LINES]
    return np.array([_fit(runs[owner == h], length[owner == h]) for h in heads], np.float64).reshape(-1, 2)


def _runs(edges: np.ndarray, least: float) -> np.ndarray:
    """Straight runs (N x 2 x 2 end points) of at least ``least`` pixels along the edge map's contours."""
    contours, _ = cv2.findContours(edges, cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
    out = []
    for contour in contours:
        if len(contour) >= least:
            poly = cv2.approxPolyDP(contour, SEGMENT_TOLERANCE, False).reshape(-1, 2).astype(np.float64)
            pairs = np.stack([poly[:-1], poly[1:]], axis=1)
            out.append(pairs[np.linalg.norm(pairs[:, 1] - pairs[:, 0], axis=1) >= least])
    return np.concatenate(out) if out else np.zeros((0, 2, 2))


def _fit(runs: np.ndarray, length: np.ndarray) -> tuple[float, float]:
    """(theta, rho) of the line through runs, each weighted by its length (its ends and middle)."""
    pts = np.concatenate([runs[:, 0], runs.mean(axis=1), runs[:, 1]])
    weights = np.tile(length, 3)
    centre = (pts * weights[:, None]).sum(axis=0) / weights.sum()
    cov = ((pts - centre) * weights[:, None]).T @ (pts - centre)
    normal = np.linalg.eigh(cov)[1][:, 0]  # the direction of least spread
    theta = math.atan2(normal[1], normal[0]) % math.pi
    return theta, float(centre @ np.array([math.cos(theta), math.sin(theta)]))


def _apart(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Angle between line directions (radians, modulo pi), in degrees."""
    d = np.abs(np.degrees(a - b)) % 180.0
    return np.asarray(np.minimum(d, 180.0 - d))


def _quads(lines: np.ndarray, shape: tuple[int, ...], least_area: float, most_area: float) -> np.ndarray:
    """Every card-shaped quad (N x 4 x 2, corners in order around) from two pairs of roughly opposite lines
    at least a card's least short side apart, all four corners inside the frame."""
    theta, rho = lines[:, 0], lines[:, 1]
    i, j = np.triu_indices(len(lines), 1)
    flip = np.abs(theta[i] - theta[j]) > math.pi / 2  # directions either side of 0 / pi: rho changes sign
    gap = np.abs(rho[i] - np.where(flip, -rho[j], rho[j]))
    par = (_apart(theta[i], theta[j]) <= OPPOSITE_ANGLE) & (gap >= math.sqrt(least_area / ASPECT_RANGE[1]))
    pi, pj = i[par], j[par]
    mean = _mean_angle(theta[pi], theta[pj])
    a, b = np.triu_indices(len(pi), 1)
    across = _apart(mean[a], mean[b]) >= LEAST_CORNER
    a, b = a[across], b[across]
    meet = _meet(lines)
    l0, l2, l1, l3 = pi[a], pj[a], pi[b], pj[b]
    corners = np.stack([meet[l3, l0], meet[l0, l1], meet[l1, l2], meet[l2, l3]], axis=1)
    h, w = shape
    inside = (corners[..., 0] >= 0) & (corners[..., 0] <= w - 1) & (corners[..., 1] >= 0) & (corners[..., 1] <= h - 1)
    corners = corners[inside.all(axis=1)]
    area = quad_areas(corners)
    return corners[card_shaped_many(corners) & (area >= least_area) & (area <= most_area)]


def _mean_angle(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Mean of two line directions (radians, modulo pi)."""
    d = np.angle(np.exp(2j * a) + np.exp(2j * b)) / 2
    return np.asarray(d % np.pi)


def _meet(lines: np.ndarray) -> np.ndarray:
    """Where every two lines cross (N x N x 2); inf where they are parallel."""
    c, s, r = np.cos(lines[:, 0]), np.sin(lines[:, 0]), lines[:, 1]
    det = c[:, None] * s[None] - s[:, None] * c[None]
    with np.errstate(divide="ignore", invalid="ignore"):
        x = (r[:, None] * s[None] - s[:, None] * r[None]) / det
        y = (c[:, None] * r[None] - r[:, None] * c[None]) / det
    out = np.stack([x, y], axis=2)
    out[np.abs(det) < 1e-6] = np.inf
    return out


def _aligned_edges(blur: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """ORIENTATIONS maps (thickened a pixel) of the edge pixels whose gradient lies within ALIGNED degrees of
    each of ORIENTATIONS evenly spaced directions (modulo 180 degrees)."""
    ys, xs = np.nonzero(edges)
    gx = cv2.Sobel(blur, cv2.CV_32F, 1, 0)[ys, xs]
    gy = cv2.Sobel(blur, cv2.CV_32F, 0, 1)[ys, xs]
    angle = np.degrees(np.arctan2(gy, gx)) % 180.0
    step = 180.0 / ORIENTATIONS
    out = np.zeros((ORIENTATIONS, *edges.shape), np.uint8)
    for k in range(ORIENTATIONS):
        near = np.abs((angle - k * step + 90.0) % 180.0 - 90.0) <= ALIGNED
        out[k, ys[near], xs[near]] = 1
        out[k] = cv2.dilate(out[k], np.ones((3, 3), np.uint8))
    return out


def _support(aligned: np.ndarray, quads: np.ndarray) -> np.ndarray:
    """Share of SIDE_SAMPLES points along each side (N x 4) within a pixel of an edge pixel whose gradient
    points across the side: a card's side is one clean step, while texture and print that merely lie on
    the line have edges turned every way."""
    ts = np.linspace(0.1, 0.9, SIDE_SAMPLES)
    a, b = quads, np.roll(quads, -1, axis=1)
    d = b - a
    normal = (np.degrees(np.arctan2(d[..., 0], -d[..., 1])) % 180.0) / (180.0 / len(aligned))
    k = np.round(normal).astype(np.int64) % len(aligned)
    pts = a[:, :, None, :] + ts[None, None, :, None] * d[:, :, None, :]
    x = np.clip(np.round(pts[..., 0]).astype(np.int64), 0, aligned.shape[2] - 1)
    y = np.clip(np.round(pts[..., 1]).astype(np.int64), 0, aligned.shape[1] - 1)
    return np.asarray(aligned[k[:, :, None], y, x].mean(axis=2))


def _distinct(quads: np.ndarray) -> list[np.ndarray]:
    """The first MOST_QUADS quads, each unlike those before it (``same_quad``)."""
    out: list[np.ndarray] = []
    for quad in quads:
        if not any(same_quad(quad, q) for q in out):
            out.append(np.asarray(quad, np.float64))
            if len(out) >= MOST_QUADS:
                break
    return out

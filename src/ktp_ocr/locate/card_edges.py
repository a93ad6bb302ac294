"""Edge evidence along a card's sides: how well a quad is supported, and its sides refitted for exact corners.

Candidate quads come from coarse masks (a colour blob, an edge contour) whose corners are off by the card's
rounded corners, a thumb or a blurred border. The card's four sides, though, are long straight steps in
brightness or colour; sampling the gradient across each side and fitting a line to the strongest step gives
corners to a fraction of a pixel, and the share of a side that shows such a step tells a real card edge from
a contour that merely wandered through clutter.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

SAMPLES = 32  # points per side
SIDE_SPAN = (0.1, 0.9)  # part of each side sampled: rounded corners and corner clutter left out
STEP_MIN = 10.0  # gradient (grey levels per pixel, Scharr / 16) that counts as an edge


@dataclass(frozen=True)
class Gradients:
    """Per-channel derivatives of the working image, sampled by every quad that is checked."""

    gx: np.ndarray  # H x W x C float32
    gy: np.ndarray

    @classmethod
    def of(cls, image: np.ndarray) -> Gradients:
        """Scharr derivatives of a lightly smoothed image; colour kept so a blue card on white paper shows."""
        smooth = cv2.GaussianBlur(image, (3, 3), 0).astype(np.float32)
        gx = cv2.Scharr(smooth, cv2.CV_32F, 1, 0) / 16.0
        gy = cv2.Scharr(smooth, cv2.CV_32F, 0, 1) / 16.0
        if gx.ndim == 2:
            gx, gy = gx[..., None], gy[..., None]
        return cls(np.ascontiguousarray(gx), np.ascontiguousarray(gy))

    @property
    def shape(self) -> tuple[int, int]:
        return int(self.gx.shape[0]), int(self.gx.shape[1])


def _profiles(grads: Gradients, a: np.ndarray, b: np.ndarray, reach: float) -> tuple[np.ndarray, np.ndarray]:
    """Gradient across the side a->b at SAMPLES points, at offsets -reach..reach along its outward normal.

    Returns (points along the side, strengths [SAMPLES x offsets]); strength is the largest per-channel step.
    """
    d = b - a
    length = float(np.hypot(*d)) or 1.0
    u = d / length
    n = np.array([u[1], -u[0]])  # outward for a clockwise (image coordinates) quad
    ts = np.linspace(SIDE_SPAN[0], SIDE_SPAN[1], SAMPLES)
    pts = a[None, :] + ts[:, None] * d[None, :]
    offs = np.arange(-reach, reach + 0.25, 0.5)
    xy = pts[:, None, :] + offs[None, :, None] * n[None, None, :]
    mx, my = xy[..., 0].astype(np.float32), xy[..., 1].astype(np.float32)
    gx = cv2.remap(grads.gx, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    gy = cv2.remap(grads.gy, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    if gx.ndim == 2:
        gx, gy = gx[..., None], gy[..., None]
    across = np.abs(gx * n[0] + gy * n[1]).max(axis=2)
    return pts, across


def clockwise(quad: np.ndarray) -> np.ndarray:
    """The same four points, clockwise in image coordinates (y down), so each side's normal points outward."""
    q = np.asarray(quad, np.float64).reshape(4, 2)
    x, y = q[:, 0], q[:, 1]
    signed = 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(np.roll(x, -1), y))
    return q if signed > 0 else q[::-1].copy()


def _reach(quad: np.ndarray, share: float, least: float) -> float:
    diag = max(float(np.linalg.norm(quad[0] - quad[2])), float(np.linalg.norm(quad[1] - quad[3])))
    return max(least, share * diag)


def side_support(grads: Gradients, quad: np.ndarray) -> np.ndarray:
    """Share of each side's samples (4 values) with an edge step close to the side; 0 along the image border."""
    q = clockwise(quad)
    h, w = grads.shape
    reach = _reach(q, 0.006, 1.5)
    out = np.zeros(4)
    for i in range(4):
        pts, across = _profiles(grads, q[i], q[(i + 1) % 4], reach)
        inside = (pts[:, 0] > 2) & (pts[:, 0] < w - 3) & (pts[:, 1] > 2) & (pts[:, 1] < h - 3)
        out[i] = float(np.mean((across.max(axis=1) >= STEP_MIN) & inside))
    return out


def refine_quad(
    grads: Gradients, quad: np.ndarray, reaches: tuple[float, ...] = (0.015, 0.008), outermost: bool = True
) -> np.ndarray | None:
    """Corners from lines fitted to the step across each side; None when a side has no edge.

    ``reaches``: how far (share of the diagonal) each round looks either side of the current side.
    ``outermost``: take the outermost strong step (a card's border, print inside it), else the strongest
    (a photo box's border, with its caption printed just below it).
    """
    q = clockwise(quad)
    for reach_share in reaches:
        lines = []
        for i in range(4):
            line = _fit_side(grads, q[i], q[(i + 1) % 4], _reach(q, reach_share, 2.0), outermost)
            if line is None:
                return None
            lines.append(line)
        corners = [intersect(lines[i - 1], lines[i]) for i in range(4)]
        if any(c is None for c in corners):
            return None
        q = np.array(corners, np.float64)
    return q


def _fit_side(grads: Gradients, a: np.ndarray, b: np.ndarray, reach: float, outermost: bool) -> np.ndarray | None:
    """Line (point, direction) through the sub-pixel peaks of the step across the side a->b."""
    pts, across = _profiles(grads, a, b, reach)
    d = b - a
    u = d / (float(np.hypot(*d)) or 1.0)
    n = np.array([u[1], -u[0]])
    offs = np.arange(-reach, reach + 0.25, 0.5)
    peak = _outermost_peaks(across) if outermost else np.asarray(across.argmax(axis=1), np.intp)
    rows = np.arange(len(peak))
    strength = across[rows, peak]
    ok = strength >= STEP_MIN * 0.8
    if ok.sum() < SAMPLES // 3:
        return None
    left = across[rows, np.clip(peak - 1, 0, len(offs) - 1)]
    right = across[rows, np.clip(peak + 1, 0, len(offs) - 1)]
    denom = left - 2 * strength + right
    frac = np.where(np.abs(denom) > 1e-6, 0.5 * (left - right) / np.where(denom == 0, 1, denom), 0.0)
    shift = offs[peak] + 0.5 * np.clip(frac, -0.5, 0.5)
    edge = (pts + shift[:, None] * n[None, :])[ok]
    vx, vy, x0, y0 = cv2.fitLine(edge.astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
    return np.array([x0, y0, vx, vy], np.float64)


def _outermost_peaks(across: np.ndarray) -> np.ndarray:
    """Per sample, the outermost local maximum at least half as strong as the strongest step: the card's
    border is its outermost edge, while text, the photo box or a printed line lie inside it."""
    strong = across >= np.maximum(0.5 * across.max(axis=1, keepdims=True), STEP_MIN * 0.8)
    last = across.shape[1] - 1 - np.argmax(strong[:, ::-1], axis=1)
    rows = np.arange(len(last))
    for _ in range(across.shape[1]):
        inward = np.clip(last - 1, 0, None)
        climb = across[rows, inward] > across[rows, last]
        if not climb.any():
            break
        last = np.where(climb, inward, last)
    return np.asarray(last, np.intp)


def intersect(l1: np.ndarray, l2: np.ndarray) -> np.ndarray | None:
    """Where two (point, direction) lines cross; None when they are (nearly) parallel."""
    p, r = l1[:2], l1[2:]
    q, s = l2[:2], l2[2:]
    cross = r[0] * s[1] - r[1] * s[0]
    if abs(cross) < 1e-3:
        return None
    t = ((q[0] - p[0]) * s[1] - (q[1] - p[1]) * s[0]) / cross
    point: np.ndarray = p + t * r
    return point

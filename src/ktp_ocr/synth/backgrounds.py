"""Procedural surfaces the card is photographed on, and the hand holding it.

Real KTP photos are taken on tables, batik cloth, paper, cluttered desks or
in someone's hand; the reader's card detector must cope with all of them.
Everything here is drawn from noise and simple shapes (no stock textures), so
it is deterministic for a given ``numpy.random.Generator`` and carries no
third-party image content.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

Image8 = NDArray[Any]  # uint8 BGR; Any because OpenCV stubs return loosely typed arrays
FloatImg = NDArray[Any]  # float32 BGR working image

BACKGROUNDS = ("plain", "paper", "wood", "fabric", "desk")


def lowfreq(nrng: np.random.Generator, h: int, w: int, cells: int) -> FloatImg:
    """Smooth noise in [0, 1] with about ``cells`` blobs across the longer side."""
    gh = max(2, int(cells * h / max(h, w)) + 1)
    gw = max(2, int(cells * w / max(h, w)) + 1)
    small = nrng.random((gh, gw)).astype(np.float32)
    out: FloatImg = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
    return np.clip(out, 0.0, 1.0)


def _colour(base: tuple[float, float, float], field: FloatImg, amp: float) -> FloatImg:
    out: FloatImg = np.array(base, np.float32)[None, None, :] * (1.0 + amp * (field[..., None] - 0.5))
    return out


def plain(nrng: np.random.Generator, h: int, w: int) -> FloatImg:
    """Uniform surface (scanner lid, table top, wall) with a soft light gradient."""
    v = float(nrng.choice([235.0, 215.0, 180.0, 120.0, 60.0, 250.0]))
    tint = nrng.uniform(0.92, 1.05, 3).astype(np.float32)
    base = (v * tint[0], v * tint[1], v * tint[2])
    return _colour(base, lowfreq(nrng, h, w, 3), 0.12)


def paper(nrng: np.random.Generator, h: int, w: int) -> FloatImg:
    """Off-white paper with fibres and faint blotches."""
    base = (float(nrng.uniform(225, 250)), float(nrng.uniform(228, 250)), float(nrng.uniform(230, 252)))
    img = _colour(base, lowfreq(nrng, h, w, 6), 0.05)
    fib: FloatImg = nrng.normal(0, 3.0, (h, w)).astype(np.float32)
    fib = cv2.GaussianBlur(fib, (0, 0), 0.8)
    out: FloatImg = img + fib[..., None]
    return out


def wood(nrng: np.random.Generator, h: int, w: int) -> FloatImg:
    """Wood grain: warped sinusoidal rings along a random direction."""
    sh, sw = max(h // 2, 2), max(w // 2, 2)
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
    ang = float(nrng.uniform(0, np.pi))
    u = xx * np.cos(ang) + yy * np.sin(ang)
    v = -xx * np.sin(ang) + yy * np.cos(ang)
    warp = lowfreq(nrng, sh, sw, 5) * float(nrng.uniform(20, 60))
    grain = 0.5 + 0.5 * np.sin((v + warp) / float(nrng.uniform(3, 9)) + 0.02 * u)
    streak = lowfreq(nrng, sh, sw, 40)
    base = np.array(
        [float(nrng.uniform(40, 90)), float(nrng.uniform(80, 130)), float(nrng.uniform(120, 190))], np.float32
    )
    f = base[None, None, :] * (0.75 + 0.25 * grain[..., None] + 0.15 * (streak[..., None] - 0.5))
    out: FloatImg = cv2.resize(f, (w, h), interpolation=cv2.INTER_LINEAR)
    return out


def fabric(nrng: np.random.Generator, h: int, w: int) -> FloatImg:
    """Woven cloth with a batik-like blotchy pattern (counts as a busy background)."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    p = float(nrng.uniform(2.5, 5.0))
    weave = 0.5 + 0.25 * np.sin(xx * np.pi / p) * np.sign(np.sin(yy * np.pi / (2 * p)))
    c1 = (nrng.uniform(30, 170) * nrng.uniform(0.6, 1.0, 3)).astype(np.float32)
    c2 = (nrng.uniform(60, 220) * nrng.uniform(0.6, 1.0, 3)).astype(np.float32)
    blot = lowfreq(nrng, h, w, int(nrng.integers(8, 30)))
    pattern: FloatImg = (np.sin(blot * float(nrng.uniform(10, 30))) > 0.2).astype(np.float32)
    pattern = cv2.GaussianBlur(pattern, (0, 0), 1.2)
    col = c1[None, None, :] * (1 - pattern[..., None]) + c2[None, None, :] * pattern[..., None]
    out: FloatImg = col * (0.8 + 0.4 * weave[..., None])
    return out


def desk(nrng: np.random.Generator, h: int, w: int) -> FloatImg:
    """A desk surface with clutter: papers, a phone, pens, a mug, a keyboard edge."""
    img = wood(nrng, h, w) if nrng.random() < 0.5 else plain(nrng, h, w)
    canvas = np.ascontiguousarray(img)
    s = max(h, w)
    for _ in range(int(nrng.integers(4, 10))):
        kind = int(nrng.integers(0, 4))
        col = tuple(float(c) for c in nrng.uniform(10, 250, 3))
        cx, cy = float(nrng.uniform(0, w)), float(nrng.uniform(0, h))
        if kind == 0:  # paper / book / phone: rotated rectangle
            rw, rh = float(nrng.uniform(0.1, 0.5) * s), float(nrng.uniform(0.08, 0.4) * s)
            box = cv2.boxPoints(((cx, cy), (rw, rh), float(nrng.uniform(0, 180))))
            cv2.fillPoly(canvas, [box.astype(np.int32)], col, cv2.LINE_AA)
            if nrng.random() < 0.5:  # printed lines on a paper
                for k in range(int(nrng.integers(3, 12))):
                    y = int(cy - rh / 3 + k * 9)
                    cv2.line(canvas, (int(cx - rw / 3), y), (int(cx + rw / 4), y), (60.0, 60.0, 60.0), 1)
        elif kind == 1:  # mug / round object
            r = int(nrng.uniform(0.04, 0.12) * s)
            cv2.circle(canvas, (int(cx), int(cy)), r, col, -1, cv2.LINE_AA)
            cv2.circle(canvas, (int(cx), int(cy)), int(r * 0.8), tuple(c * 0.6 for c in col), 2, cv2.LINE_AA)
        elif kind == 2:  # pen
            a = float(nrng.uniform(0, np.pi))
            ln = float(nrng.uniform(0.1, 0.3) * s)
            p1 = (int(cx - ln * np.cos(a) / 2), int(cy - ln * np.sin(a) / 2))
            p2 = (int(cx + ln * np.cos(a) / 2), int(cy + ln * np.sin(a) / 2))
            cv2.line(canvas, p1, p2, col, max(2, s // 150), cv2.LINE_AA)
        else:  # keyboard-like grid
            kw = int(nrng.uniform(0.2, 0.5) * s)
            x0, y0 = int(cx), int(cy)
            cv2.rectangle(canvas, (x0, y0), (x0 + kw, y0 + kw // 3), (40.0, 40.0, 45.0), -1)
            step = max(kw // 14, 4)
            for gx in range(x0 + 2, x0 + kw - step, step):
                for gy in range(y0 + 2, y0 + kw // 3 - step, step):
                    cv2.rectangle(canvas, (gx, gy), (gx + step - 3, gy + step - 3), (70.0, 70.0, 75.0), -1)
    out: FloatImg = cv2.GaussianBlur(canvas, (0, 0), 1.0)
    return out


def make_background(name: str, nrng: np.random.Generator, h: int, w: int) -> FloatImg:
    """Background ``name`` (one of :data:`BACKGROUNDS`) as float32 BGR of size ``h`` x ``w``."""
    fn = {"plain": plain, "paper": paper, "wood": wood, "fabric": fabric, "desk": desk}[name]
    out: FloatImg = np.ascontiguousarray(fn(nrng, h, w), dtype=np.float32)
    return out


def skin_colour(nrng: np.random.Generator) -> tuple[float, float, float]:
    """A BGR skin tone."""
    tones = [(120.0, 160.0, 210.0), (95.0, 135.0, 190.0), (70.0, 105.0, 160.0), (140.0, 175.0, 225.0)]
    b, g, r = tones[int(nrng.integers(0, len(tones)))]
    k = float(nrng.uniform(0.9, 1.08))
    return b * k, g * k, r * k


def draw_ellipse_mask(
    h: int, w: int, center: tuple[float, float], axes: tuple[float, float], angle_deg: float
) -> FloatImg:
    """Soft-edged filled ellipse mask in [0, 1]."""
    out: FloatImg = np.zeros((h, w), np.float32)
    reach = int(max(axes)) + 6  # only the ellipse's neighbourhood is drawn and blurred
    x0, y0 = max(int(center[0]) - reach, 0), max(int(center[1]) - reach, 0)
    x1, y1 = min(int(center[0]) + reach, w), min(int(center[1]) + reach, h)
    if x1 <= x0 or y1 <= y0:
        return out
    roi = np.zeros((y1 - y0, x1 - x0), np.uint8)
    cen = (int(center[0]) - x0, int(center[1]) - y0)
    ax = (max(int(axes[0]), 1), max(int(axes[1]), 1))
    cv2.ellipse(roi, cen, ax, angle_deg, 0, 360, 255, -1, cv2.LINE_AA)
    out[y0:y1, x0:x1] = cv2.GaussianBlur(roi.astype(np.float32) / 255.0, (0, 0), 1.2)
    return out


def paint(img: FloatImg, mask: FloatImg, colour: tuple[float, float, float], shade: FloatImg | None = None) -> None:
    """Alpha-paint ``colour`` (optionally shaded) onto ``img`` in place."""
    col = np.array(colour, np.float32)[None, None, :]
    if shade is not None:
        col = col * shade[..., None]
    img *= 1.0 - mask[..., None]
    img += col * mask[..., None]


def soft_blur(mask: FloatImg, sigma: float) -> FloatImg:
    """Gaussian blur of a single-channel mask; large sigmas run on a downscaled copy (same look, far faster)."""
    h, w = mask.shape[:2]
    k = int(sigma // 4)
    if k < 2:
        out: FloatImg = cv2.GaussianBlur(mask, (0, 0), max(sigma, 0.1))
        return out
    small = cv2.resize(mask, (max(w // k, 2), max(h // k, 2)), interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (0, 0), sigma / k)
    out = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    return out

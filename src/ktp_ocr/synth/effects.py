"""Photometric and occlusion effects applied to a captured card picture.

Each function changes the float32 BGR working image in place (or returns a
new one) and appends a record of itself, with its parameters, to the effect
list, so every generated image says exactly what was done to it.  Effects
that hide text (thumb, glare) also paint into an occlusion mask used to
decide which fields are unreadable.
"""

from __future__ import annotations

import math
import random
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from . import backgrounds as bgs

FloatImg = NDArray[Any]  # float32 BGR working image
Effect = dict[str, Any]


def _r(x: float, nd: int = 3) -> float:
    return round(float(x), nd)


Thumb = tuple[float, float, float, float, tuple[float, float, float]]


def hand_behind(
    img: FloatImg,
    corners: NDArray[np.float32],
    ls: float,
    nrng: np.random.Generator,
    rng: random.Random,
    fh: int,
    fw: int,
    eff: list[Effect],
) -> Thumb:
    """Palm and fingers behind the card, reaching in from the side the card is held by."""
    edge = rng.choice([(3, 0), (2, 3), (1, 2)])  # left, bottom or right edge (card corner indices)
    a, b = corners[edge[0]], corners[edge[1]]
    t = rng.uniform(0.3, 0.7)
    pt = a + (b - a) * t
    centre = corners.mean(0)
    outward = pt - centre
    outward /= max(float(np.linalg.norm(outward)), 1e-6)
    skin = bgs.skin_colour(nrng)
    ang = math.degrees(math.atan2(outward[1], outward[0]))
    side_dir = np.array([-outward[1], outward[0]])
    m = np.zeros((fh, fw), np.float32)
    palm_c = pt + outward * 0.3 * ls
    m = np.maximum(m, bgs.draw_ellipse_mask(fh, fw, (float(palm_c[0]), float(palm_c[1])), (0.3 * ls, 0.2 * ls), ang))
    # wrist/forearm running out of the frame
    arm_end = pt + outward * 2.5 * ls
    arm = np.zeros((fh, fw), np.uint8)
    cv2.line(arm, (int(palm_c[0]), int(palm_c[1])), (int(arm_end[0]), int(arm_end[1])), 255, max(int(0.28 * ls), 2))
    m = np.maximum(m, cv2.GaussianBlur(arm.astype(np.float32) / 255.0, (0, 0), 1.5))
    # fingers curled behind the card, peeking out along its edge
    for k in range(4):
        fc = pt + side_dir * (k - 1.5) * 0.075 * ls - outward * 0.02 * ls
        m = np.maximum(m, bgs.draw_ellipse_mask(fh, fw, (float(fc[0]), float(fc[1])), (0.1 * ls, 0.033 * ls), ang))
    shade = 0.8 + 0.3 * bgs.lowfreq(nrng, fh, fw, 3)
    bgs.paint(img, m, skin, shade)
    side = ["left", "bottom", "right"][[(3, 0), (2, 3), (1, 2)].index(edge)]
    eff.append({"name": "in_hand", "edge": side, "at": _r(t)})
    return float(pt[0]), float(pt[1]), float(outward[0]), float(outward[1]), skin


def thumb(
    img: FloatImg,
    occl: FloatImg,
    thumb: Thumb,
    ls: float,
    nrng: np.random.Generator,
    rng: random.Random,
    fh: int,
    fw: int,
) -> None:
    """Thumb over the card edge, in front of the card (hides a little of the card)."""
    x, y, ox, oy, skin = thumb
    depth = rng.uniform(0.0, 0.05) * ls
    c = (x - ox * depth + rng.uniform(-0.05, 0.05) * ls, y - oy * depth)
    ang = math.degrees(math.atan2(oy, ox))
    m = bgs.draw_ellipse_mask(fh, fw, c, (0.11 * ls, 0.055 * ls), ang)
    shade = 0.8 + 0.3 * bgs.lowfreq(nrng, fh, fw, 2)
    bgs.paint(img, m, skin, shade)
    np.maximum(occl, m, out=occl)


def shadow(img: FloatImg, nrng: np.random.Generator, rng: random.Random, fh: int, fw: int, eff: list[Effect]) -> None:
    """A soft-edged shadow (of a phone or a hand) across part of the picture."""
    pts: NDArray[Any] = np.array(
        [[rng.uniform(-0.2, 1.2) * fw, rng.uniform(-0.2, 1.2) * fh] for _ in range(4)], np.float32
    )
    pts = cv2.convexHull(pts).reshape(-1, 2)
    m: FloatImg = np.zeros((fh, fw), np.float32)
    cv2.fillPoly(m, [pts.astype(np.int32)], 1.0)
    soft = rng.uniform(0.02, 0.08) * max(fw, fh)
    m = bgs.soft_blur(m, soft)
    depth = rng.uniform(0.25, 0.5)
    img *= (1.0 - depth * m)[..., None]
    eff.append({"name": "shadow", "depth": _r(depth), "softness_px": _r(soft, 1)})


def lighting(img: FloatImg, p: dict[str, Any], fh: int, fw: int, eff: list[Effect]) -> None:
    """Exposure (gain), gamma and a linear light gradient; over-exposure clips to white."""
    xx = np.linspace(-0.5, 0.5, fw, dtype=np.float32)[None, :]
    yy = np.linspace(-0.5, 0.5, fh, dtype=np.float32)[:, None]
    grad = 1.0 + p["gradient"] * (0.7 * xx + 0.7 * yy)
    np.clip(img, 0, 255, out=img)
    img[...] = 255.0 * np.power(img / 255.0, p["gamma"]) * (p["gain"] * grad)[..., None]
    eff.append({"name": "lighting", "gain": _r(p["gain"]), "gamma": _r(p["gamma"]), "gradient": _r(p["gradient"])})


def glare(
    img: FloatImg,
    occl: FloatImg,
    corners: NDArray[np.float32],
    ls: float,
    rng: random.Random,
    fh: int,
    fw: int,
    eff: list[Effect],
) -> None:
    """A specular highlight on the laminate: a bright soft ellipse somewhere on the card."""
    u, v = rng.uniform(0.1, 0.9), rng.uniform(0.1, 0.9)
    top = corners[0] + (corners[1] - corners[0]) * u
    bot = corners[3] + (corners[2] - corners[3]) * u
    c = top + (bot - top) * v
    r = rng.uniform(0.06, 0.22) * ls
    strength = rng.uniform(0.5, 1.0)
    aspect = rng.uniform(0.3, 0.8)  # minor / major axis
    m = bgs.draw_ellipse_mask(fh, fw, (float(c[0]), float(c[1])), (r, r * aspect), rng.uniform(0, 180))
    m = bgs.soft_blur(m, max(r / 3, 1.0)) * strength
    img += (255.0 - img) * m[..., None]
    np.maximum(occl, np.clip((m - 0.45) * 3, 0, 1), out=occl)
    eff.append(
        {
            "name": "glare",
            "center": [_r(c[0], 1), _r(c[1], 1)],
            "radius_px": _r(r, 1),
            "strength": _r(strength),
            "peak": _r(float(m.max())),  # the most of the way to white any pixel was lifted (blur flattens thin ones)
        }
    )


def screen(img: FloatImg, rng: random.Random, fh: int, fw: int, eff: list[Effect]) -> FloatImg:
    """Photo of a monitor/phone screen: RGB sub-pixel grid, moire beat pattern, blue cast."""
    period = rng.choice([3, 4, 5])
    xx = np.arange(fw)[None, :]
    yy = np.arange(fh)[:, None]
    grid = np.ones((fh, fw, 3), np.float32) * 0.65
    for ch, bgr in enumerate((2, 1, 0)):  # R, G, B sub-pixel columns
        grid[..., bgr] += 0.35 * ((xx % period) == ch % period)
    grid *= (1.0 - 0.25 * ((yy % period) == period - 1))[..., None]
    f = rng.uniform(0.01, 0.05)
    a = rng.uniform(0, math.pi)
    moire = 1.0 + rng.uniform(0.08, 0.18) * np.sin(2 * math.pi * f * (xx * math.cos(a) + yy * math.sin(a)))
    out: FloatImg = img * grid * moire[..., None].astype(np.float32)
    out = cv2.GaussianBlur(out, (0, 0), 0.7) * np.array([1.1, 1.0, 0.9], np.float32) + 20.0
    eff.append({"name": "screen", "pixel_period": period, "moire_freq": _r(f, 4), "moire_angle": _r(a)})
    return out


def photocopy(img: FloatImg, nrng: np.random.Generator, rng: random.Random, eff: list[Effect]) -> FloatImg:
    """Grey, high-contrast photocopy with toner speckles."""
    g = cv2.cvtColor(np.clip(img, 0, 255).astype(np.float32), cv2.COLOR_BGR2GRAY)
    lo, hi = rng.uniform(40, 110), rng.uniform(185, 230)
    g = np.clip((g - lo) / (hi - lo), 0, 1) * 255.0
    speck = (nrng.random(g.shape) < rng.uniform(0.0005, 0.004)).astype(np.float32)
    g = np.minimum(g, 255.0 * (1.0 - cv2.GaussianBlur(speck, (0, 0), 0.7) * 3.0))
    eff.append({"name": "photocopy", "black_point": _r(lo, 1), "white_point": _r(hi, 1)})
    return np.repeat(g[..., None], 3, axis=2).astype(np.float32)


def white_balance(img: FloatImg, rng: random.Random, eff: list[Effect], strength: float) -> None:
    """Camera white-balance error: a colour cast (phone photos of KTPs are often too blue or too warm)."""
    gains = [1.0 + rng.uniform(-strength, strength) for _ in range(3)]
    img *= np.array(gains, np.float32)[None, None, :]
    eff.append({"name": "white_balance", "gains_bgr": [_r(g) for g in gains]})

"""Simulated capture of a rendered card: placement, surface and degradations.

The reader sees scans, phone photos, photocopies and screenshots, often
tilted, rotated, small or partly cut off.  ``capture`` reproduces those
conditions from a named *profile* and records every effect with its
parameters, so a failure can be traced to the condition that caused it.  All
geometry (scale, tilt, perspective, quarter turns, mirroring, placement) is
one homography from card pixels to output pixels, so the card's corners and
every value box are tracked exactly; the final downscale is the only other
geometric step and is applied to them too.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import cv2
import numpy as np
from numpy.typing import NDArray

from . import backgrounds as bgs
from . import effects as fx
from .card import CARD_H, CARD_W, Box, RenderedCard

Image8 = NDArray[Any]  # uint8 BGR; Any because OpenCV stubs return loosely typed arrays
FloatImg = NDArray[Any]  # float32 BGR working image
Effect = dict[str, Any]

PROFILES = ("clean", "phone", "hard", "mixed", "words", "trimmed")  # words: phone capture of cards with words
# classes; trimmed: a flatbed scan cut exactly to the card's border (the card's edges are the image's)
# Planned parameters a caller replaces for one capture: fixed values, or a function drawing them from the capture's
# generator right after the plan (a targeted set forces one effect on top of a profile, reproducibly).
PlanOverride: TypeAlias = Mapping[str, Any] | Callable[[random.Random], Mapping[str, Any]]
_CARD_CORNERS = np.array([[0, 0], [CARD_W, 0], [CARD_W, CARD_H], [0, CARD_H]], np.float32)


@dataclass
class Capture:
    """A captured card image with ground truth geometry and the effects that made it."""

    image: Image8
    corners: list[list[float]]  # card TL, TR, BR, BL (card reading order) in output pixels
    boxes: dict[str, Box]  # value boxes in output pixels
    effects: list[Effect] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    jpeg_quality: int = 92


def _r(x: float, nd: int = 3) -> float:
    return round(float(x), nd)


# ---------------------------------------------------------------- plan
_PLAN_DEFAULTS: dict[str, Any] = {
    "quarter": 0,
    "mirror": False,
    "tilt": 0.0,
    "persp": 0.0,
    "crop": 0.0,
    "a4": False,
    "hand": False,
    "glare": 0,
    "shadow": False,
    "gain": 1.0,
    "gamma": 1.0,
    "gradient": 0.0,
    "blur": 0.0,
    "motion": 0,
    "noise": 0.0,
    "screen": False,
    "photocopy": False,
    "gray": False,
    "low_res": 0,
    "jpeg": 92,
    "scan": False,
    "trim": False,
}
# Every parameter a plan can hold (the four named here have no default: each profile draws them), what an override
# may set; the profile is the caller's argument, not a parameter.
PLAN_KEYS = frozenset({*_PLAN_DEFAULTS, "background", "frac", "long", "white_balance"})


def _plan(profile: str, rng: random.Random) -> dict[str, Any]:
    """Draw the capture parameters for ``profile``; the plan is then executed by :func:`capture`."""
    if profile == "mixed":
        profile = rng.choices(["clean", "phone", "hard"], weights=[2, 5, 3])[0]
    p: dict[str, Any] = {"profile": profile, **_PLAN_DEFAULTS}
    if profile == "clean":
        p["scan"] = rng.random() < 0.6
        p["background"] = "plain"
        p["frac"] = rng.uniform(0.93, 0.99) if p["scan"] else rng.uniform(0.7, 0.9)
        p["long"] = rng.randint(800, 1150) if p["scan"] else rng.randint(1000, 1400)
        p["tilt"] = rng.uniform(-0.8, 0.8)
        p["jpeg"] = rng.randint(88, 95)
        return p
    if profile == "trimmed":  # a scan cut to the card: upright, flat, its border the image's edge
        p.update(scan=True, trim=True, background="plain", frac=0.9, long=rng.randint(700, 1150))
        p["jpeg"] = rng.randint(80, 95)
        p["noise"] = rng.uniform(0.0, 2.0)
        return p
    if profile in ("phone", "words"):  # words cards test reading, not capture: mild, realistic phone photos
        p["background"] = rng.choice(["wood", "fabric", "paper", "desk", "plain"])
        p["frac"] = rng.uniform(0.45, 0.9)
        p["long"] = rng.randint(900, 1600)
        p["tilt"] = rng.uniform(-8, 8)
        p["persp"] = rng.uniform(0.0, 0.06)
        p["hand"] = rng.random() < 0.2
        p["blur"] = rng.uniform(0.3, 1.0) if rng.random() < 0.4 else 0.0
        p["motion"] = rng.randint(3, 6) if rng.random() < 0.1 else 0
        p["noise"] = rng.uniform(0.5, 4.0)
        p["jpeg"] = rng.randint(65, 92)
        p["gain"] = rng.uniform(0.8, 1.15)
        p["gradient"] = rng.uniform(-0.15, 0.15)
        p["shadow"] = rng.random() < 0.15
        p["glare"] = 1 if rng.random() < 0.15 else 0
        p["white_balance"] = rng.uniform(0.02, 0.1)
        return p
    # hard
    p["a4"] = rng.random() < 0.15
    p["quarter"] = rng.choice([1, 2, 3]) if rng.random() < 0.4 else 0
    p["mirror"] = rng.random() < 0.12
    p["tilt"] = rng.uniform(-4, 4) if p["a4"] else rng.uniform(-25, 25)
    p["persp"] = 0.0 if p["a4"] else rng.uniform(0.0, 0.15)
    p["background"] = "paper" if p["a4"] else rng.choice(["wood", "fabric", "paper", "desk", "plain", "desk"])
    p["frac"] = rng.uniform(0.3, 0.45) if p["a4"] else rng.uniform(0.2, 0.95)
    p["long"] = rng.randint(1100, 1600) if p["a4"] else rng.randint(400, 1600)
    p["crop"] = rng.uniform(0.04, 0.2) if (not p["a4"] and rng.random() < 0.25) else 0.0
    p["hand"] = not p["a4"] and rng.random() < 0.25
    p["glare"] = rng.randint(1, 3) if rng.random() < 0.35 else 0
    p["shadow"] = not p["a4"] and rng.random() < 0.3
    p["white_balance"] = 0.0 if p["a4"] else rng.uniform(0.02, 0.15)
    light = rng.random()
    p["gain"] = rng.uniform(0.35, 0.6) if light < 0.15 else rng.uniform(1.3, 1.7) if light < 0.3 else 1.0
    p["gamma"] = rng.uniform(0.8, 1.25)
    p["gradient"] = rng.uniform(-0.3, 0.3)
    p["blur"] = rng.uniform(0.8, 2.5) if rng.random() < 0.5 else 0.0
    p["motion"] = rng.randint(5, 15) if rng.random() < 0.2 else 0
    p["noise"] = rng.uniform(3, 12)
    p["jpeg"] = rng.randint(25, 80)
    p["screen"] = not p["a4"] and rng.random() < 0.1
    p["photocopy"] = not p["screen"] and rng.random() < (0.6 if p["a4"] else 0.12)
    if p["photocopy"]:  # a copier sees the card on its glass, under a white or grey lid
        p["background"] = "paper" if p["a4"] or rng.random() < 0.5 else "plain"
        p["hand"] = False
    p["gray"] = p["a4"] and not p["photocopy"] and rng.random() < 0.5
    p["low_res"] = rng.randint(200, 420) if (not p["a4"] and rng.random() < 0.3) else 0
    p["scan"] = p["a4"]
    return p


# ---------------------------------------------------------------- geometry
def _frame_size(p: dict[str, Any], rng: random.Random) -> tuple[int, int]:
    long = int(p["long"])
    if p["a4"]:
        return int(long / math.sqrt(2)), long
    if p["profile"] == "clean" and p["scan"]:
        return long, int(long * CARD_H / CARD_W * rng.uniform(1.0, 1.06))
    aspect = rng.choice([4 / 3, 16 / 9, 1.0, 3 / 2])
    portrait = rng.random() < (0.35 if p["quarter"] % 2 else 0.15)
    w, h = long, int(long / aspect)
    return (h, w) if portrait else (w, h)


def _homography(p: dict[str, Any], rng: random.Random, fw: int, fh: int) -> tuple[NDArray[np.float64], float]:
    """Homography card->output for the plan; also returns the card's displayed long side in pixels."""
    odd = p["quarter"] % 2 == 1
    long_ref = fh if odd else fw
    ls = p["frac"] * long_ref
    ss = ls * CARD_H / CARD_W
    short_ref = fw if odd else fh
    if ss > 0.96 * short_ref and not p["crop"]:
        ls *= 0.96 * short_ref / ss
        ss = 0.96 * short_ref
    a, b = (ss / 2, ls / 2) if odd else (ls / 2, ss / 2)
    quad = np.array([[-a, -b], [a, -b], [a, b], [-a, b]], np.float64)
    pr = p["persp"]
    if pr > 0:  # keystone: shrink one edge, plus a little independent jitter
        edge = rng.randrange(4)
        shrink = pr * rng.uniform(0.5, 1.0)
        i, j = edge, (edge + 1) % 4
        mid = (quad[i] + quad[j]) / 2
        quad[i] += (mid - quad[i]) * shrink * 2
        quad[j] += (mid - quad[j]) * shrink * 2
        quad += np.array([[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(4)]) * pr * 0.3 * ls
    t = math.radians(p["tilt"])
    rot = np.array([[math.cos(t), -math.sin(t)], [math.sin(t), math.cos(t)]])
    quad = quad @ rot.T
    span = quad.max(0) - quad.min(0)
    fit = min(1.0, (fw - 6) / span[0], (fh - 6) / span[1])
    if fit < 1.0:  # tilted card larger than the frame: shrink it so that only `crop` can cut it
        quad *= fit
        ls *= fit
    lo, hi = quad.min(0), quad.max(0)
    span = hi - lo
    cx_lo, cx_hi = -lo[0] + 2, fw - hi[0] - 2
    cy_lo, cy_hi = -lo[1] + 2, fh - hi[1] - 2
    cx = rng.uniform(min(cx_lo, cx_hi), max(cx_lo, cx_hi)) if cx_lo < cx_hi else fw / 2
    cy = rng.uniform(min(cy_lo, cy_hi), max(cy_lo, cy_hi)) if cy_lo < cy_hi else fh / 2
    if p["a4"]:
        cy = rng.uniform(max(cy_lo, 0.15 * fh), max(cy_lo, 0.15 * fh) + 0.25 * fh)
    if p["crop"]:
        side = rng.randrange(4)
        out = p["crop"]
        if side == 0:
            cx = -lo[0] - out * span[0]
        elif side == 1:
            cx = fw - hi[0] + out * span[0]
        elif side == 2:
            cy = -lo[1] - out * span[1]
        else:
            cy = fh - hi[1] + out * span[1]
    dst = quad + np.array([cx, cy])
    k = p["quarter"]
    order = [(i - k) % 4 for i in range(4)]  # card corner shown at displayed TL, TR, BR, BL
    if p["mirror"]:
        order = [order[1], order[0], order[3], order[2]]
    src = _CARD_CORNERS[order]
    h = cv2.getPerspectiveTransform(src.astype(np.float32), dst.astype(np.float32)).astype(np.float64)
    return h, float(ls)


def _apply(h: NDArray[np.float64], pts: NDArray[Any] | list[list[float]]) -> NDArray[Any]:
    arr = np.asarray(pts, np.float32).reshape(-1, 1, 2)
    out: NDArray[Any] = cv2.perspectiveTransform(arr, h).reshape(-1, 2)
    return out


def _warp_card(card: RenderedCard, h: NDArray[np.float64], ls: float, fw: int, fh: int) -> tuple[FloatImg, FloatImg]:
    """Warp the card and its mask; pre-shrink with area filtering so small cards do not alias."""
    img, mask = card.image, card.mask
    scale = ls / CARD_W
    hh = h
    if scale < 0.8:
        s = max(scale * 1.3, 0.05)
        sw, sh = max(int(CARD_W * s), 8), max(int(CARD_H * s), 8)
        img = cv2.resize(img, (sw, sh), interpolation=cv2.INTER_AREA)
        mask = cv2.resize(mask, (sw, sh), interpolation=cv2.INTER_AREA)
        hh = h @ np.diag([CARD_W / sw, CARD_H / sh, 1.0])
    warped = cv2.warpPerspective(img, hh, (fw, fh), flags=cv2.INTER_LINEAR, borderValue=(0, 0, 0))
    alpha = cv2.warpPerspective(mask, hh, (fw, fh), flags=cv2.INTER_LINEAR, borderValue=0)
    return warped.astype(np.float32), alpha.astype(np.float32) / 255.0


# ---------------------------------------------------------------- capture
def capture(
    card: RenderedCard,
    profile: str,
    rng: random.Random,
    nrng: np.random.Generator,
    override: PlanOverride | None = None,
) -> Capture:
    """Photograph/scan ``card`` under a random condition drawn from ``profile``.

    ``override`` replaces planned parameters (keys of :data:`PLAN_KEYS`); a function is called with ``rng`` right
    after the plan is drawn. Without it the capture draws exactly what it always drew.
    """
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; choose one of {', '.join(PROFILES)}")
    p = _plan(profile, rng)
    if override is not None:
        forced = override(rng) if callable(override) else override
        if unknown := sorted(set(forced) - PLAN_KEYS):
            raise ValueError(
                f"unknown capture parameter(s) {', '.join(unknown)}; choose from {', '.join(sorted(PLAN_KEYS))}"
            )
        p.update(forced)
    fw, fh = _frame_size(p, rng)
    h, ls = _homography(p, rng, fw, fh)
    eff: list[Effect] = [{"name": "profile", "profile": p["profile"]}]
    eff.append(
        {
            "name": "geometry",
            "frame": [fw, fh],
            "card_long_side": _r(ls, 1),
            "tilt_deg": _r(p["tilt"], 2),
            "quarter_turns": p["quarter"],
            "mirrored": p["mirror"],
            "perspective": _r(p["persp"]),
            "crop_out": _r(p["crop"]),
        }
    )
    img = bgs.make_background(p["background"], nrng, fh, fw)
    eff.append({"name": "background", "kind": "a4_page" if p["a4"] else p["background"]})
    warped, alpha = _warp_card(card, h, ls, fw, fh)
    occl: FloatImg = np.zeros((fh, fw), np.float32)  # what hides the card's text (thumb, glare)

    corners = _apply(h, _CARD_CORNERS)
    if (not p["scan"] and p["profile"] != "clean") or p["a4"]:  # soft contact shadow under the card
        sh = bgs.soft_blur(alpha, max(ls / 150, 1.0))
        sh = np.roll(sh, (int(ls / 150) + 1, int(ls / 200) + 1), axis=(0, 1))
        img *= (1.0 - 0.35 * sh)[..., None]
    thumb = fx.hand_behind(img, corners, ls, nrng, rng, fh, fw, eff) if p["hand"] else None
    img = img * (1 - alpha[..., None]) + warped * alpha[..., None]
    if thumb is not None:
        fx.thumb(img, occl, thumb, ls, nrng, rng, fh, fw)
    if p["shadow"]:
        fx.shadow(img, nrng, rng, fh, fw, eff)
    if p.get("white_balance"):
        fx.white_balance(img, rng, eff, p["white_balance"])
    if p["gain"] != 1.0 or p["gamma"] != 1.0 or p["gradient"] != 0.0:
        fx.lighting(img, p, fh, fw, eff)
    for _ in range(p["glare"]):
        fx.glare(img, occl, corners, ls, rng, fh, fw, eff)
    if p["screen"]:
        img = fx.screen(img, rng, fh, fw, eff)
    if p["photocopy"]:
        img = fx.photocopy(img, nrng, rng, eff)
    elif p["gray"]:
        g = cv2.cvtColor(np.clip(img, 0, 255).astype(np.float32), cv2.COLOR_BGR2GRAY)
        img = np.repeat(g[..., None], 3, axis=2)
        eff.append({"name": "grayscale"})
    if p["blur"] > 0:
        img = cv2.GaussianBlur(img, (0, 0), p["blur"])
        eff.append({"name": "defocus_blur", "sigma": _r(p["blur"])})
    if p["motion"]:
        ang = rng.uniform(0, 180)
        kern: FloatImg = np.zeros((p["motion"], p["motion"]), np.float32)
        kern[p["motion"] // 2, :] = 1.0
        m = cv2.getRotationMatrix2D((p["motion"] / 2 - 0.5, p["motion"] / 2 - 0.5), ang, 1.0)
        kern = cv2.warpAffine(kern, m, kern.shape[::-1])
        img = cv2.filter2D(img, -1, np.asarray(kern / max(float(kern.sum()), 1e-6), np.float32))
        eff.append({"name": "motion_blur", "length": p["motion"], "angle_deg": _r(ang, 1)})
    scale = 1.0
    if p["low_res"] and ls > p["low_res"]:
        scale = p["low_res"] / ls
        nw, nh = max(int(fw * scale), 16), max(int(fh * scale), 16)
        img = cv2.resize(img, (nw, nh), interpolation=cv2.INTER_AREA)
        occl = cv2.resize(occl, (nw, nh), interpolation=cv2.INTER_AREA)
        scale = nw / fw
        eff.append({"name": "downscale", "factor": _r(scale, 4), "size": [nw, nh]})
    if p["noise"] > 0:
        img = img + nrng.normal(0, p["noise"], img.shape).astype(np.float32)
        eff.append({"name": "noise", "sigma": _r(p["noise"], 2)})
    out = np.clip(img, 0, 255).astype(np.uint8)
    eff.append({"name": "jpeg", "quality": p["jpeg"]})

    sc = np.diag([scale, scale, 1.0])
    hf = sc @ h
    if p["trim"]:  # cut to the card's border: its corners on the image's corners, to the pixel
        x0, y0 = np.floor(_apply(hf, _CARD_CORNERS).min(axis=0) + 0.5).astype(int)
        x1, y1 = np.floor(_apply(hf, _CARD_CORNERS).max(axis=0) + 0.5).astype(int)
        out, occl = out[y0:y1, x0:x1], occl[y0:y1, x0:x1]
        hf = np.array([[1.0, 0.0, -x0], [0.0, 1.0, -y0], [0.0, 0.0, 1.0]]) @ hf
        eff.append({"name": "trimmed", "size": [int(x1 - x0), int(y1 - y0)]})
    corners_out = [[_r(x, 1), _r(y, 1)] for x, y in _apply(hf, _CARD_CORNERS)]
    boxes = {k: [[_r(x, 1), _r(y, 1)] for x, y in _apply(hf, b)] for k, b in card.boxes.items()}
    unreadable = _unreadable(boxes, occl, out.shape[1], out.shape[0], p["blur"] * scale)
    return Capture(
        image=out,
        corners=corners_out,
        boxes=boxes,
        effects=eff,
        conditions=_conditions(p, ls * scale),
        unreadable=unreadable,
        jpeg_quality=int(p["jpeg"]),
    )


# ---------------------------------------------------------------- labels
def _covered(box: Box, occl: FloatImg) -> float:
    """Mean occlusion inside the polygon ``box`` (computed on its bounding rectangle only)."""
    pts = np.round(np.array(box)).astype(np.int32)
    x0, y0 = max(int(pts[:, 0].min()), 0), max(int(pts[:, 1].min()), 0)
    x1, y1 = min(int(pts[:, 0].max()) + 1, occl.shape[1]), min(int(pts[:, 1].max()) + 1, occl.shape[0])
    if x1 <= x0 or y1 <= y0:
        return 0.0
    m = np.zeros((y1 - y0, x1 - x0), np.uint8)
    cv2.fillPoly(m, [pts - np.array([x0, y0], np.int32)], 1)
    area = int(m.sum())
    return float((occl[y0:y1, x0:x1] * m).sum()) / area if area else 0.0


def _unreadable(boxes: dict[str, Box], occl: FloatImg, w: int, h: int, blur: float) -> list[str]:
    """Fields whose printed value is cut off, hidden, too small or too blurred to read."""
    out = []
    has_occl = bool(occl.max() > 0)
    for key, box in boxes.items():
        arr = np.array(box)
        inside = (arr[:, 0] >= 0) & (arr[:, 0] <= w) & (arr[:, 1] >= 0) & (arr[:, 1] <= h)
        height = float(np.linalg.norm(arr[3] - arr[0]))
        width = float(np.linalg.norm(arr[1] - arr[0]))
        text_h = min(height, width) if key not in ("golongan_darah",) else height
        if not inside.all() or text_h < 5.0 or blur > 0.35 * text_h:
            out.append(key)
            continue
        if has_occl and _covered(box, occl) > 0.3:
            out.append(key)
    return sorted(out)


def _conditions(p: dict[str, Any], card_px: float) -> list[str]:
    """Tags in the vocabulary of the real dev set's labels."""
    c = {"scan" if (p["scan"] or p["photocopy"]) else "photo"}
    if abs(p["tilt"]) > 8 or p["persp"] > 0.06:
        c.add("angled")
    if p["quarter"]:
        c.add("rotated")
    if p["hand"]:
        c.update({"in_hand", "cluttered_background"})
    if p["glare"]:
        c.add("glare")
    if p["shadow"]:
        c.add("shadow")
    if p["gain"] < 0.7:
        c.add("dark")
    if p["gain"] > 1.25:
        c.add("bright")
    if p["blur"] >= 1.2 or p["motion"] >= 5:
        c.add("blurry")
    if card_px < 450:
        c.add("low_res")
    if p["photocopy"] or p["gray"]:
        c.add("grayscale")
    if p["a4"]:
        c.add("a4_page")
    if p["background"] in ("desk", "fabric"):
        c.add("cluttered_background")
    if p["crop"]:
        c.add("cropped")
    return sorted(c)

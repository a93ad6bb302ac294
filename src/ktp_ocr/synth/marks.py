"""Marks people put over a card or its picture: pen strokes, boxes around a field, stamps and watermark text.

Photos of KTPs sent for verification are often annotated: a pen line or a hand-drawn box around the NIK, a
red rectangle drawn in a phone's photo editor, a stamp on a legalised copy, or a "HANYA UNTUK ..." watermark
typed across the card so that the picture cannot be reused.  These cross printed rows; the reader must still
read the text underneath.  Every mark is laid on multiplicatively, as ink or a translucent overlay is: dark
print stays dark, so the text stays legible, but the background under it changes colour and lines cross it.
"""

from __future__ import annotations

import itertools
import math
import random
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw

from ..template import ROW_OF_FIELD, SPECS
from .fonts import font

Box = list[list[float]]
Image8 = NDArray[Any]  # uint8 BGR card
Mask = NDArray[Any]  # float32, 0..1; Any because OpenCV stubs return loosely typed arrays
Effect = dict[str, Any]

# ink colours (BGR): ballpoint blue and black, marker red, stamp violet/blue
_PEN = {"blue": (165, 70, 35), "black": (45, 40, 40), "red": (45, 40, 200)}
_STAMP = {"violet": (150, 50, 120), "blue": (180, 90, 40), "red": (60, 50, 200)}
_STAMP_WORDS = ("SESUAI ASLI", "LEGALISIR", "DISAHKAN", "TELAH DIVERIFIKASI")
_OVERLAY_WORDS = ("HANYA UNTUK VERIFIKASI", "KHUSUS PENDAFTARAN", "COPY", "TIDAK BERLAKU UNTUK PINJAMAN")


def _bounds(box: Box) -> tuple[float, float, float, float]:
    xs, ys = [p[0] for p in box], [p[1] for p in box]
    return min(xs), min(ys), max(xs), max(ys)


def _under(mask: Mask, boxes: dict[str, Box]) -> list[str]:
    """Fields whose value box the mark touches (for failure analysis by field)."""
    out = []
    for key, box in boxes.items():
        x0, y0, x1, y1 = (round(v) for v in _bounds(box))
        if x1 > x0 and y1 > y0 and float(mask[max(y0, 0) : y1, max(x0, 0) : x1].max(initial=0.0)) > 0.2:
            out.append(key)
    return sorted(out)


def _blend(img: Image8, mask: Mask, colour: tuple[int, int, int], opacity: float) -> None:
    """Lay ``colour`` on ``img`` through ``mask`` as ink does (multiply), in place."""
    a = (mask * opacity)[..., None]
    tint = np.array(colour, np.float32) / 255.0
    out = img.astype(np.float32) * (1.0 - a * (1.0 - tint))
    img[...] = np.clip(out, 0, 255).astype(np.uint8)


def _hand_line(mask: Mask, p: tuple[float, float], q: tuple[float, float], width: int, rng: random.Random) -> None:
    """A slightly wavering hand-drawn line from ``p`` to ``q``."""
    n = 12
    wobble = rng.uniform(0.5, 2.5)
    phase = rng.uniform(0, math.tau)
    length = math.hypot(q[0] - p[0], q[1] - p[1]) or 1.0
    nx, ny = -(q[1] - p[1]) / length, (q[0] - p[0]) / length
    pts = []
    for i in range(n + 1):
        t = i / n
        off = wobble * math.sin(phase + t * math.pi * rng.uniform(1.5, 2.5))
        pts.append([p[0] + (q[0] - p[0]) * t + nx * off, p[1] + (q[1] - p[1]) * t + ny * off])
    cv2.polylines(mask, [np.round(np.array(pts)).astype(np.int32)], False, 1.0, width, cv2.LINE_AA)


def _stroke(mask: Mask, rng: random.Random, h: int, w: int) -> dict[str, Any]:
    """A scribbled pen line across several rows (a tick, a strike or an arrow drawn by the holder or a clerk)."""
    x, y = rng.uniform(60, 0.65 * w), rng.uniform(0.25 * h, 0.85 * h)
    angle = rng.uniform(-70, 70) if rng.random() < 0.5 else rng.uniform(100, 260)
    length = rng.uniform(150, 420)
    width = rng.randint(2, 3)
    pts = []
    for i in range(9):
        t = i / 8
        bend = 12 * math.sin(t * math.pi * rng.uniform(0.8, 2.0))
        a = math.radians(angle)
        pts.append(
            (x + math.cos(a) * length * t - math.sin(a) * bend, y + math.sin(a) * length * t + math.cos(a) * bend)
        )
    for p, q in itertools.pairwise(pts):
        _hand_line(mask, p, q, width, rng)
    return {"shape": "stroke", "width": width, "angle_deg": round(angle, 1)}


def _frame(mask: Mask, rng: random.Random, boxes: dict[str, Box]) -> dict[str, Any]:
    """A box drawn around one value or its whole row (label included), by hand or in a photo editor."""
    key = rng.choice([k for k in boxes if k not in ("provinsi", "kabupaten_kota")])
    x0, y0, x1, y1 = _bounds(boxes[key])
    whole_row = rng.random() < 0.4 and SPECS[key].zone == "rows"
    if whole_row:  # from the label to the end of the row's last value
        x0 = rng.uniform(15, 30)
        x1 = max(_bounds(boxes[f])[2] for f in ROW_OF_FIELD[key].fields if f in boxes)
    pad = rng.uniform(3, 8)
    corners = [(x0 - pad, y0 - pad), (x1 + pad, y0 - pad), (x1 + pad, y1 + pad), (x0 - pad, y1 + pad)]
    digital = rng.random() < 0.35
    width = 3 if digital else rng.randint(2, 3)
    if digital:  # crisp editor rectangle
        cv2.rectangle(mask, (int(corners[0][0]), int(corners[0][1])), (int(corners[2][0]), int(corners[2][1])), 1.0, 3)
    else:
        for i in range(4):  # hand-drawn: corners overshoot a little
            p, q = corners[i], corners[(i + 1) % 4]
            j = [rng.uniform(-4, 4) for _ in range(4)]
            _hand_line(mask, (p[0] + j[0], p[1] + j[1]), (q[0] + j[2], q[1] + j[3]), width, rng)
    return {"shape": "row_box" if whole_row else "field_box", "field": key, "digital": digital}


def _text_mask(h: int, w: int, text: str, size: int, centre: tuple[float, float], angle: float) -> Mask:
    """``text`` rasterised centred on ``centre``, turned by ``angle`` degrees, as a 0..1 mask."""
    layer = Image.new("L", (w, h), 0)
    ImageDraw.Draw(layer).text(centre, text, font=font("sans_bold", size), fill=255, anchor="mm")
    m = cv2.getRotationMatrix2D(centre, angle, 1.0)
    out: Mask = cv2.warpAffine(np.asarray(layer, np.float32) / 255.0, m, (w, h))
    return out


def _stamp(mask: Mask, rng: random.Random, h: int, w: int) -> dict[str, Any]:
    """A round rubber stamp: double ring with a word across it, unevenly inked."""
    r = rng.uniform(55, 95)
    c = (rng.uniform(0.15 * w, 0.75 * w), rng.uniform(0.35 * h, 0.85 * h))
    cv2.circle(mask, (int(c[0]), int(c[1])), int(r), 1.0, 3, cv2.LINE_AA)
    cv2.circle(mask, (int(c[0]), int(c[1])), int(r * 0.78), 1.0, 2, cv2.LINE_AA)
    word = rng.choice(_STAMP_WORDS)
    size = max(int(1.5 * r * 0.78 / max(len(word), 1) * 1.6), 12)
    angle = rng.uniform(-30, 30)
    mask[...] = np.maximum(mask, _text_mask(h, w, word, size, c, angle))
    return {"shape": "stamp", "radius": round(r, 1), "text": word, "angle_deg": round(angle, 1)}


def _overlay(mask: Mask, rng: random.Random, h: int, w: int) -> dict[str, Any]:
    """Watermark text typed diagonally across the picture so that it cannot be reused elsewhere."""
    word = rng.choice(_OVERLAY_WORDS)
    size = int(min(0.9 * w / max(len(word), 1) * 1.7, 90))
    angle = rng.uniform(10, 30)
    c = (w / 2 + rng.uniform(-80, 80), h / 2 + rng.uniform(-60, 80))
    mask[...] = np.maximum(mask, _text_mask(h, w, word, size, c, angle))
    return {"shape": "watermark_text", "text": word, "size": size, "angle_deg": round(angle, 1)}


def draw_marks(img: Image8, boxes: dict[str, Box], rng: random.Random) -> Effect:
    """Draw one or two marks over the upright card ``img`` (in place); return the effect record."""
    h, w = img.shape[:2]
    records = []
    for _ in range(rng.choice([1, 1, 2])):
        kind = rng.choices(["pen", "box", "stamp", "overlay"], weights=[3, 3, 2, 2])[0]
        mask: Mask = np.zeros((h, w), np.float32)
        if kind == "pen":
            rec = _stroke(mask, rng, h, w)
            name, colour = rng.choice(list(_PEN.items()))
            opacity = rng.uniform(0.6, 0.85)
        elif kind == "box":
            rec = _frame(mask, rng, boxes)
            name, colour = ("red", _PEN["red"]) if rec["digital"] else rng.choice(list(_PEN.items()))
            opacity = 0.9 if rec["digital"] else rng.uniform(0.6, 0.85)
        elif kind == "stamp":
            rec = _stamp(mask, rng, h, w)
            name, colour = rng.choice(list(_STAMP.items()))
            opacity = rng.uniform(0.35, 0.55)
            grain = cv2.resize(np.array([[rng.random() for _ in range(40)] for _ in range(25)], np.float32), (w, h))
            mask *= 0.55 + 0.45 * grain  # a rubber stamp never inks evenly
        else:
            rec = _overlay(mask, rng, h, w)
            name, colour = rng.choice([("red", (60, 60, 210)), ("grey", (110, 110, 110)), ("blue", (200, 120, 60))])
            opacity = rng.uniform(0.2, 0.35)
        mask = cv2.GaussianBlur(mask, (0, 0), 0.6)
        _blend(img, mask, colour, opacity)
        records.append({**rec, "ink": name, "opacity": round(opacity, 3), "over": _under(mask, boxes)})
    return {"name": "marks", "marks": records}

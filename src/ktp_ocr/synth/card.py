"""Rendering the canonical, upright synthetic e-KTP.

The layout (positions, font sizes, row pitch) was measured on real card
scans normalised to 1012x638 px (ID-1 aspect, 85.6x54 mm at ~300 dpi); no
pixel or value of a real card is used.  The background (tint, guilloche,
globe and island map, "KARTU TANDA PENDUDUK" watermark) is drawn
procedurally once per style variant and cached, because it is the expensive
part and does not depend on the identity.  Every printed value's box is
returned so the reader's tests can check the polygons it reports.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFont

from ..template import BLOOD_ROW, PHOTO, ROWS
from .fonts import font
from .printing import FaintLabels, PrintPlan, draw_spaced, rect, spaced_advance, split_place, sub_box_spaced

CARD_W = 1012
CARD_H = 638
CORNER_RADIUS = 36

Box = list[list[float]]
Ink = tuple[int, int, int]
Image8 = NDArray[Any]  # uint8 BGR; Any because OpenCV stubs return loosely typed arrays

_PHOTO = PHOTO.pixels(CARD_W, CARD_H)  # x0, y0, x1, y1 of the photo box: (720, 127, 952, 430)
_VALUE_RIGHT = 705  # values must end before the photo column
_LEGACY_WRAPS = frozenset({"alamat"})  # what the older profiles wrap; the words profile follows the template


@dataclass
class RenderedCard:
    """A rendered upright card: BGR image, alpha mask (rounded corners) and value boxes.

    ``boxes`` maps each of the 19 field names to its 4 corner points
    (TL, TR, BR, BL) in card pixels; ``style`` records the random style choices.
    """

    image: Image8
    mask: Image8
    boxes: dict[str, Box]
    style: dict[str, object] = field(default_factory=dict)


_rect = rect


def _union(a: Box, b: Box) -> Box:
    xs = [p[0] for p in a + b]
    ys = [p[1] for p in a + b]
    return _rect(min(xs), min(ys), max(xs), max(ys))


# ---------------------------------------------------------------- background
_ISLANDS: tuple[tuple[float, float, float, float, float], ...] = (
    # cx, cy, half-length, half-width, angle (deg) in globe-normalised coords
    (-0.62, -0.18, 0.34, 0.09, 40),
    (-0.22, 0.26, 0.24, 0.045, 6),
    (-0.12, -0.2, 0.19, 0.15, 0),
    (0.22, -0.12, 0.16, 0.04, 80),
    (0.3, -0.02, 0.12, 0.035, 10),
    (0.3, -0.22, 0.1, 0.03, -10),
    (0.15, 0.34, 0.16, 0.02, 4),
    (0.73, 0.06, 0.24, 0.1, 12),
    (0.5, -0.1, 0.05, 0.04, 0),
    (-0.9, -0.45, 0.06, 0.04, 30),
    (0.45, 0.3, 0.05, 0.02, 20),
)


@lru_cache(maxsize=6)
def _background(variant: int) -> Image8:
    """The card background for a style variant (BGR). Cached: identical for every card of a variant."""
    rng = np.random.default_rng(1000 + variant)
    tints = [(244, 232, 196), (248, 238, 206), (240, 226, 172), (252, 244, 218), (236, 224, 160), (246, 230, 194)]
    base = np.array(tints[variant % len(tints)], np.float32)
    yy, xx = np.mgrid[0:CARD_H, 0:CARD_W].astype(np.float32)
    grad = 1.0 - 0.05 * (xx / CARD_W) + 0.03 * (yy / CARD_H)
    img = base[None, None, :] * grad[..., None]
    canvas = np.clip(img, 0, 255).astype(np.uint8)

    layer = np.zeros((CARD_H, CARD_W), np.uint8)  # darker fine lines
    xs = np.arange(0, CARD_W + 8, 4, dtype=np.float32)
    phase = float(rng.uniform(0, 6.28))
    for i, y0 in enumerate(range(-20, CARD_H + 20, 7)):
        ys = y0 + 5.0 * np.sin(xs / 37.0 + phase + i * 0.21) + 3.0 * np.sin(xs / 13.0 + i * 0.5)
        pts = np.stack([xs, ys], axis=1).astype(np.int32)
        cv2.polylines(layer, [pts], False, 255, 1, cv2.LINE_AA)
    for i, x0 in enumerate(range(-20, CARD_W + 20, 11)):
        ys2 = np.arange(0, CARD_H + 8, 4, dtype=np.float32)
        xl = x0 + 4.0 * np.sin(ys2 / 29.0 + i * 0.33 + phase)
        pts = np.stack([xl, ys2], axis=1).astype(np.int32)
        cv2.polylines(layer, [pts], False, 120, 1, cv2.LINE_AA)
    globe = np.zeros((CARD_H, CARD_W), np.uint8)  # lighter globe grid
    gx, gy, gr = 470, 300, 330
    cv2.circle(globe, (gx, gy), gr, 255, 4, cv2.LINE_AA)
    for k in range(-3, 4):
        ax = int(abs(k) * gr / 3.4)
        cv2.ellipse(globe, (gx, gy), (ax, gr), 0, 0, 360, 255, 3, cv2.LINE_AA)
        yk = int(gy + k * gr / 4)
        half = int(math.sqrt(max(gr * gr - (yk - gy) ** 2, 0)))
        cv2.line(globe, (gx - half, yk), (gx + half, yk), 255, 3, cv2.LINE_AA)
    islands: Image8 = np.zeros((CARD_H, CARD_W), np.uint8)  # darker island map
    for icx, icy, hl, hw, ang in _ISLANDS:
        center = (int(gx + icx * gr * 1.05), int(gy + icy * gr * 0.9))
        cv2.ellipse(islands, center, (int(hl * gr), int(hw * gr)), ang, 0, 360, 255, -1, cv2.LINE_AA)
    noise = cv2.resize(rng.random((CARD_H // 16, CARD_W // 16)).astype(np.float32), (CARD_W, CARD_H))
    islands = (islands.astype(np.float32) * (noise > 0.35)).astype(np.uint8)
    islands = cv2.GaussianBlur(islands, (0, 0), 2.5)

    wm = _watermark()
    f = canvas.astype(np.float32)
    f -= (layer.astype(np.float32) / 255.0)[..., None] * np.array([8, 12, 18], np.float32)
    f += (globe.astype(np.float32) / 255.0)[..., None] * np.array([5, 8, 12], np.float32)
    f -= (islands.astype(np.float32) / 255.0)[..., None] * np.array([5, 10, 18], np.float32)
    f += wm[..., None] * np.array([8, 10, 14], np.float32)
    f -= np.roll(wm, (2, 2), axis=(0, 1))[..., None] * np.array([7, 7, 7], np.float32)
    out: Image8 = np.clip(f, 0, 255).astype(np.uint8)
    return out


def _watermark() -> NDArray[np.float32]:
    """Diagonal embossed 'KARTU TANDA PENDUDUK' text in the lower half (0..1 float mask)."""
    big = Image.new("L", (CARD_W * 2, CARD_H * 2), 0)
    d = ImageDraw.Draw(big)
    f = font("sans_bold", 54)
    text = "KARTU TANDA PENDUDUK   " * 4
    for i, y in enumerate(range(CARD_H, CARD_H * 2, 86)):
        d.text((-200 + (i % 3) * 140, y), text, font=f, fill=255)
    arr = np.asarray(big, np.uint8)
    m = cv2.getRotationMatrix2D((CARD_W, CARD_H), 24, 1.0)
    m[0, 2] -= CARD_W / 2
    m[1, 2] -= CARD_H / 2 - 170
    rot = cv2.warpAffine(arr, m, (CARD_W, CARD_H))
    yy = np.linspace(0, 1, CARD_H, dtype=np.float32)[:, None]
    fade = np.clip((yy - 0.45) * 3.0, 0, 1)
    out: NDArray[np.float32] = rot.astype(np.float32) / 255.0 * fade
    return out


@lru_cache(maxsize=1)
def card_mask() -> Image8:
    """Rounded-corner card mask (255 inside)."""
    m = np.zeros((CARD_H, CARD_W), np.uint8)
    r = CORNER_RADIUS
    cv2.rectangle(m, (r, 0), (CARD_W - 1 - r, CARD_H - 1), 255, -1)
    cv2.rectangle(m, (0, r), (CARD_W - 1, CARD_H - 1 - r), 255, -1)
    for cx, cy in ((r, r), (CARD_W - 1 - r, r), (r, CARD_H - 1 - r), (CARD_W - 1 - r, CARD_H - 1 - r)):
        cv2.circle(m, (cx, cy), r, 255, -1, cv2.LINE_AA)
    return m


# ---------------------------------------------------------------- photo, signature
def _photo(rng: random.Random, w: int, h: int, female: bool, veil: bool = True) -> Image.Image:
    """A drawn head-and-shoulders placeholder on a red or blue backdrop (never a real face).

    ``veil`` False (a foreign woman not listed as Muslim) draws no hijab; the random draws stay the same.
    """
    bg = rng.choice([(205, 35, 40), (190, 25, 30), (40, 90, 190), (60, 120, 200)])
    s = 2
    im = Image.new("RGB", (w * s, h * s), bg)
    d = ImageDraw.Draw(im)
    skin = rng.choice([(224, 184, 150), (200, 155, 120), (170, 120, 90), (235, 200, 170)])
    cloth = rng.choice([(20, 20, 25), (240, 240, 240), (60, 70, 110), (90, 40, 50), (30, 60, 40)])
    cx = w * s / 2 + rng.uniform(-8, 8) * s
    head_w, head_h = w * s * rng.uniform(0.34, 0.40), h * s * rng.uniform(0.34, 0.38)
    head_top = h * s * rng.uniform(0.14, 0.2)
    d.ellipse([cx - w * s * 0.55, h * s * 0.72, cx + w * s * 0.55, h * s * 1.35], fill=cloth)
    d.rectangle([cx - head_w * 0.22, head_top + head_h * 0.8, cx + head_w * 0.22, head_top + head_h * 1.3], fill=skin)
    d.ellipse([cx - w * s * 0.5, head_top + head_h * 1.15, cx + w * s * 0.5, h * s * 1.6], fill=cloth)
    hijab = female and rng.random() < 0.6 and veil
    hair = rng.choice([(20, 15, 12), (35, 25, 20), (60, 45, 35)])
    if hijab:
        scarf = rng.choice([(30, 30, 35), (200, 190, 170), (120, 60, 80), (60, 80, 120), (230, 230, 230)])
        d.ellipse(
            [cx - head_w * 0.72, head_top - head_h * 0.12, cx + head_w * 0.72, head_top + head_h * 1.35], fill=scarf
        )
        d.polygon(
            [
                (cx - head_w * 0.72, head_top + head_h * 0.7),
                (cx + head_w * 0.72, head_top + head_h * 0.7),
                (cx + w * s * 0.42, h * s),
                (cx - w * s * 0.42, h * s),
            ],
            fill=scarf,
        )
    else:
        long_hair = head_h * (1.25 if female else 0.75)
        d.ellipse([cx - head_w * 0.58, head_top - head_h * 0.08, cx + head_w * 0.58, head_top + long_hair], fill=hair)
    d.ellipse([cx - head_w / 2, head_top, cx + head_w / 2, head_top + head_h], fill=skin)
    shade = tuple(max(c - 45, 0) for c in skin)
    ey = head_top + head_h * 0.45
    for ex in (cx - head_w * 0.2, cx + head_w * 0.2):
        d.ellipse([ex - 5 * s, ey - 2 * s, ex + 5 * s, ey + 2 * s], fill=shade)
    d.line(
        [cx - head_w * 0.12, head_top + head_h * 0.75, cx + head_w * 0.12, head_top + head_h * 0.75],
        fill=shade,
        width=2 * s,
    )
    return im.resize((w, h), Image.Resampling.LANCZOS)


def _signature(rng: random.Random, d: ImageDraw.ImageDraw, cx: float, cy: float) -> None:
    """A random looping squiggle standing in for the holder's signature."""
    n = rng.randint(5, 9)
    pts: list[tuple[float, float]] = []
    x = cx - rng.uniform(60, 85)
    for _ in range(n):
        pts.append((x, cy + rng.uniform(-35, 35)))
        x += rng.uniform(14, 32)
    dense: list[tuple[float, float]] = []
    for i in range(len(pts) - 1):  # Catmull-Rom-ish smoothing with small loops
        p0, p1 = pts[max(i - 1, 0)], pts[i]
        p2, p3 = pts[i + 1], pts[min(i + 2, len(pts) - 1)]
        loop = rng.uniform(0, 14)
        for t in np.linspace(0, 1, 12):
            t2, t3 = t * t, t * t * t
            px = 0.5 * (
                2 * p1[0]
                + (-p0[0] + p2[0]) * t
                + (2 * p0[0] - 5 * p1[0] + 4 * p2[0] - p3[0]) * t2
                + (-p0[0] + 3 * p1[0] - 3 * p2[0] + p3[0]) * t3
            )
            py = 0.5 * (
                2 * p1[1]
                + (-p0[1] + p2[1]) * t
                + (2 * p0[1] - 5 * p1[1] + 4 * p2[1] - p3[1]) * t2
                + (-p0[1] + 3 * p1[1] - 3 * p2[1] + p3[1]) * t3
            )
            dense.append((px + loop * math.sin(t * 6.28), py + loop * math.cos(t * 6.28)))
    ink = rng.choice([(15, 15, 20), (20, 25, 60), (10, 10, 10)])
    d.line(dense, fill=ink, width=rng.randint(2, 4), joint="curve")
    if rng.random() < 0.6:
        y = cy + rng.uniform(10, 30)
        d.line([(dense[0][0] - 10, y), (dense[-1][0] + 15, y - rng.uniform(-8, 8))], fill=ink, width=2)


# ---------------------------------------------------------------- text
def _width(f: ImageFont.FreeTypeFont, text: str, gap: float | None) -> float:
    """Printed width of ``text``; with narrow word spaces when ``gap`` is set."""
    return f.getlength(text) if gap is None else spaced_advance(text, f, gap)(len(text))


def _fit(kind: str, size: int, text: str, max_w: float, gap: float | None = None) -> ImageFont.FreeTypeFont:
    """Largest font of ``kind`` not above ``size`` whose rendering of ``text`` fits ``max_w``."""
    f = font(kind, size)
    while size > 12 and _width(f, text, gap) > max_w:
        size -= 1
        f = font(kind, size)
    return f


def _wrap(text: str, f: ImageFont.FreeTypeFont, max_w: float, gap: float | None = None) -> list[str]:
    """Split ``text`` into at most two lines at a word boundary, as the card printer does for Alamat."""
    if _width(f, text, gap) <= max_w:
        return [text]
    words = text.split(" ")
    for cut in range(len(words) - 1, 0, -1):
        first = " ".join(words[:cut])
        if _width(f, first, gap) <= max_w:
            return [first, " ".join(words[cut:])]
    return [text]


def _draw_text(
    d: ImageDraw.ImageDraw,
    xy: tuple[float, float],
    text: str,
    f: ImageFont.FreeTypeFont,
    fill: tuple[int, int, int],
    anchor: str = "ls",
) -> Box:
    d.text(xy, text, font=f, fill=fill, anchor=anchor)
    x0, y0, x1, y1 = d.textbbox(xy, text, font=f, anchor=anchor)
    return _rect(x0, y0, x1, y1)


def _sub_box(
    d: ImageDraw.ImageDraw, xy: tuple[float, float], full: str, start: int, end: int, f: ImageFont.FreeTypeFont
) -> Box:
    """Box of ``full[start:end]`` inside a text drawn at ``xy`` (baseline-left anchor)."""
    x = xy[0] + f.getlength(full[:start])
    _, y0, _, y1 = d.textbbox(xy, full, font=f, anchor="ls")
    return _rect(x, y0, x + f.getlength(full[start:end].rstrip()), y1)


def _value(
    d: ImageDraw.ImageDraw, xy: tuple[float, float], text: str, f: ImageFont.FreeTypeFont, ink: Ink, gap: float | None
) -> Box:
    """Draw one value line, with narrow word spaces when ``gap`` is set (a condensed print)."""
    if gap is None:
        return _draw_text(d, xy, text, f, ink)
    return draw_spaced(d, xy, text, f, ink, gap)


def _under_photo(
    d: ImageDraw.ImageDraw,
    ident: dict[str, str],
    plan: PrintPlan | None,
    box: tuple[int, int, int, int],
    tsize: int,
    sans: str,
    ink: Ink,
) -> tuple[dict[str, Box], int]:
    """Issue place (one line, or prefix and name on two) and issue date, centred under the photo.

    Returns their boxes and the extra height the second place line takes (the signature moves down by it).
    """
    px0, _, px1, py1 = box
    pcx = (px0 + px1) / 2
    place = ident["tempat_terbit"]
    gap = plan.word_gap.get("tempat_terbit") if plan else None
    lines = split_place(place) if plan and plan.two_line_place else [place]
    boxes: dict[str, Box] = {}
    if len(lines) == 1 and gap is None:
        ft = _fit(sans, tsize, place, px1 - px0 + 30)
        boxes["tempat_terbit"] = _draw_text(d, (pcx, py1 + 30), place, ft, ink, anchor="ms")
        extra = 0
    else:
        pitch = tsize + 3
        top = py1 + (30 if len(lines) == 1 else 27)
        union: Box | None = None
        for i, line in enumerate(lines):
            ft = _fit(sans, tsize, line, px1 - px0 + 30, gap)
            b = draw_spaced(d, (pcx, top + i * pitch), line, ft, ink, 1.0 if gap is None else gap, centred=True)
            union = b if union is None else _union(union, b)
        assert union is not None
        boxes["tempat_terbit"] = union
        extra = (len(lines) - 1) * (pitch - 3)
    boxes["tanggal_terbit"] = _draw_text(
        d, (pcx, py1 + 57 + extra), ident["tanggal_terbit"], font(sans, tsize), ink, anchor="ms"
    )
    return boxes, extra


def render_card(ident: dict[str, str], rng: random.Random, plan: PrintPlan | None = None) -> RenderedCard:
    """Render ``ident`` on an upright 1012x638 card; return the image, mask and every value's box.

    ``plan`` (the ``words`` profile) asks for print variations; without it the card is drawn exactly as the
    older profiles always drew it, drawing the same random numbers in the same order.
    """
    variant = rng.randrange(6)
    bg = _background(variant)
    im = Image.fromarray(cv2.cvtColor(bg, cv2.COLOR_BGR2RGB))
    d = ImageDraw.Draw(im)
    bold = rng.random() < 0.3
    sans = "sans_bold" if bold else "sans"
    ink_v = rng.randint(5, 35)
    ink = (ink_v, ink_v, ink_v + rng.randint(0, 10))
    jx, jy = rng.uniform(-6, 6), rng.uniform(-5, 5)
    boxes: dict[str, Box] = {}

    # header: two centred lines
    hsize = rng.randint(31, 34)
    cx = CARD_W / 2 + jx + rng.uniform(-8, 8)
    line1 = f"PROVINSI {ident['provinsi']}"
    f1 = _fit(sans, hsize, line1, CARD_W - 120)
    x1 = cx - f1.getlength(line1) / 2
    y1 = 56 + jy
    d.text((x1, y1), line1, font=f1, fill=ink, anchor="ls")
    boxes["provinsi"] = _sub_box(d, (x1, y1), line1, len("PROVINSI "), len(line1), f1)
    f2 = _fit(sans, hsize, ident["kabupaten_kota"], CARD_W - 120)
    boxes["kabupaten_kota"] = _draw_text(d, (cx, 56 + 33 + jy), ident["kabupaten_kota"], f2, ink, anchor="ms")

    # NIK line
    ocr = font("ocr", rng.randint(37, 39))
    nik_y = 146 + jy
    d.text((25 + jx, nik_y), "NIK", font=ocr, fill=ink, anchor="ls")
    d.text((180 + jx, nik_y), ":", font=ocr, fill=ink, anchor="ls")
    boxes["nik"] = _draw_text(d, (220 + jx, nik_y), ident["nik"], ocr, ink)

    # label / value rows, as the template lists them
    lsize = rng.randint(22, 24)
    lab_f = font(sans, lsize)
    pitch = rng.uniform(29.5, 31.0)
    colon_x = 228 + jx + rng.uniform(-4, 4)
    val_x = colon_x + 10
    max_w = _VALUE_RIGHT - val_x
    y = 190 + jy
    # printing quirks seen on real cards; the field values stay normalised (upper case, NNN/NNN)
    gol_label = rng.choice([BLOOD_ROW.label, BLOOD_ROW.label, "Gol Darah"])
    kelamin_label = "Jenis kelamin" if rng.random() < 0.3 else "Jenis Kelamin"
    printed = dict(ident)
    if rng.random() < 0.2:
        printed["rt_rw"] = ident["rt_rw"].replace("/", " / ")
    if rng.random() < 0.08:
        printed["status_perkawinan"] = ident["status_perkawinan"].title()
    gaps = plan.word_gap if plan else {}
    wraps = {f for r in ROWS if r.wraps for f in r.fields} if plan and plan.wrap_by_template else _LEGACY_WRAPS
    faint = FaintLabels((CARD_W, CARD_H), plan.seed) if plan and plan.faint_labels else None

    def label(row_key: str, xy: tuple[float, float], text: str) -> None:
        if faint is not None and plan is not None and row_key in plan.faint_labels:
            faint.add(xy, text, lab_f, *plan.faint_labels[row_key])
        else:
            d.text(xy, text, font=lab_f, fill=ink, anchor="ls")

    for row in ROWS:
        if row.fields == ("nik",):  # printed above in the OCR face
            continue
        key = row.fields[0] if len(row.fields) == 1 else "tempat_tgl_lahir"
        text_label = kelamin_label if key == "jenis_kelamin" else row.label
        lx = (75 if row.indented else 25) + jx
        label(row.key, (lx, y), text_label)
        colon_here = max(colon_x, lx + lab_f.getlength(text_label) + 2)
        d.text((colon_here, y), ":", font=lab_f, fill=ink, anchor="ls")
        vx = max(val_x, colon_here + 10)
        if key == "tempat_tgl_lahir":
            place, date = row.fields
            text = f"{ident[place]}, {ident[date]}"
            gap = gaps.get(place)
            f = _fit(sans, lsize, text, max_w, gap)
            n = len(ident[place])
            if gap is None:
                d.text((vx, y), text, font=f, fill=ink, anchor="ls")
                boxes[place] = _sub_box(d, (vx, y), text, 0, n, f)
                boxes[date] = _sub_box(d, (vx, y), text, n + 2, len(text), f)
            else:
                draw_spaced(d, (vx, y), text, f, ink, gap)
                boxes[place] = sub_box_spaced(d, (vx, y), text, 0, n, f, gap)
                boxes[date] = sub_box_spaced(d, (vx, y), text, n + 2, len(text), f, gap)
        elif key == "jenis_kelamin":
            boxes[key] = _draw_text(d, (vx, y), ident[key], lab_f, ink)
            gx = 500 + jx + rng.uniform(-6, 10)
            label(BLOOD_ROW.key, (gx, y), gol_label)
            gcol = gx + lab_f.getlength(gol_label) + rng.choice([4, 12, 22])
            d.text((gcol, y), ":", font=lab_f, fill=ink, anchor="ls")
            (blood,) = BLOOD_ROW.fields
            if plan is not None and plan.blood_blank and ident[blood] == "-":  # unknown type left blank
                boxes[blood] = draw_spaced(d, (gcol + 10, y), "", lab_f, ink, 1.0)
            else:
                boxes[blood] = _draw_text(d, (gcol + 10, y), ident[blood], lab_f, ink)
        elif key in wraps:
            lines = _wrap(printed[key], lab_f, max_w, gaps.get(key))
            box: Box | None = None
            for i, line in enumerate(lines):
                f = _fit(sans, lsize, line, max_w, gaps.get(key))
                b = _value(d, (vx, y + i * pitch), line, f, ink, gaps.get(key))
                box = b if box is None else _union(box, b)
            assert box is not None
            boxes[key] = box
            y += (len(lines) - 1) * pitch
        else:
            f = _fit(sans, lsize, printed[key], max_w, gaps.get(key))
            boxes[key] = _value(d, (vx, y), printed[key], f, ink, gaps.get(key))
        y += pitch

    # photo, issue place/date, signature
    px0, py0, px1, py1 = (int(v + jx * 0.5) for v in _PHOTO)
    female = ident["jenis_kelamin"] in ("PEREMPUAN", "FEMALE")
    veil = ident["jenis_kelamin"] != "FEMALE" or ident["agama"] in ("MOSLEM", "ISLAM")
    im.paste(_photo(rng, px1 - px0, py1 - py0, female, veil), (px0, py0))
    pcx = (px0 + px1) / 2
    tsize = rng.randint(20, 22)
    under, extra = _under_photo(d, ident, plan, (px0, py0, px1, py1), tsize, sans, ink)
    boxes.update(under)
    _signature(rng, d, pcx + rng.uniform(-20, 20), py1 + 110 + extra)

    rgb = np.asarray(im, np.uint8)
    if faint is not None:
        rgb = faint.apply(rgb, ink)
    out = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
    soft = rng.uniform(0.35, 0.75)  # dye-sublimation print under laminate is never razor sharp
    out = cv2.GaussianBlur(out, (0, 0), soft)
    # tiny per-card tint change so cards of one variant are not pixel-identical
    gain = np.array([rng.uniform(0.97, 1.03) for _ in range(3)], np.float32)
    out = np.clip(out.astype(np.float32) * gain, 0, 255).astype(np.uint8)
    style: dict[str, object] = {
        "variant": variant,
        "bold": bold,
        "label_size": lsize,
        "header_size": hsize,
        "print_blur": round(soft, 3),
        "rt_rw_printed": printed["rt_rw"],
        "status_printed": printed["status_perkawinan"],
    }
    return RenderedCard(image=out, mask=card_mask(), boxes=boxes, style=style)

"""Scenes around a card: things on the table that are card-shaped but no document, and a second card.

A phone photo of a card on a table shows more than the card: a bright reflection of a window on a glossy table, a
sheet of blank paper, a phone, a book. Each is a strong rectangle, and none is a document: the reader must read
the one card and not answer ``MULTIPLE_DOCUMENTS_DETECTED``. A second card beside the first, or overlapping it, is
a second document and must be reported. ``clutter`` and ``two_cards`` draw these scenes; each is seeded from
``(seed, index)`` alone, like every synthetic card, and labelled with the card's fields and corners (for
``two_cards``, the larger card's, and the other's corners under ``other_corners``).
"""

from __future__ import annotations

import math
import random
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from . import backgrounds as bgs
from .capture import capture
from .card import CARD_H, CARD_W, RenderedCard, render_card
from .identity import FIELDS, make_identity

SCENES = ("clutter", "two_cards")
CLUTTER = ("reflection", "paper", "phone", "book")
# (long side, short side) of each thing as a share of the card's displayed long side
SIZES = {"reflection": (1.0, 0.6), "paper": (1.9, 1.35), "phone": (1.75, 0.85), "book": (2.0, 1.4)}
FloatImg = NDArray[np.float32]


def render_scene(seed: int, index: int, scene: str) -> tuple[NDArray[np.uint8], dict[str, Any]]:
    """The BGR image of scene ``scene`` for card ``index`` of set ``seed``, and its label entry."""
    if scene not in SCENES:
        raise ValueError(f"unknown scene {scene!r}; choose one of {', '.join(SCENES)}")
    base = f"ktp-synth:{seed}:{index}:{scene}"
    rng, nrng = random.Random(base), np.random.default_rng([seed, index, 11 + SCENES.index(scene)])
    ident = make_identity(random.Random(base + ":id"))
    card = render_card(ident, rng)
    if scene == "clutter":
        override = {"frac": rng.uniform(0.3, 0.42), "background": rng.choice(["wood", "desk", "fabric", "plain"])}
        override |= {"hand": False, "crop": 0.0, "quarter": 0, "mirror": False, "glare": 0, "low_res": 0}
        cap = capture(card, "phone", rng, nrng, override)
        things: list[str] = []
        image = add_clutter(cap.image, np.asarray(cap.corners), rng, nrng, things)
        return image, _entry(ident, cap.corners, scene, things)
    return _two_cards(card, ident, rng, nrng)


def add_clutter(
    image: NDArray[np.uint8],
    card: np.ndarray,
    rng: random.Random,
    nrng: np.random.Generator,
    placed: list[str] | None = None,
) -> NDArray[np.uint8]:
    """``image`` with one to three non-documents drawn beside the card (corners ``card``); their names are added
    to ``placed``."""
    canvas = image.astype(np.float32)
    for thing in rng.sample(CLUTTER, rng.randint(1, 3)):
        if _place(canvas, card, thing, rng, nrng) and placed is not None:
            placed.append(thing)
    return np.clip(canvas, 0, 255).astype(np.uint8)


def _entry(ident: dict[str, str], corners: Any, scene: str, things: list[str]) -> dict[str, Any]:
    return {
        "fields": {k: ident[k] for k in FIELDS},
        "unreadable": [],
        "conditions": ["photo", "cluttered_background"],
        "notes": f"synthetic scene {scene}: {', '.join(things) or 'nothing placed'}",
        "corners": [[round(float(x), 1), round(float(y), 1)] for x, y in corners],
        "effects": [{"name": "scene", "scene": scene, "things": things}],
    }


def _place(image: FloatImg, card: np.ndarray, thing: str, rng: random.Random, nrng: np.random.Generator) -> bool:
    """Draw ``thing`` beside the card (not over it; it may run off the frame); False when no place was free."""
    h, w = image.shape[:2]
    card_long = float(np.linalg.norm(card[1] - card[0]))
    long_side, short_side = (s * card_long * rng.uniform(0.85, 1.15) for s in SIZES[thing])
    card_area = np.zeros((h, w), np.uint8)
    cv2.fillConvexPoly(card_area, np.round(card).astype(np.int32), 255)
    card_mask = np.asarray(cv2.dilate(card_area, np.ones((15, 15), np.uint8)), np.uint8)
    for _ in range(40):
        angle = rng.uniform(-30, 30) + rng.choice([0, 90])
        centre = (rng.uniform(0, w), rng.uniform(0, h))
        quad = _rectangle(centre, long_side, short_side, angle)
        mask = np.zeros((h, w), np.uint8)
        cv2.fillConvexPoly(mask, np.round(quad).astype(np.int32), 255)
        inside = int(mask.astype(bool).sum())
        if inside < 0.4 * long_side * short_side or (mask & card_mask).any():
            continue
        soft = np.asarray(cv2.GaussianBlur(mask.astype(np.float32) / 255.0, (0, 0), 1.0), np.float32)
        _DRAW[thing](image, soft, quad, rng, nrng)
        return True
    return False


def _reflection(image: FloatImg, mask: FloatImg, quad: np.ndarray, rng: random.Random, _: np.random.Generator) -> None:
    """A window's reflection on a glossy table: a bright, smooth, card-shaped patch, its edges soft."""
    glow = bgs.soft_blur(mask, max(2.0, 0.03 * float(np.linalg.norm(quad[1] - quad[0]))))
    image += (255.0 - image) * (rng.uniform(0.55, 0.9) * glow)[..., None]


def _paper(image: FloatImg, mask: FloatImg, quad: np.ndarray, rng: random.Random, nrng: np.random.Generator) -> None:
    """A blank sheet (a few faint ruled lines at most): white, lying flat, with a soft shadow."""
    shadow = np.roll(bgs.soft_blur(mask, 6.0), (5, 4), axis=(0, 1))
    image *= (1.0 - 0.25 * shadow)[..., None]
    level = rng.uniform(225, 250)
    bgs.paint(image, mask, (level, level + rng.uniform(-4, 2), level + rng.uniform(-6, 3)))
    if rng.random() < 0.4:  # ruled paper: pale lines across it
        lines = np.zeros(mask.shape, np.float32)
        for y in range(0, mask.shape[0], int(rng.uniform(18, 30))):
            lines[y : y + 1] = 1.0
        bgs.paint(image, lines * mask * 0.35, (220.0, 200.0, 180.0))


def _phone(image: FloatImg, mask: FloatImg, quad: np.ndarray, rng: random.Random, _: np.random.Generator) -> None:
    """A phone lying face up: a black body and a dark or dimly lit screen inset in it."""
    bgs.paint(image, mask, (25.0, 25.0, 28.0))
    inner = cv2.erode(mask, np.ones((9, 9), np.uint8))
    level = rng.uniform(35, 90)
    bgs.paint(image, inner, (level * 1.2, level, level * 0.9))


def _book(image: FloatImg, mask: FloatImg, quad: np.ndarray, rng: random.Random, nrng: np.random.Generator) -> None:
    """A closed book: a plain coloured cover with a darker spine band along one side."""
    colour = tuple(float(c) for c in nrng.uniform(30, 200, 3))
    bgs.paint(image, mask, colour)  # type: ignore[arg-type]
    spine = np.zeros(mask.shape, np.uint8)
    a, b, c, d = quad
    band = np.array([a, a + (b - a) * 0.08, d + (c - d) * 0.08, d])
    cv2.fillConvexPoly(spine, np.round(band).astype(np.int32), 255)
    bgs.paint(image, spine.astype(np.float32) / 255.0 * mask, tuple(0.6 * v for v in colour))  # type: ignore[arg-type]


_DRAW = {"reflection": _reflection, "paper": _paper, "phone": _phone, "book": _book}


def _two_cards(
    card: RenderedCard, ident: dict[str, str], rng: random.Random, nrng: np.random.Generator
) -> tuple[NDArray[np.uint8], dict[str, Any]]:
    """Two cards on a table, side by side or one over the other's edge, both in full view."""
    other = render_card(make_identity(random.Random(rng.random())), rng)
    w, h = rng.choice([(1600, 1200), (1400, 1050), (1920, 1080)])
    image = bgs.make_background(rng.choice(["wood", "desk", "fabric", "plain"]), nrng, h, w)
    overlap = rng.random() < 0.4
    long_a = w * rng.uniform(0.36, 0.44)
    long_b = long_a * rng.uniform(0.8, 1.0)
    centre_a = np.array([w * 0.28, h * rng.uniform(0.35, 0.65)])
    gap = (long_a + long_b) / 2 * (rng.uniform(0.7, 0.8) if overlap else rng.uniform(1.05, 1.2))
    turn = math.radians(rng.uniform(-12, 12))
    centre_b = centre_a + gap * np.array([math.cos(turn), math.sin(turn)]) + [0, rng.uniform(-0.1, 0.1) * h]
    corners = {}
    for name, rendered, centre, long_side in (("b", other, centre_b, long_b), ("a", card, centre_a, long_a)):
        quad = _rectangle(
            (float(centre[0]), float(centre[1])), long_side, long_side * CARD_H / CARD_W, rng.uniform(-15, 15)
        )
        src = np.array([[0, 0], [CARD_W, 0], [CARD_W, CARD_H], [0, CARD_H]], np.float32)
        warp = cv2.getPerspectiveTransform(src, quad.astype(np.float32))
        face = cv2.warpPerspective(rendered.image.astype(np.float32), warp, (w, h))
        alpha = cv2.warpPerspective(rendered.mask.astype(np.float32) / 255.0, warp, (w, h))
        image = image * (1 - alpha[..., None]) + face * alpha[..., None]  # card a is laid last: on top
        corners[name] = quad
    image = cv2.GaussianBlur(image, (0, 0), rng.uniform(0.3, 0.9)) + nrng.normal(0, 2.0, image.shape)
    entry = _entry(ident, corners["a"], "two_cards", ["overlapping" if overlap else "side by side"])
    entry["other_corners"] = [[round(float(x), 1), round(float(y), 1)] for x, y in corners["b"]]
    return np.clip(image, 0, 255).astype(np.uint8), entry


def _rectangle(centre: tuple[float, float], long_side: float, short_side: float, degrees: float) -> np.ndarray:
    """TL TR BR BL of a rectangle lying with its long side across, turned by ``degrees`` about ``centre``."""
    t = math.radians(degrees)
    along, across = np.array([math.cos(t), math.sin(t)]), np.array([-math.sin(t), math.cos(t)])
    half = [(-1, -1), (1, -1), (1, 1), (-1, 1)]
    return np.array([np.asarray(centre) + a * along * long_side / 2 + b * across * short_side / 2 for a, b in half])

"""Printing variations the ``words`` profile asks of the card renderer.

Real cards are not all printed alike: some printers set values in a condensed face whose word spaces nearly
vanish (``JL.MAWAR NO.12``), some print a label faintly or the laminate wears it away, the issue place under
the photo is broken over two lines when it carries its ``KOTA``/``KABUPATEN`` prefix, and an unknown blood type
is left blank instead of printed as ``-``.  :class:`PrintPlan` says which of these a card gets; ``None`` (every
other profile) renders the card exactly as before, so those sets stay reproducible byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFont

Box = list[list[float]]
RGB = tuple[int, int, int]
Font = ImageFont.FreeTypeFont


@dataclass(frozen=True)
class PrintPlan:
    """How one card departs from the standard print.

    ``word_gap`` maps a field to its word space as a share of the font's normal space; ``faint_labels`` maps a
    row key (``template.Row.key``) to ``(contrast, worn)``: the label's ink strength and the share of it worn
    away; ``wrap_by_template`` wraps every row the template marks ``wraps`` (the older profiles wrap only
    Alamat); ``seed`` drives the wear pattern.
    """

    word_gap: dict[str, float] = field(default_factory=dict)
    faint_labels: dict[str, tuple[float, float]] = field(default_factory=dict)
    two_line_place: bool = False
    blood_blank: bool = False
    wrap_by_template: bool = True
    seed: int = 0


def rect(x0: float, y0: float, x1: float, y1: float) -> Box:
    """A box (TL, TR, BR, BL) rounded as the label file stores it."""
    return [
        [round(x0, 1), round(y0, 1)],
        [round(x1, 1), round(y0, 1)],
        [round(x1, 1), round(y1, 1)],
        [round(x0, 1), round(y1, 1)],
    ]


def spaced_advance(text: str, f: Font, gap: float) -> Callable[[int], float]:
    """x offset of character ``i`` of ``text`` when every space advances ``gap`` of its normal width."""
    shrink = (1.0 - gap) * f.getlength(" ")

    def advance(i: int) -> float:
        return f.getlength(text[:i]) - text[:i].count(" ") * shrink

    return advance


def draw_spaced(
    d: ImageDraw.ImageDraw, xy: tuple[float, float], text: str, f: Font, fill: RGB, gap: float, centred: bool = False
) -> Box:
    """Draw ``text`` word by word with narrow spaces (baseline at ``xy[1]``); return its box.

    ``centred`` centres the line on ``xy[0]`` (the issue place and date under the photo are centred).
    """
    adv = spaced_advance(text, f, gap)
    x = xy[0] - adv(len(text)) / 2 if centred else xy[0]
    boxes: list[tuple[float, float, float, float]] = []
    start = 0
    for word in text.split(" "):
        if word:
            at = (x + adv(start), xy[1])
            d.text(at, word, font=f, fill=fill, anchor="ls")
            boxes.append(d.textbbox(at, word, font=f, anchor="ls"))
        start += len(word) + 1
    if not boxes:  # nothing printed: the slot one letter wide where the value would be
        return rect(*d.textbbox((x, xy[1]), "O", font=f, anchor="ls"))
    return rect(min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def sub_box_spaced(
    d: ImageDraw.ImageDraw, xy: tuple[float, float], full: str, start: int, end: int, f: Font, gap: float
) -> Box:
    """Box of ``full[start:end]`` inside a line drawn by :func:`draw_spaced` at ``xy`` (not centred)."""
    adv = spaced_advance(full, f, gap)
    stop = start + len(full[start:end].rstrip())
    _, y0, _, y1 = d.textbbox(xy, full, font=f, anchor="ls")
    return rect(xy[0] + adv(start), y0, xy[0] + adv(stop), y1)


def split_place(place: str) -> list[str]:
    """The issue place as printed on two lines: the ``KOTA``/``KABUPATEN`` prefix, then the name."""
    head, _, rest = place.partition(" ")
    return [head, rest] if rest and head in ("KOTA", "KABUPATEN") else [place]


class FaintLabels:
    """Labels printed faint or worn: drawn on a layer of their own, then laid on the card at reduced strength.

    Fading the glyphs (not painting over them) keeps the guilloche under a worn label, as on a rubbed card.
    """

    def __init__(self, size: tuple[int, int], seed: int) -> None:
        self.layer = Image.new("L", size, 0)
        self.draw = ImageDraw.Draw(self.layer)
        self.strength: NDArray[np.float32] = np.zeros((size[1], size[0]), np.float32)
        self.rng = np.random.default_rng(seed)

    def add(self, xy: tuple[float, float], label: str, f: Font, contrast: float, worn: float) -> None:
        """Queue ``label`` at ``xy`` with ink ``contrast`` (0..1), a share ``worn`` of it rubbed away."""
        self.draw.text(xy, label, font=f, fill=255, anchor="ls")
        x0, y0, x1, y1 = (round(v) for v in self.draw.textbbox(xy, label, font=f, anchor="ls"))
        x0, y0 = max(x0 - 2, 0), max(y0 - 2, 0)
        x1, y1 = min(x1 + 2, self.strength.shape[1]), min(y1 + 2, self.strength.shape[0])
        if x1 <= x0 or y1 <= y0:
            return
        keep = np.full((y1 - y0, x1 - x0), contrast, np.float32)
        if worn > 0:  # wear comes in blotches a few letters wide, not as salt-and-pepper
            coarse = self.rng.random((max((y1 - y0) // 8, 2), max((x1 - x0) // 14, 2))).astype(np.float32)
            noise = cv2.resize(coarse, (x1 - x0, y1 - y0), interpolation=cv2.INTER_CUBIC)
            cut = float(np.quantile(noise, worn))
            keep *= np.clip((noise - cut) / 0.08, 0.0, 1.0)
        self.strength[y0:y1, x0:x1] = keep

    def apply(self, rgb: NDArray[Any], ink: RGB) -> NDArray[Any]:
        """``rgb`` (uint8 card) with the queued labels laid on it."""
        a = np.asarray(self.layer, np.float32) / 255.0 * self.strength
        out = rgb.astype(np.float32) * (1.0 - a[..., None]) + np.array(ink, np.float32) * a[..., None]
        result: NDArray[Any] = np.clip(out, 0, 255).astype(np.uint8)
        return result

"""The small interface every OCR engine implements: an image in, text lines with boxes out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np


@dataclass(frozen=True, slots=True)
class TextLine:
    """One detected line: its text, the recogniser's 0-1 score, and its box (4x2, TL TR BR BL) in image pixels."""

    text: str
    score: float
    box: np.ndarray

    @property
    def x0(self) -> float:
        return float(self.box[:, 0].min())

    @property
    def x1(self) -> float:
        return float(self.box[:, 0].max())

    @property
    def y0(self) -> float:
        return float(self.box[:, 1].min())

    @property
    def y1(self) -> float:
        return float(self.box[:, 1].max())

    @property
    def cy(self) -> float:
        return float(self.box[:, 1].mean())

    @property
    def height(self) -> float:
        return self.y1 - self.y0


class OcrEngine(Protocol):
    """Engines are built once and may be called from several threads."""

    name: str

    def detect(self, image: np.ndarray) -> list[np.ndarray]:
        """Boxes (4x2, TL TR BR BL) of the text lines in a BGR image, without reading them."""
        ...

    def recognize(self, image: np.ndarray) -> list[TextLine]:
        """Read every text line in a BGR image."""
        ...

    def read_boxes(self, image: np.ndarray, boxes: list[np.ndarray]) -> list[TextLine]:
        """Read the given line boxes without detecting (the same card turned or mirrored: only rec changes)."""
        ...

    def upside_down(self, image: np.ndarray, boxes: list[np.ndarray]) -> float:
        """0-1: how likely the text in these boxes is turned 180 degrees (a cheap check before a second read)."""
        ...

"""An OCR engine wrapper for the scripts and the tests: it counts the passes a reader takes through an engine.

Tests import it through ``tests/fakes.py`` (scripts/ on the path for the import, as scripts import each other).
"""

from __future__ import annotations

import numpy as np

from ktp_ocr.ocr import OcrEngine, TextLine


class PassCounter:
    """Any engine (the real one or a fake), counting the OCR passes a reader takes through it: a full reading
    (``recognize``) and a reading of known boxes (``read_boxes``) are one pass each. A detection is no pass; the
    longer side of each image the reader asks to detect on is kept in ``detect_sides``."""

    def __init__(self, engine: OcrEngine) -> None:
        self.engine, self.name, self.passes = engine, engine.name, 0
        self.detect_sides: list[int] = []

    def detect(self, image: np.ndarray) -> list[np.ndarray]:
        self.detect_sides.append(max(image.shape[:2]))
        return self.engine.detect(image)

    def recognize(self, image: np.ndarray) -> list[TextLine]:
        self.passes += 1
        return self.engine.recognize(image)

    def read_boxes(self, image: np.ndarray, boxes: list[np.ndarray]) -> list[TextLine]:
        self.passes += 1
        return self.engine.read_boxes(image, boxes)

    def upside_down(self, image: np.ndarray, boxes: list[np.ndarray]) -> float:
        return self.engine.upside_down(image, boxes)

"""RapidOCR engine: PP-OCR ONNX models shipped inside the ``rapidocr`` wheel, run by onnxruntime.

Nothing is downloaded: the default det/rec models are the ones in the wheel. The text-angle classifier is off
because the aligner already turned the card upright, which saves a model pass per line. The recogniser's CTC
decoder is replaced by one that restores the narrow word spaces greedy decoding drops (``spaces.py``).
"""

from __future__ import annotations

import logging
import threading

import numpy as np

from .base import TextLine
from .spaces import SPACE_MIN_PROB, SpacedCtcDecode

DET_LIMIT_SIDE = 960


class RapidOcrEngine:
    name = "rapidocr"

    def __init__(self, space_min_prob: float | None = SPACE_MIN_PROB) -> None:
        """``space_min_prob``: P(space) that turns a glued word gap into a space; None keeps greedy decoding."""
        from rapidocr import RapidOCR

        logging.getLogger("RapidOCR").setLevel(logging.WARNING)
        self._ocr = RapidOCR(
            params={
                "Global.log_level": "warning",
                "Global.use_cls": False,
                "Global.text_score": 0.3,
                "Det.limit_type": "max",
                "Det.limit_side_len": DET_LIMIT_SIDE,
            }
        )
        if space_min_prob is not None:
            rec = self._ocr._load_rec_model()  # type: ignore[no-untyped-call]
            rec.postprocess_op = SpacedCtcDecode(rec.postprocess_op, space_min_prob)
        # RapidOCR keeps per-call settings on the instance, so calls are serialised; onnxruntime already
        # spreads one call over every core.
        self._lock = threading.Lock()

    def detect(self, image: np.ndarray) -> list[np.ndarray]:
        with self._lock:
            out = self._ocr(image, use_rec=False)
            self._ocr.use_rec = True  # RapidOCR keeps a per-call switch on the instance
        boxes = getattr(out, "boxes", None)
        return [] if boxes is None else [np.asarray(b, dtype=np.float32) for b in boxes]

    def recognize(self, image: np.ndarray) -> list[TextLine]:
        with self._lock:
            out = self._ocr(image)
        boxes, texts, scores = (getattr(out, name, None) for name in ("boxes", "txts", "scores"))
        if boxes is None or texts is None or scores is None:
            return []
        return [
            TextLine(text=str(text), score=float(score), box=np.asarray(box, dtype=np.float32))
            for box, text, score in zip(boxes, texts, scores, strict=True)
        ]

"""RapidOCR engine: PP-OCR ONNX models shipped inside the ``rapidocr`` wheel, on the runtime of ``runtime.py``.

Nothing is downloaded: the det/rec/cls models are the ones in the wheel. RapidOCR keeps the pre- and
post-processing (resizing, DB boxes, crops, CTC); the inference sessions are ours (threads, spinning, backend).
The text-angle classifier is not run on every line: the aligner already turned the card upright, and
:meth:`RapidOcrEngine.upside_down` asks it about a few lines only when the reader doubts the orientation.
The recogniser's CTC decoder is replaced by one that restores the narrow word spaces greedy decoding drops
(``spaces.py``).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

import numpy as np

from .base import TextLine
from .runtime import Runtime, disable_telemetry, resolve
from .spaces import SPACE_MIN_PROB, LineScore, SpacedCtcDecode

DET_LIMIT_SIDE = 960
TEXT_SCORE = 0.3  # lines the recogniser reads below this are dropped (marks, background texture)
# RapidOCR's recogniser batching, kept: lines sorted by width, six to a call, each padded to the widest in its call
# and to at least 320 px (6.7:1) at the model's 48 px height, the shape it was trained on. Less padding costs less
# (one line a call: 0.94x the CPU per card; no padding at all: 0.83x) but lost 2 and 6 fields of the dev photos,
# at the ends of short lines (2026-11-30, scripts/bench_speed.py).
REC_BATCH = 6
REC_MIN_WIDTH = 320
CLS_LINES = 4  # the widest lines tell the text's orientation; one is noise, more cost time for nothing


class RapidOcrEngine:
    name = "rapidocr"

    def __init__(self, runtime: Runtime | None = None, space_min_prob: float | None = SPACE_MIN_PROB) -> None:
        """``space_min_prob``: P(space) that turns a glued word gap into a space; None keeps greedy decoding."""
        disable_telemetry()  # RapidOCR imports onnxruntime and builds default sessions of its own first
        from rapidocr import RapidOCR

        logging.getLogger("RapidOCR").setLevel(logging.WARNING)
        self.runtime = runtime or resolve()
        self._ocr = RapidOCR(
            params={
                "Global.log_level": "warning",
                "Global.use_cls": False,
                "Global.text_score": TEXT_SCORE,
                "Det.limit_type": "max",
                "Det.limit_side_len": DET_LIMIT_SIDE,
                "Rec.rec_batch_num": REC_BATCH,
                "Rec.rec_img_shape": [3, 48, REC_MIN_WIDTH],
            }
        )
        # RapidOCR builds each stage with default onnxruntime sessions; ours replace them before any call.
        stages = {
            "det": self._ocr._load_det_model(),  # type: ignore[no-untyped-call]
            "rec": self._ocr._load_rec_model(),  # type: ignore[no-untyped-call]
            "cls": self._ocr._load_cls_model(),  # type: ignore[no-untyped-call]
        }
        for key, stage in stages.items():
            stage.session = self.runtime.load(_model_file(self._ocr.cfg[key.capitalize()]))
        self._rec, self._cls = stages["rec"], stages["cls"]
        if space_min_prob is not None:
            self._rec.postprocess_op = SpacedCtcDecode(self._rec.postprocess_op, space_min_prob)
        # RapidOCR keeps per-call switches on the instance: one call at a time per engine. A service runs one
        # engine per worker, so this lock is never contended there.
        self._lock = threading.Lock()

    def detect(self, image: np.ndarray) -> list[np.ndarray]:
        with self._lock:
            out = self._ocr(image, use_rec=False)
            self._ocr.use_rec = True  # RapidOCR keeps a per-call switch on the instance
        boxes = getattr(out, "boxes", None)
        return [] if boxes is None else [np.asarray(b, dtype=np.float32) for b in boxes]

    def recognize(self, image: np.ndarray) -> list[TextLine]:
        """Detect, then read every box: the same path as a second reading of known boxes."""
        return self.read_boxes(image, self.detect(image))

    def read_boxes(self, image: np.ndarray, boxes: list[np.ndarray]) -> list[TextLine]:
        """Read known line boxes without detecting again (the same card turned or mirrored)."""
        if not boxes:
            return []
        crops = self._ocr.crop_text_regions(image, np.asarray(boxes, dtype=np.float32))
        with self._lock:
            out = self._ocr.recognize_txt(crops)
        texts, scores = out.txts or (), out.scores or ()
        return [
            TextLine(text=str(text), score=_score(score), box=np.asarray(box, dtype=np.float32))
            for box, text, score in zip(boxes, texts, scores, strict=True)
            if text.strip() and score >= TEXT_SCORE
        ]

    def upside_down(self, image: np.ndarray, boxes: list[np.ndarray]) -> float:
        """0-1: how sure the angle classifier is that the text is turned 180 degrees (the widest lines vote)."""
        wide = sorted(boxes, key=lambda b: -float(np.linalg.norm(b[1] - b[0])))[:CLS_LINES]
        if not wide:
            return 0.0
        crops = self._ocr.crop_text_regions(image, np.asarray(wide, dtype=np.float32))
        with self._lock:
            out = self._cls(crops)
        votes = [score if "180" in label else 1.0 - score for label, score in out.cls_res]
        return float(np.mean(votes))


def _score(score: Any) -> float:
    """The decoder's score, kept as a ``LineScore`` (with its weakest character) when it is one."""
    return score if isinstance(score, LineScore) else float(score)


def _model_file(cfg: Any) -> Path:
    """The ONNX file RapidOCR picked for a stage, found as RapidOCR finds it (its model table, the wheel's folder)."""
    from rapidocr.inference_engine.base import FileInfo, InferSession

    if cfg.get("model_path"):
        return Path(cfg.model_path)
    info = FileInfo(cfg.engine_type, cfg.ocr_version, cfg.task_type, cfg.lang_type, cfg.model_type)
    path = Path(cfg.model_root_dir) / Path(InferSession.get_model_url(info)["model_dir"]).name
    if not path.is_file():  # the wheel ships its models; a missing one must not turn into a download
        raise FileNotFoundError(f"OCR model {path} is missing from the rapidocr package")
    return path

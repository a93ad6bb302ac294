"""Building an engine by name: the one place that imports an implementation, so ``base`` (the interface every
implementation imports) imports none of them."""

from __future__ import annotations

from .base import OcrEngine
from .runtime import Backend, Precision, resolve


def build_engine(name: str, backend: Backend = "auto", threads: int = 0, precision: Precision = "auto") -> OcrEngine:
    """Build an engine by name on a runtime; its model libraries are imported only here."""
    if name == "rapidocr":
        from .rapid import RapidOcrEngine

        return RapidOcrEngine(resolve(backend, threads, precision))
    raise ValueError(f"Unknown OCR engine {name!r}; available: rapidocr")

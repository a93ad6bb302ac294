"""Stage 3, OCR: an engine interface and its implementations (heavy imports only when one is built)."""

from .base import OcrEngine, TextLine
from .build import build_engine

__all__ = ["OcrEngine", "TextLine", "build_engine"]

"""ktp-ocr: read an Indonesian identity card (KTP / e-KTP) image into clean, typed fields, on premises."""

from .errors import KtpOcrError, Status
from .options import ReaderOptions
from .result import FIELD_NAMES, FieldResult, KtpResult

__version__ = "0.1.0"

__all__ = ["FIELD_NAMES", "FieldResult", "KtpOcrError", "KtpReader", "KtpResult", "ReaderOptions", "Status"]


def __getattr__(name: str) -> object:
    if name == "KtpReader":  # the reader imports the OCR stack; load it only when asked for
        from .reader import KtpReader

        return KtpReader
    raise AttributeError(name)

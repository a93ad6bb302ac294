"""ktp-ocr: read an Indonesian identity card (KTP / e-KTP) image into clean, typed fields, on premises."""

from importlib.metadata import PackageNotFoundError, version

from .errors import KtpOcrError, Status
from .options import ReaderOptions
from .result import FIELD_NAMES, FieldResult, KtpResult

try:  # the one place the version is written is pyproject.toml; the installed metadata carries it
    __version__ = version("ktp-ocr")
except PackageNotFoundError:  # pragma: no cover - running from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = ["FIELD_NAMES", "FieldResult", "KtpOcrError", "KtpReader", "KtpResult", "ReaderOptions", "Status"]


def __dir__() -> list[str]:
    """``dir(ktp_ocr)`` (and so ``help``) lists the lazy ``KtpReader`` too, without importing the OCR stack."""
    return sorted(set(globals()) | set(__all__))


def __getattr__(name: str) -> object:
    if name == "KtpReader":  # the reader imports the OCR stack; load it only when asked for
        from .reader import KtpReader

        return KtpReader
    raise AttributeError(name)

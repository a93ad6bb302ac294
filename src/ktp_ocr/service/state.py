"""What one app instance holds: settings, the reader (loaded in the background), the pool and the metrics."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from fastapi import Request

from ..options import ReaderOptions
from ..result import KtpResult
from .errors import NOT_READY, ServiceError
from .metrics import Metrics
from .pool import OcrPool
from .settings import ServiceSettings

log = logging.getLogger("ktp_ocr.service")


class ReaderLike(Protocol):
    """What the service needs of a reader: :class:`ktp_ocr.reader.KtpReader` or a test fake."""

    def read(self, source: bytes | str | Path, options: ReaderOptions | None = None) -> KtpResult: ...


class ReaderHolder:
    """The reader, or why it is not there yet. Models load in a thread so /healthz answers meanwhile."""

    def __init__(self, reader: ReaderLike | None, options: ReaderOptions) -> None:
        self._reader = reader
        self._options = options
        self.error: str | None = None
        self._loaded = threading.Event()
        if reader is not None:
            self._loaded.set()

    @property
    def ready(self) -> bool:
        return self._reader is not None

    def start_loading(self) -> None:
        if self._reader is None and self.error is None:
            threading.Thread(target=self._load, name="ktp-ocr-load", daemon=True).start()

    def _load(self) -> None:
        try:
            from ..reader import KtpReader  # heavy: ONNX models

            self._reader = KtpReader(self._options)
            log.info("OCR models loaded; ready")
        except Exception as exc:  # reported by /readyz and every read, never a crash of the server
            self.error = f"{type(exc).__name__}: {exc}"
            log.error("the reader failed to load: %s", self.error)
        finally:
            self._loaded.set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._loaded.wait(timeout)

    def get(self) -> ReaderLike:
        if self._reader is None:
            raise ServiceError(NOT_READY, self.error and f"The reader failed to load: {self.error}")
        return self._reader


@dataclass
class ServiceState:
    settings: ServiceSettings
    reader: ReaderHolder
    pool: OcrPool
    metrics: Metrics
    api_keys: frozenset[str]
    base_options: ReaderOptions


def get_state(request: Request) -> ServiceState:
    state: ServiceState = request.app.state.service
    return state

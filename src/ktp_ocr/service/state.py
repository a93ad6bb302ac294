"""What one app instance holds: settings, the readers (loaded in the background), the pool and the metrics.

One reader per OCR worker: a reader's engine runs one call at a time, so readers side by side never wait on each
other, and each is built with ``threads`` = cores / workers so that together they fill the machine once.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from fastapi import Request

from ..options import ReaderOptions
from ..result import KtpResult
from .errors import NOT_READY, ServiceError
from .limits import UploadGate
from .metrics import Metrics
from .pool import OcrPool
from .settings import ServiceSettings

log = logging.getLogger("ktp_ocr.service")


class ReaderLike(Protocol):
    """What the service needs of a reader: :class:`ktp_ocr.reader.KtpReader` or a test fake."""

    def read(self, source: bytes | str | Path, options: ReaderOptions | None = None) -> KtpResult: ...


class ReaderHolder:
    """The readers, or why they are not there yet. Models load, and the region list is warmed, in a thread so
    /healthz answers meanwhile; /readyz says ready only after both.

    A reader given by the caller (a test fake) serves every worker; otherwise ``copies`` readers are built.
    """

    def __init__(self, reader: ReaderLike | None, options: ReaderOptions, copies: int = 1) -> None:
        self._reader = reader
        self._options = options
        self._copies = copies
        self._idle: queue.SimpleQueue[ReaderLike] = queue.SimpleQueue()
        self.error: str | None = None
        self._loaded = threading.Event()
        if reader is not None:
            for _ in range(copies):
                self._idle.put(reader)
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

            readers = [KtpReader(self._options) for _ in range(self._copies)]
            _warm_up()
            for reader in readers:
                self._idle.put(reader)
            self._reader = readers[0]  # from here on /readyz says ready
            runtime = getattr(readers[0].engine, "runtime", None)
            log.info("OCR models loaded: %d reader(s) on %s; ready", self._copies, runtime and runtime.describe())
        except Exception as exc:  # reported by /readyz and every read, never a crash of the server
            self.error = f"{type(exc).__name__}: {exc}"
            log.error("the reader failed to load: %s", self.error)
        finally:
            self._loaded.set()

    @property
    def backend(self) -> str:
        """The runtime the models run on once loaded (``openvino`` or ``onnxruntime``); the configured one before,
        and for a reader without an engine (a test fake)."""
        runtime = getattr(getattr(self._reader, "engine", None), "runtime", None)
        return str(getattr(runtime, "backend", self._options.backend))

    def wait(self, timeout: float | None = None) -> bool:
        return self._loaded.wait(timeout)

    def get(self) -> ReaderLike:
        """A reader, to check readiness (raises NOT_READY); reads go through :meth:`borrow`."""
        if self._reader is None:
            raise ServiceError(NOT_READY, self.error and f"The reader failed to load: {self.error}")
        return self._reader

    @contextmanager
    def borrow(self) -> Iterator[ReaderLike]:
        """An idle reader for one read. The pool runs at most ``copies`` reads at once, so one is always free."""
        self.get()
        reader = self._idle.get()
        try:
            yield reader
        finally:
            self._idle.put(reader)


def _warm_up() -> None:
    """Fill the region caches before the server says ready, so that the first card is not the slow one."""
    from ..normalize import warm_up

    try:
        warm_up()
    except Exception as exc:  # a cold cache only costs time: never keep the server from serving for it
        log.warning("warming the region list failed: %s", type(exc).__name__)


@dataclass
class ServiceState:
    settings: ServiceSettings
    reader: ReaderHolder
    pool: OcrPool
    metrics: Metrics
    api_keys: frozenset[str]
    base_options: ReaderOptions
    uploads: UploadGate


def get_state(request: Request) -> ServiceState:
    state: ServiceState = request.app.state.service
    return state

"""A bounded pool of OCR threads: a fixed number read, a fixed number wait, the rest are told to come back.

Each worker thread borrows its own reader (``state.ReaderHolder``); readers spend their time in the inference
runtime and OpenCV, which release the GIL, so threads give real parallelism in one process. Bounding the queue
keeps memory flat under load; a request that cannot even queue gets 503 with ``Retry-After`` at once instead of
waiting behind a long line.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from .errors import BUSY, TIMEOUT, ServiceError

T = TypeVar("T")


class OcrPool:
    """``workers`` threads and room for ``queue`` more requests; each read is given ``timeout_s`` seconds."""

    def __init__(self, workers: int, queue: int, timeout_s: float, retry_after_s: int = 2) -> None:
        self.workers = workers
        self.capacity = workers + queue
        self.timeout_s = timeout_s
        self.retry_after_s = retry_after_s
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ktp-ocr")
        self._lock = threading.Lock()
        self._pending = 0
        self._running = 0

    @property
    def queued(self) -> int:
        """Requests admitted but not yet on a worker (the queue depth metric)."""
        with self._lock:
            return self._pending - self._running

    @property
    def running(self) -> int:
        with self._lock:
            return self._running

    def _retry_headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after_s)}

    def _admit(self) -> None:
        with self._lock:
            if self._pending >= self.capacity:
                raise ServiceError(BUSY, headers=self._retry_headers())
            self._pending += 1

    def _release(self, _: Future[Any]) -> None:
        with self._lock:
            self._pending -= 1

    def _wrap(self, fn: Callable[[], T]) -> Callable[[], T]:
        def call() -> T:
            with self._lock:
                self._running += 1
            try:
                return fn()
            finally:
                with self._lock:
                    self._running -= 1

        return call

    async def run(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` on a worker. A timed-out read keeps its slot until its thread finishes, so the bound holds."""
        self._admit()
        try:
            future = self._executor.submit(self._wrap(fn))
        except RuntimeError as exc:  # the executor is shutting down
            with self._lock:
                self._pending -= 1
            raise ServiceError(BUSY, headers=self._retry_headers()) from exc
        future.add_done_callback(self._release)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), self.timeout_s)
        except TimeoutError as exc:
            future.cancel()
            raise ServiceError(TIMEOUT, headers=self._retry_headers()) from exc

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

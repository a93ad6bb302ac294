"""A bounded pool of OCR threads: a fixed number read, a fixed number wait, the rest are told to come back.

Each worker thread borrows its own reader (``state.ReaderHolder``); readers spend their time in the inference
runtime and OpenCV, which release the GIL, so threads give real parallelism in one process. Bounding the queue
keeps memory flat under load; a request that cannot even queue gets 503 with ``Retry-After`` at once instead of
waiting behind a long line.

A place is taken once the request body is in, not while it arrives: a slow upload holds an upload slot
(:mod:`.limits`, bounded in bytes, per client and by a minimum rate), never a read place, so ten or fifty slow
sockets cannot keep cards from being read. A route checks :meth:`OcrPool.check_room` before it reads its body (a
request that would be refused BUSY costs no body), then :meth:`OcrPool.run` takes the place for the read.

Freed memory is handed back to the system (glibc only; a no-op elsewhere): large blocks are always mapped on
their own (:func:`tune_malloc`), so an upload's body or a decoded image is unmapped as soon as it is freed, and
the heap is trimmed (``malloc_trim``, on a thread of its own) after every read and every admitted request that did
not reach a read. Without this glibc keeps freed memory in its arenas, and a process that once held 30 uploads
keeps that RSS.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from .errors import BUSY, TIMEOUT, ServiceError
from .memory import HeapTrimmer, tune_malloc

T = TypeVar("T")


class Reservation:
    """One request's place in the pool, taken before its body is read; it runs at most one read."""

    __slots__ = ("used",)

    def __init__(self) -> None:
        self.used = False  # handed to a read: the read's thread gives the place back when it finishes


class OcrPool:
    """``workers`` threads and room for ``queue`` more requests; each read is given ``timeout_s`` seconds on a worker.

    Worst-case memory of the service, for W = workers, Q = queue, B = the largest request body
    (``ServiceSettings.max_body_bytes``, about 4/3 x max_file_bytes), U = the upload budget
    (``upload_budget_bytes``, by default (W + Q) x B), D = one read's decode peak (the decoded image and its
    working copies, bounded by max_pixels: roughly 3-4 bytes x max_pixels at worst) and M = one reader's models
    and runtime::

        U                        bodies being received (upload slots, each counted at its declared length)
      + (W + Q) x B              bodies in the pool: each holds its decoded file (at most B) until its read ends
      + 2 x B                    the one body being parsed: base64 JSON is decoded on the event loop, one at a time
      + W x (D + M)              reads in progress and the readers
      + C x 64 KiB               C open connections whose body is not being read (uvicorn's buffer each)

    With the defaults (W=2, Q=8, max_file_bytes 20 MiB: B ~ 26.7 MiB, U ~ 267 MiB) the body terms are at most
    ~590 MiB; ordinary card photos (1-5 MB) use a small part of it.
    """

    def __init__(
        self, workers: int, queue: int, timeout_s: float, retry_after_s: int = 2, *, release_memory: bool = True
    ) -> None:
        self.workers = workers
        self.capacity = workers + queue
        self.timeout_s = timeout_s
        self.retry_after_s = retry_after_s
        self.release_memory = release_memory and tune_malloc()
        self.trimmer = HeapTrimmer()
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ktp-ocr")
        self._lock = threading.Lock()
        self._pending = 0  # places taken (admitted), whether the body is still arriving or the read is queued
        self._submitted = 0  # of those, reads handed to the executor and not finished
        self._running = 0

    @property
    def admitted(self) -> int:
        """Requests holding a place: receiving their body, waiting for a worker or reading."""
        with self._lock:
            return self._pending

    @property
    def queued(self) -> int:
        """Reads submitted but not yet on a worker (the queue depth metric)."""
        with self._lock:
            return self._submitted - self._running

    @property
    def running(self) -> int:
        with self._lock:
            return self._running

    def _retry_headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after_s)}

    def check_room(self) -> None:
        """BUSY (503, Retry-After) when every place is taken now: a request checks it before it reads its body,
        so that a body is not received only to be refused. Takes nothing: the place is taken by :meth:`admit`."""
        with self._lock:
            if self._pending >= self.capacity:
                raise ServiceError(BUSY, headers=self._retry_headers())

    def _reserve(self) -> None:
        with self._lock:
            if self._pending >= self.capacity:
                raise ServiceError(BUSY, headers=self._retry_headers())
            self._pending += 1

    def _unreserve(self) -> None:
        with self._lock:
            self._pending -= 1

    def _release(self, _: Future[Any]) -> None:
        with self._lock:
            self._pending -= 1
            self._submitted -= 1

    @asynccontextmanager
    async def admit(self) -> AsyncIterator[Reservation]:
        """Take a place for one request, or raise BUSY (503, ``Retry-After``) at once when all are taken.

        Enter it before reading the request body; pass the reservation to :meth:`run`. A reservation that never
        reached a read (bad input, client gone) gives its place back on exit; one that did keeps it until the
        read's thread finishes, even past a timeout, so the bound holds.
        """
        self._reserve()
        reservation = Reservation()
        try:
            yield reservation
        finally:
            if not reservation.used:
                self._unreserve()
                if self.release_memory:
                    self.trimmer.request()  # the partial or rejected body was just freed

    def _wrap(self, fn: Callable[[], T], on_start: Callable[[], object]) -> Callable[[], T]:
        def call() -> T:
            with self._lock:
                self._running += 1
            on_start()
            try:
                return fn()
            finally:
                with self._lock:
                    self._running -= 1
                if self.release_memory:
                    self.trimmer.request()  # the decoded image and the read's working arrays are free now

        return call

    async def run(self, fn: Callable[[], T], reservation: Reservation | None = None) -> T:
        """Run ``fn`` on a worker in the place ``reservation`` holds (one is taken here when None).

        The time limit counts from when a worker takes the read, not from admission: a card queued behind reads
        that use their whole limit (a PDF page killed at its render budget, say) still gets its own
        ``timeout_s``. The wait for a worker is bounded by the queue instead: at most ``queue / workers`` reads
        ahead, each bounded. A timed-out read keeps its place until its thread finishes, so the bound holds.
        """
        if reservation is None:
            async with self.admit() as own:
                return await self.run(fn, own)
        if reservation.used:
            raise RuntimeError("a reservation runs one read")
        loop = asyncio.get_running_loop()
        started = asyncio.Event()
        with self._lock:
            self._submitted += 1
        try:
            future = self._executor.submit(self._wrap(fn, lambda: loop.call_soon_threadsafe(started.set)))
        except RuntimeError as exc:  # the executor is shutting down; admit()'s exit gives the place back
            with self._lock:
                self._submitted -= 1
            raise ServiceError(BUSY, headers=self._retry_headers()) from exc
        reservation.used = True
        future.add_done_callback(self._release)
        result = asyncio.wrap_future(future)
        try:
            await _until_either(result, started)
            return await asyncio.wait_for(result, self.timeout_s)
        except TimeoutError as exc:
            future.cancel()
            raise ServiceError(TIMEOUT, headers=self._retry_headers()) from exc
        except asyncio.CancelledError:  # the client went away: a read still queued never runs
            future.cancel()
            raise

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


async def _until_either(result: asyncio.Future[Any], started: asyncio.Event) -> None:
    """Wait until a worker takes the read (or it ends without one: cancelled at shutdown)."""
    waiting = asyncio.ensure_future(started.wait())
    try:
        await asyncio.wait({result, waiting}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiting.cancel()

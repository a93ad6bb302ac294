"""Handing freed memory back to the system (glibc only; a no-op elsewhere), so RSS returns to its level after load.

glibc keeps freed memory in its arenas: a process that once held 30 uploads keeps that RSS. Large blocks are
mapped on their own (:func:`tune_malloc`), so an upload's body or a decoded image is unmapped as soon as it is
freed, and the pool asks :class:`HeapTrimmer` for a ``malloc_trim`` after every read and every admitted request
that did not reach a read.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import sys
import threading
from typing import Any

log = logging.getLogger("ktp_ocr.service")

# glibc's mallopt parameters (malloc.h).
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8
# Blocks from this size up get their own mapping, returned to the system on free. glibc's default threshold is
# 128 KiB but *dynamic*: freeing a mapped block raises it to that block's size (up to 32 MiB), after which
# uploads and decoded images come from the arenas and stay in RSS. Setting it pins it (no dynamic raise).
MMAP_THRESHOLD = 1024 * 1024
# Free memory at the top of a heap above this is returned at once (glibc's default, pinned with the above).
TRIM_THRESHOLD = 1024 * 1024
# Arenas (per-thread heaps) glibc may create: by default 8 x cores, each keeping its own free memory. The
# event loop, the OCR workers and the runtimes' threads share a few; malloc is not the bottleneck of a read.
ARENA_MAX = 4
_TUNING = (MMAP_THRESHOLD, TRIM_THRESHOLD, ARENA_MAX)

_libc_lock = threading.Lock()
_libc: Any = None
_libc_looked = False
_tuned = False


def _glibc() -> Any:
    """The C library when it is glibc (the only one with these knobs), else None."""
    global _libc, _libc_looked
    with _libc_lock:
        if not _libc_looked:
            _libc_looked = True
            if sys.platform.startswith("linux"):
                try:
                    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
                    libc.gnu_get_libc_version  # noqa: B018 (raises AttributeError on musl and others)
                    libc.malloc_trim.argtypes = [ctypes.c_size_t]
                    libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
                    _libc = libc
                except (OSError, AttributeError):
                    _libc = None
        return _libc


def tune_malloc() -> bool:
    """Pin glibc's mmap and trim thresholds and bound its arenas, once per process; False where not glibc."""
    global _tuned
    libc = _glibc()
    if libc is None:
        return False
    with _libc_lock:
        if not _tuned:
            _tuned = True
            for param, value, variable in (
                (_M_MMAP_THRESHOLD, MMAP_THRESHOLD, "MALLOC_MMAP_THRESHOLD_"),
                (_M_TRIM_THRESHOLD, TRIM_THRESHOLD, "MALLOC_TRIM_THRESHOLD_"),
                (_M_ARENA_MAX, ARENA_MAX, "MALLOC_ARENA_MAX"),
            ):
                if variable not in os.environ:  # glibc's own variable, set by an operator, wins
                    libc.mallopt(param, value)
            log.debug("malloc tuned: mmap threshold %d, trim threshold %d, arenas %d", *_TUNING)
    return True


def trim_heap() -> None:
    """Give the free pages of every malloc arena back to the system (``malloc_trim(0)``); a no-op without glibc."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


class HeapTrimmer:
    """Runs :func:`trim_heap` on a thread of its own when asked: ``malloc_trim`` walks every arena (tens of ms
    on a big fragmented heap), which neither the event loop nor an OCR worker should wait for. Requests made while
    a trim runs fold into one more trim, so a burst of reads costs at most two."""

    def __init__(self) -> None:
        self._wanted = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.trims = 0

    def request(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="ktp-ocr-trim", daemon=True)
                self._thread.start()
        self._wanted.set()

    def _run(self) -> None:
        while True:
            self._wanted.wait()
            self._wanted.clear()
            trim_heap()
            self.trims += 1

"""The local engine: a process pool on this machine, one ``KtpReader`` per worker process.

Processes, not threads: each reader holds its own OCR sessions and Python's own work (layout, normalising) runs
in parallel too. Workers are spawned (not forked) so that no lock or thread of the parent (the progress bar's)
is copied into them. At most two files per worker are in flight, so a huge list costs no memory and an
interrupted run has little work lost.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

from ..options import ReaderOptions
from .records import Record, read_record

IN_FLIGHT_PER_WORKER = 2
ORPHAN_CHECK_S = 1.0

_reader: Any = None  # the worker process's reader, built once by _start_worker


def read_local(files: Iterable[str], options: ReaderOptions, jobs: int) -> Iterator[Record]:
    """Read ``files`` on ``jobs`` worker processes; yields a record per file as each finishes (any order).

    ``files`` is pulled lazily, as workers free up; no worker starts when it is empty."""
    pulled = iter(files)
    first = next(pulled, None)
    if first is None:
        return
    context = multiprocessing.get_context("spawn")
    options_json = options.model_dump(mode="json")
    pool = ProcessPoolExecutor(
        jobs, mp_context=context, initializer=_start_worker, initargs=(options_json, os.getpid())
    )
    try:
        yield from _drain(pool, itertools.chain([first], pulled), jobs * IN_FLIGHT_PER_WORKER)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _drain(pool: ProcessPoolExecutor, files: Iterator[str], window: int) -> Iterator[Record]:
    in_flight: set[Future[Record]] = set()
    for file in files:
        in_flight.add(pool.submit(_read_one, file))
        if len(in_flight) >= window:
            finished, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
            yield from (future.result() for future in finished)
    while in_flight:
        finished, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
        yield from (future.result() for future in finished)


def _start_worker(options_json: dict[str, Any], parent: int) -> None:
    """Build the worker's reader once; Ctrl-C is the parent's to handle (it lets the reads in flight finish)."""
    global _reader
    from ..reader import KtpReader

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True, name="orphan-check").start()
    _reader = KtpReader(ReaderOptions.model_validate(options_json))


def _exit_when_orphaned(parent: int) -> None:
    """A parent killed with SIGKILL cannot stop its pool: a worker would wait for work forever, holding its models."""
    while os.getppid() == parent:
        time.sleep(ORPHAN_CHECK_S)
    os._exit(1)


def _read_one(file: str) -> Record:
    return read_record(_reader, file)

"""The batch driver: expand the sources, skip what the output already holds, read the rest, write each line.

The engines (local process pool, Ray) only turn files into records; writing, resuming, copies, the progress bar
and the summary live here once, so both engines resume and count the same way. Files are keyed by their
resolved path, so the output is a set whatever the spelling of the sources.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any, Literal

from ..ocr.runtime import available_cores
from ..options import ReaderOptions, threads_per_worker
from .copies import Copies
from .jsonl import ResultLog, check_output
from .records import Record
from .sources import expand_sources, file_key

Engine = Literal["local", "ray"]


@dataclass
class BatchSummary:
    """What a batch did: cards read now by status, files skipped as already written, wall time and read time."""

    statuses: Counter[str] = field(default_factory=Counter)
    skipped: int = 0
    seconds: float = 0.0
    read_seconds: float = 0.0  # the readers' own wall time, summed over cards
    cpu_seconds: float = 0.0  # the workers' CPU time during the reads, summed over cards
    jobs: int = 1
    dropped_bytes: int = 0  # a cut-short last line removed from the output on start
    duplicates: int = 0  # copies of a file read (same bytes, another name): written with duplicate_of, not read

    @property
    def read(self) -> int:
        return sum(self.statuses.values())

    @property
    def cards_per_second(self) -> float:
        return self.read / self.seconds if self.seconds > 0 else 0.0

    def format(self) -> str:
        """The summary as printed on stderr: counts by status, seconds per card, cards per second."""
        counts = ", ".join(f"{status} {n}" for status, n in self.statuses.most_common()) or "nothing to read"
        lines = [f"{self.read} cards read in {self.seconds:.1f} s: {counts}"]
        if self.read:
            lines.append(
                f"{self.cards_per_second:.2f} cards/s on {self.jobs} jobs; {self.seconds / self.read:.2f} s per card "
                f"(wall), {self.read_seconds / self.read:.2f} s per card per job (read time), "
                f"{self.cpu_seconds / self.read:.2f} s CPU per card"
            )
        if self.duplicates:
            lines.append(f"{self.duplicates} copies of files read (same content): not read again, see duplicate_of")
        if self.skipped:
            lines.append(f"{self.skipped} files skipped: already in the output (resumed)")
        if self.dropped_bytes:
            lines.append(f"a cut-short last line ({self.dropped_bytes} bytes) was dropped and its file read again")
        return "\n".join(lines)


def batch_options(options: ReaderOptions, jobs: int, threads: int = 0) -> ReaderOptions:
    """The workers' options: ``threads`` if given, else the cores shared out so that jobs x threads = cores."""
    return options.model_copy(update={"threads": threads or threads_per_worker(jobs)})


@dataclass(frozen=True)
class RaySettings:
    """How the Ray engine joins and logs: ``address`` (None: a local Ray), how long a cluster has to answer, and
    where Ray's own output goes while it runs (``log``: a file; None: stdout and stderr as they are)."""

    address: str | None = None
    connect_timeout_s: float = 30.0
    log: str | None = None


def run_batch(
    sources: Iterable[str],
    out: str,
    *,
    options: ReaderOptions | None = None,
    jobs: int | None = None,
    engine: Engine = "local",
    address: str | None = None,
    progress: bool | None = None,
    ray: RaySettings | None = None,
) -> BatchSummary:
    """Read every file of ``sources`` into the JSON Lines file ``out``, resuming what ``out`` already holds.

    ``jobs``: readers side by side (default: the cores; on a Ray cluster, its CPUs divided by the threads per
    reader). ``options.threads`` 0 means cores / jobs. ``progress``: None shows a bar only on a terminal.
    ``ray``: the Ray engine's settings (``address`` alone may be given instead). Raises ``SourceError`` for a
    missing list file or an empty source, ``OutputError`` for an output that cannot be written and
    ``OutputBusyError`` when another batch writes ``out``.
    """
    check_output(out)
    files = expand_sources(sources)
    ray = ray or RaySettings(address=address)
    with ResultLog(out) as log:
        pending = [key for key in map(file_key, files) if key not in log.done]
        summary = BatchSummary(skipped=len(files) - len(pending), dropped_bytes=log.dropped_bytes)
        copies = Copies(log)
        start = time.perf_counter()
        try:
            with _engine_output(engine, ray.log) as stderr:
                to_read = copies.first_of_each(pending)
                records, summary.jobs = _engine(engine, to_read, options or ReaderOptions(), jobs, ray)
                _write(records, copies, summary, _bar(len(pending), progress, stderr))
        finally:
            summary.seconds = time.perf_counter() - start
            summary.duplicates = copies.written
    return summary


def _write(records: Iterator[Record], copies: Copies, summary: BatchSummary, bar: Any) -> None:
    """Write each record (and the copies waiting for it) as it comes, counting it and moving the bar."""
    shown = 0
    with bar:
        for record in records:
            copies.write(record)
            summary.statuses[record.status] += 1
            summary.read_seconds += record.read_ms / 1000
            summary.cpu_seconds += record.cpu_ms / 1000
            bar.update(1 + copies.written - shown)
            shown = copies.written
        bar.update(copies.written - shown)


def _engine(
    engine: Engine, files: Iterator[str], options: ReaderOptions, jobs: int | None, ray: RaySettings
) -> tuple[Iterator[Record], int]:
    if engine == "ray":
        from .ray_engine import read_ray

        listed = list(files)  # Ray Data takes a manifest; nothing to read: no Ray at all
        if not listed:
            return iter(()), 0
        return read_ray(listed, options, jobs, ray.address, ray.connect_timeout_s)
    from .local import read_local

    jobs = jobs or available_cores()
    return read_local(files, batch_options(options, jobs, options.threads), jobs), jobs


@contextlib.contextmanager
def _engine_output(engine: Engine, log: str | None) -> Iterator[IO[str]]:
    """Where the progress bar draws, and Ray's own output (its C++ core's lines go straight to file descriptors 1
    and 2, past Python) sent to ``log`` while the engine runs, so that nothing but the bar reaches the terminal."""
    if engine != "ray" or log is None:
        yield sys.stderr
        return
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    target = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        with os.fdopen(os.dup(saved[1]), "w", buffering=1) as terminal:
            os.dup2(target, 1)
            os.dup2(target, 2)
            yield terminal
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        for fd, original in zip((1, 2), saved, strict=True):
            os.dup2(original, fd)
            os.close(original)
        os.close(target)


def _bar(total: int, progress: bool | None, stream: IO[str]) -> Any:
    """A tqdm bar (rate, ETA) on ``stream``; silent when it is not a terminal, unless asked for."""
    from tqdm import tqdm

    disable = (not stream.isatty()) if progress is None else not progress
    return tqdm(total=total, unit="card", file=stream, disable=disable, smoothing=0.1)

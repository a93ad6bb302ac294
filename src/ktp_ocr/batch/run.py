"""The batch driver: expand the sources, skip what the output already holds, read the rest, write each line.

The engines (local process pool, Ray) only turn files into records; writing, resuming, the progress bar and the
summary live here once, so both engines resume and count the same way.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

from ..ocr.runtime import available_cores
from ..options import ReaderOptions, threads_per_worker
from .jsonl import ResultLog
from .records import Record
from .sources import expand_sources

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
        if self.skipped:
            lines.append(f"{self.skipped} files skipped: already in the output (resumed)")
        if self.dropped_bytes:
            lines.append(f"a cut-short last line ({self.dropped_bytes} bytes) was dropped and its file read again")
        return "\n".join(lines)


def batch_options(options: ReaderOptions, jobs: int, threads: int = 0) -> ReaderOptions:
    """The workers' options: ``threads`` if given, else the cores shared out so that jobs x threads = cores."""
    return options.model_copy(update={"threads": threads or threads_per_worker(jobs)})


def run_batch(
    sources: Iterable[str],
    out: str,
    *,
    options: ReaderOptions | None = None,
    jobs: int | None = None,
    engine: Engine = "local",
    address: str | None = None,
    progress: bool | None = None,
) -> BatchSummary:
    """Read every file of ``sources`` into the JSON Lines file ``out``, resuming what ``out`` already holds.

    ``jobs``: readers side by side (default: the cores; on a Ray cluster, its CPUs divided by the threads per
    reader). ``options.threads`` 0 means cores / jobs. ``progress``: None shows a bar only on a terminal.
    Raises ``SourceError`` for a missing list file and ``OutputBusyError`` when another batch writes ``out``.
    """
    files = expand_sources(sources)
    options = options or ReaderOptions()
    with ResultLog(out) as log:
        pending = [f for f in files if f not in log.done]
        summary = BatchSummary(skipped=len(files) - len(pending), dropped_bytes=log.dropped_bytes)
        start = time.perf_counter()
        try:
            records, summary.jobs = _engine(engine, pending, options, jobs, address) if pending else (iter(()), 0)
            for record in _with_progress(records, len(pending), progress):
                log.write(record.line)
                summary.statuses[record.status] += 1
                summary.read_seconds += record.read_ms / 1000
                summary.cpu_seconds += record.cpu_ms / 1000
        finally:
            summary.seconds = time.perf_counter() - start
    return summary


def _engine(
    engine: Engine, files: Sequence[str], options: ReaderOptions, jobs: int | None, address: str | None
) -> tuple[Iterator[Record], int]:
    if engine == "ray":
        from .ray_engine import read_ray

        return read_ray(files, options, jobs, address)
    from .local import read_local

    jobs = jobs or available_cores()
    return read_local(files, batch_options(options, jobs, options.threads), jobs), jobs


def _with_progress(records: Iterator[Record], total: int, progress: bool | None) -> Iterator[Record]:
    """A tqdm bar (rate, ETA) on stderr; silent when stderr is not a terminal, unless asked for."""
    from tqdm import tqdm

    disable = (not sys.stderr.isatty()) if progress is None else not progress
    with tqdm(total=total, unit="card", file=sys.stderr, disable=disable, smoothing=0.1) as bar:
        for record in records:
            yield record
            bar.update(1)

"""Read many cards on one machine (a process pool) or on a Ray cluster, into a resumable JSON Lines file.

``run_batch(sources, out, jobs=..., engine="local" | "ray")`` is what ``ktp-ocr batch`` runs: it expands files,
folders and ``@list`` files, skips the files ``out`` already holds, reads the rest with one ``KtpReader`` per
worker process (or Ray actor) and appends one line per card, ``file`` first, synced as it is written. Ray is
imported only for ``engine="ray"`` (the ``ray`` extra).
"""

from __future__ import annotations

from .jsonl import OutputBusyError, ResultLog
from .records import Record, result_line
from .run import BatchSummary, Engine, batch_options, run_batch
from .sources import SourceError, expand_sources, folder_images

__all__ = [
    "BatchSummary",
    "Engine",
    "OutputBusyError",
    "Record",
    "ResultLog",
    "SourceError",
    "batch_options",
    "expand_sources",
    "folder_images",
    "result_line",
    "run_batch",
]

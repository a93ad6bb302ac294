"""Read many cards on one machine (a process pool) or on a Ray cluster, into a resumable JSON Lines file.

``run_batch(sources, out, jobs=..., engine="local" | "ray")`` is what ``ktp-ocr batch`` runs: it expands files,
folders and ``@list`` files, skips the files ``out`` already holds (by resolved path), reads the rest with one
``KtpReader`` per worker process (or Ray actor), each content once (a copy gets the first's line with
``duplicate_of``), and appends one line per file, ``file`` first, synced as it is written. Ray is imported only
for ``engine="ray"`` (the ``ray`` extra).
"""

from __future__ import annotations

from .jsonl import OutputBusyError, OutputError, ResultLog
from .records import Record, result_line
from .run import BatchSummary, Engine, RaySettings, batch_options, run_batch
from .sources import SourceError, expand_sources, file_key, folder_images

__all__ = [
    "BatchSummary",
    "Engine",
    "OutputBusyError",
    "OutputError",
    "RaySettings",
    "Record",
    "ResultLog",
    "SourceError",
    "batch_options",
    "expand_sources",
    "file_key",
    "folder_images",
    "result_line",
    "run_batch",
]

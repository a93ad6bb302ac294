"""The batch output: an append-only JSON Lines file that a rerun resumes and ``kill -9`` cannot corrupt.

Each result is one ``os.write`` of a whole line followed by ``fsync``, so after a crash the file holds whole,
durable lines and at most one partial line at the end (a write cut short by the kill). Opening the file drops that
partial line and collects the ``file`` key of every whole one: those files are not read again, the others are, so
a rerun neither loses nor duplicates a line. An exclusive lock keeps two batches from appending to one file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from types import TracebackType

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no lock, the rest still holds
    fcntl = None  # type: ignore[assignment]

NEWLINE = b"\n"


class OutputBusyError(RuntimeError):
    """Another process holds the output file (a second batch on the same ``--out``)."""


class ResultLog:
    """Append results to ``path``; ``done`` holds the files already written there."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        # Results carry names and NIKs: a new file is readable by its owner only.
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            self._lock()
            self.dropped_bytes = self._drop_partial_tail()
            self.done = self._written_files()
        except BaseException:
            os.close(self._fd)
            raise

    def write(self, line: str) -> None:
        """Append one JSON line (without its newline) durably: whole, flushed and synced before returning."""
        data = memoryview(line.encode("utf-8") + NEWLINE)
        while data:
            data = data[os.write(self._fd, data) :]
        os.fsync(self._fd)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)  # closing releases the lock
            self._fd = -1

    def __enter__(self) -> ResultLog:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def _lock(self) -> None:
        if fcntl is None:
            return
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise OutputBusyError(f"{self.path} is being written by another batch") from exc

    def _drop_partial_tail(self) -> int:
        """Cut the file after its last newline; returns how many bytes of a cut-short line were dropped."""
        size = os.fstat(self._fd).st_size
        end = size
        chunk = 64 * 1024
        while end > 0:
            start = max(0, end - chunk)
            block = os.pread(self._fd, end - start, start)
            newline = block.rfind(NEWLINE)
            if newline >= 0:
                end = start + newline + 1
                break
            end = start
        if end < size:
            os.ftruncate(self._fd, end)
            os.fsync(self._fd)
        return size - end

    def _written_files(self) -> set[str]:
        done: set[str] = set()
        with open(self._fd, "rb", closefd=False) as f:
            f.seek(0)
            for raw in f:
                key = _file_key(raw)
                if key is not None:
                    done.add(key)
        return done


def _file_key(raw: bytes) -> str | None:
    """The ``file`` of a whole line; a line that is not a JSON object with one is ignored (and read again)."""
    try:
        record = json.loads(raw)
    except ValueError:
        return None
    key = record.get("file") if isinstance(record, dict) else None
    return key if isinstance(key, str) else None

"""The batch output: an append-only JSON Lines file that a rerun resumes and ``kill -9`` cannot corrupt.

Each result is one ``os.write`` of a whole line followed by ``fsync``, so after a crash the file holds whole,
durable lines and at most one partial line at the end (a write cut short by the kill). Opening the file drops that
partial line and collects the ``file`` key of every whole one, resolved (``sources.file_key``), and its
``sha256``: those files, however a rerun spells them, are not read again, the others are, so a rerun neither loses
nor duplicates a line; a copy of a file already written is found by its hash. An exclusive lock keeps two batches
from appending to one file. An output that cannot be written (a folder, no permission) is ``OutputError``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from types import TracebackType

from .sources import file_key

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no lock, the rest still holds
    fcntl = None  # type: ignore[assignment]

NEWLINE = b"\n"


class OutputBusyError(RuntimeError):
    """Another process holds the output file (a second batch on the same ``--out``)."""


class OutputError(ValueError):
    """The output cannot be written: a folder, a path in a missing folder, no permission. A usage error."""


def check_output(path: str | os.PathLike[str]) -> None:
    """Refuse an output that cannot be written before anything is read or created (``OutputError``)."""
    out = Path(path)
    if out.is_dir():
        raise OutputError(f"--out {out} is a folder: name a file, e.g. {out / 'results.jsonl'}")
    if not out.parent.is_dir():
        raise OutputError(f"--out {out}: there is no folder {out.parent}")
    writable = os.access(out, os.W_OK) if out.exists() else os.access(out.parent, os.W_OK | os.X_OK)
    if not writable:
        raise OutputError(f"--out {out}: permission denied")


class ResultLog:
    """Append results to ``path``; ``done`` holds the files already written there (resolved paths), ``hashes``
    where the line of each content hash starts."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.hashes: dict[str, int] = {}
        # Results carry names and NIKs: a new file is readable by its owner only.
        try:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        except OSError as exc:
            raise OutputError(f"cannot write --out {self.path}: {exc.strerror or exc}") from exc
        try:
            self._lock()
            self.dropped_bytes = self._drop_partial_tail()
            self.done = self._written_files()
        except BaseException:
            os.close(self._fd)
            raise

    def write(self, line: str, sha256: str = "") -> None:
        """Append one JSON line (without its newline) durably: whole, flushed and synced before returning.

        ``sha256``: the content hash of the line's file, so that a copy found later can be given this line."""
        offset = os.fstat(self._fd).st_size  # O_APPEND and the lock: the line starts at the current end
        data = memoryview(line.encode("utf-8") + NEWLINE)
        while data:
            data = data[os.write(self._fd, data) :]
        os.fsync(self._fd)
        if sha256:
            self.hashes.setdefault(sha256, offset)

    def line_at(self, offset: int) -> str:
        """The whole line that starts at ``offset`` (written earlier), without its newline."""
        chunks: list[bytes] = []
        while True:
            block = os.pread(self._fd, 64 * 1024, offset)
            end = block.find(NEWLINE)
            chunks.append(block if end < 0 else block[:end])
            if end >= 0 or not block:
                return b"".join(chunks).decode("utf-8")
            offset += len(block)

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
            offset = 0
            for raw in iter(f.readline, b""):
                key, sha256 = _keys(raw)
                if key is not None:
                    done.add(file_key(key))
                if key is not None and sha256:
                    self.hashes.setdefault(sha256, offset)
                offset += len(raw)
        return done


def _keys(raw: bytes) -> tuple[str | None, str]:
    """The ``file`` and ``sha256`` of a whole line; a line that is not a JSON object with a ``file`` is ignored (and
    its file read again)."""
    try:
        record = json.loads(raw)
    except ValueError:
        return None, ""
    if not isinstance(record, dict) or not isinstance(record.get("file"), str):
        return None, ""
    sha256 = record.get("sha256")
    return record["file"], sha256 if isinstance(sha256, str) else ""

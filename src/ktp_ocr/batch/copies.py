"""Copies under another name: read once, reported as duplicates of the first.

A batch's output is a set of files, and the same scan saved twice (``card.jpg`` and ``card (1).jpg``) is one card.
The driver hashes each file before handing it to a reader: a hash already in the output (from this run or an
earlier one) gets that line at once, with its own ``file`` and ``duplicate_of`` naming the file that was read; a
hash whose first file is still being read waits for that file's line. Hashing is lazy (the local pool pulls the
files one by one), so a big batch starts reading at once instead of hashing everything first.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from .jsonl import ResultLog
from .records import Record, file_sha256


class Copies:
    """Writes a batch's lines: each content read once, its copies' lines after it; ``written`` counts the copies."""

    def __init__(self, log: ResultLog) -> None:
        self.log = log
        self.written = 0
        self._reading: dict[str, str] = {}  # hash -> the file being read for it
        self._waiting: dict[str, list[str]] = {}  # hash -> copies waiting for that file's line
        self._hash_of: dict[str, str] = {}  # file being read -> its hash, as hashed here (not by the worker)

    def first_of_each(self, files: Iterable[str]) -> Iterator[str]:
        """The files to read: each content once (an unreadable file always, to get its own NO_FILE line)."""
        for file in files:
            sha256 = file_sha256(file)
            if not sha256:
                yield file
            elif sha256 in self.log.hashes:
                self._write_copy(file, self.log.hashes[sha256])
            elif sha256 in self._reading:
                self._waiting.setdefault(sha256, []).append(file)
            else:
                self._reading[sha256] = file
                self._hash_of[file] = sha256
                yield file

    def write(self, record: Record) -> None:
        """Write ``record``'s line, then the lines of the copies that waited for it."""
        sha256 = self._hash_of.pop(record.file, "")
        self.log.write(record.line, sha256)
        if not sha256 or self._reading.get(sha256) != record.file:
            return
        del self._reading[sha256]
        for copy in self._waiting.pop(sha256, []):
            self._write_copy(copy, self.log.hashes[sha256])

    def _write_copy(self, file: str, offset: int) -> None:
        self.log.write(copy_line(self.log.line_at(offset), file))
        self.written += 1


def copy_line(first_line: str, file: str) -> str:
    """The line of a copy: the first file's result under the copy's name, with ``duplicate_of`` naming the first."""
    record = json.loads(first_line)
    first = record.pop("file")
    original = record.pop("duplicate_of", first)  # a copy of a copy names the file that was read
    return json.dumps({"file": file, "duplicate_of": original, **record}, ensure_ascii=False)

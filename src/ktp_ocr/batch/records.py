"""One read as one output line: the result's JSON with a ``file`` key, as ``ktp-ocr read --json`` prints it, and in
a batch the file's ``sha256`` (so a copy under another name is recognised, in this run or a later one)."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..result import KtpResult

if TYPE_CHECKING:
    from ..reader import KtpReader  # the OCR stack: imported by the workers, never by the driver


@dataclass(frozen=True)
class Record:
    """What an engine hands back for one file: the line to write, and what the summary counts."""

    file: str
    status: str
    line: str  # the JSON object, without its newline
    read_ms: float  # the reader's own wall time for this card (timing_ms.total)
    cpu_ms: float  # CPU time of the worker process during the read: what sizing a cluster needs
    sha256: str = ""  # the file's content hash; "" when it cannot be read


def result_line(file: str, result: KtpResult, sha256: str = "") -> str:
    """The JSON line of a result, ``file`` first (then ``sha256`` when given); non-ASCII kept as is (names)."""
    head: dict[str, str | None] = {"file": file}
    if sha256:
        head["sha256"] = sha256
    return json.dumps({**head, **result.model_dump(mode="json")}, ensure_ascii=False)


def file_sha256(file: str) -> str:
    """The SHA-256 of a file's bytes, hex; "" when it cannot be read (its read says why: NO_FILE)."""
    digest = hashlib.sha256()
    try:
        with open(file, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return ""
    return digest.hexdigest()


def read_record(reader: KtpReader, file: str) -> Record:
    """Read ``file`` with ``reader`` (in a worker process or an actor) into its record."""
    sha256 = file_sha256(file)
    cpu = time.process_time()
    result = reader.read(Path(file))
    cpu_ms = (time.process_time() - cpu) * 1000
    line = result_line(file, result, sha256)
    return Record(file, str(result.status), line, result.timing_ms.get("total", 0.0), cpu_ms, sha256)

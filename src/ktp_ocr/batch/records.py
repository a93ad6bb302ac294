"""One read as one output line: the result's JSON with a ``file`` key, as ``ktp-ocr read --json`` prints it."""

from __future__ import annotations

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


def result_line(file: str, result: KtpResult) -> str:
    """The JSON line of a result, ``file`` first; non-ASCII kept as is (names, places)."""
    return json.dumps({"file": file, **result.model_dump(mode="json")}, ensure_ascii=False)


def read_record(reader: KtpReader, file: str) -> Record:
    """Read ``file`` with ``reader`` (in a worker process or an actor) into its record."""
    cpu = time.process_time()
    result = reader.read(Path(file))
    cpu_ms = (time.process_time() - cpu) * 1000
    return Record(file, str(result.status), result_line(file, result), result.timing_ms.get("total", 0.0), cpu_ms)

"""A short seeded run of scripts/bad_inputs.py against a real ``ktp-ocr serve`` with the real reader.

Every class of the fuzzing script (broken files, pathological PDFs, extreme aspect ratios, huge JSON numbers,
odd multipart boundaries, early disconnects, slow heads, link swaps in the uploads folder) is drawn from a
fixed seed, a few hundred requests in all; no answer may be >= 500 and the server must still answer at the end.
Slow (starts the server as a subprocess and loads the OCR models); skipped when the reader cannot be imported.
"""

from __future__ import annotations

import pytest
from tests.fakes import script_module

pytestmark = pytest.mark.real_reader


def test_a_short_seeded_run_gets_no_server_error() -> None:
    pytest.importorskip("ktp_ocr.reader")
    pytest.importorskip("uvicorn")
    bad_inputs = script_module("bad_inputs")
    args = bad_inputs.parse_args(
        [
            "--start",
            "--timeout",
            "15",
            "--seed",
            "11",
            "--per-class",
            "60",
            "--limit",
            "pdf=12",
            "--limit",
            "disconnect=24",
            "--limit",
            "aspect=24",
            "--big-mb",
            "30",
            "--slow-seconds",
            "12",
            "--link-seconds",
            "6",
            "--request-timeout",
            "60",
        ]
    )
    summary = bad_inputs.execute(args)
    bad_inputs.report(summary)  # captured: pytest shows it beside a failed assertion
    assert summary.requests >= 200
    assert not summary.stopped_early, summary.stopped_early
    assert summary.alive
    assert summary.server_errors == []
    assert summary.link is not None and summary.link.leaks == []

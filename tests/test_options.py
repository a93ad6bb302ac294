"""Reader options: how many OCR threads each of several readers side by side gets."""

from __future__ import annotations

from ktp_ocr.options import threads_per_worker
from ktp_ocr.service.settings import ServiceSettings


def test_workers_times_threads_fill_the_cores_once() -> None:
    assert threads_per_worker(2, cores=16) == 8
    assert threads_per_worker(2, cores=2) == 1
    assert threads_per_worker(4, cores=2) == 1
    settings = ServiceSettings(workers=2)
    assert settings.reader_options().threads == threads_per_worker(2)
    assert ServiceSettings(workers=2, threads=3).reader_options().threads == 3

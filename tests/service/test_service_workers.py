"""One reader per OCR worker: reads side by side never share an engine (no lock between workers)."""

from __future__ import annotations

import threading
from typing import ClassVar

import pytest

from ktp_ocr.options import ReaderOptions
from ktp_ocr.service.state import ReaderHolder


class Built:
    """Stands in for KtpReader: counts the copies built and the options each was built with."""

    made: ClassVar[list[Built]] = []

    def __init__(self, options: ReaderOptions) -> None:
        self.options = options
        Built.made.append(self)


def test_each_worker_gets_its_own_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    import ktp_ocr.reader

    Built.made = []
    monkeypatch.setattr(ktp_ocr.reader, "KtpReader", Built)
    holder = ReaderHolder(None, ReaderOptions(threads=1), copies=3)
    holder.start_loading()
    assert holder.wait(30) and holder.ready
    assert len(Built.made) == 3 and all(r.options.threads == 1 for r in Built.made)

    inside, release, seen = threading.Barrier(4), threading.Event(), []

    def read() -> None:
        with holder.borrow() as reader:
            seen.append(reader)
            inside.wait(10)
            release.wait(10)

    threads = [threading.Thread(target=read) for _ in range(3)]
    for t in threads:
        t.start()
    inside.wait(10)  # three reads at once, each holding a reader
    assert len({id(r) for r in seen}) == 3
    release.set()
    for t in threads:
        t.join(10)

"""Reader options: how many OCR threads each of several readers side by side gets; options given as a dict."""

from __future__ import annotations

from typing import Any

from ktp_ocr.options import threads_per_worker
from ktp_ocr.service.settings import ServiceSettings


def test_workers_times_threads_fill_the_cores_once() -> None:
    assert threads_per_worker(2, cores=16) == 8
    assert threads_per_worker(2, cores=2) == 1
    assert threads_per_worker(4, cores=2) == 1
    settings = ServiceSettings(workers=2)
    assert settings.reader_options().threads == threads_per_worker(2)
    assert ServiceSettings(workers=2, threads=3).reader_options().threads == 3


def test_options_may_be_a_dict_validated_into_reader_options() -> None:
    import pytest
    from pydantic import ValidationError

    from ktp_ocr.options import ReaderOptions, as_options

    assert as_options({"threads": 2, "with_images": True}) == ReaderOptions(threads=2, with_images=True)
    same = ReaderOptions(threads=3)
    assert as_options(same) is same and as_options(None, same) is same
    with pytest.raises(ValidationError):
        as_options({"no_such_switch": True})
    with pytest.raises(ValidationError):
        as_options({"threads": -1})
    with pytest.raises(TypeError):
        as_options(42)  # type: ignore[arg-type]


def test_a_reader_takes_options_as_a_dict() -> None:
    from ktp_ocr import KtpReader, ReaderOptions

    no_ocr: Any = object()  # the options are all this test looks at: no models loaded
    reader = KtpReader(options={"card_detect": False, "threads": 1}, engine=no_ocr)
    assert reader.options == ReaderOptions(card_detect=False, threads=1)

"""The OCR runtime: which backend runs, on how many threads, at what precision, and that both backends agree."""

from __future__ import annotations

import logging

import cv2
import numpy as np
import pytest

from ktp_ocr.ocr import runtime as rt
from ktp_ocr.synth import render_sample


def test_auto_prefers_openvino_and_falls_back_to_onnxruntime(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rt, "openvino_available", lambda: True)
    assert rt.resolve("auto").backend == "openvino"
    monkeypatch.setattr(rt, "openvino_available", lambda: False)
    assert rt.resolve("auto").backend == "onnxruntime"
    assert rt.resolve("onnxruntime").backend == "onnxruntime"


def test_openvino_asked_for_but_missing_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rt, "openvino_available", lambda: False)
    with pytest.raises(ValueError, match="openvino"):
        rt.resolve("openvino")


def test_threads_default_to_one_and_never_exceed_the_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rt, "available_cores", lambda: 4)
    assert rt.resolve("onnxruntime").threads == rt.DEFAULT_THREADS == 1
    assert rt.resolve("onnxruntime", threads=3).threads == 3
    assert rt.resolve("onnxruntime", threads=64).threads == 4


def test_bf16_without_openvino_runs_f32_and_says_so(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        chosen = rt.resolve("onnxruntime", precision="bf16")
    assert chosen.precision == "f32"
    assert "bf16" in caplog.text


def test_precision_auto_is_f32() -> None:
    assert rt.resolve("onnxruntime").precision == "f32"


@pytest.mark.skipif(not rt.openvino_available(), reason="openvino not installed")
def test_both_backends_run_the_wheel_recogniser_alike() -> None:
    """Same file, same alphabet, the same scores to float rounding: the backend changes cost, not answers."""
    from ktp_ocr.ocr.rapid import RapidOcrEngine

    ort = RapidOcrEngine(rt.resolve("onnxruntime"))
    ov = RapidOcrEngine(rt.resolve("openvino"))
    data, _ = render_sample(0)
    card = cv2.resize(cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR), (1000, 631))
    a, b = ort.recognize(card), ov.recognize(card)
    assert len(a) == len(b) > 10
    assert sum(x.text == y.text for x, y in zip(a, b, strict=True)) >= len(a) - 1
    assert ort._rec.session.get_character_list() == ov._rec.session.get_character_list()

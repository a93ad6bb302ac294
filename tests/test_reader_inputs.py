"""``KtpReader.read`` takes a path, bytes, a file object, pixels or a PIL image alike; a wrong type raises at once."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from PIL import Image

from ktp_ocr.result import KtpResult
from ktp_ocr.synth import render_sample


def _same(result: KtpResult) -> dict[str, Any]:
    return result.model_dump(mode="json", exclude={"timing_ms"})


@pytest.fixture(scope="module")
def card(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data, _entry = render_sample(21, profile="phone")
    path = tmp_path_factory.mktemp("inputs") / "card.jpg"
    path.write_bytes(data)
    return path


@pytest.fixture(scope="module")
def from_file(reader, card: Path) -> KtpResult:  # type: ignore[no-untyped-def]
    result: KtpResult = reader.read(card)
    assert result.status == "SUCCESS"
    return result


def test_pixels_pil_bytes_and_file_objects_read_as_the_file(reader, card: Path, from_file: KtpResult) -> None:  # type: ignore[no-untyped-def]
    pil = Image.open(card)
    bgr = np.ascontiguousarray(np.asarray(pil.convert("RGB"))[:, :, ::-1])
    with card.open("rb") as f:
        sources = [bgr, pil, card.read_bytes(), f, str(card)]
        for result in reader.read_many(sources):
            assert _same(result) == _same(from_file)


def test_opencv_grey_and_bgra_pixels_are_read(reader, card: Path, from_file: KtpResult) -> None:  # type: ignore[no-untyped-def]
    bgr = cv2.imread(str(card))  # OpenCV's own JPEG decoder may differ by a grey level from PIL's
    nik = from_file.fields.nik.value
    assert reader.read(bgr).fields.nik.value == nik
    assert reader.read(cv2.cvtColor(bgr, cv2.COLOR_BGR2BGRA)).fields.nik.value == nik
    assert reader.read(cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)).status in {"SUCCESS", "UNRECOGNIZED_DOCUMENT_TYPE"}


def test_read_many_keeps_the_order(reader, card: Path) -> None:  # type: ignore[no-untyped-def]
    results = list(reader.read_many([b"not an image", card, card.parent / "missing.jpg"]))
    assert [r.status for r in results] == ["FILE_INVALID_FORMAT", "SUCCESS", "NO_FILE"]


@pytest.mark.parametrize(
    "source",
    [42, None, [1, 2, 3], np.zeros((40, 40, 3), np.float32), np.zeros((4, 40, 40, 3), np.uint8), io.StringIO("x")],
)
def test_a_wrong_type_raises_type_error_at_once(reader, source: object) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TypeError, match=r"KtpReader\.read|uint8|HxW|binary mode"):
        reader.read(source)


def test_pixel_limits_apply_to_arrays(reader) -> None:  # type: ignore[no-untyped-def]
    from ktp_ocr.options import ReaderOptions

    result = reader.read(np.zeros((100, 100, 3), np.uint8), ReaderOptions(max_pixels=1000))
    assert result.status == "FILE_TOO_LARGE"


def test_options_as_a_dict_per_read(reader, card: Path) -> None:  # type: ignore[no-untyped-def]
    assert reader.read(card.read_bytes(), {"max_file_bytes": 1000}).status == "FILE_TOO_LARGE"


def test_fields_by_name_as_well_as_by_attribute(from_file: KtpResult) -> None:
    from ktp_ocr import FIELD_NAMES

    assert from_file.fields["nik"] is from_file.fields.nik
    assert [from_file.fields[name].value for name in FIELD_NAMES] == list(from_file.fields.values().values())
    with pytest.raises(KeyError):
        from_file.fields["get"]  # a method's name is no field's


def test_the_package_lists_its_exports_to_dir_and_help() -> None:
    import pydoc

    import ktp_ocr

    assert {"KtpReader", "ReaderOptions", "KtpResult", "Status"} <= set(dir(ktp_ocr))
    assert "class KtpReader" in pydoc.render_doc(ktp_ocr, renderer=pydoc.plaintext)


def test_refusals_say_mb_and_list_pdf(reader) -> None:  # type: ignore[no-untyped-def]
    from ktp_ocr.options import ReaderOptions

    small = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 210, 230)).save(small, format="JPEG")  # a few KB, under strict's 100 KB
    too_large = reader.read(b"x" * (3 * 1024 * 1024), ReaderOptions(max_file_bytes=2 * 1024 * 1024))
    assert too_large.reason == "The file is 3 MB; the limit is 2 MB."
    strict = reader.read(small.getvalue(), ReaderOptions(requirements="strict"))
    assert strict.status == "IMAGE_REQUIREMENT_FAILED" and " KB;" in strict.reason and "bytes" not in strict.reason
    assert "PDF" in reader.read(b"neither an image nor a PDF").reason

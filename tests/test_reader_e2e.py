"""The whole reader on cards the project renders itself: values, status, polygons, orientation, failures."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image

from ktp_ocr.decode import EXIF_TRANSPOSE
from ktp_ocr.errors import Status
from ktp_ocr.evaluation import CardLabels, score_fields
from ktp_ocr.options import ReaderOptions
from ktp_ocr.reader import KtpReader
from ktp_ocr.result import FIELD_NAMES
from ktp_ocr.synth import render_sample

from .fakes import PassCounter

SEEDS = (0, 1, 2)


@pytest.fixture(scope="module")
def samples() -> list[tuple[bytes, dict]]:  # type: ignore[type-arg]
    return [render_sample(seed) for seed in SEEDS]


def _right(result, entry) -> int:  # type: ignore[no-untyped-def]
    return sum(pair.right for pair in score_fields(CardLabels.from_entry(entry), result.fields.values()).values())


def test_clean_cards_read_almost_every_field(reader, samples) -> None:  # type: ignore[no-untyped-def]
    right = 0
    for data, entry in samples:
        result = reader.read(data)
        assert result.status is Status.SUCCESS
        assert result.fields.nik.value == entry["fields"]["nik"]
        assert result.nik_details is not None and result.nik_details.valid
        right += _right(result, entry)
    assert right >= 0.95 * len(FIELD_NAMES) * len(samples)


def test_polygons_lie_inside_the_input_image(reader, samples) -> None:  # type: ignore[no-untyped-def]
    data, _ = samples[0]
    h, w = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR).shape[:2]
    result = reader.read(data)
    for name in FIELD_NAMES:
        field = result.fields.get(name)
        if field.value and field.polygon:
            pts = np.array(field.polygon)
            assert pts.shape == (4, 2)
            assert (pts[:, 0] >= -2).all() and (pts[:, 0] <= w + 2).all(), name
            assert (pts[:, 1] >= -2).all() and (pts[:, 1] <= h + 2).all(), name
            assert 0 <= field.confidence <= 100


def test_nik_polygon_covers_the_printed_nik(reader, samples) -> None:  # type: ignore[no-untyped-def]
    data, entry = samples[1]
    result = reader.read(data)
    truth = entry.get("boxes", {}).get("nik") if isinstance(entry.get("boxes"), dict) else None
    poly = np.array(result.fields.nik.polygon, dtype=np.float32)
    centre = poly.mean(axis=0)
    if truth is not None:
        assert cv2.pointPolygonTest(np.array(truth, np.float32), tuple(map(float, centre)), False) >= 0
    else:  # the NIK is in the upper half of an upright card
        assert centre[1] < 0.5 * cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR).shape[0]


@pytest.mark.parametrize("turn", [cv2.ROTATE_180, cv2.ROTATE_90_CLOCKWISE])
def test_turned_cards_are_read_upright(reader, samples, turn) -> None:  # type: ignore[no-untyped-def]
    data, entry = samples[2]
    img = cv2.rotate(cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR), turn)
    _ok, buf = cv2.imencode(".png", img)
    result = reader.read(buf.tobytes())
    assert result.fields.nik.value == entry["fields"]["nik"]


def test_mirrored_card_is_read(reader, samples) -> None:  # type: ignore[no-untyped-def]
    data, entry = samples[0]
    img = cv2.flip(cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR), 1)
    result = reader.read(cv2.imencode(".png", img)[1].tobytes())
    assert result.fields.nik.value == entry["fields"]["nik"]
    assert result.card.mirrored


# The pixels a camera stores for each EXIF orientation of an upright card: the inverse of the transpose that
# shows it upright (orientations 6 and 8 are each other's inverse; the others undo themselves).
STORED = {2: 2, 3: 3, 4: 4, 5: 5, 6: 8, 7: 7, 8: 6}


def _tagged(data: bytes, orientation: int) -> bytes:
    """``data`` stored as a camera would with EXIF ``orientation``: transposed pixels and the tag to undo it."""
    upright = Image.open(io.BytesIO(data)).convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = orientation
    buf = io.BytesIO()
    upright.transpose(EXIF_TRANSPOSE[STORED[orientation]]).save(buf, format="PNG", exif=exif)
    return buf.getvalue()


def test_every_exif_orientation_reads_like_upright_in_as_many_passes(reader, samples) -> None:  # type: ignore[no-untyped-def]
    """EXIF is applied before the orientation search: a mirrored or transposed file costs no extra pass."""
    data, _entry = samples[1]
    counted = KtpReader(engine=PassCounter(reader.engine))
    upright = counted.read(data)
    passes = counted.engine.passes
    for orientation in range(2, 9):
        counted.engine.passes = 0
        result = counted.read(_tagged(data, orientation))
        assert counted.engine.passes == passes, orientation
        assert result.fields.values() == upright.fields.values(), orientation
        assert not result.card.mirrored


def test_not_an_image_is_a_typed_failure(reader) -> None:  # type: ignore[no-untyped-def]
    result = reader.read(b"definitely not an image")
    assert result.status is Status.FILE_INVALID_FORMAT
    assert all(result.fields.get(n).value is None for n in FIELD_NAMES)


def test_blank_image_has_no_text(reader) -> None:  # type: ignore[no-untyped-def]
    buf = io.BytesIO()
    Image.new("RGB", (800, 500), (255, 255, 255)).save(buf, format="PNG")
    assert reader.read(buf.getvalue()).status is Status.TEXT_NOT_FOUND


def test_strict_card_detection_refuses_a_blank_page(reader) -> None:  # type: ignore[no-untyped-def]
    buf = io.BytesIO()
    Image.new("RGB", (800, 500), (255, 255, 255)).save(buf, format="PNG")
    result = reader.read(buf.getvalue(), ReaderOptions(pass_card_detect=False))
    assert result.status is Status.CARD_NOT_FOUND


def test_reader_is_safe_from_several_threads(reader, samples) -> None:  # type: ignore[no-untyped-def]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(lambda s: reader.read(s[0]), samples))
    assert [r.fields.nik.value for r in results] == [e["fields"]["nik"] for _, e in samples]


def test_face_and_signature_crops_are_jpeg(reader, samples) -> None:  # type: ignore[no-untyped-def]
    import base64

    result = reader.read(samples[0][0], ReaderOptions(with_images=True))
    assert result.images is not None
    for crop in (result.images.photo, result.images.sign):
        assert crop is not None
        img = cv2.imdecode(np.frombuffer(base64.b64decode(crop), np.uint8), cv2.IMREAD_COLOR)
        assert img is not None and min(img.shape[:2]) > 40
    photo = cv2.imdecode(np.frombuffer(base64.b64decode(result.images.photo), np.uint8), cv2.IMREAD_COLOR)
    assert photo.shape[0] > photo.shape[1]  # the portrait is taller than wide


def _two_cards(samples) -> bytes:  # type: ignore[no-untyped-def]
    canvas = np.full((1000, 2200, 3), (60, 70, 80), np.uint8)
    for (data, entry), (x, width) in zip(samples[:2], ((60, 1000), (1180, 900)), strict=True):
        photo = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
        height = round(width * 54 / 85.6)
        target = np.float32([[0, 0], [width, 0], [width, height], [0, height]])
        warp = cv2.getPerspectiveTransform(np.float32(entry["corners"]), target)
        canvas[100 : 100 + height, x : x + width] = cv2.warpPerspective(photo, warp, (width, height))
    return cv2.imencode(".png", canvas)[1].tobytes()


def test_several_cards_are_reported_or_the_largest_is_read(reader, samples) -> None:  # type: ignore[no-untyped-def]
    image = _two_cards(samples)
    assert reader.read(image).status is Status.MULTIPLE_DOCUMENTS_DETECTED
    largest = reader.read(image, ReaderOptions(read_largest_card=True))
    assert largest.status is Status.SUCCESS
    assert largest.fields.nik.value == samples[0][1]["fields"]["nik"]
    assert any("other card" in w for w in largest.warnings)

"""Decode: formats, EXIF orientation, limits and typed errors."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from ktp_ocr.decode import PDF_RENDER_DPI, decode_image, read_source
from ktp_ocr.errors import FileTooLargeError, ImageRequirementError, InvalidFormatError, NoFileError
from ktp_ocr.options import ReaderOptions


def _encode(fmt: str, size: tuple[int, int] = (64, 40), **kw: object) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(buf, format=fmt, **kw)
    return buf.getvalue()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "BMP", "TIFF"])
def test_formats_decode_to_bgr(fmt: str) -> None:
    img = decode_image(_encode(fmt), ReaderOptions())
    assert img.shape == (40, 64, 3)
    b, _g, r = (int(v) for v in img[20, 30])
    assert b > r  # channel order is BGR


# EXIF orientation -> what shows the stored pixels upright (rows, columns), written out from the EXIF definition.
UPRIGHT = {
    1: lambda a: a,
    2: lambda a: a[:, ::-1],  # mirrored
    3: lambda a: a[::-1, ::-1],  # turned 180 degrees
    4: lambda a: a[::-1],  # flipped top to bottom
    5: lambda a: a.transpose(1, 0, 2),  # mirrored about the main diagonal
    6: lambda a: np.rot90(a, -1),  # turned 90 degrees clockwise to display
    7: lambda a: a.transpose(1, 0, 2)[::-1, ::-1],  # mirrored about the other diagonal
    8: lambda a: np.rot90(a, 1),  # turned 90 degrees counter-clockwise to display
}


@pytest.mark.parametrize("orientation", sorted(UPRIGHT))
def test_exif_orientation_is_applied(orientation: int) -> None:
    """The same JPEG pixels with each EXIF orientation come out turned or mirrored as the tag says, to the pixel."""
    noise = Image.fromarray(np.random.default_rng(0).integers(0, 256, (40, 64, 3), dtype=np.uint8))
    plain, tagged = io.BytesIO(), io.BytesIO()
    noise.save(plain, format="JPEG")
    exif = Image.Exif()
    exif[0x0112] = orientation
    noise.save(tagged, format="JPEG", exif=exif)
    stored = decode_image(plain.getvalue(), ReaderOptions())
    upright = decode_image(tagged.getvalue(), ReaderOptions())
    assert upright.shape == ((64, 40, 3) if orientation >= 5 else (40, 64, 3))
    assert np.array_equal(upright, UPRIGHT[orientation](stored))


def test_pdf_first_page_is_rendered() -> None:
    """A 300 x 200 pt page (PIL writes 72 dpi) at PDF_RENDER_DPI, its colour in BGR order."""
    buf = io.BytesIO()
    Image.new("RGB", (300, 200), (10, 120, 200)).save(buf, format="PDF")
    img = decode_image(buf.getvalue(), ReaderOptions())
    assert img.dtype == np.uint8 and img.ndim == 3 and img.shape[2] == 3
    assert img.shape[:2] == pytest.approx((200 * PDF_RENDER_DPI / 72, 300 * PDF_RENDER_DPI / 72), abs=1)
    assert np.abs(img.reshape(-1, 3).astype(int) - (200, 120, 10)).max() <= 2  # blue first: BGR


@pytest.mark.parametrize("data", [b"not an image at all", _encode("PNG")[:40], b"%PDF-1.4 broken"])
def test_garbage_is_invalid_format(data: bytes) -> None:
    with pytest.raises(InvalidFormatError):
        decode_image(data, ReaderOptions())


def test_limits_are_checked_before_decoding() -> None:
    with pytest.raises(FileTooLargeError):
        decode_image(_encode("PNG"), ReaderOptions(max_file_bytes=10))
    with pytest.raises(FileTooLargeError):
        decode_image(_encode("PNG", size=(400, 400)), ReaderOptions(max_pixels=1000))


def test_missing_and_empty_sources() -> None:
    with pytest.raises(NoFileError):
        read_source("/nonexistent/card.jpg")
    with pytest.raises(NoFileError):
        read_source(b"")
    assert isinstance(read_source(np.zeros(3, np.uint8).tobytes()), bytes)


def test_strict_requirements_follow_the_nodeflux_specification() -> None:
    strict = ReaderOptions(requirements="strict")
    small = _encode("PNG", size=(200, 150))
    with pytest.raises(ImageRequirementError):
        decode_image(small, strict)
    assert decode_image(small, ReaderOptions()).shape[:2] == (150, 200)  # permissive by default
    noisy = np.random.default_rng(0).integers(0, 255, (600, 800, 3), dtype=np.uint8)
    buf = io.BytesIO()
    Image.fromarray(noisy).save(buf, format="JPEG", quality=95)
    assert 100 * 1024 <= len(buf.getvalue()) <= 2 * 1024 * 1024
    assert decode_image(buf.getvalue(), strict).shape[:2] == (600, 800)


def test_pixels_and_pil_images_become_bgr() -> None:
    from ktp_ocr.decode import load_image

    bgr = np.zeros((40, 64, 3), np.uint8)
    bgr[:, :, 0] = 200  # blue
    opts = ReaderOptions()
    assert np.array_equal(load_image(bgr, opts), bgr)
    bgra = np.dstack([bgr, np.full((40, 64), 255, np.uint8)])
    assert np.array_equal(load_image(bgra, opts), bgr)
    grey = np.full((40, 64), 90, np.uint8)
    assert load_image(grey, opts).shape == (40, 64, 3) and int(load_image(grey, opts)[0, 0, 2]) == 90
    pil = Image.new("RGB", (64, 40), (10, 120, 200))
    assert tuple(int(v) for v in load_image(pil, opts)[5, 5]) == (200, 120, 10)
    assert load_image(io.BytesIO(_encode("PNG")), opts).shape == (40, 64, 3)
    with pytest.raises(ImageRequirementError):
        load_image(np.zeros((150, 200, 3), np.uint8), ReaderOptions(requirements="strict"))


def test_wrong_source_types_are_type_errors() -> None:
    from ktp_ocr.decode import check_source

    for bad in (3.5, {"image": b""}, np.zeros((8, 8), np.int16), np.zeros((8, 8, 2), np.uint8), io.StringIO()):
        with pytest.raises(TypeError):
            check_source(bad)


def test_folder_suffixes_are_the_decoder_formats() -> None:
    from ktp_ocr.decode import IMAGE_SUFFIXES

    assert {".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff", ".pdf"} <= IMAGE_SUFFIXES
    assert ".gif" not in IMAGE_SUFFIXES and ".txt" not in IMAGE_SUFFIXES

"""Decode under attack: PDFs rendered in a killable worker, aspect ratios refused, huge rasters decoded reduced.

Every input is synthetic: PDFs are written by hand as bytes, images are made with PIL and numpy.
"""

from __future__ import annotations

import io
import os
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageOps

from ktp_ocr import pdf_render
from ktp_ocr.decode import (
    DECODE_LONG_SIDE,
    MAX_ASPECT_RATIO,
    PDF_RENDER_DPI,
    RenderTimeoutError,
    decode_image,
    load_image,
)
from ktp_ocr.errors import ImageRequirementError, InvalidFormatError, KtpOcrError, Status
from ktp_ocr.options import ReaderOptions

# --- hand-made PDFs ---------------------------------------------------------------------------------------------


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF whose objects 1..n are ``objects`` (1 is the catalog), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _page_pdf(content: bytes, width: float = 300, height: float = 200) -> bytes:
    """One page drawing ``content`` (compressed, as an attacker would send it)."""
    stream = zlib.compress(content, 9)
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] /Contents 4 0 R /Resources << >> >>" % (width, height),
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream),
        ]
    )


def _lines_pdf(count: int) -> bytes:
    """A page of ``count`` thick lines across the whole page: a few KB that pdfium needs minutes to draw."""
    return _page_pdf(b"8 w\n" + b"0 0 m 300 200 l S\n0 200 m 300 0 l S\n" * (count // 2))


def _drawing_pdf() -> bytes:
    """An ordinary vector page: coloured rectangles, thin lines and a curve."""
    content = (
        b"0.1 0.4 0.8 rg 20 20 120 80 re f\n0.9 0.2 0.1 RG 3 w 10 180 m 290 120 l S\n"
        b"0 0.6 0.3 rg 160 40 m 200 160 260 10 290 90 c f\n0.2 G 0.5 w 0 100 m 300 100 l S\n"
    )
    return _page_pdf(content, width=301.5, height=199.3)  # odd sizes: pdfium rounds the pixel size up


def _reference_render(data: bytes) -> np.ndarray:
    """The reader's render before it moved to a worker process: pypdfium2 in-process, RGB -> BGR."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        rgb = np.asarray(pdf[0].render(scale=PDF_RENDER_DPI / 72).to_pil().convert("RGB"))
    finally:
        pdf.close()
    return np.ascontiguousarray(rgb[:, :, ::-1])


def _children() -> set[int]:
    """Processes (zombies included) whose parent is this one."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == os.getpid():
            found.add(int(stat.parent.name))
    return found


needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="process listing needs Linux /proc")


# --- PDFs -------------------------------------------------------------------------------------------------------


def test_normal_pdfs_render_the_same_pixels_as_in_process() -> None:
    photo = Image.linear_gradient("L").resize((300, 200)).convert("RGB")
    ImageDraw.Draw(photo).ellipse((40, 30, 200, 170), fill=(200, 40, 90))
    buf = io.BytesIO()
    photo.save(buf, format="PDF")
    for data in (buf.getvalue(), _drawing_pdf()):
        pixels = decode_image(data, ReaderOptions())
        assert pixels.flags.writeable and pixels.flags.c_contiguous
        assert np.array_equal(pixels, _reference_render(data))


@needs_proc
def test_a_page_too_slow_to_render_is_killed_at_the_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_render, "MAX_PAGE_OBJECTS", 10**9)  # past the cheap pre-check, to the deadline
    monkeypatch.setattr(pdf_render, "MAX_PATH_SEGMENTS", 10**9)
    data = _lines_pdf(200_000)
    assert len(data) < 20_000
    before = _children()
    with pytest.raises(RenderTimeoutError) as caught:  # pdfium alone would take minutes on this page
        decode_image(data, ReaderOptions(render_timeout_s=0.5))
    assert caught.value.status is Status.IMAGE_REQUIREMENT_FAILED and caught.value.http_status == 422
    assert "too complex to render within 0.5 s" in caught.value.message
    assert _children() - before == set()  # the worker was killed and reaped


def test_a_page_over_the_drawing_budget_is_refused_before_rendering() -> None:
    with pytest.raises(ImageRequirementError) as caught:
        decode_image(_lines_pdf(200_000), ReaderOptions(render_timeout_s=60))
    assert not isinstance(caught.value, RenderTimeoutError)
    assert "too complex" in caught.value.message


def _nested_forms_pdf(depth: int, content: bytes) -> bytes:
    """A page drawing form 1, which draws form 2, ... down to form ``depth``, which draws ``content``."""
    forms = []
    for level in range(1, depth + 1):
        body = content if level == depth else b"/X Do"
        resources = b"" if level == depth else b"/XObject << /X %d 0 R >>" % (4 + level + 1)
        stream = zlib.compress(body, 9)
        forms.append(
            b"<< /Type /XObject /Subtype /Form /BBox [0 0 300 200] /Resources << %s >> /Length %d "
            b"/Filter /FlateDecode >>\nstream\n%s\nendstream" % (resources, len(stream), stream)
        )
    page_stream = zlib.compress(b"/X Do", 9)
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R "
            b"/Resources << /XObject << /X 5 0 R >> >> >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(page_stream), page_stream),
            *forms,
        ]
    )


def test_forms_nested_past_the_limit_are_refused_not_skipped() -> None:
    """The budget counts what pdfium would draw at any depth: a heavy path hidden under 33 forms is a refusal."""
    heavy = b"8 w\n" + b"0 0 m 300 200 l S\n0 200 m 300 0 l S\n" * 150_000
    with pytest.raises(ImageRequirementError) as caught:
        decode_image(_nested_forms_pdf(pdf_render.MAX_FORM_DEPTH + 1, heavy), ReaderOptions(render_timeout_s=60))
    assert not isinstance(caught.value, RenderTimeoutError)
    assert "nested forms" in caught.value.message
    light = b"0 0 m 300 200 l S"
    pixels = decode_image(_nested_forms_pdf(3, light), ReaderOptions())  # a form or two, as exported files have
    assert int(pixels.min()) == 0


def test_lines_under_the_budget_still_render() -> None:
    pixels = decode_image(_lines_pdf(20), ReaderOptions())
    assert pixels.shape == (556, 834, 3) and int(pixels.min()) == 0  # black lines on white


_CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"


@pytest.mark.parametrize(
    "objects",
    [
        [_CATALOG, b"<< /Type /Pages /Kids [7 0 R] /Count 1 >>"],  # the only page does not exist
        [_CATALOG, b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"],  # the page tree is its own kid
        [_CATALOG, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", b"(a string, not a page)"],
        [_CATALOG, b"<< /Type /Pages /Kids [] /Count 0 >>"],  # no pages at all
    ],
)
def test_a_broken_page_tree_is_invalid_format(objects: list[bytes]) -> None:
    with pytest.raises(InvalidFormatError):
        decode_image(_pdf(objects), ReaderOptions())


def test_a_page_too_large_or_too_narrow_is_refused_before_rendering() -> None:
    from ktp_ocr.errors import FileTooLargeError

    with pytest.raises(FileTooLargeError):
        decode_image(_page_pdf(b"", width=14400, height=14400), ReaderOptions())
    with pytest.raises(ImageRequirementError):
        decode_image(_page_pdf(b"", width=14400, height=14), ReaderOptions())  # 40000 x 38 px


def test_the_renderer_memory_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_render, "MAX_RENDER_MEMORY", 160 * 1024**2)
    assert decode_image(_drawing_pdf(), ReaderOptions()).shape == (554, 838, 3)  # an ordinary page fits
    with pytest.raises(InvalidFormatError):  # 7000 x 7000 px: 147 MB of pixels do not fit in 160 MB with pdfium
        decode_image(_page_pdf(b"", width=2520, height=2520), ReaderOptions())


def test_a_renderer_that_cannot_start_is_a_server_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_render.sys, "executable", "/bin/false")
    with pytest.raises(KtpOcrError) as caught:
        decode_image(_drawing_pdf(), ReaderOptions())
    assert caught.value.status is Status.FAILED


def test_a_crash_is_blamed_on_the_file() -> None:
    assert pdf_render._death_error(-11).kind == "invalid"
    assert pdf_render._death_error(1).kind == "failed"


# --- aspect ratio -----------------------------------------------------------------------------------------------


def test_extreme_aspect_ratios_are_refused_for_every_source() -> None:
    opts = ReaderOptions()
    strip = Image.new("RGB", (40960, 16), (10, 120, 200))  # 2,560:1
    buf = io.BytesIO()
    strip.save(buf, format="PNG")
    for source in (buf.getvalue(), np.zeros((16, 40960, 3), np.uint8), strip, np.zeros((900, 100), np.uint8)):
        with pytest.raises(ImageRequirementError):
            load_image(source, opts)
    edge = MAX_ASPECT_RATIO * 20
    assert load_image(np.zeros((20, edge, 3), np.uint8), opts).shape == (20, edge, 3)  # exactly at the bound


# --- memory: huge rasters decoded reduced -----------------------------------------------------------------------


def _photo(size: tuple[int, int]) -> Image.Image:
    """A smooth picture with some edges: cheap to encode, yet every pixel matters in a comparison."""
    grad = Image.linear_gradient("L").resize(size)
    photo = Image.merge("RGB", (grad, grad.transpose(Image.Transpose.ROTATE_180), grad.point(lambda v: 255 - v)))
    ImageDraw.Draw(photo).rectangle((size[0] // 5, size[1] // 4, size[0] // 2, size[1] // 2), fill=(240, 30, 60))
    return photo


def _jpeg(photo: Image.Image, orientation: int = 1) -> bytes:
    exif = Image.Exif()
    if orientation != 1:
        exif[0x0112] = orientation
    buf = io.BytesIO()
    photo.save(buf, format="JPEG", quality=90, exif=exif)
    return buf.getvalue()


@pytest.mark.parametrize("orientation", [1, 6])
def test_a_12_mp_photo_decodes_exactly_as_plain_pil(orientation: int) -> None:
    data = _jpeg(_photo((4000, 3000)), orientation)
    plain = np.asarray(ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB"))[:, :, ::-1]
    assert np.array_equal(decode_image(data, ReaderOptions()), plain)


@pytest.mark.parametrize("orientation", [1, 6])
def test_a_48_mp_jpeg_is_decoded_reduced(orientation: int) -> None:
    pixels = decode_image(_jpeg(_photo((8000, 6000)), orientation), ReaderOptions())
    height, width = pixels.shape[:2]
    assert DECODE_LONG_SIDE <= max(height, width) < 8000
    assert (width > height) == (orientation == 1)  # EXIF orientation still applied
    assert abs(width / height - (4 / 3 if orientation == 1 else 3 / 4)) < 0.01


def test_huge_png_pil_and_palette_images_are_reduced() -> None:
    palette = Image.new("P", (6400, 1000), 3)
    buf = io.BytesIO()
    palette.save(buf, format="PNG")
    assert decode_image(buf.getvalue(), ReaderOptions()).shape == (500, 3200, 3)
    photo = _photo((6400, 4800))
    pixels = load_image(photo, ReaderOptions())
    assert pixels.shape == (2400, 3200, 3) and photo.size == (6400, 4800)  # the caller's image is untouched
    expected = np.asarray(photo.reduce(2))[:, :, ::-1]
    assert np.array_equal(pixels, expected)


def test_strict_mode_judges_the_source_not_the_reduced_pixels() -> None:
    # 6400 x 4800 is over strict mode's 4000 x 3000; reduced to 3200 x 2400 it would pass, so the check must see
    # the source's own size
    strict = ReaderOptions(requirements="strict")
    photo = _photo((6400, 4800))
    with pytest.raises(ImageRequirementError):
        load_image(photo, strict)
    buf = io.BytesIO()
    photo.save(buf, format="JPEG", quality=60)
    assert 100 * 1024 <= len(buf.getvalue()) <= 2 * 1024 * 1024  # inside the byte bounds: only the sides fail
    with pytest.raises(ImageRequirementError, match="4000x3000"):
        decode_image(buf.getvalue(), strict)

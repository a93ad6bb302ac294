"""Stage 1, decode: bytes or a path become upright BGR pixels, or a typed error.

Limits are checked before pixels are allocated (file size first, then the header's pixel count), so a
decompression bomb or a huge PDF page is refused without being decoded.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import FileTooLargeError, ImageRequirementError, InvalidFormatError, NoFileError
from .options import ReaderOptions

IMAGE_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "BMP", "TIFF", "MPO"})
PDF_MAGIC = b"%PDF-"
PDF_RENDER_DPI = 200
# Nodeflux's input specification, enforced in the strict requirements mode.
STRICT_BYTES = (100 * 1024, 2 * 1024 * 1024)
STRICT_SIDES = ((300, 400), (3000, 4000))  # (short, long) minimum and maximum


def read_source(source: bytes | str | Path) -> bytes:
    """Bytes of an upload or a file; a missing or empty file is NO_FILE."""
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
    else:
        path = Path(source)
        if not path.is_file():
            raise NoFileError(f"No such file: {path}")
        data = path.read_bytes()
    if not data:
        raise NoFileError("The file is empty.")
    return data


def decode_image(data: bytes, options: ReaderOptions) -> np.ndarray:
    """Decode to a BGR uint8 array with EXIF orientation applied."""
    if len(data) > options.max_file_bytes:
        raise FileTooLargeError(f"The file is {len(data)} bytes; the limit is {options.max_file_bytes} bytes.")
    pil = _render_pdf(data, options) if data.startswith(PDF_MAGIC) else _open_image(data, options)
    if options.requirements == "strict":
        check_requirements(len(data), pil.width, pil.height)
    rgb = np.asarray(pil.convert("RGB"))
    return np.ascontiguousarray(rgb[:, :, ::-1])


def check_requirements(size: int, width: int, height: int) -> None:
    """The strict input policy: file size and image dimensions inside Nodeflux's published bounds."""
    (min_short, min_long), (max_short, max_long) = STRICT_SIDES
    short, long = sorted((width, height))
    if not STRICT_BYTES[0] <= size <= STRICT_BYTES[1]:
        raise ImageRequirementError(f"The file is {size} bytes; strict mode accepts 100 KB to 2 MB.")
    if short < min_short or long < min_long or short > max_short or long > max_long:
        raise ImageRequirementError(
            f"The image is {width}x{height} px; strict mode accepts 300x400 up to 4000x3000 px."
        )


def _check_pixels(width: int, height: int, options: ReaderOptions) -> None:
    if width * height > options.max_pixels:
        raise FileTooLargeError(
            f"The image is {width}x{height} pixels; the limit is {options.max_pixels} pixels in all."
        )
    if width < 16 or height < 16:
        raise InvalidFormatError(f"The image is only {width}x{height} pixels.")


def _open_image(data: bytes, options: ReaderOptions) -> Image.Image:
    try:
        pil = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:  # the header alone claims too many pixels
        raise FileTooLargeError(str(exc)) from exc
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise InvalidFormatError() from exc
    if pil.format not in IMAGE_FORMATS:
        raise InvalidFormatError(f"Unsupported image format {pil.format!r}.")
    _check_pixels(pil.width, pil.height, options)
    try:
        pil.load()
        return ImageOps.exif_transpose(pil)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise InvalidFormatError(f"The image is truncated or corrupt: {exc}") from exc


def _render_pdf(data: bytes, options: ReaderOptions) -> Image.Image:
    """First page of a PDF at 200 dpi, refused before rendering when the page would be too large."""
    import pypdfium2 as pdfium  # heavy import only for PDFs

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise InvalidFormatError(f"The PDF cannot be opened: {exc}") from exc
    try:
        if len(pdf) == 0:
            raise InvalidFormatError("The PDF has no pages.")
        page = pdf[0]
        width_pt, height_pt = page.get_size()
        scale = PDF_RENDER_DPI / 72
        _check_pixels(int(width_pt * scale), int(height_pt * scale), options)
        rendered: Image.Image = page.render(scale=scale).to_pil()
        return rendered
    finally:
        pdf.close()

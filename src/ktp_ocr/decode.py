"""Stage 1, decode: a path, bytes, a file object, pixels or a PIL image become upright BGR pixels, or a typed error.

Limits are checked before pixels are allocated (file size first, then the header's pixel count), so a
decompression bomb or a huge PDF page is refused without being decoded. A source of the wrong type is a
programming error, not a bad upload: :func:`check_source` raises ``TypeError`` for it before any work starts.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import BinaryIO, TypeAlias

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import FileTooLargeError, ImageRequirementError, InvalidFormatError, NoFileError
from .options import ReaderOptions

IMAGE_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "BMP", "TIFF", "MPO"})
PDF_MAGIC = b"%PDF-"
# File name endings a folder is searched for (batch, ``read DIR``): PIL's own for the formats above, and PDF.
IMAGE_SUFFIXES = frozenset(
    {ext for ext, fmt in Image.registered_extensions().items() if fmt in IMAGE_FORMATS} | {".pdf"}
)
# What ``KtpReader.read`` accepts: a path, encoded bytes, a binary file object, pixels (BGR, BGRA or grey
# uint8, as OpenCV gives them) or a PIL image.
Source: TypeAlias = str | os.PathLike[str] | bytes | bytearray | BinaryIO | np.ndarray | Image.Image
PDF_RENDER_DPI = 200
# Nodeflux's input specification, enforced in the strict requirements mode.
STRICT_BYTES = (100 * 1024, 2 * 1024 * 1024)
STRICT_SIDES = ((300, 400), (3000, 4000))  # (short, long) minimum and maximum


def check_source(source: object) -> None:
    """Raise ``TypeError`` at once for anything :data:`Source` does not allow (a caller's bug, not a bad image)."""
    if isinstance(source, io.TextIOBase):
        raise TypeError("a file object must be opened in binary mode ('rb'), not text mode")
    if isinstance(source, str | os.PathLike | bytes | bytearray | Image.Image) or _is_file_object(source):
        return
    if isinstance(source, np.ndarray):
        if source.dtype != np.uint8:
            raise TypeError(f"a pixel array must be uint8 (as OpenCV gives it), not {source.dtype}")
        if not (source.ndim == 2 or (source.ndim == 3 and source.shape[2] in (1, 3, 4))):
            raise TypeError(f"a pixel array must be HxW, HxWx1, HxWx3 (BGR) or HxWx4 (BGRA), not {source.shape}")
        return
    raise TypeError(
        "KtpReader.read takes a path, bytes, a binary file object, a numpy uint8 array (BGR) or a PIL image, "
        f"not {type(source).__name__}"
    )


def load_image(source: Source, options: ReaderOptions) -> np.ndarray:
    """Any accepted source as upright BGR uint8 pixels, with the same limits whatever the source's form."""
    if isinstance(source, np.ndarray):
        return _from_array(source, options)
    if isinstance(source, Image.Image):
        return _from_pil(source, options)
    if isinstance(source, str | os.PathLike | bytes | bytearray):
        return decode_image(read_source(source), options)
    data = source.read()
    if not isinstance(data, bytes | bytearray):
        raise TypeError(f"a file object must be opened in binary mode ('rb'); its read() gave {type(data).__name__}")
    return decode_image(read_source(data), options)


def _is_file_object(source: object) -> bool:
    return callable(getattr(source, "read", None)) and not isinstance(source, Image.Image)


def _from_array(pixels: np.ndarray, options: ReaderOptions) -> np.ndarray:
    """Grey and BGRA pixels become BGR; the pixel limits and the strict sides apply as for a file."""
    h, w = pixels.shape[:2]
    _check_pixels(w, h, options)
    if options.requirements == "strict":
        check_sides(w, h)
    channels = 1 if pixels.ndim == 2 else pixels.shape[2]
    if channels == 1:
        return np.ascontiguousarray(np.repeat(pixels.reshape(h, w, 1), 3, axis=2))
    return np.ascontiguousarray(pixels[:, :, :3])  # BGRA: the alpha plane is dropped


def _from_pil(pil: Image.Image, options: ReaderOptions) -> np.ndarray:
    """A PIL image is read as a decoded file would be: EXIF orientation applied, then RGB -> BGR."""
    _check_pixels(pil.width, pil.height, options)
    upright = ImageOps.exif_transpose(pil)
    if options.requirements == "strict":
        check_sides(upright.width, upright.height)
    rgb = np.asarray(upright.convert("RGB"))
    return np.ascontiguousarray(rgb[:, :, ::-1])


def read_source(source: bytes | bytearray | str | os.PathLike[str]) -> bytes:
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
    if not STRICT_BYTES[0] <= size <= STRICT_BYTES[1]:
        raise ImageRequirementError(f"The file is {size} bytes; strict mode accepts 100 KB to 2 MB.")
    check_sides(width, height)


def check_sides(width: int, height: int) -> None:
    """The strict policy's dimensions alone: pixels handed over in memory have no file size to check."""
    (min_short, min_long), (max_short, max_long) = STRICT_SIDES
    short, long = sorted((width, height))
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

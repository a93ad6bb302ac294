"""Stage 1, decode: a path, bytes, a file object, pixels or a PIL image become upright BGR pixels, or a typed error.

Limits are checked before pixels are allocated (file size first, then the header's pixel count and shape), so a
decompression bomb or a huge PDF page is refused without being decoded. Memory follows the output, not the
input: a raster whose longer side is at least twice :data:`DECODE_LONG_SIDE` is decoded at reduced size (a JPEG
already inside the decoder) and is never copied at full size. A PDF page is rendered by a child process killed at
``render_timeout_s`` (:mod:`ktp_ocr.pdf_render`). A source of the wrong type is a programming error, not a bad
upload: :func:`check_source` raises ``TypeError`` for it before any work starts.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import BinaryIO, TypeAlias

import numpy as np
from PIL import ExifTags, Image, UnidentifiedImageError

from .errors import (
    FileTooLargeError,
    ImageRequirementError,
    InvalidFormatError,
    KtpOcrError,
    NoFileError,
    size_text,
)
from .options import ReaderOptions
from .pdf_render import PdfRenderError, render_first_page

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
# A KTP is 85.6 x 54 mm (1.59:1). A capture of one, even a panorama-shaped photo or a scan of both sides next to
# each other, is a few times longer than wide at most; an image more than 8 times longer than wide cannot hold a
# readable card, and further down such a strip shrinks to a side of 0 pixels (cv2.resize fails). Refused at once.
MAX_ASPECT_RATIO = 8
# Rasters are decoded so that their longer side stays at least this long. A card filling only a third of the frame
# still gets over 1,000 px across (about 300 dpi on the card, plenty for its smallest print), and a 12 MP phone photo
# (4000 x 3000) is never reduced: reduction is by a whole factor of 2 or more, so only images whose longer side is at
# least 6,400 px (48 MP and up) are reduced, to between 3,200 and 6,400 px.
DECODE_LONG_SIDE = 3200
JPEG_FORMATS = frozenset({"JPEG", "MPO"})  # formats libjpeg can decode at 1/2, 1/4 or 1/8 size (PIL's draft)
# EXIF orientation -> the transpose that shows the image upright: PIL's ImageOps.exif_transpose table.
EXIF_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
BAND_ROWS = 256  # rows converted to BGR at a time, so no full-size temporary exists next to the output
# Nodeflux's input specification, enforced in the strict requirements mode.
STRICT_BYTES = (100 * 1024, 2 * 1024 * 1024)
STRICT_SIDES = ((300, 400), (3000, 4000))  # (short, long) minimum and maximum


class RenderTimeoutError(ImageRequirementError):
    """The PDF page did not render within ``render_timeout_s``; its renderer was killed. The file, not the service,
    is at fault (a page drawing tens of thousands of lines), hence IMAGE_REQUIREMENT_FAILED (422)."""


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
    """A PIL image is read as a decoded file would be: reduced when huge, EXIF orientation applied, RGB -> BGR.

    The caller's image is never changed, and it is never copied at full size (reduction comes first)."""
    _check_pixels(pil.width, pil.height, options)
    orientation = _orientation(pil)
    if options.requirements == "strict":
        check_sides(*_upright_size(pil.size, orientation))
    return _to_bgr(_transpose(_reduce(pil), orientation))


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
    """Decode to a BGR uint8 array with EXIF orientation applied (huge rasters at reduced size)."""
    if len(data) > options.max_file_bytes:
        limit = size_text(options.max_file_bytes, up=False)
        raise FileTooLargeError(f"The file is {size_text(len(data))}; the limit is {limit}.")
    if data.startswith(PDF_MAGIC):
        pixels = _render_pdf(data, options)
        if options.requirements == "strict":
            check_requirements(len(data), pixels.shape[1], pixels.shape[0])
        return pixels
    pil, upright_size = _open_image(data, options)
    if options.requirements == "strict":  # the file's own size, not the reduced one
        check_requirements(len(data), *upright_size)
    return _to_bgr(pil)


def check_requirements(size: int, width: int, height: int) -> None:
    """The strict input policy: file size and image dimensions inside Nodeflux's published bounds."""
    if not STRICT_BYTES[0] <= size <= STRICT_BYTES[1]:
        shown = size_text(size, up=size > STRICT_BYTES[1])
        raise ImageRequirementError(f"The file is {shown}; strict mode accepts 100 KB to 2 MB.")
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
    """The limits every source meets before its pixels exist: pixel count, smallest side, aspect ratio."""
    if width * height > options.max_pixels:
        raise FileTooLargeError(
            f"The image is {width}x{height} pixels; the limit is {options.max_pixels} pixels in all."
        )
    if width < 16 or height < 16:
        raise InvalidFormatError(f"The image is only {width}x{height} pixels.")
    if max(width, height) > MAX_ASPECT_RATIO * min(width, height):
        raise ImageRequirementError(
            f"The image is {width}x{height} pixels, over {MAX_ASPECT_RATIO} times longer than wide; a capture of an "
            "identity card (85.6 x 54 mm) never is."
        )


def reduce_factor(width: int, height: int) -> int:
    """The whole factor that brings the longer side down to between DECODE_LONG_SIDE and twice that; 1 keeps the
    image as it is (every image whose longer side is under 2 * DECODE_LONG_SIDE)."""
    return max(1, max(width, height) // DECODE_LONG_SIDE)


def _open_image(data: bytes, options: ReaderOptions) -> tuple[Image.Image, tuple[int, int]]:
    """The decoded, upright (and maybe reduced) image, with the upright size of the file's full-size pixels."""
    try:
        pil = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:  # the header alone claims too many pixels
        raise FileTooLargeError(str(exc)) from exc
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise InvalidFormatError() from exc
    if pil.format not in IMAGE_FORMATS:
        raise InvalidFormatError(f"Unsupported image format {pil.format!r}: send JPEG, PNG, WEBP, BMP, TIFF or PDF.")
    _check_pixels(pil.width, pil.height, options)
    full_size = pil.size
    try:
        _draft(pil)
        pil.load()
        orientation = _orientation(pil)  # before reducing: a TIFF keeps it in tags that reduce() does not copy
        return _transpose(_reduce(pil), orientation), _upright_size(full_size, orientation)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise InvalidFormatError(f"The image is truncated or corrupt: {exc}") from exc


def _draft(pil: Image.Image) -> None:
    """Ask libjpeg to decode a huge JPEG at 1/2, 1/4 or 1/8 size (the largest that keeps DECODE_LONG_SIDE), so the
    full-size pixels never exist. PIL's draft picks the largest of those scales that keeps the image at least the
    requested size; asking for (width // s, height // s) therefore gets exactly s."""
    factor = reduce_factor(*pil.size)
    if pil.format not in JPEG_FORMATS or factor < 2:
        return
    scale = next(s for s in (8, 4, 2) if s <= factor)
    pil.draft("RGB", (pil.width // scale, pil.height // scale))


def _reduce(pil: Image.Image) -> Image.Image:
    """A box-filtered copy whose longer side is between DECODE_LONG_SIDE and twice that, or ``pil`` itself when it
    is small enough already. Palette and other modes become RGB first: PIL cannot average palette indices."""
    factor = reduce_factor(*pil.size)
    if factor < 2:
        return pil
    if pil.mode not in ("RGB", "L"):
        pil = pil.convert("RGB")
    return pil.reduce(factor)


def _orientation(pil: Image.Image) -> int:
    """The EXIF orientation tag (1 = upright), as ImageOps.exif_transpose reads it."""
    value = pil.getexif().get(ExifTags.Base.Orientation, 1)
    return value if isinstance(value, int) else 1


def _transpose(pil: Image.Image, orientation: int) -> Image.Image:
    method = EXIF_TRANSPOSE.get(orientation)
    return pil if method is None else pil.transpose(method)


def _upright_size(size: tuple[int, int], orientation: int) -> tuple[int, int]:
    return (size[1], size[0]) if orientation in (5, 6, 7, 8) else size


def _to_bgr(pil: Image.Image) -> np.ndarray:
    """RGB pixels into a fresh BGR array, a band of rows at a time: the only full-size array is the result (PIL's
    ``np.asarray`` would add a bytes copy, and the channel flip another)."""
    rgb = pil if pil.mode == "RGB" else pil.convert("RGB")
    width, height = rgb.size
    bgr = np.empty((height, width, 3), np.uint8)
    for top in range(0, height, BAND_ROWS):
        band = np.asarray(rgb.crop((0, top, width, min(height, top + BAND_ROWS))))
        bgr[top : top + band.shape[0]] = band[:, :, ::-1]
    return bgr


def _render_pdf(data: bytes, options: ReaderOptions) -> np.ndarray:
    """First page of a PDF at 200 dpi as BGR, rendered in a child process killed at ``render_timeout_s``; the page's
    pixel size is checked before anything is rendered, and every pdfium failure is FILE_INVALID_FORMAT."""

    def check_size(width: int, height: int) -> None:
        _check_pixels(width, height, options)

    try:
        page = render_first_page(
            data, scale=PDF_RENDER_DPI / 72, timeout_s=options.render_timeout_s, check_size=check_size
        )
    except PdfRenderError as exc:
        raise _PDF_ERRORS[exc.kind](exc.message) from exc
    return np.frombuffer(page.bgr, np.uint8).reshape(page.height, page.width, 3)


_PDF_ERRORS: dict[str, type[KtpOcrError]] = {
    "invalid": InvalidFormatError,
    "too_complex": ImageRequirementError,
    "timeout": RenderTimeoutError,
    "failed": KtpOcrError,  # the renderer itself could not run: FAILED (500), the service's fault
}

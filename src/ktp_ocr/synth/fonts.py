"""Locating the font files the synthetic cards are printed with.

Real e-KTPs print labels and values in an Arial-like sans and the NIK in an
OCR-A-like monospace.  We use metric-compatible free fonts from Debian
packages (``fonts-liberation2`` for Arial, ``fonts-ocr-a`` for the NIK, with
``fonts-dejavu-core`` as a fallback) and look them up in the usual places or
through ``fc-match`` so the generator works on any Debian-like machine that
has installed them.  A missing font is a set-up problem, so it raises a clear
error instead of silently falling back to PIL's bitmap font.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import cache, lru_cache
from pathlib import Path

from PIL import ImageFont

_FONT_DIRS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
    Path("/Library/Fonts"),
)

# logical name -> (file names to look for, fc-match pattern, apt package)
_FONTS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "sans": (("LiberationSans-Regular.ttf", "Arial.ttf", "DejaVuSans.ttf"), "Liberation Sans", "fonts-liberation2"),
    "sans_bold": (
        ("LiberationSans-Bold.ttf", "Arial Bold.ttf", "DejaVuSans-Bold.ttf"),
        "Liberation Sans:bold",
        "fonts-liberation2",
    ),
    "ocr": (("OCRA.ttf", "OCR-A.ttf", "ocra.ttf", "DejaVuSansMono.ttf"), "OCR A", "fonts-ocr-a"),
}


class FontNotFoundError(RuntimeError):
    """Raised when a font needed to draw synthetic cards is not installed."""


def _search(names: tuple[str, ...]) -> Path | None:
    for name in names:
        for root in _FONT_DIRS:
            if not root.is_dir():
                continue
            hit = next(iter(root.rglob(name)), None)
            if hit is not None:
                return hit
    return None


def _fc_match(pattern: str, names: tuple[str, ...]) -> Path | None:
    exe = shutil.which("fc-match")
    if exe is None:
        return None
    try:
        out = subprocess.run([exe, "-f", "%{file}", pattern], capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    path = Path(out.stdout.strip())
    # fc-match always answers something; accept it only if it is one of the expected files.
    if path.is_file() and path.name in names:
        return path
    return None


@cache
def font_path(kind: str) -> Path:
    """Path of the font file for ``kind`` ("sans", "sans_bold" or "ocr")."""
    names, pattern, package = _FONTS[kind]
    for name in names:  # preferred file first, across all directories
        hit = _search((name,)) or _fc_match(pattern, (name,))
        if hit is not None:
            return hit
    raise FontNotFoundError(
        f"font for {kind!r} not found (looked for {', '.join(names)}); install the Debian package {package!r} "
        f"(apt-get install -y {package})"
    )


@lru_cache(maxsize=512)
def font(kind: str, size: int) -> ImageFont.FreeTypeFont:
    """A cached PIL font object of ``kind`` at ``size`` pixels."""
    return ImageFont.truetype(str(font_path(kind)), size)

"""Render a PDF's first page in a child process that is killed at a deadline.

Why a child process: pdfium cannot be interrupted once it renders. A 2 KB PDF whose page draws tens of thousands
of lines holds the caller for minutes (up to about 2 ms a line at 200 dpi), and a malformed file may crash pdfium
outright. So pdfium runs only in a short-lived child: the parent hands it the PDF through a pipe, reads the raw
pixels back through another and kills it at the deadline, whatever it is doing. A crash kills the child, not the
service. Nothing touches the disk: the card's bytes and pixels only cross pipes.

This file is also the child's program (``python -I -B pdf_render.py``). It imports only the standard library at the
top and pypdfium2 in the child, so the child starts fast, without importing ktp_ocr (pydantic, the OCR runtime).
It raises :class:`PdfRenderError` with a ``kind``; :mod:`ktp_ocr.decode` turns that into a typed reader error.

The conversation, one JSON line per header (child -> parent on stdout, parent -> child on stdin):

1. parent: the PDF's length (8 bytes, big-endian), then the PDF;
2. child: ``{"width": w, "height": h}``, the page's size in pixels at the asked scale (or ``{"error": ...}``);
3. parent: ``R`` once it has checked that size (pixel limit, aspect ratio), or it ends the child;
4. child: after a cheap complexity check, ``{"width": w, "height": h}`` and ``h * w * 3`` bytes of BGR pixels,
   rows top to bottom (or ``{"error": ...}``).
"""

from __future__ import annotations

import contextlib
import json
import struct
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

ErrorKind = Literal["invalid", "too_complex", "timeout", "failed"]
# Drawing budget checked before rendering, counted the way pdfium draws: every page object, descending into form
# XObjects (each use counts again), and every path segment. A scanned or exported card is one image or a few
# hundred text and path objects (a vector emblem: a few thousand segments); the budget is ten times that, so a real
# document never meets it. It refuses the cheap attack (200,000 ``m l S`` lines in 2 KB) at once; the kill at the
# deadline remains the guarantee for everything under the budget that is still slow.
MAX_PAGE_OBJECTS = 10_000
MAX_PATH_SEGMENTS = 200_000
# Address space the child may map. A page at the pixel limit is 180 MB of pixels and pdfium decodes embedded images
# scaled down, so an ordinary render stays well under 300 MB (a 56 MP page: 183 MB). The cap only stops a file that
# makes pdfium allocate without end (the child then fails or dies, and the read answers FILE_INVALID_FORMAT) before
# the host's OOM killer picks a victim, maybe the service itself.
MAX_RENDER_MEMORY = 2 * 1024**3
# Form XObjects nested deeper than this are a refusal, like a page over the budget: the walk must count all that
# pdfium would draw, and a card's page nests a form or two (an exported emblem), never dozens.
MAX_FORM_DEPTH = 32
_LENGTH = struct.Struct(">Q")
_MAX_HEADER = 4096  # bytes of one JSON header line
_RENDER = b"R"


class PdfRenderError(Exception):
    """Why the first page was not rendered: ``invalid`` (pdfium refused or crashed on the file), ``too_complex``
    (over the drawing budget), ``timeout`` (killed at the deadline) or ``failed`` (the worker itself broke)."""

    def __init__(self, kind: ErrorKind, message: str) -> None:
        super().__init__(message)
        self.kind: ErrorKind = kind
        self.message = message


class _ChildGone(Exception):
    """The child's answer ended early or made no sense: it died, was killed, or broke the protocol."""


@dataclass(frozen=True)
class RenderedPage:
    """The first page as BGR pixels: ``height * width * 3`` bytes, rows top to bottom, no padding."""

    width: int
    height: int
    bgr: bytearray


def render_first_page(
    data: bytes, *, scale: float, timeout_s: float, check_size: Callable[[int, int], None]
) -> RenderedPage:
    """Render page 1 of ``data`` at ``scale`` pixels per point in a child killed after ``timeout_s`` seconds.

    ``check_size(width, height)`` sees the page's pixel size before anything is rendered and raises to refuse it;
    whatever it raises propagates. The child is always gone (killed and reaped) when this returns or raises.
    """
    # -I: no PYTHON* variables, user site or working directory on the path; -B: the child writes nothing to disk
    command = [sys.executable or "python3", "-I", "-B", str(Path(__file__).resolve()), repr(scale)]
    command += [str(MAX_PAGE_OBJECTS), str(MAX_PATH_SEGMENTS), str(MAX_RENDER_MEMORY)]
    try:
        proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    except OSError as exc:
        raise PdfRenderError("failed", f"The PDF renderer cannot start: {exc}") from exc
    expired = threading.Event()
    timer = threading.Timer(timeout_s, _expire, (proc, expired))
    timer.daemon = True
    timer.start()
    try:
        return _converse(proc, data, check_size)
    except (OSError, _ChildGone) as exc:  # a broken pipe or an early end: the child died or was killed
        _stop(timer)
        _end(proc)
        if expired.is_set():
            raise PdfRenderError("timeout", f"The PDF page is too complex to render within {timeout_s:g} s.") from None
        raise _death_error(proc.returncode) from exc
    finally:
        _stop(timer)
        _end(proc)


def _stop(timer: threading.Timer) -> None:
    """Cancel the deadline and wait out a kill in progress, so the child is only reaped after the timer is done
    with it (a kill after the reap could hit a recycled process id)."""
    timer.cancel()
    timer.join()


def _expire(proc: subprocess.Popen[bytes], expired: threading.Event) -> None:
    expired.set()
    with contextlib.suppress(OSError):
        proc.kill()


def _end(proc: subprocess.Popen[bytes]) -> None:
    """Kill the child if it still runs and reap it, so that no process or zombie outlives a render."""
    if proc.poll() is None:
        with contextlib.suppress(OSError):
            proc.kill()
    proc.wait()
    for stream in (proc.stdin, proc.stdout):
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()


def _death_error(returncode: int | None) -> PdfRenderError:
    """A child killed by a signal (pdfium crashed, or ran out of memory) was killed by the file; any other end
    without an answer means the worker could not run at all, which is the service's fault, not the file's."""
    if returncode is not None and returncode < 0:
        return PdfRenderError("invalid", f"The PDF crashed the renderer (signal {-returncode}).")
    return PdfRenderError("failed", f"The PDF renderer ended without an answer (exit status {returncode}).")


def _converse(proc: subprocess.Popen[bytes], data: bytes, check_size: Callable[[int, int], None]) -> RenderedPage:
    if proc.stdin is None or proc.stdout is None:  # pragma: no cover - both are pipes above
        raise _ChildGone()
    proc.stdin.write(_LENGTH.pack(len(data)))
    proc.stdin.write(data)
    proc.stdin.flush()
    width, height = _read_size(proc.stdout)
    check_size(width, height)
    proc.stdin.write(_RENDER)
    proc.stdin.close()
    out_width, out_height = _read_size(proc.stdout)
    # pdfium rounds the page size up: one pixel more per side at most, never an allocation the check did not see
    if not (width <= out_width <= width + 1 and height <= out_height <= height + 1):
        raise _ChildGone()
    pixels = bytearray(out_width * out_height * 3)
    _read_exactly(proc.stdout, pixels)
    return RenderedPage(out_width, out_height, pixels)


def _read_size(stream: IO[bytes]) -> tuple[int, int]:
    """One header line: a page size, or the child's error raised as :class:`PdfRenderError`."""
    line = stream.readline(_MAX_HEADER)
    if not line.endswith(b"\n"):
        raise _ChildGone()
    try:
        header = json.loads(line)
    except ValueError as exc:
        raise _ChildGone() from exc
    if not isinstance(header, dict):
        raise _ChildGone()
    if "error" in header:
        kind: ErrorKind = header["error"] if header["error"] in ("invalid", "too_complex") else "failed"
        raise PdfRenderError(kind, str(header.get("message", "The PDF cannot be rendered.")))
    width, height = header.get("width"), header.get("height")
    if not (isinstance(width, int) and isinstance(height, int) and width > 0 and height > 0):
        raise _ChildGone()
    return width, height


def _read_exactly(stream: IO[bytes], buffer: bytearray) -> None:
    """Fill ``buffer`` from the pipe in place: no chunk list to join, so the pixels exist once in the parent."""
    view = memoryview(buffer)
    filled = 0
    while filled < len(buffer):
        count = stream.readinto(view[filled:])  # type: ignore[attr-defined]
        if not count:
            raise _ChildGone()
        filled += count


# --- the child ------------------------------------------------------------------------------------------------


def _send(out: IO[bytes], header: dict[str, Any]) -> None:
    out.write(json.dumps(header).encode("ascii") + b"\n")
    out.flush()


def _read_pdf(inp: IO[bytes]) -> bytes:
    head = inp.read(_LENGTH.size)
    if len(head) != _LENGTH.size:
        raise EOFError("no PDF on stdin")
    (length,) = _LENGTH.unpack(head)
    data = inp.read(length)
    if len(data) != length:
        raise EOFError("the PDF on stdin is shorter than announced")
    return data


def _drawing_cost(
    pdfium_c: Any, container: Any, is_form: bool, depth: int, tally: list[int], limits: tuple[int, int]
) -> None:
    """Add the objects and path segments under ``container`` to ``tally`` (objects, segments, forms nested too
    deep), stopping once a limit is passed, so the walk itself costs at most the budget."""
    if is_form:
        count, get = pdfium_c.FPDFFormObj_CountObjects(container), pdfium_c.FPDFFormObj_GetObject
    else:
        count, get = pdfium_c.FPDFPage_CountObjects(container), pdfium_c.FPDFPage_GetObject
    for index in range(max(int(count), 0)):
        obj = get(container, index)
        if not obj:
            continue
        tally[0] += 1
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            tally[1] += max(int(pdfium_c.FPDFPath_CountSegments(obj)), 0)
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM:
            if depth >= MAX_FORM_DEPTH:
                tally[2] += 1
                return
            _drawing_cost(pdfium_c, obj, True, depth + 1, tally, limits)
        if tally[0] > limits[0] or tally[1] > limits[1] or tally[2]:
            return


def _limit_memory(limit: int) -> None:
    """Cap the child's address space (where the platform has rlimits)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not a POSIX system
        return
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _child(argv: list[str], inp: IO[bytes], out: IO[bytes]) -> int:
    """The child's whole life: answer the parent per the protocol above, then exit."""
    try:
        scale, max_objects, max_segments = float(argv[0]), int(argv[1]), int(argv[2])
        _limit_memory(int(argv[3]))
        import pypdfium2 as pdfium
        import pypdfium2.raw as pdfium_c

        data = _read_pdf(inp)
    except Exception as exc:  # the worker cannot run: the parent reports FAILED, not a bad file
        _send(out, {"error": "failed", "message": f"The PDF renderer cannot start: {exc}"})
        return 1
    try:
        pdf = pdfium.PdfDocument(data)
        if len(pdf) == 0:
            _send(out, {"error": "invalid", "message": "The PDF has no pages."})
            return 0
        page = pdf[0]
        width_pt, height_pt = page.get_size()
    except Exception as exc:  # pdfium refuses the file (PdfiumError), or its page tree is broken
        _send(out, {"error": "invalid", "message": f"The PDF cannot be opened: {exc or type(exc).__name__}"})
        return 0
    _send(out, {"width": int(width_pt * scale), "height": int(height_pt * scale)})
    if inp.read(1) != _RENDER:
        return 0
    try:
        tally = [0, 0, 0]
        _drawing_cost(pdfium_c, page.raw, False, 0, tally, (max_objects, max_segments))
        if tally[0] > max_objects or tally[1] > max_segments or tally[2]:
            message = (
                f"The PDF page is too complex to render: more than {max_objects} drawing objects, "
                f"{max_segments} path segments or {MAX_FORM_DEPTH} nested forms."
            )
            _send(out, {"error": "too_complex", "message": message})
            return 0
        bitmap = page.render(scale=scale)  # the very call (and defaults) the reader always used: BGR, 3 bytes
    except Exception as exc:
        _send(out, {"error": "invalid", "message": f"The PDF page cannot be rendered: {exc or type(exc).__name__}"})
        return 0
    if bitmap.mode != "BGR":  # pragma: no cover - pypdfium2's default format for an opaque white page
        _send(out, {"error": "failed", "message": f"The renderer gave {bitmap.mode} pixels, not BGR."})
        return 1
    _send(out, {"width": bitmap.width, "height": bitmap.height})
    _write_rows(out, memoryview(bitmap.buffer), bitmap.width * 3, bitmap.stride, bitmap.height)
    out.flush()
    return 0


def _write_rows(out: IO[bytes], buffer: memoryview, row_bytes: int, stride: int, height: int) -> None:
    """The bitmap's rows, straight from its buffer, without any padding at the end of a row (pypdfium2 packs its
    own bitmaps today, but a stride is a stride)."""
    if stride == row_bytes:
        out.write(buffer[: row_bytes * height])
        return
    for top in range(0, stride * height, stride):
        out.write(buffer[top : top + row_bytes])


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:], sys.stdin.buffer, sys.stdout.buffer))

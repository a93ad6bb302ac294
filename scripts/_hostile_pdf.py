"""Pathological PDF builders for bad_inputs.py: tens of thousands of line segments, recursive and fan-out form
XObjects, deep or cyclic page trees, lying counts and boxes, junk object and cross-reference streams.

Kept apart because the builders are long and scripts/pdf_hold.py draws from ``pathological_pdfs`` too.
"""

from __future__ import annotations

import functools
import random
import struct
import zlib
from collections.abc import Callable

from _hostile_cases import Case, spread


def pdf_stream(entries: str, data: bytes, flate: bool = False) -> bytes:
    """A stream object's body: ``<< entries /Length n >> stream ... endstream``."""
    if flate:
        data = zlib.compress(data, 9)
        entries += " /Filter /FlateDecode"
    return f"<< {entries} /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"


def pdf_document(objects: list[bytes | None], trailer: str = "/Root 1 0 R", version: str = "1.4") -> bytes:
    """Objects 1..n (None leaves a hole in the numbering) with a classic xref table."""
    out = bytearray(f"%PDF-{version}\n%\xe2\xe3\xcf\xd3\n".encode("latin-1"))
    offsets: list[int | None] = []
    for number, body in enumerate(objects, start=1):
        if body is None:
            offsets.append(None)
            continue
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += b"0000000000 65535 f \n" if offset is None else f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} {trailer} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def pdf(page_box: str | None) -> bytes:
    """A minimal PDF with one page of ``page_box`` points, or with no page at all."""
    if page_box is None:
        objects = ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [] /Count 0 >>"]
    else:
        objects = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            f"<< /Type /Page /Parent 2 0 R /MediaBox [{page_box}] >>",
        ]
    return pdf_document([text.encode() for text in objects])


def page_pdf(content: bytes, resources: str = "", extra: list[bytes] | None = None, flate: bool = False) -> bytes:
    """One US-letter page drawing ``content``; ``extra`` objects are numbered from 5."""
    objects: list[bytes | None] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        + f"/Resources << {resources} >> >>".encode(),
        pdf_stream("", content, flate),
        *(extra or []),
    ]
    return pdf_document(objects)


def lines(rng: random.Random, count: int) -> bytes:
    """``count`` segments ``x y m x y l S`` at random places on the page."""
    parts = []
    for _ in range(count):
        x1, y1, x2, y2 = (rng.randrange(612), rng.randrange(792), rng.randrange(612), rng.randrange(792))
        parts.append(f"{x1} {y1} m {x2} {y2} l S\n")
    return "".join(parts).encode()


def form(content: bytes, resources: str = "", bbox: str = "0 0 612 792") -> bytes:
    return pdf_stream(f"/Type /XObject /Subtype /Form /BBox [{bbox}] /Resources << {resources} >>", content)


def fanout_pdf(fan: int, depth: int) -> bytes:
    """Form k draws form k+1 ``fan`` times; the last draws a line: ``fan ** depth`` segments from tiny streams."""
    extra = []
    for level in range(depth):
        number = 5 + level
        if level == depth - 1:
            extra.append(form(b"0 0 m 612 792 l S 612 0 m 0 792 l S"))
        else:
            draws = b"".join(b"q 0.9 0 0 0.9 %d %d cm /X Do Q\n" % (i % 7, i % 5) for i in range(fan))
            extra.append(form(draws, f"/XObject << /X {number + 1} 0 R >>"))
    return page_pdf(b"/X Do", "/XObject << /X 5 0 R >>", extra)


def deep_pages_pdf(depth: int) -> bytes:
    """A page tree ``depth`` /Pages deep with the one page at the bottom."""
    objects: list[bytes | None] = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(depth):
        number = 2 + level
        parent = f"/Parent {number - 1} 0 R" if level else ""
        objects.append(f"<< /Type /Pages /Kids [{number + 1} 0 R] /Count 1 {parent} >>".encode())
    objects.append(f"<< /Type /Page /Parent {depth + 1} 0 R /MediaBox [0 0 612 792] >>".encode())
    return pdf_document(objects)


def tree_pdf(pages: str, *more: str) -> bytes:
    """Catalog 1, the /Pages dictionary 2 as given, and objects 3.. as given."""
    return pdf_document([b"<< /Type /Catalog /Pages 2 0 R >>", pages.encode(), *(text.encode() for text in more)])


PAGE3 = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"


def objstm_pdf(
    rng: random.Random,
    variant: str,
) -> bytes:
    """A PDF 1.5 whose catalog, page tree and page sit in object stream 4, indexed by cross-reference stream 5."""
    members = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", PAGE3.encode()]
    index, body = [], b""
    for number, member in enumerate(members, start=1):
        index.append(f"{number} {len(body)}")
        body += member + b"\n"
    header = (" ".join(index) + "\n").encode()
    n, first, extends, filt = 3, len(header), "", ""
    content = header + body
    if variant == "junk":
        content = bytes(rng.randrange(256) for _ in range(400))
    elif variant == "n-huge":
        n = 2_147_483_647
    elif variant == "first-beyond":
        first = 99_999_999
    elif variant == "first-negative":
        first = -5
    elif variant == "offsets-lie":
        content = b"1 999999 2 -4 3 18446744073709551615\n" + body
        first = len(b"1 999999 2 -4 3 18446744073709551615\n")
    elif variant == "extends-self":
        extends = "/Extends 4 0 R"
    elif variant == "flate-junk":
        filt = "/Filter /FlateDecode"
        content = b"x\x9c" + bytes(rng.randrange(256) for _ in range(300))
    stream = (
        f"<< /Type /ObjStm /N {n} /First {first} {extends} {filt} /Length {len(content)} >>\nstream\n".encode()
        + content
        + b"\nendstream"
    )
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    objstm_offset = len(out)
    out += b"4 0 obj\n" + stream + b"\nendobj\n"
    xref_offset = len(out)
    home = 1 if variant == "member-of-itself" else 4  # object 1 said to live in stream 1 (itself)
    rows = [(0, 0, 65535), (2, home, 0), (2, 4, 1), (2, 4, 2), (1, objstm_offset, 0), (1, xref_offset, 0)]
    widths, size, index_entry, prev = "1 4 2", 6, "0 6", ""
    if variant == "xref-wide":
        widths = "1 8 8"
        packed = b"".join(struct.pack(">BQQ", t, a, b) for t, a, b in rows[:-1]) + struct.pack(">BQQ", 1, 2**63, 2**63)
    else:
        packed = b"".join(struct.pack(">BIH", t, a, b) for t, a, b in rows)
    if variant == "index-lies":
        index_entry, size = "0 1000000", 1_000_000
    if variant == "prev-self":
        prev = f"/Prev {xref_offset}"
    xref = (
        f"<< /Type /XRef /Size {size} /W [{widths}] /Index [{index_entry}] /Root 1 0 R {prev} "
        f"/Length {len(packed)} >>\nstream\n"
    ).encode()
    out += b"5 0 obj\n" + xref + packed + b"\nendstream\nendobj\n"
    out += f"startxref\n{xref_offset}\n%%EOF\n".encode()
    return bytes(out)


OBJSTM_VARIANTS = (
    "junk",
    "n-huge",
    "first-beyond",
    "first-negative",
    "offsets-lie",
    "extends-self",
    "flate-junk",
    "member-of-itself",
    "xref-wide",
    "index-lies",
    "prev-self",
)


def pathological_pdfs(rng: random.Random) -> list[tuple[str, Callable[[], bytes]]]:
    """Name and builder of each pathological PDF (built lazily: some are megabytes)."""
    line = b"0 0 m 612 792 l S\n"
    builders: list[tuple[str, Callable[[], bytes]]] = [
        ("pdf-lines-20000", lambda: page_pdf(lines(random.Random(rng.random()), 20_000))),
        ("pdf-lines-60000", lambda: page_pdf(lines(random.Random(rng.random()), 60_000))),
        ("pdf-lines-flate-500000", lambda: page_pdf(line * 500_000, flate=True)),
        ("pdf-lines-flate-2000000", lambda: page_pdf(line * 2_000_000, flate=True)),
        ("pdf-dash-tiny", lambda: page_pdf(b"0 w [0.01 0.01] 0 d\n" + lines(random.Random(rng.random()), 40))),
        ("pdf-q-nest-200000", lambda: page_pdf(b"q " * 200_000 + line + b"Q " * 200_000, flate=True)),
        (
            "pdf-xobject-self",
            lambda: page_pdf(b"/X Do", "/XObject << /X 5 0 R >>", [form(line + b"/X Do", "/XObject << /X 5 0 R >>")]),
        ),
        (
            "pdf-xobject-mutual",
            lambda: page_pdf(
                b"/X Do",
                "/XObject << /X 5 0 R >>",
                [form(line + b"/Y Do", "/XObject << /Y 6 0 R >>"), form(line + b"/X Do", "/XObject << /X 5 0 R >>")],
            ),
        ),
        ("pdf-xobject-fanout-10x6", lambda: fanout_pdf(10, 6)),
        ("pdf-xobject-fanout-4x11", lambda: fanout_pdf(4, 11)),
        ("pdf-xobject-fanout-2x24", lambda: fanout_pdf(2, 24)),
        (
            "pdf-xobject-huge-bbox",
            lambda: page_pdf(
                b"1000000 0 0 1000000 0 0 cm /X Do",
                "/XObject << /X 5 0 R >>",
                [form(lines(random.Random(rng.random()), 2000), bbox="-1e9 -1e9 1e9 1e9")],
            ),
        ),
        ("pdf-pages-deep-100", lambda: deep_pages_pdf(100)),
        ("pdf-pages-deep-2000", lambda: deep_pages_pdf(2000)),
        ("pdf-pages-deep-50000", lambda: deep_pages_pdf(50_000)),
        (
            "pdf-pages-cycle",
            lambda: tree_pdf(
                "<< /Type /Pages /Kids [3 0 R] /Count 1 >>", "<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>"
            ),
        ),
        ("pdf-pages-self-kid", lambda: tree_pdf("<< /Type /Pages /Kids [2 0 R] /Count 1 >>")),
        (
            "pdf-pages-cycle-then-page",
            lambda: tree_pdf(
                "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
                "<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>",
                PAGE3,
            ),
        ),
        ("pdf-count-huge", lambda: tree_pdf("<< /Type /Pages /Kids [3 0 R] /Count 2147483647 >>", PAGE3)),
        ("pdf-count-no-kids", lambda: tree_pdf("<< /Type /Pages /Kids [] /Count 5 >>")),
        ("pdf-count-negative", lambda: tree_pdf("<< /Type /Pages /Kids [3 0 R] /Count -1 >>", PAGE3)),
        ("pdf-kids-not-array", lambda: tree_pdf("<< /Type /Pages /Kids 3 0 R /Count 1 >>", PAGE3)),
        ("pdf-first-page-missing", lambda: tree_pdf("<< /Type /Pages /Kids [99 0 R] /Count 1 >>")),
        ("pdf-first-page-not-dict", lambda: tree_pdf("<< /Type /Pages /Kids [3 0 R] /Count 1 >>", "42")),
        ("pdf-first-page-null", lambda: tree_pdf("<< /Type /Pages /Kids [null 3 0 R] /Count 2 >>", PAGE3)),
        (
            "pdf-first-page-is-pages",
            lambda: tree_pdf(
                "<< /Type /Pages /Kids [3 0 R] /Count 1 >>", "<< /Type /Pages /Parent 2 0 R /Kids [] /Count 1 >>"
            ),
        ),
        ("pdf-mediabox-1e40", lambda: pdf("0 0 1e40 1e40")),
        ("pdf-mediabox-3.4e38", lambda: pdf("0 0 3.4e38 3.4e38")),
        ("pdf-mediabox-negative", lambda: pdf("0 0 -612 -792")),
        ("pdf-mediabox-zero", lambda: pdf("0 0 0 0")),
        ("pdf-mediabox-names", lambda: pdf("/a /b /c /d")),
        ("pdf-mediabox-short", lambda: pdf("0 0 612")),
        (
            "pdf-userunit-huge",
            lambda: tree_pdf(
                "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /UserUnit 1e30 >>",
            ),
        ),
        (
            "pdf-encrypt-junk",
            lambda: pdf_document(
                [
                    b"<< /Type /Catalog /Pages 2 0 R >>",
                    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    PAGE3.encode(),
                    b"<< /Filter /Standard /V 99 /R 99 /O (x) /U (y) /P -1 >>",
                ],
                "/Root 1 0 R /Encrypt 4 0 R /ID [<00><00>]",
            ),
        ),
    ]
    for variant in OBJSTM_VARIANTS:
        builders.append((f"pdf-objstm-{variant}", functools.partial(objstm_pdf, random.Random(rng.random()), variant)))
    return builders


def pdf_cases(rng: random.Random, round_no: int, uploads: bool) -> list[Case]:
    files = [(name, build(), "application/pdf") for name, build in pathological_pdfs(rng)]
    return spread("pdf", files, rng, round_no, uploads)

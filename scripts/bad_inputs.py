"""Fire >= 200 malformed requests at a running ktp-ocr server on 127.0.0.1 and count the answers.

Every answer must be a typed client error: JSON in the route's envelope with a 4xx code; a 5xx, a non-JSON
answer or a dead server afterwards is a failure (exit code 1). Run against a started server:

    ktp-ocr serve --port 8000 --uploads-dir /tmp/empty-uploads &
    python scripts/bad_inputs.py --url http://127.0.0.1:8000

Only 127.0.0.1 is ever targeted. Seed 000's ``/ocr`` is not fired at: its contract answers 200 to everything.
A damaged file that still decodes to an image without a card is not malformed for the reader: it is answered
with a typed "no card/no text" status (422 on our route, 200 where a contract says so, as GLAIR does for a
non-KTP file); such answers are counted as "decodable, no card" and are not failures.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import random
import struct
import sys
import time
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from _client import Reply, check_local, multipart, request
from PIL import Image

IMAGE_ROUTES = ("/v1/ktp", "/ocr/v1/ktp", "/ocr/v1/ktp/qualities", "/v1/analytics/ocr-ktp")


@dataclass
class Case:
    name: str
    path: str
    body: bytes | None
    content_type: str | None

    def headers(self) -> dict[str, str]:
        return {"Content-Type": self.content_type} if self.content_type else {}


def _image(fmt: str, size: tuple[int, int] = (320, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (180, 200, 220)).save(buffer, format=fmt)
    return buffer.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width x height`` 1-bit pixels, with a small zero stream behind it."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    stream = zlib.compress(b"\x00" * 1_000_000, 9)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", stream) + _png_chunk(b"IEND", b"")


def jpeg_with_size(width: int, height: int) -> bytes:
    """A real small JPEG whose SOF header is rewritten to claim a huge size."""
    data = bytearray(_image("JPEG"))
    at = data.find(b"\xff\xc0")
    struct.pack_into(">HH", data, at + 5, height, width)
    return bytes(data)


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
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, text in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{text}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def image_cases(rng: random.Random) -> Iterator[tuple[str, bytes]]:
    """Broken files: truncated, corrupted headers, bombs, empty and non-image bytes."""
    for fmt in ("JPEG", "PNG", "WEBP", "TIFF", "BMP"):
        data = _image(fmt)
        for cut in (0.02, 0.1, 0.3, 0.5, 0.8, 0.95):
            yield f"truncated-{fmt}-{cut}", data[: max(1, int(len(data) * cut))]
        for i in range(4):
            broken = bytearray(data)
            for _ in range(8):
                broken[rng.randrange(0, min(64, len(broken)))] = rng.randrange(256)
            yield f"corrupt-header-{fmt}-{i}", bytes(broken)
    for width, height in ((50_000, 50_000), (100_000, 1), (1, 100_000), (65_000, 65_000)):
        yield f"png-bomb-{width}x{height}", png_bomb(width, height)
    for width, height in ((65_000, 65_000), (30_000, 30_000), (1, 1), (10, 10)):
        yield f"jpeg-claims-{width}x{height}", jpeg_with_size(width, height)
    yield "tiny-1x1-png", _image("PNG", (1, 1))
    yield "pdf-no-pages", pdf(None)
    yield "pdf-huge-page", pdf("0 0 200000 200000")
    yield "pdf-garbage", b"%PDF-1.7\n" + bytes(rng.randrange(256) for _ in range(500))
    yield "pdf-header-only", b"%PDF-"
    yield "gif", b"GIF89a" + b"\x01\x00\x01\x00\x00\x00\x00;"
    yield "svg", b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
    yield "html", b"<html><body>not a card</body></html>"
    yield "random-bytes", bytes(rng.randrange(256) for _ in range(4096))
    yield "zip", b"PK\x03\x04" + b"\x00" * 100


def build_cases(rng: random.Random, big_bytes: int) -> list[Case]:
    cases: list[Case] = []
    files = list(image_cases(rng))
    for name, data in files:  # every broken file as multipart to /v1/ktp
        body, ctype = multipart("image", data)
        cases.append(Case(f"multipart:{name}", "/v1/ktp", body, ctype))
    for name, data in files[::3]:  # a third of them to each compatibility route, multipart and base64
        for path in IMAGE_ROUTES[1:]:
            body, ctype = multipart("image", data)
            cases.append(Case(f"multipart:{name}", path, body, ctype))
        encoded = base64.b64encode(data).decode()
        cases.append(Case(f"json:{name}", "/v1/ktp", json.dumps({"image": encoded}).encode(), "application/json"))
        cases.append(
            Case(f"kredibel:{name}", "/v1/ocr/id/ktp", json.dumps({"image": encoded}).encode(), "application/json")
        )
    cases += list(empty_and_wrong_type_cases())
    cases += list(base64_cases())
    cases += list(traversal_cases())
    body, ctype = multipart("image", b"\xff\xd8" + b"\x00" * big_bytes)
    cases.append(Case("oversized-body", "/v1/ktp", body, ctype))
    return cases


def empty_and_wrong_type_cases() -> Iterator[Case]:
    for path in IMAGE_ROUTES:
        yield Case("no-body", path, None, None)
        yield Case("empty-multipart-file", path, *multipart("image", b""))
        yield Case("wrong-field", path, *multipart("file", _image("JPEG")))
        yield Case("text/plain", path, b"hello", "text/plain")
        yield Case("xml", path, b"<a/>", "application/xml")
        yield Case("form-urlencoded", path, b"image=abc", "application/x-www-form-urlencoded")
        yield Case("multipart-no-boundary", path, b"--x\r\n\r\n", "multipart/form-data")
        yield Case("multipart-garbage", path, b"garbage" * 50, "multipart/form-data; boundary=zzz")
        yield Case("json-not-object", path, b"[1,2,3]", "application/json")
        yield Case("json-broken", path, b'{"image": ', "application/json")
        yield Case("raw-jpeg-type-text", path, b"this is text", "image/jpeg")
    many = "".join(f'--b\r\nContent-Disposition: form-data; name="f{i}"\r\n\r\nx\r\n' for i in range(40)) + "--b--\r\n"
    yield Case("too-many-parts", "/v1/ktp", many.encode(), "multipart/form-data; boundary=b")


def base64_cases() -> Iterator[Case]:
    bad = [
        "@@@@",
        "abc",
        "QUJD=E",
        "====",
        "data:image/jpeg;base64,!!",
        "😀",
        "YWJj\x00ZGVm",
        "A" * 5,
        "Zm9v YmFy!",
        "%2F9j%2F4AAQ",
    ]
    for value in bad:
        for path, key in (("/v1/ktp", "image"), ("/v1/ocr/id/ktp", "image"), ("/v1/analytics/ocr-ktp", "images")):
            payload = {key: [value] if key == "images" else value}
            yield Case(f"base64:{value[:12]!r}", path, json.dumps(payload).encode(), "application/json")
    odd: tuple[object, ...] = (None, 12, True, {"a": 1}, [], "")
    for item in odd:
        yield Case(f"json-image={item!r}", "/v1/ktp", json.dumps({"image": item}).encode(), "application/json")
        yield Case(
            f"kredibel-image={item!r}", "/v1/ocr/id/ktp", json.dumps({"image": item}).encode(), "application/json"
        )


def traversal_cases() -> Iterator[Case]:
    names = [
        "../etc/passwd",
        "../../../../etc/shadow",
        "/etc/passwd",
        "..",
        ".",
        "",
        "a/../../b.jpg",
        "..\\..\\windows\\win.ini",
        "%2e%2e/%2e%2e/etc/passwd",
        "uploads/../../x",
        "\x00",
        "a\x00.jpg",
        "~/.ssh/id_rsa",
        "/proc/self/environ",
        "....//....//etc/passwd",
        "x" * 5000,
        "missing.jpg",
    ]
    for name in names:
        yield Case(f"traversal:{name[:20]!r}", "/ocr/ktp", json.dumps({"filename": name}).encode(), "application/json")
    payloads: tuple[object, ...] = ({"filename": 5}, {"filename": None}, {"file": "a.jpg"}, [], "x")
    for payload in payloads:
        yield Case(f"ocr-ktp-json:{payload!r}", "/ocr/ktp", json.dumps(payload).encode(), "application/json")
    yield Case("ocr-ktp-not-json", "/ocr/ktp", b"filename=a.jpg", "application/x-www-form-urlencoded")


CONTRACT_200 = frozenset({"SUCCESS", "UNRECOGNIZED_DOCUMENT_TYPE"})


def label(body: object) -> str:
    """A short name for an answer's status whatever the contract's envelope."""
    if not isinstance(body, dict):
        return "<not JSON>"
    if isinstance(body.get("status"), str):
        return str(body["status"])
    errors = body.get("errors")
    if isinstance(errors, dict):
        return str(errors.get("errorType") or "validation:" + ",".join(sorted(errors)))
    if "job" in body:
        return "nodeflux:" + str(body.get("message", ""))[:40]
    return f"{body.get('status', '')}:{str(body.get('message', '')).split(':')[0][:40]}"


def is_typed(reply: Reply) -> bool:
    """JSON in one of the contracts' envelopes."""
    body = reply.json()
    if not isinstance(body, dict):
        return False
    envelopes = ({"status", "reason"}, {"error", "message"}, {"ok", "message"}, {"errors", "message"})
    return any(keys <= set(body) for keys in envelopes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--api-key", default=None)
    parser.add_argument("--big-mb", type=int, default=40, help="size of the oversized body case")
    args = parser.parse_args(argv)
    check_local(args.url)
    cases = build_cases(random.Random(5), args.big_mb * 1024 * 1024)
    codes: Counter[int] = Counter()
    statuses: Counter[str] = Counter()
    problems: list[str] = []
    decodable = 0
    started = time.perf_counter()
    for case in cases:
        headers = case.headers()
        if args.api_key:
            headers["x-api-key"] = args.api_key
        try:
            reply = request(args.url, "POST", case.path, case.body, headers)
        except OSError as exc:
            problems.append(f"{case.path} {case.name}: connection error {exc}")
            codes[0] += 1
            continue
        codes[reply.code] += 1
        statuses[label(reply.json())] += 1
        if reply.code < 400 and case.path.startswith("/ocr/v1/ktp") and label(reply.json()) in CONTRACT_200:
            decodable += 1
        elif reply.code >= 500 or reply.code < 400 or not is_typed(reply):
            problems.append(f"{case.path} {case.name}: {reply.code} {reply.body[:160]!r}")
    alive = request(args.url, "GET", "/healthz").code == 200
    print(f"{len(cases)} malformed requests in {time.perf_counter() - started:.1f}s")
    print("HTTP codes:", dict(sorted(codes.items())))
    print("statuses:  ", dict(statuses.most_common()))
    print(f"decodable, no card (answered by contract with 200): {decodable}")
    print(f"server alive afterwards: {alive}")
    for problem in problems[:40]:
        print("  NOT A TYPED 4xx:", problem)
    ok = alive and not any(code >= 500 or code == 0 for code in codes) and not problems
    print("RESULT:", "PASS" if ok else f"FAIL ({len(problems)} problems)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Request-level bad-input cases for bad_inputs.py: extreme aspect ratios, huge JSON numbers and deep nesting,
odd multipart boundaries and bodies, early disconnects, and the slow-header probe.

Each section only builds Cases (the slow-header probe times one connection); bad_inputs.py fires and judges them.
"""

from __future__ import annotations

import base64
import functools
import io
import json
import random
import socket
import time
from dataclasses import dataclass

from _client import check_local
from _hostile_cases import ALL_ROUTES, JSON_KEY, KREDIBEL, OCR_KTP, Case, _boundary, _image, spread
from PIL import Image, ImageDraw

# --- extreme aspect ratios --------------------------------------------------------------------------------------

ASPECTS = (
    (1, 3000),
    (2, 6000),
    (4, 12_000),
    (8, 20_480),
    (16, 40_960),  # 2560:1
    (24, 61_440),  # 2560:1
    (17, 65_500),
    (100, 30_000),
    (256, 65_500),
    (1, 1_000_000),  # PNG only: past JPEG's 65,535
    (16, 1_000_000),
)


@functools.lru_cache(maxsize=64)
def stripes(width: int, height: int, fmt: str) -> bytes:
    """A real image of ``width x height`` with dark stripes across it (something to find edges in)."""
    pil = Image.new("RGB", (width, height), (200, 200, 190))
    draw = ImageDraw.Draw(pil)
    step = max(4, max(width, height) // 400)
    for at in range(0, max(width, height), step * 2):
        box = (at, 0, at + step, height) if width >= height else (0, at, width, at + step)
        draw.rectangle(box, fill=(30, 40, 60))
    buffer = io.BytesIO()
    pil.save(buffer, format=fmt, **({"quality": 80} if fmt == "JPEG" else {"optimize": False}))
    return buffer.getvalue()


def aspect_cases(rng: random.Random, round_no: int, uploads: bool) -> list[Case]:
    files = []
    for short, long in ASPECTS:
        for width, height in ((short, long), (long, short)):
            for fmt, mime in (("PNG", "image/png"), ("JPEG", "image/jpeg")):
                if fmt == "JPEG" and max(width, height) > 65_500:
                    continue
                files.append((f"aspect-{fmt}-{width}x{height}", stripes(width, height, fmt), mime))
    return spread("aspect", files, rng, round_no, uploads)


# --- huge JSON numbers and deep nesting -------------------------------------------------------------------------


def json_payloads(key: str, rng: random.Random) -> list[tuple[str, bytes]]:
    """JSON bodies built as text: ``json.dumps`` itself refuses an int of more than 4,300 digits."""
    k = json.dumps(key).encode()

    def digits(count: int) -> bytes:
        return str(rng.randrange(1, 10)).encode() + bytes(rng.choice(b"0123456789") for _ in range(count - 1))

    def with_value(value: bytes) -> bytes:
        return b"{" + k + b": " + value + b"}"

    def nested(depth: int, inner: bytes = b"1") -> bytes:
        return b"[" * depth + inner + b"]" * depth

    big = digits(5000)
    out = [
        ("int-5000-digits", with_value(big)),
        ("int-4301-digits", with_value(digits(4301))),
        ("int-100000-digits", with_value(digits(100_000))),
        ("int-5000-negative", with_value(b"-" + big)),
        ("int-5000-in-list", with_value(b"[" + big + b"]")),
        ("int-5000-in-object", with_value(b'{"a": ' + big + b"}")),
        ("int-5000-other-field", b'{"image": "", "cardDetect": ' + big + b", " + k + b": " + big + b"}"),
        ("int-5000-top-level", big),
        ("float-5000-digits", with_value(big + b".5")),
        ("float-exp-huge", with_value(b"1e999999")),
        ("float-exp-tiny", with_value(b"-1e-999999")),
        ("nan", with_value(b"NaN")),
        ("infinity", with_value(b"-Infinity")),
        ("digit-string-5000", with_value(b'"' + big + b'"')),
        ("nested-100", with_value(nested(100))),
        ("nested-1000", with_value(nested(1000))),
        ("nested-100000", with_value(nested(100_000))),
        ("nested-100000-int-5000", with_value(nested(100_000, big))),
        ("nested-top-level-100000", nested(100_000)),
        ("nested-objects-100000", with_value(b'{"a": ' * 100_000 + b"1" + b"}" * 100_000)),
        ("nested-unclosed-100000", with_value(b"[" * 100_000)),
        ("many-keys-100000", b"{" + b", ".join(b'"k%d": %d' % (i, i) for i in range(100_000)) + b"}"),
    ]
    return out


def json_number_cases(rng: random.Random, round_no: int) -> list[Case]:
    cases = []
    for path in ALL_ROUTES:
        for name, body in json_payloads(JSON_KEY[path], rng):
            cases.append(Case(f"json:{name}", path, body, "application/json", kind="json-numbers", strict=False))
    return cases


# --- multipart boundaries ---------------------------------------------------------------------------------------


def _head(path: str, content_type: bytes, length: int, extra: bytes = b"") -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {length}\r\n".encode()
        + b"Content-Type: "
        + content_type
        + b"\r\n"
        + extra
        + b"\r\n"
    )


def _part(boundary: bytes, headers: bytes, data: bytes, newline: bytes = b"\r\n") -> bytes:
    return b"--" + boundary + newline + headers + newline + data + newline


def _image_part(boundary: bytes, data: bytes) -> bytes:
    disposition = b'Content-Disposition: form-data; name="image"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n'
    return _part(boundary, disposition, data)


def multipart_variants(rng: random.Random) -> list[tuple[str, bytes, bytes]]:
    """(name, Content-Type value, body): boundaries long and odd, parts without headers, broken bodies."""
    jpeg = _image("JPEG")
    out: list[tuple[str, bytes, bytes]] = []

    def normal(name: str, ctype_boundary: bytes, body_boundary: bytes | None = None) -> None:
        used = ctype_boundary if body_boundary is None else body_boundary
        body = _image_part(used, jpeg) + b"--" + used + b"--\r\n"
        out.append((name, b"multipart/form-data; boundary=" + ctype_boundary, body))

    for length in (70, 71, 257, 1000, 70_000):
        normal(
            f"boundary-{length}-chars",
            bytes(rng.choice(b"abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(length)),
        )
    normal("boundary-mismatch", b"abc", b"xyz" * 20)
    normal("boundary-70000-body-only", b"abc", b"b" * 70_000)
    for name, value in (
        ("quoted-spaces", b'"a b c"'),
        ("quoted-quote", b'"a\\"b"'),
        ("quoted-semicolon", b'"a;b"'),
        ("utf8", "ü€𝄞".encode()),
        ("latin1-ff", b"\xff\xfe\xfd"),
        ("control-chars", b"a\x01\x7fb"),
        ("equals", b"="),
        ("empty-quoted", b'""'),
        ("dashes", b"--"),
        ("trailing-space", b"abc "),
        ("tab-inside", b"a\tb"),
    ):
        body_boundary = value.strip(b'"').replace(b'\\"', b'"') if value.startswith(b'"') else value.strip()
        normal(f"boundary-{name}", value, body_boundary)
    b = b"fuzzboundary"
    end = b"--" + b + b"--\r\n"
    ctype = b"multipart/form-data; boundary=" + b
    for name, body in (
        ("part-no-headers", _part(b, b"", jpeg) + end),
        ("part-header-no-colon", _part(b, b"garbage\r\n", jpeg) + end),
        ("part-header-empty-name", _part(b, b": value\r\n", jpeg) + end),
        (
            "part-header-100k",
            _part(b, b'Content-Disposition: form-data; name="image"; filename="' + b"x" * 100_000 + b'"\r\n', jpeg)
            + end,
        ),
        ("part-5000-headers", _part(b, b"".join(b"X-H%d: v\r\n" % i for i in range(5000)), jpeg) + end),
        ("no-closing-boundary", _image_part(b, jpeg)),
        ("only-closing-boundary", end),
        ("empty-body", b""),
        ("preamble-1mb", b"p" * 1_000_000 + b"\r\n" + _image_part(b, jpeg) + end),
        ("boundary-prefixes-in-data", _image_part(b, (b"\r\n--" + b[:-1]) * 20_000) + end),
        (
            "lf-only",
            _part(b, b'Content-Disposition: form-data; name="image"; filename="a"\n', jpeg, b"\n")
            + end.replace(b"\r\n", b"\n"),
        ),
        (
            "cr-only",
            _part(b, b'Content-Disposition: form-data; name="image"; filename="a"\r', jpeg, b"\r")
            + end.replace(b"\r\n", b"\r"),
        ),
        (
            "rfc2231-filename",
            _part(b, b"Content-Disposition: form-data; name=image; filename*=UTF-8''%E2%82%AC.jpg\r\n", jpeg) + end,
        ),
        ("two-image-parts", _image_part(b, jpeg) + _image_part(b, b"junk") + end),
        (
            "nested-mixed",
            _part(
                b,
                b'Content-Disposition: form-data; name="image"\r\nContent-Type: multipart/mixed; boundary=inner\r\n',
                _image_part(b"inner", jpeg) + b"--inner--",
            )
            + end,
        ),
        (
            "17-parts",
            b"".join(_part(b, b'Content-Disposition: form-data; name="f%d"\r\n' % i, b"x") for i in range(17)) + end,
        ),
        ("10000-parts", b"".join(_part(b, b"", b"") for _ in range(10_000)) + end),
        ("disposition-no-name", _part(b, b"Content-Disposition: form-data\r\n", jpeg) + end),
        ("epilogue-1mb", _image_part(b, jpeg) + end + b"e" * 1_000_000),
    ):
        out.append((name, ctype, body))
    out.append(("ctype-uppercase", b"MULTIPART/FORM-DATA; BOUNDARY=" + b, _image_part(b, jpeg) + end))
    out.append(
        ("ctype-boundary-twice", b"multipart/form-data; boundary=zzz; boundary=" + b, _image_part(b, jpeg) + end)
    )
    out.append(("ctype-boundary-no-equals", b"multipart/form-data; boundary", _image_part(b, jpeg) + end))
    return out


def multipart_cases(rng: random.Random, round_no: int, per_variant: int = 3) -> list[Case]:
    cases = []
    for i, (name, ctype, body) in enumerate(multipart_variants(rng)):
        for k in range(per_variant):
            path = ALL_ROUTES[(i + round_no * per_variant + k) % len(ALL_ROUTES)]
            head = _head(path, ctype, len(body))
            cases.append(Case(f"multipart:{name}", path, body, None, kind="multipart", strict=False, raw_head=head))
    return cases


# --- early disconnects ------------------------------------------------------------------------------------------


def disconnect_cases(rng: random.Random, round_no: int) -> list[Case]:
    """Send the head and part of the body (or all of it), then close; the server is judged by /healthz after."""
    cases = []
    jpeg = _image("JPEG")
    for path in ALL_ROUTES:
        if path in (KREDIBEL, OCR_KTP):
            key = JSON_KEY[path]
            body = json.dumps({key: base64.b64encode(jpeg).decode() if path == KREDIBEL else "x.jpg"}).encode()
            ctype = b"application/json"
        else:
            boundary = _boundary(rng).encode()
            body = _image_part(boundary, jpeg) + b"--" + boundary + b"--\r\n"
            ctype = b"multipart/form-data; boundary=" + boundary
        size = len(body)
        variants: list[tuple[str, bytes, int, bool]] = [
            ("head-only", _head(path, ctype, 50_000), 0, False),
            ("one-byte", _head(path, ctype, size), 1, False),
            ("half-body", _head(path, ctype, size), size // 2, False),
            ("all-but-one-byte", _head(path, ctype, size), size - 1, False),
            ("half-body-reset", _head(path, ctype, size), size // 2, True),
            ("head-reset", _head(path, ctype, size), 0, True),
            ("full-then-close", _head(path, ctype, size), size, False),
            (
                "chunked-cut",
                _head(path, ctype, 0).replace(b"Content-Length: 0", b"Transfer-Encoding: chunked"),
                0,
                False,
            ),
        ]
        for name, head, cut, reset in variants:
            data = b"4000\r\n" + body[:100] if name == "chunked-cut" else body
            if name == "chunked-cut":
                cut = len(data)
            cases.append(
                Case(
                    f"disconnect:{name}",
                    path,
                    data,
                    None,
                    kind="disconnect",
                    strict=False,
                    raw_head=head,
                    cut=cut,
                    reset=reset,
                )
            )
    rng.shuffle(cases)
    return cases


# --- slow headers -----------------------------------------------------------------------------------------------

SLOW_HEADS = (
    ("request-line-half", b"POST /v1/ktp HT", False),
    ("headers-half", b"POST /v1/ktp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-da", False),
    ("no-blank-line", b"POST /v1/ktp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n", False),
    (
        "body-stalled",
        b"POST /v1/ktp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/jpeg\r\nContent-Length: 1000\r\n\r\n\xff\xd8",
        False,
    ),
    ("head-trickle-1-byte-a-second", b"POST /v1/ktp HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 4000, True),
)


@dataclass
class SlowResult:
    name: str
    outcome: str  # closed / answered <code> / open at the cap / refused
    seconds: float


def slow_probe(url: str, name: str, head: bytes, trickle: bool, cap: float) -> SlowResult:
    """Send half a head (or trickle it a byte a second) and time how long the server keeps the connection."""
    host, port = check_local(url)
    started = time.monotonic()
    try:
        sock = socket.create_connection((host, port), timeout=10)
    except OSError as exc:
        return SlowResult(name, f"refused ({exc})", 0.0)
    with sock:
        try:
            if trickle:
                sock.sendall(head[:40])
                sock.settimeout(1.0)
                for byte in head[40:]:
                    if time.monotonic() - started > cap:
                        return SlowResult(name, "open at the cap", time.monotonic() - started)
                    try:
                        if sock.recv(4096, socket.MSG_PEEK) == b"":
                            return SlowResult(name, "closed", time.monotonic() - started)
                        return SlowResult(name, "answered " + _status_line(sock), time.monotonic() - started)
                    except TimeoutError:
                        sock.sendall(bytes([byte]))
                return SlowResult(name, "open at the cap (head sent)", time.monotonic() - started)
            sock.sendall(head)
            sock.settimeout(max(0.1, cap))
            first = sock.recv(4096)
        except TimeoutError:
            return SlowResult(name, "open at the cap", time.monotonic() - started)
        except OSError as exc:
            return SlowResult(name, f"closed ({type(exc).__name__})", time.monotonic() - started)
        seconds = time.monotonic() - started
        if not first:
            return SlowResult(name, "closed", seconds)
        return SlowResult(name, "answered " + first.split(b"\r\n", 1)[0].decode("latin-1")[:40], seconds)


def _status_line(sock: socket.socket) -> str:
    return sock.recv(4096).split(b"\r\n", 1)[0].decode("latin-1")[:40]

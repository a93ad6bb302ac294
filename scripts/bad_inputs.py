"""Fire malformed requests at a running ktp-ocr server on 127.0.0.1 and count the answers, by class and by code.

Every answer must be a typed client error or a typed read result: JSON in the route's envelope. A 5xx (503
BUSY/TIMEOUT included: a malformed file must not hold a worker), a non-JSON answer, a connection error, a dead
server afterwards, or a link-swap answer read from outside the uploads folder is a failure (exit code 1).

    ktp-ocr serve --port 8000 --uploads-dir /tmp/uploads --timeout 5 &
    python scripts/bad_inputs.py --url http://127.0.0.1:8000 --uploads-dir /tmp/uploads
    python scripts/bad_inputs.py --start --timeout 5 --count 2000          # starts and stops its own server
    python scripts/bad_inputs.py --start --classes link-swap --link-seconds 30

Classes (``--classes``, default all):

- classic: broken, truncated and bomb images, wrong types, bad base64, traversal names (the original cases);
- pdf: pathological PDFs (tens of thousands of line segments, recursive and fan-out form XObjects, deep or
  cyclic page trees, a lying /Count, a first page that cannot be loaded, junk object and xref streams);
- aspect: real PNG/JPEG files of extreme aspect ratio (1 x 3000 ... 2560:1 and beyond);
- json-numbers: integers of thousands of digits, huge exponents, deeply nested arrays and objects;
- multipart: boundaries of 70 to 70,000 characters, odd boundary bytes, parts without headers, broken bodies;
- disconnect: the head and part of a body, then the socket is closed (judged by the next /healthz);
- slow-headers: half a request head, then nothing: how long the server keeps the connection (recorded only);
- link-swap: with an uploads folder, a name there is swapped between an inside card and an outside card
  while /ocr/ktp reads it; an answer with the outside card's NIK is a failure.

Every file class rotates over the routes and encodings (multipart, JSON base64, raw body, and for ``/ocr/ktp`` a
file written into the uploads folder when ``--uploads-dir`` is known). Each round (``--rounds``, or ``--count``
for a total) draws new variants from the seed. PDF cases run last: one that holds a worker would turn the
answers that follow into 503 BUSY. Only 127.0.0.1 is ever targeted. Seed 000's ``/ocr`` is not fired at: its
contract answers 200 to everything. A damaged file that still decodes to an image without a card is not
malformed for the reader: it is answered with a typed "no card/no text" status (422 on our route, 200 where a
contract says so, as GLAIR does for a non-KTP file); such answers are counted and are not failures.
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import socket
import struct
import sys
import threading
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from _client import Reply, check_local, multipart, raw_exchange, request, start_server
from _hostile_cases import IMAGE_ROUTES, KREDIBEL, OCR_KTP, Case, _boundary, _image, label
from _hostile_http import (
    SLOW_HEADS,
    SlowResult,
    aspect_cases,
    disconnect_cases,
    json_number_cases,
    multipart_cases,
    slow_probe,
)
from _hostile_links import LinkSwapResult, link_swap
from _hostile_pdf import pdf, pdf_cases

CLASSES = ("classic", "json-numbers", "multipart", "aspect", "disconnect", "slow-headers", "link-swap", "pdf")
HEALTH_TIMEOUT = 15.0


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


def build_cases(rng: random.Random, big_bytes: int | None) -> list[Case]:
    """The original cases; ``big_bytes=None`` leaves out the oversized body (sent once, in round 0)."""
    cases: list[Case] = []
    files = list(image_cases(rng))
    for name, data in files:  # every broken file as multipart to /v1/ktp
        body, ctype = multipart("image", data, boundary=_boundary(rng))
        cases.append(Case(f"multipart:{name}", "/v1/ktp", body, ctype))
    for name, data in files[::3]:  # a third of them to each compatibility route, multipart and base64
        for path in IMAGE_ROUTES[1:]:
            body, ctype = multipart("image", data, boundary=_boundary(rng))
            cases.append(Case(f"multipart:{name}", path, body, ctype))
        encoded = base64.b64encode(data).decode()
        cases.append(Case(f"json:{name}", "/v1/ktp", json.dumps({"image": encoded}).encode(), "application/json"))
        cases.append(Case(f"kredibel:{name}", KREDIBEL, json.dumps({"image": encoded}).encode(), "application/json"))
    cases += list(empty_and_wrong_type_cases())
    cases += list(base64_cases())
    cases += list(traversal_cases())
    if big_bytes is not None:
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
        for path, key in (("/v1/ktp", "image"), (KREDIBEL, "image"), ("/v1/analytics/ocr-ktp", "images")):
            payload = {key: [value] if key == "images" else value}
            yield Case(f"base64:{value[:12]!r}", path, json.dumps(payload).encode(), "application/json")
    odd: tuple[object, ...] = (None, 12, True, {"a": 1}, [], "")
    for item in odd:
        yield Case(f"json-image={item!r}", "/v1/ktp", json.dumps({"image": item}).encode(), "application/json")
        yield Case(f"kredibel-image={item!r}", KREDIBEL, json.dumps({"image": item}).encode(), "application/json")


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
        yield Case(f"traversal:{name[:20]!r}", OCR_KTP, json.dumps({"filename": name}).encode(), "application/json")
    payloads: tuple[object, ...] = ({"filename": 5}, {"filename": None}, {"file": "a.jpg"}, [], "x")
    for payload in payloads:
        yield Case(f"ocr-ktp-json:{payload!r}", OCR_KTP, json.dumps(payload).encode(), "application/json")
    yield Case("ocr-ktp-not-json", OCR_KTP, b"filename=a.jpg", "application/x-www-form-urlencoded")


# --- judging and firing -----------------------------------------------------------------------------------------

CONTRACT_200 = frozenset({"SUCCESS", "UNRECOGNIZED_DOCUMENT_TYPE"})


def is_typed(reply: Reply) -> bool:
    """JSON in one of the contracts' envelopes."""
    body = reply.json()
    if not isinstance(body, dict):
        return False
    envelopes = ({"status", "reason"}, {"error", "message"}, {"ok", "message"}, {"errors", "message"})
    return any(keys <= set(body) for keys in envelopes)


@dataclass
class Outcome:
    code: str  # the HTTP code, or closed-by-us / conn-error / server-dead
    status: str
    problem: str | None = None  # not a typed answer (or no answer); a >= 500 answer is counted apart
    decodable: bool = False
    detail: str = ""


def judge(case: Case, reply: Reply) -> Outcome:
    status = label(reply.json())
    where = f"[{case.kind}] {case.path} {case.name}"
    if reply.code < 400 and case.path.startswith("/ocr/v1/ktp") and status in CONTRACT_200:
        return Outcome(str(reply.code), status, decodable=True)
    if reply.code >= 500:
        return Outcome(str(reply.code), status, detail=repr(reply.body[:200]))
    if not isinstance(reply.json(), dict):
        return Outcome(str(reply.code), status, f"{where}: {reply.code} not JSON {reply.body[:160]!r}")
    if (reply.code >= 400 or case.strict) and not (reply.code >= 400 and is_typed(reply)):
        return Outcome(str(reply.code), status, f"{where}: {reply.code} not a typed 4xx {reply.body[:160]!r}")
    return Outcome(str(reply.code), status, decodable=reply.code < 400)


def with_key(head: bytes, api_key: str | None) -> bytes:
    if not api_key:
        return head
    return head[:-2] + f"x-api-key: {api_key}\r\n".encode() + b"\r\n"


def disconnect(url: str, case: Case, api_key: str | None) -> None:
    host, port = check_local(url)
    assert case.raw_head is not None and case.body is not None and case.cut is not None
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(with_key(case.raw_head, api_key) + case.body[: case.cut])
        if case.reset:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def healthy(url: str) -> bool:
    try:
        return request(url, "GET", "/healthz", timeout=HEALTH_TIMEOUT).code == 200
    except OSError:
        return False


def fire(case: Case, args: argparse.Namespace) -> Outcome:
    where = f"[{case.kind}] {case.path} {case.name}"
    planted: Path | None = None
    try:
        if case.cut is not None:
            disconnect(args.url, case, args.api_key)
            if healthy(args.url):
                return Outcome("closed-by-us", "healthz 200 after")
            return Outcome("server-dead", "no healthz", f"{where}: /healthz failed after the disconnect")
        if case.plant is not None:
            planted = Path(args.uploads_dir) / case.plant_name
            planted.write_bytes(case.plant)
        if case.raw_head is not None:
            reply = raw_exchange(
                args.url, with_key(case.raw_head, args.api_key), case.body or b"", args.request_timeout
            )
        else:
            headers = case.headers() | ({"x-api-key": args.api_key} if args.api_key else {})
            reply = request(args.url, "POST", case.path, case.body, headers, timeout=args.request_timeout)
    except TimeoutError:
        return Outcome("timeout", "no answer", f"{where}: no answer within {args.request_timeout}s")
    except OSError as exc:
        return Outcome("conn-error", type(exc).__name__, f"{where}: connection error {exc!r}")
    except Exception as exc:  # http.client's parse errors: the answer is not HTTP
        return Outcome("bad-answer", type(exc).__name__, f"{where}: unreadable answer {exc!r}")
    finally:
        if planted is not None:
            planted.unlink(missing_ok=True)
    return judge(case, reply)


# --- planning ---------------------------------------------------------------------------------------------------


def round_cases(classes: set[str], seed: int, round_no: int, big_bytes: int, uploads: bool) -> list[Case]:
    """One round of every chosen request class except pdf (PDFs run last, see the module docstring)."""
    rng = random.Random(f"{seed}:{round_no}")
    cases: list[Case] = []
    if "classic" in classes:
        cases += build_cases(rng, big_bytes if round_no == 0 else None)
    if "json-numbers" in classes:
        cases += json_number_cases(rng, round_no)
    if "multipart" in classes:
        cases += multipart_cases(rng, round_no)
    if "aspect" in classes:
        cases += aspect_cases(rng, round_no, uploads)
    if "disconnect" in classes:
        cases += disconnect_cases(rng, round_no)
    return cases


def plan(args: argparse.Namespace) -> tuple[list[Case], list[Case], int]:
    """The request cases, the PDF cases and the number of rounds (``--count`` adds rounds until reached)."""
    classes = set(args.classes)
    uploads = args.uploads_dir is not None
    cases: list[Case] = []
    pdfs: list[Case] = []
    round_no = 0
    while round_no < args.rounds or (args.count and len(cases) + len(pdfs) < args.count):
        before = len(cases) + len(pdfs)
        cases += round_cases(classes, args.seed, round_no, args.big_mb * 1024 * 1024, uploads)
        if "pdf" in classes:
            pdfs += pdf_cases(random.Random(f"{args.seed}:{round_no}:pdf"), round_no, uploads)
        round_no += 1
        if len(cases) + len(pdfs) == before:
            break  # only the time-based classes (slow-headers, link-swap): rounds add no request
    limits = dict(args.per_class_limits)
    rng = random.Random(f"{args.seed}:sample")
    cases = sample(cases, limits, args.per_class, rng)
    pdfs = sample(pdfs, limits, args.per_class, rng)
    return cases, pdfs, round_no


def sample(cases: list[Case], limits: dict[str, int], default: int | None, rng: random.Random) -> list[Case]:
    """At most ``limits[kind]`` (else ``default``) cases of each class, drawn with the seed, order kept."""
    by_kind: dict[str, list[int]] = defaultdict(list)
    for i, case in enumerate(cases):
        by_kind[case.kind].append(i)
    keep: set[int] = set()
    for kind, indices in by_kind.items():
        limit = limits.get(kind, default)
        keep.update(indices if limit is None or len(indices) <= limit else rng.sample(indices, limit))
    return [case for i, case in enumerate(cases) if i in keep]


# --- running ----------------------------------------------------------------------------------------------------


@dataclass
class Summary:
    requests: int = 0
    health_checks: int = 0
    seconds: float = 0.0
    rounds: int = 0
    codes: Counter[str] = field(default_factory=Counter)
    by_class: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    by_route: Counter[str] = field(default_factory=Counter)
    statuses: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)  # every answer >= 500, with its case
    decodable: int = 0
    slow: list[SlowResult] = field(default_factory=list)
    link: LinkSwapResult | None = None
    alive: bool = False
    stopped_early: str = ""

    @property
    def ok(self) -> bool:
        leaks = bool(self.link and self.link.leaks)
        return self.alive and not self.problems and not self.server_errors and not leaks and not self.stopped_early

    def add(self, case: Case, outcome: Outcome) -> None:
        self.requests += 1
        self.codes[outcome.code] += 1
        self.by_class[case.kind][outcome.code] += 1
        self.by_route[case.path] += 1
        self.statuses[outcome.status] += 1
        self.decodable += outcome.decodable
        if outcome.code.isdigit() and int(outcome.code) >= 500:
            line = f"[{case.kind}] {case.path} {case.name}: {outcome.code} {outcome.status} {outcome.detail}"
            self.server_errors.append(line)
        if outcome.problem:
            self.problems.append(outcome.problem)


def run(args: argparse.Namespace) -> Summary:
    """Fire every planned case at ``args.url``; see :func:`report` for what is printed."""
    check_local(args.url)
    cases, pdfs, rounds = plan(args)
    summary = Summary(rounds=rounds)
    planned = Counter(case.kind for case in cases + pdfs)
    print(f"planned: {len(cases) + len(pdfs)} requests in {rounds} round(s): {dict(planned)}", flush=True)
    started = time.perf_counter()
    slow_threads: list[threading.Thread] = []
    if "slow-headers" in args.classes:
        for name, head, trickle in SLOW_HEADS:
            probe = (args.url, name, head, trickle, args.slow_seconds)
            thread = threading.Thread(target=lambda p=probe: summary.slow.append(slow_probe(*p)), daemon=True)
            thread.start()
            slow_threads.append(thread)
    up = _fire_all(cases, args, summary)
    if up and "link-swap" in args.classes:
        if args.uploads_dir is None:
            print("link-swap: skipped (needs --uploads-dir, or --start)", flush=True)
        else:
            print(f"link-swap: {args.link_seconds:.0f}s of swaps in {args.uploads_dir}", flush=True)
            summary.link = link_swap(
                args.url, Path(args.uploads_dir), args.link_seconds, args.seed, args.api_key, pause=args.swap_pause
            )
            summary.requests += sum(summary.link.codes.values())
            for code, n in summary.link.codes.items():
                summary.codes[code] += n
                summary.by_class["link-swap"][code] += n
                summary.by_route[OCR_KTP] += n
                if code.isdigit() and int(code) >= 500:
                    n -= summary.link.busy if code == "503" else 0
                    if n:
                        summary.server_errors.append(f"[link-swap] {OCR_KTP}: {n} x {code}")
    if up:
        _fire_all(pdfs, args, summary)
    for thread in slow_threads:
        thread.join(args.slow_seconds + 30)
    summary.alive = healthy(args.url)
    summary.health_checks += 1
    summary.seconds = time.perf_counter() - started
    return summary


def _fire_all(cases: list[Case], args: argparse.Namespace, summary: Summary) -> bool:
    """Fire ``cases`` in order; False when the server died (the rest are not fired)."""
    for i, case in enumerate(cases):
        outcome = fire(case, args)
        summary.add(case, outcome)
        if case.cut is not None:
            summary.health_checks += 1
        if outcome.code in ("conn-error", "server-dead", "timeout", "bad-answer") and not healthy(args.url):
            summary.health_checks += 1
            time.sleep(2)
            if not healthy(args.url):
                summary.stopped_early = f"the server stopped answering after [{case.kind}] {case.path} {case.name}"
                print(summary.stopped_early + f"; {len(cases) - i - 1} cases not fired", flush=True)
                return False
        if args.progress and summary.requests % args.progress == 0:
            print(f"  ... {summary.requests} requests, codes {dict(summary.codes)}", flush=True)
    return True


def report(summary: Summary) -> None:
    print(f"{summary.requests} malformed requests (+{summary.health_checks} health checks) in {summary.seconds:.1f}s")
    print("by class (requests, codes):")
    for kind in CLASSES:
        if kind in summary.by_class:
            codes = summary.by_class[kind]
            print(f"  {kind:<13} {sum(codes.values()):>5}  {dict(sorted(codes.items()))}")
    print("by code:   ", dict(sorted(summary.codes.items())))
    print("by route:  ", dict(summary.by_route.most_common()))
    print("statuses:  ", dict(summary.statuses.most_common(25)))
    print(f"decodable, answered 2xx (no card / contract 200): {summary.decodable}")
    for slow in sorted(summary.slow, key=lambda s: s.name):
        print(f"  slow headers {slow.name}: {slow.outcome} after {slow.seconds:.1f}s")
    if summary.link is not None:
        link = summary.link
        print(f"link swap: {link.swaps} swaps; inside NIK {link.inside_nik}, outside NIK {link.outside_nik}")
        if link.busy:
            print(f"  (a valid card's read hit the time limit, 503 TIMEOUT/BUSY, not counted a failure: {link.busy})")
        for outcome, n in sorted(link.outcomes.items()):
            print(f"  {outcome}: {n}")
        for line in link.leaks[:20]:
            print("  LEAK:", line)
        for line in link.errors[:5]:
            print("  error:", line)
    print(f"server alive afterwards: {summary.alive}")
    if summary.stopped_early:
        print("STOPPED EARLY:", summary.stopped_early)
    for line in summary.server_errors[:60]:
        print("  >= 500:", line)
    for problem in summary.problems[:40]:
        print("  NOT A TYPED ANSWER:", problem)
    leaks = len(summary.link.leaks) if summary.link else 0
    failure = f"FAIL ({len(summary.problems)} problems, {len(summary.server_errors)} >= 500, {leaks} link-swap leaks)"
    print("RESULT:", "PASS" if summary.ok else failure)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--api-key", default=None)
    parser.add_argument("--big-mb", type=int, default=40, help="size of the oversized body case")
    parser.add_argument("--seed", type=int, default=5, help="every generated variant follows from it")
    parser.add_argument("--rounds", type=int, default=1, help="rounds of every class (new variants each round)")
    parser.add_argument("--count", type=int, default=0, help="add rounds until at least this many requests")
    parser.add_argument("--classes", default=",".join(CLASSES), help=f"comma-separated subset of {','.join(CLASSES)}")
    parser.add_argument("--per-class", type=int, default=None, help="at most this many requests of each class")
    parser.add_argument("--limit", action="append", default=[], metavar="CLASS=N", help="at most N of CLASS")
    parser.add_argument("--uploads-dir", default=None, help="the server's uploads folder (for /ocr/ktp files)")
    parser.add_argument("--link-seconds", type=float, default=5.0, help="how long the link-swap class runs")
    parser.add_argument("--swap-pause", type=float, default=0.0002, help="link-swap: seconds between swap rounds")
    parser.add_argument("--slow-seconds", type=float, default=20.0, help="how long a slow head waits at most")
    parser.add_argument("--request-timeout", type=float, default=120.0, help="client wait for one answer")
    parser.add_argument("--progress", type=int, default=0, help="print the counts every N requests")
    parser.add_argument("--dry-run", action="store_true", help="print the plan and exit")
    parser.add_argument("--start", action="store_true", help="start ktp-ocr serve on a free port, stop it at the end")
    parser.add_argument("--timeout", type=float, default=None, help="with --start: the server's --timeout (seconds)")
    parser.add_argument("--workers", type=int, default=None, help="with --start: the server's --workers")
    args = parser.parse_args(argv)
    args.classes = [c.strip() for c in args.classes.split(",") if c.strip()]
    unknown = set(args.classes) - set(CLASSES)
    if unknown:
        parser.error(f"unknown classes {sorted(unknown)}; choose from {','.join(CLASSES)}")
    try:
        args.per_class_limits = [(k, int(v)) for k, v in (item.split("=", 1) for item in args.limit)]
    except ValueError:
        parser.error("--limit takes CLASS=N")
    return args


def execute(args: argparse.Namespace) -> Summary:
    """Run against ``args.url``, or against a server started for the run with ``--start``."""
    if args.dry_run:
        if args.start and args.uploads_dir is None:
            args.uploads_dir = "/nonexistent-uploads"  # the plan as --start would fire it
        cases, pdfs, rounds = plan(args)
        planned = Counter(case.kind for case in cases + pdfs)
        print(f"planned: {len(cases) + len(pdfs)} requests in {rounds} round(s): {dict(planned)}")
        print("routes:", dict(Counter(case.path for case in cases + pdfs)))
        return Summary(alive=True)
    if not args.start:
        return run(args)
    with start_server(timeout_s=args.timeout, workers=args.workers) as server:
        args.url = server.url
        args.uploads_dir = str(server.uploads_dir)
        summary = run(args)
        if not server.alive():
            summary.alive = False
            summary.stopped_early = summary.stopped_early or f"ktp-ocr serve exited with {server.process.returncode}"
            print(server.log_tail(40))
        return summary


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    summary = execute(args)
    if not args.dry_run:
        report(summary)
    return 0 if summary.ok else 1


if __name__ == "__main__":
    sys.exit(main())

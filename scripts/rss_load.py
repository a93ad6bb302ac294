"""Does the server's memory come back after overload and big slow uploads? Prints RSS at each step.

Starts ``ktp-ocr serve`` (the real reader) on a free 127.0.0.1 port, then:

1. warm-up: ``--warm-reads`` reads (default 1) of a synthetic card (``ktp_ocr.synth.render_sample(0)``), RSS;
2. overload: 32 concurrent clients posting synthetic ``mixed`` captures (several sizes) for ``--load-seconds``
   (default 60), wait ``--settle`` (10 s), RSS;
3. slow uploads: 30 concurrent ~20 MB raw bodies, each sent over ~10 s (a client stops sending as soon as the
   server answers, e.g. 503 BUSY before reading its body), wait 5 s, RSS;

and the peak (the kernel's VmHWM, and the highest VmRSS sampled every 0.1 s). The bar: after each step RSS is
back within 15 % of the warm-up level. The server is stopped at the end. Only 127.0.0.1 is ever contacted.

    .venv/bin/python scripts/rss_load.py
    .venv/bin/python scripts/rss_load.py --src /tmp/base/src   # the same run against another source tree
    .venv/bin/python scripts/rss_load.py --no-malloc-release   # the same code without the malloc tuning/trim
"""

from __future__ import annotations

import argparse
import http.client
import json
import select
import socket
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from _client import check_local, request, start_server

ROOT = Path(__file__).resolve().parents[1]
# The server without the malloc tuning and trims: pool.tune_malloc() says "not glibc", so OcrPool skips both.
NO_RELEASE = (
    "import sys; import ktp_ocr.service.pool as pool; pool.tune_malloc = lambda: False; "
    "from ktp_ocr.cli import main; sys.exit(main(sys.argv[1:]))"
)


def status_kb(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise KeyError(key)


def mb(kb: int) -> float:
    return round(kb / 1024, 1)


class Sampler(threading.Thread):
    """The highest VmRSS seen, every 0.1 s."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kb = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self.peak_kb = max(self.peak_kb, status_kb(self.pid, "VmRSS"))
            except (OSError, KeyError):
                return
            self.stop.wait(0.1)


def post(url: str, body: bytes) -> int:
    """One read of ``body``; -1 when the connection fails (the code is all the steps count)."""
    try:
        return request(url, "POST", "/v1/ktp", body=body, headers={"Content-Type": "image/jpeg"}, timeout=300).code
    except (OSError, http.client.HTTPException):
        return -1


def slow_upload(url: str, body: bytes, seconds: float, slices: int) -> str:
    """Send ``body`` raw in ``slices`` pieces over ``seconds``; stop as soon as the server answers."""
    step = max(1, len(body) // slices)
    pause = seconds / slices
    view = memoryview(body)
    host, port = check_local(url)
    try:
        with socket.create_connection((host, port), timeout=120) as sock:
            head = (
                f"POST /v1/ktp HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: image/jpeg\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
            )
            sock.sendall(head.encode())
            for start in range(0, len(body), step):
                readable, _, _ = select.select([sock], [], [], 0)
                if readable:
                    break  # answered before the whole body was sent (BUSY, or an error)
                try:
                    sock.sendall(view[start : start + step])
                except OSError:
                    break
                time.sleep(pause)
            answer = b""
            while b"\r\n" not in answer:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                answer += chunk
            line = answer.split(b"\r\n", 1)[0].decode("latin-1")
            return line.split(" ")[1] if line.count(" ") >= 1 else "closed"
    except OSError as exc:
        return type(exc).__name__


def run_threads(count: int, target: object, results: list[object]) -> None:
    def work(index: int) -> None:
        results[index] = target(index)  # type: ignore[operator]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def load(url: str, cards: list[bytes], seconds: float) -> Counter[int]:
    """One client posting the cards in turn until ``seconds`` have passed."""
    stop, codes, index = time.monotonic() + seconds, Counter[int](), 0
    while time.monotonic() < stop:
        codes[post(url, cards[index % len(cards)])] += 1
        index += 1
    return codes


def measure(
    url: str, pid: int, card: bytes, cards: list[bytes], big: bytes, args: argparse.Namespace
) -> dict[str, object]:
    """The three steps against the server at ``url`` (process ``pid``): RSS after each, and the peaks."""
    report: dict[str, object] = {"rss_ready_mb": mb(status_kb(pid, "VmRSS"))}
    sampler = Sampler(pid)
    sampler.start()

    warm = Counter(post(url, card) for _ in range(args.warm_reads))
    time.sleep(args.settle)
    warm_kb = status_kb(pid, "VmRSS")
    report["warm_codes"] = dict(warm)
    report["rss_warm_mb"] = mb(warm_kb)

    results: list[object] = [None] * args.clients
    started = time.monotonic()
    run_threads(args.clients, lambda index: load(url, cards[index:] + cards[:index], args.load_seconds), results)
    overload = sum((r for r in results if isinstance(r, Counter)), Counter())
    report["overload_codes"] = dict(overload)
    report["overload_s"] = round(time.monotonic() - started, 1)
    time.sleep(args.settle)
    after_overload_kb = status_kb(pid, "VmRSS")
    report["rss_after_overload_mb"] = mb(after_overload_kb)

    if args.skip_uploads:
        after_uploads_kb = after_overload_kb
        args.uploads = 0
    uploads: list[object] = [None] * args.uploads
    started = time.monotonic()
    run_threads(args.uploads, lambda _: slow_upload(url, big, args.upload_seconds, 100), uploads)
    report["upload_codes"] = dict(Counter(str(u) for u in uploads))
    report["uploads_s"] = round(time.monotonic() - started, 1)
    if args.uploads:
        time.sleep(args.settle)
        after_uploads_kb = status_kb(pid, "VmRSS")
        report["rss_after_uploads_mb"] = mb(after_uploads_kb)

    sampler.stop.set()
    sampler.join()
    report["rss_peak_sampled_mb"] = mb(sampler.peak_kb)
    report["rss_peak_hwm_mb"] = mb(status_kb(pid, "VmHWM"))
    worst = max(after_overload_kb, after_uploads_kb)
    report["worst_over_warm_pct"] = round(100 * (worst - warm_kb) / warm_kb, 1)
    report["within_15pct"] = worst <= warm_kb * 1.15
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--src", default=str(ROOT / "src"), help="source tree the server runs from")
    parser.add_argument("--no-malloc-release", action="store_true", help="serve without malloc tuning and trims")
    parser.add_argument("--workers", type=int, default=None, help="OCR workers (default: the server's)")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--warm-reads", type=int, default=1, help="reads before the warm RSS")
    parser.add_argument("--load-seconds", type=float, default=60.0, help="length of the overload step")
    parser.add_argument("--skip-uploads", action="store_true", help="no slow-upload step")
    parser.add_argument("--uploads", type=int, default=30)
    parser.add_argument("--upload-mb", type=float, default=20.0)
    parser.add_argument("--upload-seconds", type=float, default=10.0)
    parser.add_argument("--settle", type=float, default=10.0, help="seconds to wait before each RSS")
    args = parser.parse_args()

    sys.path.insert(0, args.src)
    from ktp_ocr.synth import render_card_entry, render_sample

    card, _ = render_sample(0)
    card = bytes(card)
    cards = [bytes(render_card_entry(7, index, "mixed")[0]) for index in range(8)]
    # A real card followed by padding: JPEG decoders stop at the end-of-image marker, so an admitted upload is a
    # real read of a ~20 MB body.
    big = card + b"\0" * max(0, int(args.upload_mb * 1_000_000) - len(card))

    launcher = ("-c", NO_RELEASE) if args.no_malloc_release else ("-m", "ktp_ocr.cli")
    report: dict[str, object] = {"src": args.src, "no_malloc_release_flag": args.no_malloc_release}
    with start_server(workers=args.workers, launcher=launcher, env={"PYTHONPATH": args.src}) as server:
        report.update(measure(server.url, server.process.pid, card, cards, big, args))
    print(json.dumps(report, indent=2))
    return 0 if report.get("within_15pct") else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""A short load test: N concurrent clients POST a synthetic card to /v1/ktp on 127.0.0.1 for a fixed time.

Prints the answers by code, every error that is not the expected back-pressure 503, p50/p95 latency of the
successful reads, throughput, and the server's RSS before and after (found from the listening port, or --pid).

    ktp-ocr serve --port 8000 &
    python scripts/load_test.py --url http://127.0.0.1:8000 --clients 8 --seconds 60

Each client stops by itself when the time is up (a bounded loop); only 127.0.0.1 is ever targeted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from _client import check_local, multipart, request


def sample_image(path: str | None) -> bytes:
    """The given file, else a synthetic card from ktp_ocr.synth (never a real person's card)."""
    if path:
        return Path(path).read_bytes()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from ktp_ocr.synth import render_sample

    jpeg, _ = render_sample(21)
    return bytes(jpeg)


def _listening_inode(port: int) -> str | None:
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            cols = line.split()
            if int(cols[1].rsplit(":", 1)[1], 16) == port and cols[3] == "0A":
                return cols[9]
    return None


def server_pid(port: int) -> int | None:
    """The pid owning the listening socket (only processes of this user are readable)."""
    inode = _listening_inode(port)
    if inode is None:
        return None
    target = f"socket:[{inode}]"
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if any(os.readlink(fd) == target for fd in (proc / "fd").iterdir()):
                return int(proc.name)
        except OSError:
            continue
    return None


def rss_mb(pid: int | None) -> float | None:
    if pid is None:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.codes: Counter[int] = Counter()
        self.latencies: list[float] = []
        self.errors: list[str] = []

    def add(self, code: int, seconds: float, detail: str) -> None:
        with self.lock:
            self.codes[code] += 1
            if code == 200:
                self.latencies.append(seconds)
            elif code != 503 and len(self.errors) < 20:
                self.errors.append(f"{code}: {detail}")


def client_loop(url: str, body: bytes, ctype: str, deadline: float, tally: Tally, key: str | None) -> None:
    headers = {"Content-Type": ctype, **({"x-api-key": key} if key else {})}
    while time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            reply = request(url, "POST", "/v1/ktp", body, headers, timeout=120)
            code, detail = reply.code, reply.body[:200].decode("utf-8", "replace")
            if code == 503:
                time.sleep(float(reply.headers.get("retry-after", "1")) / 4)
        except OSError as exc:
            code, detail = 0, f"connection error: {exc}"
        tally.add(code, time.perf_counter() - started, detail)


def percentile(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--image", default=None, help="image file to send (default: a synthetic card)")
    parser.add_argument("--pid", type=int, default=None, help="server pid for RSS (default: found from the port)")
    parser.add_argument("--api-key", default=None)
    args = parser.parse_args(argv)
    _, port = check_local(args.url)
    body, ctype = multipart("image", sample_image(args.image))
    pid = args.pid or server_pid(port)
    rss_before = rss_mb(pid)
    tally = Tally()
    deadline = time.monotonic() + args.seconds
    started = time.perf_counter()
    threads = [
        threading.Thread(target=client_loop, args=(args.url, body, ctype, deadline, tally, args.api_key), daemon=True)
        for _ in range(args.clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(args.seconds + 180)
    elapsed = time.perf_counter() - started
    rss_after = rss_mb(pid)
    ok = tally.codes[200]
    print(f"{args.clients} clients, {elapsed:.1f}s, {sum(tally.codes.values())} requests, codes {dict(tally.codes)}")
    print(f"throughput: {ok / elapsed:.2f} reads/s")
    if tally.latencies:
        p50, p95 = percentile(tally.latencies, 50), percentile(tally.latencies, 95)
        print(f"latency of 200s: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms")
    print(f"server pid {pid}: RSS before {rss_before} MB, after {rss_after} MB")
    for error in tally.errors:
        print("  ERROR (not 503):", error)
    return 1 if tally.errors else 0


if __name__ == "__main__":
    sys.exit(main())

"""Slow uploads against a running server: do cards from other clients keep reading while sockets trickle?

The attack: ``--slow`` connections from one address, each declaring a ``--body``-byte upload and sending it at
``--rate`` bytes a second; a connection that ends is opened again at once, for ``--seconds``. Meanwhile
``--clients`` honest clients, from another loopback address, post a synthetic card one after the other. Prints
how the slow connections ended (408 after how long, 429, other) and the share of honest reads answered 200 within
``--deadline`` seconds (the read timeout plus one read).

    ktp-ocr serve --workers 2 --queue 8 --timeout 5 &
    python scripts/slow_uploads.py --url http://127.0.0.1:8000 --slow 50 --seconds 40
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections import Counter
from urllib.parse import urlsplit

from ktp_ocr.synth import render_sample

ATTACKER = "127.0.0.1"
HONEST = "127.0.0.2"  # all of 127.0.0.0/8 is loopback on Linux: another client address on the same machine


def request_head(path: str, host: str, length: int, content_type: str) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {length}\r\nConnection: close\r\n\r\n"
    ).encode()


async def status_of(reader: asyncio.StreamReader) -> int:
    line = await reader.readline()
    parts = line.split()
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


async def one_slow(host: str, port: int, args: argparse.Namespace, outcomes: Counter[str], ends: list[float]) -> None:
    """One trickling upload; records how it ended."""
    started = time.monotonic()
    try:
        reader, writer = await asyncio.open_connection(host, port, local_addr=(ATTACKER, 0))
    except OSError:
        outcomes["connect failed"] += 1
        await asyncio.sleep(0.1)
        return
    answer: asyncio.Task[int] = asyncio.create_task(status_of(reader))
    try:
        writer.write(request_head("/v1/ktp", host, args.body, "image/jpeg"))
        sent = 0
        while sent < args.body and not answer.done():
            chunk = max(1, int(args.rate / 10))
            writer.write(b"\xff" * chunk)
            sent += chunk
            await asyncio.sleep(0.1)
        code = await asyncio.wait_for(answer, 30)
        outcomes[str(code)] += 1
        if code == 408:
            ends.append(time.monotonic() - started)
    except (OSError, TimeoutError, asyncio.IncompleteReadError):
        outcomes["reset" if not answer.done() else str(answer.result())] += 1
    finally:
        answer.cancel()
        writer.close()


async def attacker(
    host: str, port: int, args: argparse.Namespace, stop: float, out: Counter[str], ends: list[float]
) -> None:
    while time.monotonic() < stop:
        await one_slow(host, port, args, out, ends)


async def honest(
    host: str, port: int, card: bytes, stop: float, deadline: float, results: list[tuple[int, float]]
) -> None:
    while time.monotonic() < stop:
        started = time.monotonic()
        try:
            reader, writer = await asyncio.open_connection(host, port, local_addr=(HONEST, 0))
            writer.write(request_head("/v1/ktp", host, len(card), "image/jpeg") + card)
            code = await asyncio.wait_for(status_of(reader), deadline)
            writer.close()
        except (OSError, TimeoutError):
            code = 0
        results.append((code, time.monotonic() - started))


async def run(args: argparse.Namespace) -> None:
    url = urlsplit(args.url)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    card = render_sample(7, "clean")[0]
    stop = time.monotonic() + args.seconds
    outcomes: Counter[str] = Counter()
    ends: list[float] = []
    reads: list[tuple[int, float]] = []
    tasks = [attacker(host, port, args, stop, outcomes, ends) for _ in range(args.slow)]
    await asyncio.sleep(0)
    tasks += [honest(host, port, card, stop, args.deadline, reads) for _ in range(args.clients)]
    await asyncio.gather(*tasks)
    ok = [elapsed for code, elapsed in reads if code == 200 and elapsed <= args.deadline]
    print(f"{args.slow} slow uploads of {args.body} B at {args.rate:g} B/s for {args.seconds:g} s (from {ATTACKER})")
    print("slow connections ended:", dict(outcomes.most_common()))
    if ends:
        print(f"  408 after median {statistics.median(ends):.1f} s (max {max(ends):.1f} s)")
    codes = Counter(code for code, _ in reads)
    print(f"honest reads ({args.clients} clients from {HONEST}): {len(reads)}, codes {dict(codes)}")
    if reads:
        share = len(ok) / len(reads)
        print(f"  answered 200 within {args.deadline:g} s: {len(ok)}/{len(reads)} = {share:.1%}")
        times = [elapsed for _, elapsed in reads]
        print(f"  seconds per read: median {statistics.median(times):.2f}, max {max(times):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--slow", type=int, default=50)
    parser.add_argument("--body", type=int, default=59466)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--deadline", type=float, default=10.0, help="read timeout plus one read, seconds")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()

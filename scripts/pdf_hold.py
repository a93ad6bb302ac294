"""Do pathological PDFs hold the OCR workers? Two go to /v1/ktp at once, then a valid synthetic card.

Prints how long the card took to be answered (and with what) against the server's time limit, then how long
the PDFs took, then a second card sent as soon as the PDFs were answered: a PDF whose read outlives its 503
TIMEOUT still holds its worker, and that second card shows it. Exit code 1 when a card is not answered 200
within the server's time limit.

    KTP_OCR_TIMEOUT_S=5 ktp-ocr serve --port 8000 &
    python scripts/pdf_hold.py --url http://127.0.0.1:8000 --timeout 5
    python scripts/pdf_hold.py --start --timeout 5                  # starts and stops its own server
    python scripts/pdf_hold.py --list                               # the PDF names --pdf takes

The PDFs are bad_inputs.py's pathological ones (``--pdf NAME``, twice by default: the two drawn at once).
Only 127.0.0.1 is ever targeted; the card is synthetic (ktp_ocr.synth), never a real person's.
"""

from __future__ import annotations

import argparse
import random
import sys
import threading
import time
from dataclasses import dataclass

from _client import Reply, check_local, multipart, request, start_server
from _hostile_cases import label
from _hostile_links import synthetic
from _hostile_pdf import pathological_pdfs

DEFAULT_PDFS = ("pdf-xobject-fanout-10x6", "pdf-lines-flate-2000000")


@dataclass
class Timed:
    what: str
    code: str
    status: str
    seconds: float


def post(url: str, what: str, data: bytes, mime: str, api_key: str | None, timeout: float) -> Timed:
    body, ctype = multipart("image", data, filename="upload", content_type=mime)
    headers = {"Content-Type": ctype} | ({"x-api-key": api_key} if api_key else {})
    started = time.perf_counter()
    try:
        reply: Reply = request(url, "POST", "/v1/ktp", body, headers, timeout=timeout)
    except OSError as exc:
        return Timed(what, "no answer", type(exc).__name__, time.perf_counter() - started)
    return Timed(what, str(reply.code), label(reply.json()), time.perf_counter() - started)


def hold(args: argparse.Namespace) -> int:
    check_local(args.url)
    builders = dict(pathological_pdfs(random.Random(args.seed)))
    names = args.pdf or list(DEFAULT_PDFS)
    unknown = [name for name in names if name not in builders]
    if unknown:
        raise SystemExit(f"unknown PDF {unknown}; --list shows the names")
    pdfs = [(name, builders[name]()) for name in names]
    card, nik = synthetic(args.card_seed)
    warm = post(args.url, "warm-up card", card, "image/jpeg", args.api_key, args.request_timeout)
    print(f"warm-up card alone: {warm.code} {warm.status} in {warm.seconds:.2f}s")

    answers: list[Timed] = []
    threads = [
        threading.Thread(
            target=lambda n=name, d=data: answers.append(
                post(args.url, n, d, "application/pdf", args.api_key, args.request_timeout)
            ),
            daemon=True,
        )
        for name, data in pdfs
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(args.delay)  # the PDFs are admitted first
    first = post(args.url, "card during the PDFs", card, "image/jpeg", args.api_key, args.request_timeout)
    for thread in threads:
        thread.join(args.request_timeout + 5)
    pdfs_done = time.perf_counter() - started
    second = post(args.url, "card after the PDFs were answered", card, "image/jpeg", args.api_key, args.request_timeout)
    alive = request(args.url, "GET", "/healthz", timeout=15).code == 200

    limit = args.timeout
    print(f"server time limit (KTP_OCR_TIMEOUT_S / --timeout): {limit:g}s; card NIK {nik}")
    for answer in [first, *answers, second]:
        late = " (past the time limit)" if answer.seconds > limit else ""
        print(f"  {answer.what:<40} {answer.code:>9} {answer.status:<28} {answer.seconds:7.2f}s{late}")
    print(f"PDFs all answered {pdfs_done:.2f}s after they were sent; server alive afterwards: {alive}")
    held = [a for a in (first, second) if a.code != "200" or a.seconds > limit]
    verdict = "NOT HELD" if not held and alive else "HELD (a card was not answered 200 within the time limit)"
    print("RESULT:", verdict)
    return 0 if not held and alive else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--api-key", default=None)
    parser.add_argument(
        "--pdf", action="append", default=[], help=f"a PDF by name (default {' and '.join(DEFAULT_PDFS)})"
    )
    parser.add_argument("--list", action="store_true", help="print the PDF names and exit")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--card-seed", type=int, default=21, help="the synthetic card (ktp_ocr.synth.render_sample)")
    parser.add_argument("--delay", type=float, default=0.5, help="seconds between the PDFs and the card")
    parser.add_argument(
        "--timeout", type=float, default=5.0, help="the server's time limit; with --start it is started with it"
    )
    parser.add_argument("--request-timeout", type=float, default=300.0, help="client wait for one answer")
    parser.add_argument("--start", action="store_true", help="start ktp-ocr serve on a free port, stop it at the end")
    parser.add_argument("--workers", type=int, default=None, help="with --start: the server's --workers")
    args = parser.parse_args(argv)
    if args.list:
        for name, _ in pathological_pdfs(random.Random(args.seed)):
            print(name)
        return 0
    if not args.start:
        return hold(args)
    with start_server(timeout_s=args.timeout, workers=args.workers) as server:
        args.url = server.url
        code = hold(args)
        if not server.alive():
            print(f"ktp-ocr serve exited with {server.process.returncode}:\n{server.log_tail(40)}")
            return 1
        return code


if __name__ == "__main__":
    sys.exit(main())

"""Non-KTP documents and photos: none may be read as a KTP.

Renders N samples of each synthetic non-KTP kind (``ktp_ocr.synth.nonktp``: driving licence, tax card, passport
page, scene photo, blank KTP template, receipt, letter), reads each with ``KtpReader`` and prints, per kind, the
statuses, how many came back with ``is_ktp`` true, and the highest KTP evidence score (the reader refuses below
``reader.KTP_EVIDENCE``). Not a test.

    .venv/bin/python scripts/bench_nonktp.py [--count 10]
"""

from __future__ import annotations

import argparse
from collections import Counter

from ktp_ocr.reader import KTP_EVIDENCE, KtpReader
from ktp_ocr.synth.nonktp import KINDS, render_nonktp


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10)
    args = parser.parse_args()
    reader = KtpReader()
    print(f"{'kind':<12} {'read as KTP':>11} {'max evidence':>13}   statuses   (threshold {KTP_EVIDENCE})")
    accepted = 0
    for kind in KINDS:
        statuses: Counter[str] = Counter()
        as_ktp, top = 0, 0.0
        for seed in range(args.count):
            result = reader.read(render_nonktp(seed, kind))
            statuses[result.status.value] += 1
            if result.quality is not None:
                as_ktp += result.quality.is_ktp
                top = max(top, result.quality.scores["is_ktp"])
        accepted += as_ktp
        print(f"{kind:<12} {as_ktp:>11} {top:>13.2f}   {dict(statuses)}")
    print(f"\n{accepted} of {args.count * len(KINDS)} non-KTP images read as a KTP")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

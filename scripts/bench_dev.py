"""Accuracy and speed of the reader on a labelled folder (default: ../shared/ktp-real/dev).

Prints the per-field accuracy table, NIK accuracy, all-fields-right share, character error rate, and the
median / p95 seconds per image with the per-stage breakdown (models warm, one process). Not a test.

    .venv/bin/python scripts/bench_dev.py [FOLDER] [--misses]
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

from ktp_ocr.evaluation import evaluate, format_report
from ktp_ocr.reader import KtpReader

DEFAULT = Path(__file__).resolve().parents[1] / ".." / "shared" / "ktp-real" / "dev"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--misses", action="store_true", help="list every mismatch (prints real values: keep local)")
    args = parser.parse_args()
    if not (args.folder / "labels.json").is_file():
        print(f"no labels.json in {args.folder}", file=sys.stderr)
        return 2
    reader = KtpReader()
    warm = sorted((args.folder / "images").glob("*"))[:1] or sorted(args.folder.glob("*.jpg"))[:1]
    for path in warm:  # warm the models so the timings are steady-state
        reader.read(path)
    started = time.time()
    report = evaluate(args.folder, reader.read)
    print(format_report(report, with_misses=args.misses))
    print(
        f"\nmeasured {time.strftime('%Y-%m-%d')} on {platform.machine()} {platform.processor() or ''} "
        f"({len(report.cards)} images in {time.time() - started:.0f} s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

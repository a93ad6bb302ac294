"""One card is one card: MULTIPLE_DOCUMENTS_DETECTED on synthetic scenes with and without a second document.

``clutter`` scenes show one card beside things that are card-shaped but no document (a window's reflection on a
glossy table, blank paper, a phone, a book): none may be reported as several documents, and the card's fields
are scored. ``two_cards`` scenes show a second card beside or over the first: each must be reported.

    python scripts/bench_documents.py [--clutter 200] [--two 100] [--seed 0]
"""

from __future__ import annotations

import argparse
import platform
import time
from collections import Counter

from ktp_ocr.errors import Status
from ktp_ocr.evaluation import CardLabels, score_fields
from ktp_ocr.reader import KtpReader
from ktp_ocr.synth.scene import render_scene


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clutter", type=int, default=200)
    ap.add_argument("--two", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    reader = KtpReader()
    start = time.perf_counter()
    for scene, count in (("clutter", args.clutter), ("two_cards", args.two)):
        statuses: Counter[str] = Counter()
        right = scored = 0
        misses: list[str] = []
        for index in range(count):
            image, entry = render_scene(args.seed, index, scene)
            result = reader.read(image)
            statuses[result.status.value] += 1
            multiple = result.status is Status.MULTIPLE_DOCUMENTS_DETECTED
            if multiple != (scene == "two_cards"):
                misses.append(f"{index} ({entry['notes'].split(': ')[-1]}: {result.status.value})")
            if scene == "clutter":
                compared = score_fields(CardLabels.from_entry(entry), result.fields.values())
                right += sum(pair.right for pair in compared.values())
                scored += len(compared)
        reported = statuses[Status.MULTIPLE_DOCUMENTS_DETECTED.value]
        print(f"{scene}: {count} scenes, MULTIPLE_DOCUMENTS_DETECTED on {reported} ({reported / max(count, 1):.1%})")
        print(f"  statuses: {dict(statuses)}")
        if scored:
            print(f"  fields right: {right}/{scored} = {right / scored:.1%}")
        if misses:
            print(f"  wrong verdicts (index, things: status): {'; '.join(misses[:20])}")
    print(f"measured {time.strftime('%Y-%m-%d')} on {platform.processor() or platform.machine()}, "
          f"{time.perf_counter() - start:.0f} s")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

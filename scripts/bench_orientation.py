"""Orientation: synthetic cards turned 90/180/270 degrees and mirrored, read back upright.

For each of N clean synthetic cards and each turn, prints the share where the NIK is read right, the reported
``tilt`` is within 10 degrees of the turn, and ``mirrored`` is right. Not a test.

    .venv/bin/python scripts/bench_orientation.py [--count 40]
"""

from __future__ import annotations

import argparse
from collections import defaultdict

import cv2
import numpy as np

from ktp_ocr.reader import KtpReader
from ktp_ocr.synth import render_sample

TURNS = {
    "upright": (None, False, 0.0),
    "90 cw": (cv2.ROTATE_90_CLOCKWISE, False, 90.0),
    "180": (cv2.ROTATE_180, False, 180.0),
    "270 cw": (cv2.ROTATE_90_COUNTERCLOCKWISE, False, 270.0),
    "mirrored": (None, True, None),
    "mirrored 180": (cv2.ROTATE_180, True, None),
}


def turned(image: np.ndarray, turn: int | None, mirror: bool) -> bytes:
    if mirror:
        image = cv2.flip(image, 1)
    if turn is not None:
        image = cv2.rotate(image, turn)
    return cv2.imencode(".png", image)[1].tobytes()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=40)
    args = parser.parse_args()
    reader = KtpReader()
    right: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for seed in range(1000, 1000 + args.count):
        data, entry = render_sample(seed)
        image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
        for name, (turn, mirror, tilt) in TURNS.items():
            result = reader.read(turned(image, turn, mirror))
            counts = right[name]
            counts[0] += result.fields.nik.value == entry["fields"]["nik"]
            off = abs((result.card.tilt - tilt + 180) % 360 - 180) if tilt is not None else 0.0
            counts[1] += off <= 10
            counts[2] += result.card.mirrored == mirror
    print(f"{'turn':<14} {'NIK right':>10} {'tilt right':>11} {'mirror right':>13}   ({args.count} cards each)")
    for name, (nik, tilt_ok, mirror_ok) in right.items():
        n = args.count
        tilt_text = f"{tilt_ok / n:.1%}" if TURNS[name][2] is not None else "n/a"  # no defined tilt when mirrored
        print(f"{name:<14} {nik / n:>10.1%} {tilt_text:>11} {mirror_ok / n:>13.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Orientation: synthetic captures turned 90/180/270 degrees and mirrored, read back upright.

For each of N synthetic captures and each turn, prints the share where the NIK is read right, the reported
``tilt`` is right, and ``mirrored`` is right. ``clean`` cards lie straight, so tilt right means within 10 degrees
of the turn; ``phone`` and ``hard`` captures are tilted by up to 8 and 25 degrees of their own, so there it means
the card was put in the right quarter (within 45 degrees of the turn). Captures that the profile itself turned
or mirrored are skipped (their turn is then not the one applied here). Because a blurred, dark or tiny capture
may be unreadable whichever way up it lies, the shares are also given over the cards whose upright image was
read right (NIK), which isolates orientation from legibility. Not a test.

    .venv/bin/python scripts/bench_orientation.py [--count 40] [--profile clean|phone|hard]
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator

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


def captures(profile: str, count: int) -> Iterator[tuple[np.ndarray, str]]:
    """``count`` captures of ``profile`` that the capture itself did not turn or mirror, with their NIK."""
    seed, found = 1000, 0
    while found < count:
        data, entry = render_sample(seed, profile)
        seed += 1
        geometry = next(e for e in entry["effects"] if e["name"] == "geometry")
        if geometry["quarter_turns"] or geometry["mirrored"]:
            continue
        found += 1
        yield np.asarray(cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)), str(entry["fields"]["nik"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--profile", choices=["clean", "phone", "hard"], default="clean")
    args = parser.parse_args()
    reader = KtpReader()
    tolerance = 10.0 if args.profile == "clean" else 45.0
    rows: list[dict[str, tuple[bool, bool, bool]]] = []
    for image, nik in captures(args.profile, args.count):
        row = {}
        for name, (turn, mirror, tilt) in TURNS.items():
            result = reader.read(turned(image, turn, mirror))
            off = abs((result.card.tilt - tilt + 180) % 360 - 180) if tilt is not None else 0.0
            row[name] = (result.fields.nik.value == nik, off <= tolerance, result.card.mirrored == mirror)
        rows.append(row)
    legible = [row for row in rows if row["upright"][0]]
    print(f"profile {args.profile}: {len(rows)} captures, upright NIK read right on {len(legible)}")
    for label, subset in (("all captures", rows), ("captures read right upright", legible)):
        print(f"\n{label} ({len(subset)}); tilt right = within {tolerance:.0f} degrees of the turn")
        print(f"{'turn':<14} {'NIK right':>10} {'tilt right':>11} {'mirror right':>13}")
        for name in TURNS:
            n = max(len(subset), 1)
            nik_ok, tilt_ok, mirror_ok = (sum(row[name][i] for row in subset) / n for i in range(3))
            tilt_text = f"{tilt_ok:.1%}" if TURNS[name][2] is not None else "n/a"  # no defined tilt when mirrored
            print(f"{name:<14} {nik_ok:>10.1%} {tilt_text:>11} {mirror_ok:>13.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

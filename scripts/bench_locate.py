"""Measure the card-outline finder (``ktp_ocr.locate.card``) on synthetic cards with known corners.

Prints, per profile and per capture effect, the share of cards whose four corners are all found within 2% of
the card's diagonal, the miss rate (no outline returned), and detection time median / p95; cards that are cut
off by the frame are reported apart, because corners outside the image cannot be found exactly. Ends with the
hardest size case: a 600 dpi A4 page (5100 x 7020 px) holding one small card.

    python scripts/bench_locate.py [--count 200] [--seed 11] [--work /tmp/bench_locate] [--profiles clean,phone]

This prints numbers; it is not a test.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from ktp_ocr.locate.card import find_card_quad
from ktp_ocr.synth import generate, make_identity, render_card

TOLERANCE = 0.02
A4_SIZE = (5100, 7020)  # 600 dpi, width x height


def corner_error(pred: np.ndarray, truth: np.ndarray) -> float:
    """Worst corner distance over the card diagonal, best over the 8 ways to match four corners as a cycle."""
    truth = np.asarray(truth, np.float64).reshape(4, 2)
    pred = np.asarray(pred, np.float64).reshape(4, 2)
    diag = float(np.linalg.norm(truth[0] - truth[2]))
    best = np.inf
    for cycle in (pred, pred[::-1]):
        for k in range(4):
            worst = float(np.linalg.norm(np.roll(cycle, k, axis=0) - truth, axis=1).max())
            best = min(best, worst)
    return best / diag


@dataclass
class Outcome:
    """One card's detection result."""

    error: float | None  # None: nothing found
    ms: float
    keys: list[str]
    cropped: bool


def _keys(entry: dict[str, Any]) -> list[str]:
    """Effect names, with the background kind and the geometry's notable traits spelled out."""
    keys: list[str] = []
    for eff in entry["effects"]:
        name = eff["name"]
        if name in ("card_style", "profile", "jpeg"):
            continue
        if name == "background":
            keys.append(f"background:{eff['kind']}")
        elif name == "geometry":
            if eff["quarter_turns"]:
                keys.append("geometry:quarter_turn")
            if eff["mirrored"]:
                keys.append("geometry:mirrored")
            if eff["perspective"] > 0.06:
                keys.append("geometry:perspective>0.06")
            if abs(eff["tilt_deg"]) > 8:
                keys.append("geometry:tilt>8")
        else:
            keys.append(name)
    return keys


def _is_cropped(entry: dict[str, Any], w: int, h: int) -> bool:
    pts = np.asarray(entry["corners"], np.float64)
    inside = (pts[:, 0] >= -1) & (pts[:, 0] <= w + 1) & (pts[:, 1] >= -1) & (pts[:, 1] <= h + 1)
    return not bool(inside.all())


def run_set(folder: Path) -> list[Outcome]:
    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    out: list[Outcome] = []
    for name, entry in sorted(labels.items()):
        image = cv2.imread(str(folder / name), cv2.IMREAD_COLOR)
        if image is None:
            continue
        t0 = time.perf_counter()
        quad = find_card_quad(image)
        ms = (time.perf_counter() - t0) * 1000
        err = None if quad is None else corner_error(quad, np.asarray(entry["corners"]))
        h, w = image.shape[:2]
        out.append(Outcome(err, ms, _keys(entry), _is_cropped(entry, w, h)))
    return out


def _line(label: str, items: list[Outcome]) -> str:
    n = len(items)
    good = sum(o.error is not None and o.error < TOLERANCE for o in items)
    miss = sum(o.error is None for o in items)
    errs = sorted(o.error for o in items if o.error is not None)
    med = f"{100 * errs[len(errs) // 2]:5.2f}%" if errs else "   -  "
    return f"  {label:<28} n={n:4d}  <2%: {100 * good / n:5.1f}%  miss: {100 * miss / n:5.1f}%  median err {med}"


def _timing(items: list[Outcome]) -> str:
    ms = sorted(o.ms for o in items)
    p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
    return f"time median {statistics.median(ms):.1f} ms, p95 {p95:.1f} ms, max {ms[-1]:.1f} ms"


def report(profile: str, items: list[Outcome]) -> None:
    whole = [o for o in items if not o.cropped]
    cut = [o for o in items if o.cropped]
    print(f"\n== {profile}: {_timing(items)}")
    print(_line("all (card fully in frame)", whole))
    if cut:
        print(_line("cropped (corners outside)", cut))
    by_key: dict[str, list[Outcome]] = defaultdict(list)
    for o in whole:
        for k in o.keys:
            by_key[k].append(o)
    for key in sorted(by_key):
        print(_line(key, by_key[key]))


def a4_page(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A white 600 dpi A4 page with one card covering 3% of it, slightly tilted; returns image and corners."""
    rng = random.Random(seed)
    card = render_card(make_identity(rng), rng)
    w, h = A4_SIZE
    page = np.full((h, w, 3), 246, np.uint8)
    long = float(np.sqrt(0.03 * w * h * card.image.shape[1] / card.image.shape[0]))
    short = long * card.image.shape[0] / card.image.shape[1]
    t = np.radians(2.0)
    rot = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
    quad = np.array([[-long, -short], [long, -short], [long, short], [-long, short]]) / 2 @ rot.T
    quad += np.array([w * 0.35, h * 0.25])
    ch, cw = card.image.shape[:2]
    src = np.array([[0, 0], [cw, 0], [cw, ch], [0, ch]], np.float32)
    hom = cv2.getPerspectiveTransform(src, quad.astype(np.float32))
    warped = cv2.warpPerspective(card.image, hom, (w, h))
    mask = cv2.warpPerspective(card.mask, hom, (w, h)).astype(np.float32)[..., None] / 255.0
    page = (page * (1 - mask) + warped * mask).astype(np.uint8)
    return page, quad


def bench_a4(seed: int) -> None:
    page, truth = a4_page(seed)
    times, err = [], None
    for _ in range(5):
        t0 = time.perf_counter()
        quad = find_card_quad(page)
        times.append((time.perf_counter() - t0) * 1000)
        err = None if quad is None else corner_error(quad, truth)
    found = "missed" if err is None else f"corner error {100 * err:.2f}% of diagonal"
    print(
        f"\n== A4 600 dpi page {A4_SIZE[0]}x{A4_SIZE[1]}, card 3% of area: {found}; "
        f"time median {statistics.median(times):.1f} ms (5 runs)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench_locate"))
    parser.add_argument("--profiles", default="clean,phone,hard,mixed")
    args = parser.parse_args()
    everything: list[Outcome] = []
    for profile in args.profiles.split(","):
        folder = args.work / f"{profile}-{args.seed}-{args.count}"
        if not (folder / "labels.json").exists():
            generate(args.count, folder, seed=args.seed, profile=profile)
        items = run_set(folder)
        everything += items
        report(profile, items)
    print(f"\n== all profiles: {_timing(everything)}")
    bench_a4(args.seed)


if __name__ == "__main__":
    main()

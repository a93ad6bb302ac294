"""Calibrate and measure the image-quality flags on synthetic captures whose effects are recorded.

Phase 1 (slow, cached): render the sets, read every image with ``KtpReader`` and keep the alignment the reader
ended with (card corners in reading order, outline found, turns, mirror), so the quality checks see exactly what
they see inside the reader. Phase 2 (fast): measure each image with ``ktp_ocr.quality.measure`` and score the
flags against ground truth derived from the recorded effects. A second run reuses the cache, so a change of a
threshold or a measurement costs seconds.

Ground truth per flag (``None`` = "don't care", left out of precision and recall; counts are printed):

* is_blurred: blur applied at the measurement scale (defocus sigma, motion length / sqrt(12) and a screen's
  0.7 px softening, times the final downscale and min(1, 1000 / card long side)) combined in quadrature:
  >= 1.2 px positive, < 0.6 negative.
* is_dark / is_bright: exposure e = gain * 0.85 ** gamma / 0.85 (the card background's level change; a screen
  capture also scales it by its sub-pixel grid's mean transmission and adds its black level):
  dark e < 0.5 (negative e >= 0.65: real photos at 0.58-0.67 are not called dark by their labellers), bright
  e > 1.25 (negative e <= 1.15); photocopies (re-levelled by the copier) don't care.
* is_flash: a glare whose peak (strength x the blurred ellipse's top: a thin ellipse blurred by its own size
  never reaches its strength) lifts the card >= 0.6 of the way to white, of radius >= 0.08 of the card's long
  side, positive; no glare or only faint ones (peak < 0.3) negative; photocopies and over-exposed cards
  (e > 1.25) don't care: the copier's re-levelling or the exposure whitens the card's ground, and the glare
  vanishes into it.
* is_copy: a photocopy or a greyscale scan.
* is_taken_from_screen: the screen effect, unless a downscale after capture shrank its pixel period below 2 px
  (past the Nyquist limit the grid is resampled away: don't care; the downscaled set is also reported apart).
* is_cropped: the card placed partly out of the frame (crop_out > 0).
* is_rotated: a quarter/half turn, a mirror, or |tilt| > 12 degrees positive; |tilt| < 8 negative.

Targeted sets force one effect on top of the phone profile with an explicit override of the capture's plan
(``ktp_ocr.synth.render_card_entry(..., override=...)``). Usage::

    python scripts/bench_quality.py [--cache DIR] [--workers 2] [--no-real] [--dump] [--fit] [--mode reader|cached|fast]
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from ktp_ocr.evaluation import load_labels
from ktp_ocr.locate import Alignment
from ktp_ocr.locate import geometry as geo
from ktp_ocr.quality import FLAG_AT, measure, scores_from
from ktp_ocr.synth import PlanOverride, render_card_entry

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _quality_tables import Row, dump, fit_spreads, real_table, real_truth, reliability, table

REAL_DEV = Path(__file__).resolve().parents[1].parent / "shared" / "ktp-real" / "dev"


def _rotation(rng: random.Random) -> dict[str, Any]:
    kind = rng.randrange(3)
    if kind == 0:
        return {"quarter": rng.choice([1, 2, 3])}
    if kind == 1:
        return {"tilt": rng.choice([-1, 1]) * rng.uniform(14, 30)}
    return {"mirror": True}


def _copy(rng: random.Random) -> dict[str, Any]:
    if rng.random() < 0.5:
        return {"photocopy": True, "background": rng.choice(["paper", "plain"]), "hand": False}
    return {"gray": True}


def _plain(rng: random.Random) -> dict[str, Any]:
    """A phone capture with none of the flagged effects: the negatives every targeted set is weighed against."""
    return {"blur": 0.0, "motion": 0, "glare": 0, "gain": rng.uniform(0.85, 1.1), "gamma": 1.0}


TARGETED = 40  # captures per targeted set
# name -> (profile, count, seed, override of the planned capture or None)
SETS: dict[str, tuple[str, int, int, PlanOverride | None]] = {
    "mixed": ("mixed", 120, 101, None),
    "clean": ("clean", 30, 102, None),
    "plain": ("phone", TARGETED, 112, _plain),
    "blur": ("phone", TARGETED, 103, lambda r: {"blur": r.uniform(1.3, 3.0), "low_res": 0}),
    "dark": ("phone", TARGETED, 104, lambda r: {"gain": r.uniform(0.35, 0.6), "gamma": 1.0}),
    "bright": ("phone", TARGETED, 105, lambda r: {"gain": r.uniform(1.35, 1.7), "gamma": 1.0}),
    "glare": ("phone", TARGETED, 106, lambda r: {"glare": r.randint(1, 3)}),
    "copy": ("phone", TARGETED, 107, _copy),
    "screen": ("phone", TARGETED, 108, lambda r: {"screen": True}),
    "screen_small": ("phone", 12, 109, lambda r: {"screen": True, "low_res": r.randint(200, 420)}),
    "cropped": ("phone", TARGETED, 110, lambda r: {"crop": r.uniform(0.04, 0.2)}),
    "rotated": ("phone", TARGETED, 111, _rotation),
}
NATURAL = ("mixed",)  # reported apart: effects stacked at random, as the synthetic benchmark draws them


# ---------------------------------------------------------------- rendering
def render(seed: int, index: int, profile: str, override: PlanOverride | None) -> tuple[bytes, list[dict[str, Any]]]:
    """One capture (JPEG bytes, effects); ``override`` replaces planned parameters for this capture only."""
    data, entry = render_card_entry(seed, index, profile, override)
    return data, entry["effects"]


def build_set(cache: Path, name: str) -> dict[str, list[dict[str, Any]]]:
    """Render set ``name`` into ``cache/name`` once; return {file: effects}."""
    profile, count, seed, override = SETS[name]
    folder = cache / name
    index_path = folder / "effects.json"
    if index_path.exists():
        done: dict[str, list[dict[str, Any]]] = json.loads(index_path.read_text())
        if len(done) == count:
            return done
    folder.mkdir(parents=True, exist_ok=True)
    effects = {}
    for i in range(count):
        data, eff = render(seed, i, profile, override)
        (folder / f"{name}{i:04d}.jpg").write_bytes(data)
        effects[f"{name}{i:04d}.jpg"] = eff
    index_path.write_text(json.dumps(effects))
    return effects


# ---------------------------------------------------------------- alignment as the reader ends with it
_READER: Any = None


def _init_worker() -> None:
    global _READER
    from ktp_ocr import reader as reader_mod

    captured: dict[str, Any] = {}

    def spy(image: np.ndarray, alignment: Alignment, is_ktp: bool, ktp_score: float) -> Any:
        captured["alignment"] = alignment
        return original(image, alignment, is_ktp, ktp_score)

    original = reader_mod.assess_quality  # type: ignore[attr-defined]
    reader_mod.assess_quality = spy  # type: ignore[attr-defined]
    _READER = (reader_mod.KtpReader(), captured)


def _align_one(path: str) -> tuple[str, dict[str, Any] | None]:
    reader, captured = _READER
    captured.clear()
    result = reader.read(path)
    alignment = captured.get("alignment")
    if alignment is None:
        return path, {"status": str(result.status.value)}
    return path, {
        "status": str(result.status.value),
        "corners": np.asarray(alignment.card_corners, float).tolist(),
        "card_found": bool(alignment.card_found),
        "quarter_turns": int(alignment.quarter_turns),
        "mirrored": bool(alignment.mirrored),
    }


def align_all(paths: list[Path], cache_file: Path, workers: int) -> dict[str, dict[str, Any]]:
    """Alignment of every image as ``KtpReader.read`` ends with it (cached in ``cache_file``)."""
    cached: dict[str, dict[str, Any]] = json.loads(cache_file.read_text()) if cache_file.exists() else {}
    todo = [str(p) for p in paths if str(p) not in cached]
    if todo:
        print(f"reading {len(todo)} images with KtpReader ({workers} workers) ...", file=sys.stderr, flush=True)
        with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker) as pool:
            for n, (path, info) in enumerate(pool.map(_align_one, todo, chunksize=2), 1):
                cached[path] = info or {}
                if n % 25 == 0:
                    cache_file.write_text(json.dumps(cached))
                    print(f"  {n}/{len(todo)}", file=sys.stderr, flush=True)
        cache_file.write_text(json.dumps(cached))
    return cached


def rebuild(image: np.ndarray, info: dict[str, Any]) -> Alignment | None:
    """The reader's final alignment from its corners (in reading order, so the warp is already upright)."""
    if "corners" not in info:
        return None
    corners = np.asarray(info["corners"], np.float64)
    warp = geo.card_warp_matrix(corners)
    card = cv2.warpPerspective(image, warp, (geo.CARD_WIDTH, geo.CARD_HEIGHT), flags=cv2.INTER_AREA)
    return Alignment(card, warp, info["card_found"], corners, info["quarter_turns"], info["mirrored"])


# ---------------------------------------------------------------- ground truth
# The labellers of the real photos do not call a card dark at 58-67 % of its normal ground level (ground 125-145
# of 255 on six untagged photos): "dark" starts where exposure has halved the ground, and 0.5-0.65 is don't care.
DARK_BELOW = 0.5
GLARE_PEAK = 0.75  # a highlight: at its brightest it lifts the card at least 75 % of the way to white
FAINT_GLARE = 0.45  # a sheen that lifts the card less than 45 % of the way to white is no highlight
SCREEN_BLUR = 0.7  # Gaussian sigma of synth.effects.screen (the monitor's optics and pixel spread)
SCREEN_BLACK = 20.0  # grey level synth.effects.screen adds (a monitor's black is not black); a card ground is ~217


def _screen_truth(screens: list[dict[str, Any]], factor: float) -> bool | None:
    """A screen capture is positive while its pixel grid can still exist in the image: a period shrunk below 2 px
    by a later downscale is past the Nyquist limit, resampled away (don't care)."""
    if not screens:
        return False
    return True if screens[0]["pixel_period"] * factor >= 2.0 else None


def truth(effects: list[dict[str, Any]]) -> dict[str, bool | None]:
    """Expected flags from the recorded effects (None = don't care), as defined in the module docstring."""
    by: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in effects:
        by[e["name"]].append(e)
    geom = by["geometry"][0]
    factor = by["downscale"][0]["factor"] if by["downscale"] else 1.0
    ls_out = geom["card_long_side"] * factor
    m = factor * min(1.0, 1000.0 / max(ls_out, 1.0))
    sigma = by["defocus_blur"][0]["sigma"] * m if by["defocus_blur"] else 0.0
    motion = by["motion_blur"][0]["length"] * m / math.sqrt(12) if by["motion_blur"] else 0.0
    screen = SCREEN_BLUR * m if by["screen"] else 0.0  # the screen effect softens the whole frame
    blur = math.hypot(sigma, motion, screen)
    light = by["lighting"][0] if by["lighting"] else {"gain": 1.0, "gamma": 1.0}
    exposure = light["gain"] * 0.85 ** light["gamma"] / 0.85
    if by["screen"]:  # a monitor shows the card dimmer: its sub-pixel grid's mean transmission, plus its black level
        period = by["screen"][0]["pixel_period"]
        exposure = exposure * (0.65 + 0.35 / period) * (1 - 0.25 / period) + SCREEN_BLACK / 217.0
    copier = bool(by["photocopy"])
    strong = [g for g in by["glare"] if g["peak"] >= GLARE_PEAK and g["radius_px"] >= 0.08 * geom["card_long_side"]]
    faint = all(g["peak"] < FAINT_GLARE for g in by["glare"])
    tilt = abs(geom["tilt_deg"])
    turned = bool(geom["quarter_turns"]) or bool(geom["mirrored"])
    return {
        "is_blurred": True if blur >= 1.2 else False if blur < 0.6 else None,
        "is_dark": None if copier else True if exposure < DARK_BELOW else False if exposure >= 0.65 else None,
        "is_bright": None if copier else True if exposure > 1.25 else False if exposure <= 1.15 else None,
        "is_flash": False if faint else True if strong and not (copier or exposure > 1.25) else None,
        "is_copy": copier or bool(by["grayscale"]),
        "is_taken_from_screen": _screen_truth(by["screen"], factor),
        "is_cropped": geom["crop_out"] > 0,
        "is_rotated": True if turned or tilt > 12 else False if tilt < 8 else None,
    }


# ---------------------------------------------------------------- scoring
def fast_align(paths: list[Path]) -> dict[str, dict[str, Any]]:
    """Alignment without OCR (outline, else the text detector's extent): orientation is NOT the reader's."""
    from ktp_ocr.locate import align_card
    from ktp_ocr.ocr import build_engine
    from ktp_ocr.options import ReaderOptions

    opts = ReaderOptions()
    engine = build_engine(opts.engine, opts.backend, opts.threads, opts.precision)
    out: dict[str, dict[str, Any]] = {}
    for path in paths:
        image = np.asarray(cv2.imread(str(path), cv2.IMREAD_COLOR))
        try:
            a = align_card(image, opts, engine)
        except Exception:  # no text at all: no quality either
            continue
        out[str(path)] = {"corners": np.asarray(a.card_corners, float).tolist(), "card_found": a.card_found}
        out[str(path)].update(quarter_turns=0, mirrored=False)
    return out


def synthetic_rows(cache: Path, workers: int, mode: str) -> list[Row]:
    """Every synthetic set as rows: truth from the recorded effects (see ``truth``)."""
    rows: list[Row] = []
    all_effects = {name: build_set(cache, name) for name in SETS}
    paths = [cache / name / f for name, eff in all_effects.items() for f in eff]
    cache_file = cache / "alignments.json"
    if mode == "fast":
        aligned = fast_align(paths)
        print("FAST mode: alignment without the reader's OCR-based turn; is_rotated is not meaningful here")
    elif mode == "cached":
        aligned = json.loads(cache_file.read_text()) if cache_file.exists() else {}
        print("CACHED mode: only the images the reader has already read are scored")
    else:
        aligned = align_all(paths, cache_file, workers)
    no_alignment = 0
    for name, effects in all_effects.items():
        for file, eff in effects.items():
            path = cache / name / file
            image = np.asarray(cv2.imread(str(path), cv2.IMREAD_COLOR))
            if str(path) not in aligned:
                continue
            alignment = rebuild(image, aligned[str(path)])
            if alignment is None:
                no_alignment += 1
                continue
            raw = measure(image, alignment)
            rows.append((name, truth(eff), scores_from(raw), raw))
    print(f"synthetic images scored: {len(rows)} (+{no_alignment} the reader could not align: no quality)")
    print(f"sets: {', '.join(f'{n} {len(e)}' for n, e in all_effects.items())}\n")
    return rows


def report(synthetic: list[Row], real: list[Row], show_dump: bool, fit: bool) -> None:
    """Synthetic tables (targeted sets, mixed profile), the real-photo table, the reliability of the scores."""
    targeted = [r for r in synthetic if r[0] not in NATURAL]
    print(f"TARGETED sets (one effect forced on phone captures, 'plain' ones without): {len(targeted)}")
    table(targeted)
    natural = [r for r in synthetic if r[0] in NATURAL]
    print(f"\nMIXED profile (clean/phone/hard captures, effects stacked at random): {len(natural)}")
    table(natural)
    small = [s for n, _, s, _ in synthetic if n == "screen_small"]
    if small:
        hit = sum(1 for s in small if s["is_taken_from_screen"] >= FLAG_AT)
        print(f"\nscreen captures downscaled after capture (grid destroyed): {hit}/{len(small)} flagged")
    if real:
        print(f"\nREAL dev photos ({len(real)}), truth = the labellers' condition tags")
        real_table(real)
    print(f"\nRELIABILITY of the scores on real + synthetic ({len(real) + len(synthetic)} images): score bins")
    reliability(real + synthetic)
    if real:
        print(f"\nRELIABILITY on the real photos alone ({len(real)})")
        reliability(real)
    if fit:
        print("\nFIT of the curves' spreads on real + synthetic (mids fixed)")
        fit_spreads(real + synthetic)
    if show_dump:
        dump(real + synthetic)


# ---------------------------------------------------------------- real photos
def real_rows(cache: Path, workers: int) -> list[Row]:
    """The dev photos as rows: truth from their labellers' condition tags (see ``REAL_TAGS``)."""
    labels_path = REAL_DEV / "labels.json"
    if not labels_path.exists():
        print("real dev set not found; skipped")
        return []
    labels = load_labels(REAL_DEV)
    paths = [REAL_DEV / "images" / name for name in labels]
    aligned = align_all(paths, cache / "alignments_real.json", workers)
    rows: list[Row] = []
    for name, entry in labels.items():
        path = REAL_DEV / "images" / name
        image = np.asarray(cv2.imread(str(path), cv2.IMREAD_COLOR))
        alignment = rebuild(image, aligned.get(str(path), {}))
        if alignment is None:
            print(f"{name}: the reader found no card; no quality")
            continue
        raw = measure(image, alignment)
        rows.append((f"real:{name}", real_truth(list(entry.conditions)), scores_from(raw), raw))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cache", type=Path, default=Path("/tmp/ktp-quality-bench"))
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--no-real", action="store_true")
    ap.add_argument("--dump", action="store_true", help="print raw quantiles per class and every miss")
    ap.add_argument("--fit", action="store_true", help="fit each curve's spread on real + synthetic rows")
    ap.add_argument("--mode", choices=["reader", "cached", "fast"], default="reader")
    args = ap.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    real = [] if args.no_real else real_rows(args.cache, args.workers)
    report(synthetic_rows(args.cache, args.workers, args.mode), real, args.dump, args.fit)


if __name__ == "__main__":
    main()

"""Orientation: captures turned 90/180/270 degrees and mirrored, read back upright.

Synthetic mode (default): for each of N synthetic captures and each turn, prints the share where the NIK is read
right, the reported ``tilt`` is right, and ``mirrored`` is right. ``clean`` cards lie straight, so tilt right
means within 10 degrees of the turn; ``phone`` and ``hard`` captures are tilted by up to 8 and 25 degrees of their
own, so there it means the card was put in the right quarter (within 45 degrees of the turn). Captures that the
profile itself turned or mirrored are skipped (their turn is then not the one applied here). Because a blurred,
dark or tiny capture may be unreadable whichever way up it lies, the shares are also given over the cards whose
upright image was read right (NIK), which isolates orientation from legibility.

Real mode (``--real [FOLDER]``, default ../shared/ktp-real/dev): every labelled photo is read as the file is
("upright", which may itself be a turned photo) and turned, each turn scored by ``evaluation.evaluate``: NIK right,
all-fields accuracy, Nama right, and the difference to upright. ``--per-photo`` lists, by file name only, the photos
that lose fields in a turn, whether the turn's card orientation agrees with the upright reading's, and the OCR
passes spent. No value read or labelled is printed. Not a test.

    .venv/bin/python scripts/bench_orientation.py [--count 40] [--profile clean|phone|hard]
    .venv/bin/python scripts/bench_orientation.py --real [FOLDER] [--limit N] [--per-photo]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from _engines import PassCounter

from ktp_ocr.decode import decode_image, read_source
from ktp_ocr.errors import Status
from ktp_ocr.evaluation import CardScore, Report, evaluate, load_labels
from ktp_ocr.ocr import build_engine
from ktp_ocr.options import ReaderOptions
from ktp_ocr.reader import KtpReader
from ktp_ocr.result import KtpResult
from ktp_ocr.synth import render_sample

REAL_DEV = Path(__file__).resolve().parents[1] / ".." / "shared" / "ktp-real" / "dev"
TURNS = {
    "upright": (None, False, 0.0),
    "90 cw": (cv2.ROTATE_90_CLOCKWISE, False, 90.0),
    "180": (cv2.ROTATE_180, False, 180.0),
    "270 cw": (cv2.ROTATE_90_COUNTERCLOCKWISE, False, 270.0),
    "mirrored": (None, True, None),
    "mirrored 180": (cv2.ROTATE_180, True, None),
}
QUARTER = 45.0  # a turned reading agrees with the upright one when its tilt is in the same quarter


def turned(image: np.ndarray, turn: int | None, mirror: bool) -> bytes:
    if mirror:
        image = cv2.flip(image, 1)
    if turn is not None:
        image = cv2.rotate(image, turn)
    return cv2.imencode(".png", image, [cv2.IMWRITE_PNG_COMPRESSION, 1])[1].tobytes()


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


def synthetic(profile: str, count: int) -> None:
    reader = KtpReader()
    tolerance = 10.0 if profile == "clean" else QUARTER
    rows: list[dict[str, tuple[bool, bool, bool]]] = []
    for image, nik in captures(profile, count):
        row = {}
        for name, (turn, mirror, tilt) in TURNS.items():
            result = reader.read(turned(image, turn, mirror))
            off = _angle_off(result.card.tilt, tilt) if tilt is not None else 0.0
            row[name] = (result.fields.nik.value == nik, off <= tolerance, result.card.mirrored == mirror)
        rows.append(row)
    legible = [row for row in rows if row["upright"][0]]
    print(f"profile {profile}: {len(rows)} captures, upright NIK read right on {len(legible)}")
    for label, subset in (("all captures", rows), ("captures read right upright", legible)):
        print(f"\n{label} ({len(subset)}); tilt right = within {tolerance:.0f} degrees of the turn")
        print(f"{'turn':<14} {'NIK right':>10} {'tilt right':>11} {'mirror right':>13}")
        for name in TURNS:
            n = max(len(subset), 1)
            nik_ok, tilt_ok, mirror_ok = (sum(row[name][i] for row in subset) / n for i in range(3))
            tilt_text = f"{tilt_ok:.1%}" if TURNS[name][2] is not None else "n/a"  # no defined tilt when mirrored
            print(f"{name:<14} {nik_ok:>10.1%} {tilt_text:>11} {mirror_ok:>13.1%}")


# -- real photos ------------------------------------------------------------------------------------------------


@dataclass
class Seen:
    """What one reading of one photo decided: the card's orientation and the OCR passes it took."""

    tilt: float
    mirrored: bool
    passes: int


@dataclass
class TurnRun:
    report: Report
    seen: dict[str, Seen] = field(default_factory=dict)


def real(folder: Path, limit: int | None, per_photo: bool) -> None:
    options = ReaderOptions()
    counter = PassCounter(build_engine(options.engine, options.backend, options.threads, options.precision))
    reader = KtpReader(options, engine=counter)  # type: ignore[arg-type]
    chosen = set(sorted(load_labels(folder))[:limit])
    runs: dict[str, TurnRun] = {}
    for name, (turn, mirror, _) in TURNS.items():
        run = TurnRun(Report([]))

        def read(path: Path, turn: int | None = turn, mirror: bool = mirror, run: TurnRun = run) -> KtpResult:
            if path.name not in chosen:  # outside --limit: not read, and dropped from the report below
                return KtpResult.failure(Status.FAILED)
            image = decode_image(read_source(path), options)
            counter.passes = 0
            result = reader.read(turned(image, turn, mirror))
            run.seen[path.name] = Seen(result.card.tilt, result.card.mirrored, counter.passes)
            return result

        report = evaluate(folder, read, progress=lambda card, n=name: _progress(n, card, chosen))
        run.report = Report([c for c in report.cards if c.file in chosen])
        runs[name] = run
    print_real(runs, folder, per_photo)


def _progress(turn: str, card: CardScore, chosen: set[str]) -> None:
    if card.file in chosen:
        right = sum(_right(card).values())
        print(f"  [{turn}] {card.file}: {right}/{len(card.compared)} fields", file=sys.stderr, flush=True)


def _right(card: CardScore) -> dict[str, bool]:
    """field -> read right, by the evaluation's own comparison (a one-card report)."""
    table = Report([card]).field_accuracy()
    return {name: right == 1 for name, (right, scored) in table.items() if scored}


def print_real(runs: dict[str, TurnRun], folder: Path, per_photo: bool) -> None:
    base = runs["upright"]
    print(f"real photos: {folder.resolve().name}, {len(base.report.cards)} photos; upright = as the file is")
    print(f"{'turn':<14} {'NIK right':>10} {'fields':>8} {'Nama right':>11} {'d NIK':>7} {'d fields':>9} "
          f"{'d Nama':>7} {'orient. agrees':>15} {'passes':>7}")  # fmt: skip
    up = _shares(base.report)
    for name, run in runs.items():
        nik, fields, nama = _shares(run.report)
        agree = sum(_agrees(base.seen[f], s, name) for f, s in run.seen.items()) / max(len(run.seen), 1)
        passes = sum(s.passes for s in run.seen.values()) / max(len(run.seen), 1)
        print(
            f"{name:<14} {nik:>10.1%} {fields:>8.1%} {nama:>11.1%} {nik - up[0]:>+7.1%} {fields - up[1]:>+9.1%} "
            f"{nama - up[2]:>+7.1%} {agree:>15.1%} {passes:>7.2f}"
        )
    if per_photo:
        print("\nphotos that read fewer fields than upright (file: fields lost, NIK/Nama lost, orientation, passes)")
        ups = {c.file: _right(c) for c in base.report.cards}
        for name, run in runs.items():
            for card in run.report.cards:
                got, want = _right(card), ups[card.file]
                lost = [f for f, ok in want.items() if ok and not got.get(f, False)]
                if not lost:
                    continue
                key = ",".join(f for f in ("nik", "nama") if f in lost) or "-"
                seen, ref = run.seen[card.file], base.seen[card.file]
                agrees = "agrees" if _agrees(ref, seen, name) else f"DIFFERS tilt {seen.tilt:.0f} mir {seen.mirrored}"
                print(f"  {name:<13} {card.file}: -{len(lost)} ({key}) {agrees}, {seen.passes} passes "
                      f"(upright {ref.passes})")  # fmt: skip


def _shares(report: Report) -> tuple[float, float, float]:
    table = report.field_accuracy()
    nik, nama = table["nik"], table["nama"]
    return nik[0] / max(nik[1], 1), report.overall(), nama[0] / max(nama[1], 1)


def _agrees(upright: Seen, seen: Seen, turn: str) -> bool:
    """Whether the turned reading found the card the way the upright one did, the applied turn undone."""
    rotation, mirror, tilt = TURNS[turn]
    if seen.mirrored != (upright.mirrored != mirror):
        return False
    if tilt is None:  # mirrored: the top edge's direction is reflected (180 - t), and turned once more by 180
        expected = ((0.0 if rotation is not None else 180.0) - upright.tilt) % 360.0
    else:
        expected = (upright.tilt + tilt) % 360.0
    return _angle_off(seen.tilt, expected) <= QUARTER


def _angle_off(a: float, b: float) -> float:
    return abs((a - b + 180.0) % 360.0 - 180.0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--profile", choices=["clean", "phone", "hard"], default="clean")
    parser.add_argument("--real", nargs="?", type=Path, const=REAL_DEV, default=None, metavar="FOLDER")
    parser.add_argument("--limit", type=int, default=None, help="real mode: only the first N labelled photos")
    parser.add_argument("--per-photo", action="store_true", help="real mode: list the photos that lose fields")
    args = parser.parse_args()
    if args.real is None:
        synthetic(args.profile, args.count)
        return 0
    if not (args.real / "labels.json").is_file():
        print(f"no labels.json in {args.real}", file=sys.stderr)
        return 2
    real(args.real, args.limit, args.per_photo)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

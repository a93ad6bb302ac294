"""Word-space repair: what it fixes and what it breaks, with the repair on and off on the same images.

For every image of a labelled folder the reader runs twice, interleaved (repair on, repair off). Printed:
- field accuracy and all-fields-right share with and without the repair;
- on multi-word values the greedy reading already got right, how many the repair changed (it should not
  break a correct value: this should be ~0);
- how many glued multi-word values it repaired;
- CPU time per read with and without it (process time, ratio).

    .venv/bin/python scripts/bench_spaces.py [FOLDER ...]      (default: ../shared/ktp-real/dev)

Prints counts and file names only, never a value (real folders show real people).
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from pathlib import Path

from ktp_ocr.evaluation import canonical, image_path, load_labels, score_fields
from ktp_ocr.ocr.rapid import RapidOcrEngine
from ktp_ocr.reader import KtpReader

DEFAULT = Path(__file__).resolve().parents[1] / ".." / "shared" / "ktp-real" / "dev"


def _cpu_read(reader: KtpReader, path: Path) -> tuple[dict[str, str | None], float]:
    start = time.process_time()
    result = reader.read(path)
    return result.fields.values(), time.process_time() - start


def bench(folder: Path, on: KtpReader, off: KtpReader) -> None:
    right = {"on": 0, "off": 0}
    all_right = {"on": 0, "off": 0}
    cpu: dict[str, list[float]] = {"on": [], "off": []}
    scored = multi_ok = broken = repaired = glued = 0
    broken_where: list[str] = []
    labels = load_labels(folder)
    for name, entry in sorted(labels.items()):
        path = image_path(folder, name)
        got_on, t_on = _cpu_read(on, path)
        got_off, t_off = _cpu_read(off, path)
        cpu["on"].append(t_on)
        cpu["off"].append(t_off)
        card_ok = {"on": True, "off": True}
        scored_off = score_fields(entry, got_off)
        for field, pair_on in score_fields(entry, got_on).items():
            pair_off = scored_off[field]
            want = canonical(pair_on.expected)
            ok_on, ok_off = pair_on.right, pair_off.right
            scored += 1
            right["on"] += ok_on
            right["off"] += ok_off
            card_ok["on"] &= ok_on
            card_ok["off"] &= ok_off
            if " " not in want:
                continue
            if ok_off:
                multi_ok += 1
                if not ok_on:
                    broken += 1
                    broken_where.append(f"{name}:{field}")
            elif canonical(pair_off.read).replace(" ", "") == want.replace(" ", ""):
                glued += 1
                repaired += ok_on
        for k in card_ok:
            all_right[k] += card_ok[k]
    n = len(labels)
    print(f"\n{folder}  ({n} images)")
    for k in ("off", "on"):
        print(
            f"  repair {k:<3}: fields {right[k] / scored:.1%}   all fields right {all_right[k] / n:.1%}   "
            f"CPU s/read median {statistics.median(cpu[k]):.3f}"
        )
    print(
        f"  CPU ratio on/off (median of per-image ratios): "
        f"{statistics.median(a / b for a, b in zip(cpu['on'], cpu['off'], strict=True) if b > 0):.3f}"
    )
    print(
        f"  multi-word values right without the repair: {multi_ok}; changed (broken) by it: {broken}"
        + (f" ({', '.join(broken_where)})" if broken_where else "")
    )
    print(f"  multi-word values read glued (right but for spaces) without it: {glued}; repaired by it: {repaired}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path, default=[DEFAULT])
    args = parser.parse_args()
    on, off = KtpReader(engine=RapidOcrEngine()), KtpReader(engine=RapidOcrEngine(space_min_prob=None))
    for folder in args.folders:
        bench(folder, on, off)
    print(f"\nmeasured {time.strftime('%Y-%m-%d')} on {platform.machine()} {platform.processor() or ''}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

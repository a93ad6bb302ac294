"""CPU and wall time per card of two reader configurations, interleaved image by image in one run: ratios.

A configuration is a ``src`` folder (this tree, or another revision checked out with ``git worktree``) and
optionally ReaderOptions for it, ``SRC[,key=value...]`` (``src,backend=onnxruntime,threads=2``). Each runs in its
own warm worker process; the images go to both alternately, one at a time, so both see the same machine load.
Printed per configuration: CPU seconds (process time of the worker: every thread it ran) and wall seconds per
card, median and p95, p95/median, median wall ms per stage, field accuracy where the folder has labels, and the
ratios B/A; then the CPU model and the CPU flags that matter to the inference runtimes. Machines differ: compare
ratios measured in one run, never numbers from two runs.

    git worktree add /tmp/base <rev>
    .venv/bin/python scripts/bench_speed.py /tmp/base/src src                      # dev photos
    .venv/bin/python scripts/bench_speed.py /tmp/base/src src --synthetic 300      # 300 synthetic phone cards
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from ktp_ocr.evaluation import CardLabels, image_path, load_labels, score_fields

DEFAULT = Path(__file__).resolve().parents[1] / ".." / "shared" / "ktp-real" / "dev"
RUNTIME_FLAGS = ("avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile", "amx_bf16", "amx_int8")
WORKER = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from ktp_ocr.reader import KtpReader
from ktp_ocr.options import ReaderOptions
reader = KtpReader(ReaderOptions(**json.loads(sys.argv[2])))
for line in sys.stdin:
    cpu, wall = time.process_time(), time.perf_counter()
    result = reader.read(line.strip())
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(json.dumps({"cpu": cpu, "wall": wall, "stages": result.timing_ms, "fields": result.fields.values()}),
          flush=True)
"""


def _cpu_info() -> tuple[str, list[str]]:
    model, flags = platform.processor() or platform.machine(), []
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
            elif line.startswith("flags"):
                flags = line.split(":", 1)[1].split()
                break
    except OSError:
        pass
    return model, [f for f in RUNTIME_FLAGS if f in flags]


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def _parse_config(spec: str) -> tuple[Path, dict[str, object]]:
    src, *pairs = spec.split(",")
    options: dict[str, object] = {}
    for pair in pairs:
        key, value = pair.split("=", 1)
        options[key] = int(value) if value.isdigit() else value
    return Path(src).resolve(), options


def _images(folder: Path) -> tuple[list[Path], dict[str, CardLabels]]:
    if (folder / "labels.json").is_file():
        labels = load_labels(folder)
        return [image_path(folder, name) for name in sorted(labels)], labels
    return sorted(p for p in (folder / "images").glob("*") if p.is_file()) or sorted(folder.glob("*.jpg")), {}


def _run(configs: dict[str, str], images: list[Path]) -> dict[str, list[dict[str, object]]]:
    workers = {}
    for name, spec in configs.items():
        src, options = _parse_config(spec)
        workers[name] = subprocess.Popen(
            [sys.executable, "-c", WORKER, str(src), json.dumps(options)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )  # fmt: skip
    rows: dict[str, list[dict[str, object]]] = {name: [] for name in configs}
    for i, image in enumerate([images[0], *images]):  # the first read of each warms the models, not counted
        for name in ("A", "B") if i % 2 == 0 else ("B", "A"):
            proc = workers[name]
            assert proc.stdin is not None and proc.stdout is not None
            proc.stdin.write(f"{image}\n")
            proc.stdin.flush()
            row = json.loads(proc.stdout.readline())
            if i > 0:
                row["file"] = image.name
                rows[name].append(row)
        if i and i % 25 == 0:
            print(f"  ... {i}/{len(images)}", file=sys.stderr, flush=True)
    for proc in workers.values():
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait()
    return rows


def _report(name: str, rows: list[dict[str, object]], labels: dict[str, CardLabels]) -> dict[str, float]:
    cpu = [float(r["cpu"]) for r in rows]  # type: ignore[arg-type]
    wall = [float(r["wall"]) for r in rows]  # type: ignore[arg-type]
    med = {"cpu": statistics.median(cpu), "wall": statistics.median(wall)}
    print(
        f"  {name}: CPU s/card median {med['cpu']:.3f} p95 {_p95(cpu):.3f} (p95/median {_p95(cpu) / med['cpu']:.2f}) "
        f"mean {statistics.mean(cpu):.3f}   wall median {med['wall']:.3f} p95 {_p95(wall):.3f}"
    )
    stages = sorted({s for r in rows for s in r["stages"]} - {"total"})  # type: ignore[attr-defined]
    per_stage = {s: statistics.median(r["stages"].get(s, 0.0) for r in rows) for s in stages}  # type: ignore[attr-defined]
    print("     stage wall ms (median): " + ", ".join(f"{s} {v:.0f}" for s, v in per_stage.items()))
    if labels:
        cards = [score_fields(labels[str(r["file"])], r["fields"]) for r in rows]  # type: ignore[arg-type]
        right, total = sum(p.right for card in cards for p in card.values()), sum(len(card) for card in cards)
        med["accuracy"] = right / total if total else 0.0
        print(f"     field accuracy {100 * med['accuracy']:.1f}% ({right}/{total})")
    return med


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config_a", help="SRC[,key=value...] of configuration A (the baseline)")
    parser.add_argument("config_b", help="SRC[,key=value...] of configuration B")
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT, help="images (default: the dev photos)")
    parser.add_argument("--synthetic", type=int, metavar="N", help="instead, N synthetic cards (seed 0)")
    parser.add_argument("--profile", default="phone", help="synthetic capture profile (default phone)")
    parser.add_argument("--json", type=Path, help="also write every per-image row to this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.folder
        if args.synthetic:
            from ktp_ocr.synth.generate import generate

            folder = Path(tmp)
            generate(args.synthetic, folder, seed=0, profile=args.profile)
        images, labels = _images(folder)
        rows = _run({"A": args.config_a, "B": args.config_b}, images)
    what = f"{args.synthetic} synthetic '{args.profile}' cards" if args.synthetic else str(args.folder)
    print(f"{len(images)} images ({what}), interleaved; A = {args.config_a}, B = {args.config_b}")
    med = {name: _report(name, rows[name], labels) for name in ("A", "B")}
    cpu_ratio, wall_ratio = med["B"]["cpu"] / med["A"]["cpu"], med["B"]["wall"] / med["A"]["wall"]
    print(f"  B/A: CPU median {cpu_ratio:.3f}   wall median {wall_ratio:.3f}")
    model, flags = _cpu_info()
    python = platform.python_version()
    print(f"measured on {model}, {platform.machine()}, CPU flags: {' '.join(flags) or '-'}; Python {python}")
    if args.json:
        args.json.write_text(json.dumps(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

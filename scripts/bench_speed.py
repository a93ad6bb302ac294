"""Time per card of two revisions of the reader, interleaved image by image in one run: ratios, not absolutes.

Each revision runs in its own warm worker process (its ``src`` folder first on the path); the images go to the
workers alternately, one at a time, so both see the same machine load. Printed per revision: CPU seconds
(process time of the worker) and wall seconds per card, median and p95, and the ratio B/A of the medians, with
the CPU model. Machines differ: compare ratios measured in one run, never numbers from two runs.

    git worktree add /tmp/base <rev>
    .venv/bin/python scripts/bench_speed.py /tmp/base/src src [FOLDER]     (default: ../shared/ktp-real/dev)
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[1] / ".." / "shared" / "ktp-real" / "dev"
WORKER = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from ktp_ocr.reader import KtpReader
reader = KtpReader()
for line in sys.stdin:
    cpu, wall = time.process_time(), time.perf_counter()
    reader.read(line.strip())
    print(json.dumps([time.process_time() - cpu, time.perf_counter() - wall]), flush=True)
"""


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("src_a", type=Path, help="src folder of revision A (the baseline)")
    parser.add_argument("src_b", type=Path, help="src folder of revision B")
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    args = parser.parse_args()
    images = sorted(p for p in (args.folder / "images").glob("*") if p.is_file()) or sorted(args.folder.glob("*.jpg"))
    workers = {
        name: subprocess.Popen(
            [sys.executable, "-c", WORKER, str(src.resolve())], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True,
        )
        for name, src in (("A", args.src_a), ("B", args.src_b))
    }  # fmt: skip
    times: dict[str, list[tuple[float, float]]] = {"A": [], "B": []}
    for i, image in enumerate([images[0], *images]):  # the first read of each warms the models, not counted
        order = ("A", "B") if i % 2 == 0 else ("B", "A")
        for name in order:
            proc = workers[name]
            assert proc.stdin is not None and proc.stdout is not None
            proc.stdin.write(f"{image}\n")
            proc.stdin.flush()
            cpu, wall = json.loads(proc.stdout.readline())
            if i > 0:
                times[name].append((cpu, wall))
    for proc in workers.values():
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait()
    print(f"{len(images)} images of {args.folder}, interleaved; A = {args.src_a}, B = {args.src_b}")
    medians: dict[str, tuple[float, float]] = {}
    for name, rows in times.items():
        cpu, wall = [c for c, _ in rows], [w for _, w in rows]
        medians[name] = (statistics.median(cpu), statistics.median(wall))
        print(
            f"  {name}: CPU s/card median {medians[name][0]:.3f} p95 {_p95(cpu):.3f}   "
            f"wall s/card median {medians[name][1]:.3f} p95 {_p95(wall):.3f}"
        )
    print(
        f"  B/A: CPU median {medians['B'][0] / medians['A'][0]:.3f}   wall median "
        f"{medians['B'][1] / medians['A'][1]:.3f}"
    )
    print(f"measured on {_cpu_model()}, {platform.machine()}, Python {platform.python_version()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

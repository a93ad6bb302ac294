"""Batch throughput and crash safety, in one run: a plain loop vs ``ktp-ocr batch`` (process pool, Ray).

On N synthetic phone captures (rendered once into ``--dir``, then reused), one after the other:

1. loop: one process, one ``KtpReader``, ``read`` on each file in turn (the baseline);
2. pool: ``ktp-ocr batch --jobs J``;
3. kill: ``ktp-ocr batch --jobs J`` killed with SIGKILL (the parent alone, as ``kill -9 PID``) half-way, then run
   again with the same ``--out``: the file must end with exactly N lines, no file twice, no file missing, and
   the values of the pool's run;
4. ray: ``ktp-ocr batch --engine ray --jobs J`` on a local Ray of the machine's cores (skipped without ray).

Printed: wall seconds, cards/s, CPU seconds (user+sys of the command and every process it waited for, from
``getrusage(RUSAGE_CHILDREN)``; Ray's own daemons are not children, so its CPU is a lower bound), the ratio to
the loop, and whether each run's values equal the loop's (``timing_ms`` left out). Also the CPU model, the
cores and the load average before and after: on a shared machine the absolute numbers move with the others'
load; compare the ratios. Every step runs a copy of ``src/`` taken at the start (``PYTHONPATH``), so that edits
to the tree during the run cannot make the steps read differently.

    .venv/bin/python scripts/bench_batch.py --count 300 --jobs 2
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

LOOP = """
import sys
from ktp_ocr.batch import expand_sources
from ktp_ocr.batch.records import read_record
from ktp_ocr.reader import KtpReader
reader = KtpReader()
cpu = 0.0
files = expand_sources([sys.argv[1]])
with open(sys.argv[2], "w", encoding="utf-8") as out:
    for file in files:
        record = read_record(reader, file)
        cpu += record.cpu_ms / 1000
        out.write(record.line + "\\n")
print(f"{cpu / len(files):.3f} s CPU per card", file=sys.stderr)
"""
CPU_PER_CARD = re.compile(r"([0-9.]+) s CPU per card")


def _cards(args: argparse.Namespace) -> Path:
    from ktp_ocr.synth import generate

    folder = args.dir / f"cards-{args.profile}-{args.seed}-{args.count}"
    if not (folder / "labels.json").is_file():
        print(f"rendering {args.count} {args.profile} cards into {folder} ...", file=sys.stderr)
        generate(args.count, folder, seed=args.seed, profile=args.profile)
    return folder


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _snapshot(folder: Path) -> None:
    """Copy ``src/`` to ``folder`` and make every step import it (Ray's workers inherit the environment)."""
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(ROOT / "src", folder, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(folder), os.environ.get("PYTHONPATH")]))


def _timed(command: list[str]) -> dict[str, float]:
    """Run ``command`` to its end: wall and CPU seconds (its own and its waited-for descendants'), and the CPU
    seconds per card of the reads alone that the command reports (the readers' process time: Ray's too)."""
    cpu, wall = _cpu_seconds(), time.perf_counter()
    done = subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    found = CPU_PER_CARD.search(done.stderr)
    return {
        "wall": time.perf_counter() - wall,
        "cpu": _cpu_seconds() - cpu,
        "read_cpu": float(found.group(1)) if found else float("nan"),
    }


def _batch(folder: Path, out: Path, jobs: int) -> list[str]:
    return [sys.executable, "-m", "ktp_ocr.cli", "batch", str(folder), "--out", str(out), "--jobs", str(jobs), "-q"]


def _records(path: Path) -> dict[str, dict[str, Any]]:
    """Lines by file, ``timing_ms`` left out; a repeated file raises."""
    records: dict[str, dict[str, Any]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        record.pop("timing_ms", None)
        if record["file"] in records:
            raise SystemExit(f"{path}: {record['file']} written twice")
        records[record["file"]] = record
    return records


def _kill_half_way(folder: Path, out: Path, jobs: int, count: int) -> dict[str, Any]:
    """SIGKILL the batch once half the lines are written, rerun it, and check the file."""
    out.unlink(missing_ok=True)
    proc = subprocess.Popen(_batch(folder, out, jobs), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while proc.poll() is None and not (out.exists() and out.read_bytes().count(b"\n") >= count // 2):
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    at_kill = out.read_bytes().count(b"\n")
    partial = not out.read_bytes().endswith(b"\n") and out.stat().st_size > 0
    resumed = _timed(_batch(folder, out, jobs))
    lines = out.read_text(encoding="utf-8").splitlines()
    files = [json.loads(line)["file"] for line in lines]
    return {
        "at_kill": at_kill,
        "partial_line_at_kill": partial,
        "lines": len(lines),
        "unique": len(set(files)),
        "resume_wall": resumed["wall"],
    }


def _lscpu_model() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
    except OSError:
        return "unknown"
    return next((line.split(":", 1)[1].strip() for line in out.splitlines() if line.startswith("Model name")), "?")


def _row(name: str, run: dict[str, float], count: int, base: dict[str, float] | None, same: str) -> str:
    rate = count / run["wall"]
    ratio = f"x{rate / (count / base['wall']):.2f}" if base else "x1.00"
    lower = "<=" if name == "ray" else "  "  # Ray's daemons and workers are not our children: not all counted
    return (
        f"{name:<5} {run['wall']:7.1f} s {rate:6.3f} cards/s {ratio:>6} | CPU {lower}{run['cpu']:7.1f} s, "
        f"{lower}{run['cpu'] / count:5.2f} s/card, cores used {lower}{run['cpu'] / run['wall']:4.2f} | "
        f"reads {run['read_cpu']:5.2f} s CPU/card | values = loop: {same}"
    )


def _idle_estimate(runs: dict[str, dict[str, float]], jobs: int) -> str:
    """Cards/s on idle cores from the reads' CPU per card: what the shared machine cannot show by wall time."""
    parts = [
        f"{name} {(1 if name == 'loop' else jobs) / run['read_cpu']:.3f}"
        for name, run in runs.items()
        if run["read_cpu"]
    ]
    return f"on {jobs} idle cores, from CPU per read (start-up left out), cards/s: " + ", ".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", default="phone")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/ktp_bench_batch"))
    parser.add_argument("--skip", default="", help="comma-separated steps to skip: loop, pool, kill, ray")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    args.dir.mkdir(parents=True, exist_ok=True)
    folder = _cards(args)
    _snapshot(args.dir / "src")
    outs = {name: args.dir / f"{name}.jsonl" for name in ("loop", "pool", "kill", "ray")}
    load_before = os.getloadavg()
    runs: dict[str, dict[str, float]] = {}
    if "loop" not in skip:
        runs["loop"] = _timed([sys.executable, "-c", LOOP, str(folder), str(outs["loop"])])
    if "pool" not in skip:
        outs["pool"].unlink(missing_ok=True)
        runs["pool"] = _timed(_batch(folder, outs["pool"], args.jobs))
    kill = None if "kill" in skip else _kill_half_way(folder, outs["kill"], args.jobs, args.count)
    if "ray" not in skip:
        try:
            import ray  # noqa: F401

            outs["ray"].unlink(missing_ok=True)
            runs["ray"] = _timed([*_batch(folder, outs["ray"], args.jobs), "--engine", "ray"])
        except ImportError:
            print("ray is not installed: the Ray step is skipped", file=sys.stderr)
    load_after = os.getloadavg()

    reference = _records(outs["loop"]) if "loop" in runs else None
    print(
        f"CPU: {_lscpu_model()}, {os.cpu_count()} cores; load average before {load_before[0]:.1f}, after "
        f"{load_after[0]:.1f} (a shared machine: compare ratios)"
    )
    print(f"{args.count} {args.profile} cards (seed {args.seed}), batch --jobs {args.jobs}; wall includes start-up")
    for name, run in runs.items():
        same = "n/a" if reference is None else ("yes" if _records(outs[name]) == reference else "NO")
        print(_row(name, run, args.count, runs.get("loop"), same))
    print(_idle_estimate(runs, args.jobs))
    if kill is not None:
        same = "n/a" if reference is None else ("yes" if _records(outs["kill"]) == reference else "NO")
        ok = kill["lines"] == kill["unique"] == args.count
        print(
            f"kill -9 at {kill['at_kill']} of {args.count} lines (a cut-short line left: "
            f"{kill['partial_line_at_kill']}); after the rerun {kill['lines']} lines, {kill['unique']} distinct files: "
            f"{'OK' if ok else 'FAILED'}; values = loop: {same}; rerun {kill['resume_wall']:.1f} s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

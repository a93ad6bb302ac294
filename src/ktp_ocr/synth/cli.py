"""The ``ktp-ocr synth`` subcommand: write a synthetic card set to a folder."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ..errors import USAGE_EXIT_CODE
from .capture import PROFILES
from .generate import generate


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``synth --count N --out DIR [--seed S] [--profile P]`` to the main CLI's subparsers."""
    p = subparsers.add_parser(
        "synth",
        help="render synthetic KTP cards with ground truth (labels.json)",
        description="Render synthetic KTP card images and a labels.json in the dev set's format.",
    )
    p.add_argument("--count", type=int, required=True, help="number of cards to write")
    p.add_argument("--out", type=Path, required=True, help="output folder (created if missing)")
    p.add_argument("--seed", type=int, default=0, help="set seed; same seed gives the same files (default 0)")
    p.add_argument("--profile", choices=PROFILES, default="mixed", help="capture conditions (default mixed)")
    p.add_argument("--workers", type=int, default=None, help="worker processes (default: up to 2)")
    p.set_defaults(func=run_synth)


def run_synth(args: argparse.Namespace) -> int:
    """Run the subcommand; returns the process exit code."""
    if args.count < 0:
        print("error: --count must be >= 0", file=sys.stderr)
        return USAGE_EXIT_CODE
    start = time.perf_counter()
    try:
        labels = generate(
            args.count, args.out, seed=args.seed, profile=args.profile, workers=getattr(args, "workers", None)
        )
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    took = time.perf_counter() - start
    print(f"wrote {args.count} cards and {labels} in {took:.1f} s")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry point (``python -m ktp_ocr.synth.cli``) until the main CLI wires it in."""
    parser = argparse.ArgumentParser(prog="ktp-ocr")
    sub = parser.add_subparsers(dest="command", required=True)
    register(sub)
    args = parser.parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    raise SystemExit(main())

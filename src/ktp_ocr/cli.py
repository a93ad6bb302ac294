"""``ktp-ocr``: read cards, measure the reader, render synthetic cards, serve HTTP.

Exit codes come from ``errors.STATUS_CODES`` (the one table the HTTP service also uses); reading several
images exits with the highest code among them, after reading them all.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from importlib import import_module
from pathlib import Path

from .errors import STATUS_CODES, Status
from .options import ReaderOptions
from .result import FIELD_NAMES, QUALITY_CHECKS, KtpResult

SUBCOMMAND_MODULES = ("ktp_ocr.synth.cli", "ktp_ocr.service.cli")


def _reader_options(args: argparse.Namespace) -> ReaderOptions:
    return ReaderOptions(
        card_detect=not args.no_card_detect,
        flip_image=args.flip,
        with_images=getattr(args, "with_images", False),
        requirements="strict" if getattr(args, "strict", False) else "permissive",
        backend=args.backend,
        threads=args.threads,
    )


def _table(result: KtpResult) -> str:
    lines = [f"status: {result.status}  ({result.reason})"]
    for name in FIELD_NAMES:
        f = result.fields.get(name)
        mark = "" if f.valid else "  !"
        lines.append(f"  {name:<18} {f.value or '':<34} {f.confidence:5.1f}{mark}")
    if result.quality:
        raised = [name for name in QUALITY_CHECKS if name != "is_ktp" and getattr(result.quality, name)]
        lines.append(f"  quality: is_ktp={result.quality.is_ktp}; " + (", ".join(raised) or "no problem found"))
    if result.warnings:
        lines.append("  warnings: " + "; ".join(result.warnings))
    lines.append(f"  time: {result.timing_ms.get('total', 0):.0f} ms")
    return "\n".join(lines)


def run_read(args: argparse.Namespace) -> int:
    from .reader import KtpReader

    reader = KtpReader(_reader_options(args))
    worst = 0
    for image in args.images:
        result = reader.read(Path(image))
        code = STATUS_CODES[result.status].exit_code
        worst = max(worst, code)
        if args.json:
            print(json.dumps({"file": str(image), **result.model_dump(mode="json")}, ensure_ascii=False), flush=True)
        else:
            print(f"== {image}\n{_table(result)}", flush=True)
        if result.status is not Status.SUCCESS:
            print(f"ktp-ocr: {image}: {result.status}: {result.reason}", file=sys.stderr)
    return worst


def run_eval(args: argparse.Namespace) -> int:
    from .evaluation import evaluate, format_report
    from .reader import KtpReader

    folder = Path(args.folder)
    if not (folder / "labels.json").is_file():
        print(f"ktp-ocr: no labels.json in {folder}", file=sys.stderr)
        return 2
    report = evaluate(folder, KtpReader(_reader_options(args)).read)
    print(format_report(report, with_misses=args.misses))
    if args.json:
        Path(args.json).write_text(json.dumps(report.summary(), indent=2))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ktp-ocr", description="Read Indonesian identity cards (KTP), on premises.")
    sub = parser.add_subparsers(dest="command", required=True)

    def reading(p: argparse.ArgumentParser) -> None:
        p.add_argument("--no-card-detect", action="store_true", help="skip the card outline; read the text's extent")
        p.add_argument("--flip", action="store_true", help="mirror the image before reading")
        p.add_argument(
            "--backend", choices=("auto", "openvino", "onnxruntime"), default="auto", help="OCR runtime (default auto)"
        )
        p.add_argument("--threads", type=int, default=0, help="threads per OCR call (default 1: least CPU per card)")

    read = sub.add_parser("read", help="read one or more KTP images")
    read.add_argument("images", nargs="+", metavar="IMAGE")
    read.add_argument("--json", action="store_true", help="one JSON object per image per line")
    read.add_argument(
        "--images", dest="with_images", action="store_true", help="add the face and signature crops (base64 JPEG)"
    )
    read.add_argument("--strict", action="store_true", help="enforce 100 KB-2 MB and 300x400-4000x3000 px")
    reading(read)
    read.set_defaults(func=run_read)

    ev = sub.add_parser("eval", help="measure accuracy and speed on a folder with labels.json")
    ev.add_argument("folder", metavar="DIR")
    ev.add_argument("--json", metavar="OUT", help="also write the summary as JSON to OUT")
    ev.add_argument("--misses", action="store_true", help="list every mismatch, expected vs read")
    reading(ev)
    ev.set_defaults(func=run_eval)

    for module in SUBCOMMAND_MODULES:
        try:
            import_module(module).register(sub)
        except ImportError:  # an optional part that is not installed
            continue
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    raise SystemExit(main())

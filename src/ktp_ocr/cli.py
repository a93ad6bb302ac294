"""``ktp-ocr``: read cards, read many into a resumable file, measure the reader, render synthetic cards, serve HTTP.

Exit codes come from ``errors.STATUS_CODES`` (the one table the HTTP service also uses); reading several
images exits with the highest code among them, after reading them all. A usage error exits with
``errors.USAGE_EXIT_CODE``, apart from every status's code. ``--help`` lists them all.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path
from typing import NoReturn, TypeAlias

from . import __version__
from .errors import STATUS_CODES, USAGE_EXIT_CODE, Status
from .options import ReaderOptions
from .result import FIELD_NAMES, QUALITY_CHECKS, KtpResult

INTERRUPTED_EXIT_CODE = 130  # 128 + SIGINT, as a shell reports Ctrl-C
RESUME_HINT = "the lines written are kept: run the same command again to resume"
SUBCOMMAND_MODULES = ("ktp_ocr.synth.cli", "ktp_ocr.service.cli")
# What ``serve`` needs beyond the core (the ``service`` extra), checked before it starts.
SERVICE_MODULES = ("fastapi", "uvicorn", "pydantic_settings", "multipart", "prometheus_client")


class UsageParser(argparse.ArgumentParser):
    """argparse exits 2 on a usage error, the code of NO_FILE; ours is its own (``USAGE_EXIT_CODE``)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(USAGE_EXIT_CODE, f"{self.prog}: error: {message}\n")


Subcommands: TypeAlias = "argparse._SubParsersAction[UsageParser]"


def exit_codes_help() -> str:
    """The exit codes, built from the status table so ``--help`` cannot drift from what the CLI returns."""
    by_code: dict[int, list[str]] = {}
    for status, codes in STATUS_CODES.items():
        by_code.setdefault(codes.exit_code, []).append(str(status))
    failed = STATUS_CODES[Status.FAILED].exit_code
    rows = [
        f"  {code:<3} {', '.join(statuses)}{' (or a crash)' if code == failed else ''}"
        for code, statuses in sorted(by_code.items())
    ]
    rows.append(f"  {USAGE_EXIT_CODE:<3} usage error: bad option, no labels.json or list file, extra not installed")
    rows.append(f"  {INTERRUPTED_EXIT_CODE:<3} interrupted (Ctrl-C); a batch resumes where it stopped")
    return (
        "exit codes (read: the highest among its images; batch: 0 once every file is read, whatever its status):\n"
        + "\n".join(rows)
    )


def _reader_options(args: argparse.Namespace) -> ReaderOptions:
    return ReaderOptions(
        card_detect=not args.no_card_detect,
        flip_image=args.flip,
        with_images=getattr(args, "with_images", False),
        requirements="strict" if getattr(args, "strict", False) else "permissive",
        backend=args.backend,
        threads=args.threads,
        review_error_rate=args.review_error_rate,
        calibrate=not args.uncalibrated,
    )


def _table(result: KtpResult) -> str:
    lines = [f"status: {result.status}  ({result.reason})  decision: {result.decision}"]
    for name in FIELD_NAMES:
        f = result.fields.get(name)
        mark = ("" if f.valid else "  !") + ("  review" if f.review and result.decision == "review" else "")
        lines.append(f"  {name:<18} {f.value or '':<34} {f.confidence:5.1f}{mark}")
    if result.quality:
        raised = [name for name in QUALITY_CHECKS if name != "is_ktp" and getattr(result.quality, name)]
        lines.append(f"  quality: is_ktp={result.quality.is_ktp}; " + (", ".join(raised) or "no problem found"))
    if result.warnings:
        lines.append("  warnings: " + "; ".join(result.warnings))
    lines.append(f"  time: {result.timing_ms.get('total', 0):.0f} ms")
    return "\n".join(lines)


def _nothing_read(result: KtpResult) -> bool:
    return result.status is not Status.SUCCESS and not any(result.fields.get(n).value for n in FIELD_NAMES)


STDIN = "-"  # ``read -``: the image comes on standard input


def _source(image: str) -> bytes | Path:
    """What to read for one name: standard input's bytes for ``-``, else the path."""
    return sys.stdin.buffer.read() if image == STDIN else Path(image)


def run_read(args: argparse.Namespace) -> int:
    from .batch import SourceError, expand_sources
    from .reader import KtpReader

    try:
        images = expand_sources(args.images)
    except SourceError as exc:
        print(f"ktp-ocr read: {exc}", file=sys.stderr)
        return USAGE_EXIT_CODE
    reader = KtpReader(_reader_options(args))
    worst = 0
    for image in images:
        result = reader.read(_source(image))
        worst = max(worst, STATUS_CODES[result.status].exit_code)
        _print_result(image, result, args.json)
    return worst


def _print_result(image: str, result: KtpResult, as_json: bool) -> None:
    """One image's output: a JSON line, a one-line failure, or the table; a failure also on stderr."""
    if as_json:
        from .batch import result_line

        print(result_line(image, result), flush=True)
    elif _nothing_read(result):
        print(f"== {image}: {result.status} ({result.reason})", flush=True)
    else:
        print(f"== {image}\n{_table(result)}", flush=True)
    if result.status is not Status.SUCCESS:
        print(f"ktp-ocr: {image}: {result.status}: {result.reason}", file=sys.stderr)


def run_eval(args: argparse.Namespace) -> int:
    from .evaluation import evaluate, format_reliability, format_report, image_path, load_labels, reliability_summary
    from .reader import KtpReader

    folder = Path(args.folder)
    if not (folder / "labels.json").is_file():
        print(f"ktp-ocr: no labels.json in {folder}", file=sys.stderr)
        return USAGE_EXIT_CODE
    reader = KtpReader(_reader_options(args))
    if args.warm_up and (names := sorted(load_labels(folder))):
        reader.read(image_path(folder, names[0]))  # untimed: loads the models, so every timing is steady-state
    report = evaluate(folder, reader.read)
    print(format_report(report, with_misses=args.misses))
    summary = report.summary()
    if not args.uncalibrated:
        trust = reliability_summary(report, with_curve=bool(args.json))
        print("\n" + format_reliability(trust))
        summary["reliability"] = trust
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=2))
    return 0


def _batch_usage_error(args: argparse.Namespace) -> str | None:
    """What is wrong with the batch flags, in one line, or None."""
    if args.jobs is not None and args.jobs < 1:
        return "--jobs must be at least 1"
    if args.address and args.engine != "ray":
        return "--address needs --engine ray"
    if args.connect_timeout <= 0:
        return "--connect-timeout must be more than 0 seconds"
    return None


def run_batch(args: argparse.Namespace) -> int:
    """``ktp-ocr batch``: 0 once every file is read (whatever each card's status); usage errors apart."""
    from concurrent.futures.process import BrokenProcessPool

    from .batch import OutputBusyError, OutputError, RaySettings, SourceError
    from .batch import run_batch as batch
    from .batch.ray_engine import RayMissingError

    if problem := _batch_usage_error(args):
        print(f"ktp-ocr batch: {problem}", file=sys.stderr)
        return USAGE_EXIT_CODE
    ray_log = None if args.verbose or args.engine != "ray" else f"{args.out}.ray.log"
    ray = RaySettings(address=args.address, connect_timeout_s=args.connect_timeout, log=ray_log)
    try:
        summary = batch(
            args.sources,
            args.out,
            options=_reader_options(args),
            jobs=args.jobs,
            engine=args.engine,
            progress=False if args.quiet else None,
            ray=ray,
        )
    except (SourceError, OutputError, OutputBusyError, RayMissingError) as exc:
        print(f"ktp-ocr batch: {exc}", file=sys.stderr)
        return USAGE_EXIT_CODE
    except ConnectionError as exc:  # Ray: no cluster at --address, or none in time
        print(f"ktp-ocr batch: {exc}{_ray_log_hint(ray_log)}", file=sys.stderr)
        return STATUS_CODES[Status.FAILED].exit_code
    except BrokenProcessPool:
        print(f"ktp-ocr batch: a worker died (out of memory?); {RESUME_HINT}", file=sys.stderr)
        return STATUS_CODES[Status.FAILED].exit_code
    except KeyboardInterrupt:
        print(f"ktp-ocr batch: interrupted; {RESUME_HINT}", file=sys.stderr)
        return INTERRUPTED_EXIT_CODE
    print(summary.format() + _ray_log_hint(ray_log), file=sys.stderr)
    return 0


def _ray_log_hint(ray_log: str | None) -> str:
    """Where Ray's own output went, as a line to add; an empty log is removed and not mentioned."""
    log = Path(ray_log) if ray_log else None
    if log is None or not log.exists():
        return ""
    if log.stat().st_size == 0:
        log.unlink()
        return ""
    return f"\nRay's own output: {log} (-v: on the terminal)"


def _reading_flags(p: argparse.ArgumentParser, threads_help: str = "default 1: least CPU per card") -> None:
    p.add_argument("--no-card-detect", action="store_true", help="skip the card outline; read the text's extent")
    p.add_argument("--flip", action="store_true", help="mirror the image before reading")
    p.add_argument(
        "--backend", choices=("auto", "openvino", "onnxruntime"), default="auto", help="OCR runtime (default auto)"
    )
    p.add_argument("--threads", type=int, default=0, help=f"threads per OCR call ({threads_help})")
    p.add_argument(
        "--review-error-rate",
        type=float,
        default=0.005,
        metavar="RATE",
        help="target error rate of the fields accepted without review (default 0.005)",
    )
    p.add_argument(
        "--uncalibrated", action="store_true", help="raw scores, no review flags (scripts/fit_confidence.py input)"
    )


def _with_exit_codes(sub: Subcommands, name: str, help: str, description: str) -> argparse.ArgumentParser:
    """A subcommand whose ``--help`` ends with the exit codes."""
    parser: argparse.ArgumentParser = sub.add_parser(
        name,
        help=help,
        description=description,
        epilog=exit_codes_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return parser


def _add_read(sub: Subcommands) -> None:
    p = _with_exit_codes(sub, "read", help="read one or more KTP images", description="Read images, folders, @lists.")
    p.add_argument(
        "images", nargs="+", metavar="SOURCE", help="an image or PDF, a folder, @list.txt, or - (standard input)"
    )
    p.add_argument("--json", action="store_true", help="one JSON object per image per line")
    p.add_argument(
        "--images", dest="with_images", action="store_true", help="add the face and signature crops (base64 JPEG)"
    )
    p.add_argument("--strict", action="store_true", help="enforce 100 KB-2 MB and 300x400-4000x3000 px")
    _reading_flags(p)
    p.set_defaults(func=run_read)


def _add_batch(sub: Subcommands) -> None:
    p = _with_exit_codes(
        sub,
        "batch",
        help="read many cards into a resumable JSON Lines file (process pool or Ray)",
        description="Read every image and PDF of the sources into OUT.jsonl, one line per file with a 'file' key. "
        "A rerun with the same --out skips the files already written (safe after a crash or kill -9). "
        "A summary (counts by status, seconds per card, cards per second) goes to stderr.",
    )
    p.add_argument("sources", nargs="+", metavar="SOURCE", help="an image or PDF, a folder (recursive), or @list.txt")
    p.add_argument("--out", required=True, metavar="OUT.jsonl", help="JSON Lines output, appended and resumed")
    p.add_argument("-j", "--jobs", type=int, default=None, help="readers side by side (default: the cores)")
    p.add_argument("--engine", choices=("local", "ray"), default="local", help="process pool here, or Ray Data")
    p.add_argument("--address", default=None, help="Ray cluster to join (default: start a local Ray)")
    p.add_argument(
        "--connect-timeout",
        type=float,
        default=30.0,
        metavar="S",
        help="seconds the Ray cluster at --address has to answer (default 30)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "-v", "--verbose", action="store_true", help="Ray's own output on the terminal (default: in OUT.jsonl.ray.log)"
    )
    p.add_argument("--images", dest="with_images", action="store_true", help="add the face and signature crops")
    _reading_flags(p, "default cores / jobs")
    p.set_defaults(func=run_batch)


def _add_eval(sub: Subcommands) -> None:
    p = sub.add_parser("eval", help="measure accuracy and speed on a folder with labels.json")
    p.add_argument("folder", metavar="DIR")
    p.add_argument("--json", metavar="OUT", help="also write the summary as JSON to OUT")
    p.add_argument("--misses", action="store_true", help="list every mismatch, expected vs read")
    p.add_argument(
        "--warm-up", action="store_true", help="read the first image once, untimed, so no timing includes model loading"
    )
    _reading_flags(p)
    p.set_defaults(func=run_eval)


def build_parser() -> argparse.ArgumentParser:
    parser = UsageParser(
        prog="ktp-ocr",
        description="Read Indonesian identity cards (KTP), on premises.",
        epilog=exit_codes_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    _add_read(sub)
    _add_batch(sub)
    _add_eval(sub)
    for module in SUBCOMMAND_MODULES:
        try:
            import_module(module).register(sub)
        except ImportError:  # an optional part that is not installed
            continue
    return parser


def missing_modules(modules: Sequence[str]) -> list[str]:
    """Which of ``modules`` cannot be imported (found without importing them)."""
    return [m for m in modules if find_spec(m) is None]


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["serve"] and (missing := missing_modules(SERVICE_MODULES)):
        print(
            f"ktp-ocr serve needs the service extra: pip install 'ktp-ocr[service]' (missing: {', '.join(missing)})",
            file=sys.stderr,
        )
        return USAGE_EXIT_CODE
    args = build_parser().parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    raise SystemExit(main())

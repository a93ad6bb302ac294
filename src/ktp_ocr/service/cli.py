"""``ktp-ocr serve``: run the HTTP service with uvicorn.

The main CLI adds this subcommand with :func:`register`; flags override the ``KTP_OCR_*`` environment.
"""

from __future__ import annotations

import argparse
import logging
import logging.config
import sys
from typing import Any

from ..errors import USAGE_EXIT_CODE
from .logs import LOG_FORMATS, log_config

log = logging.getLogger("ktp_ocr.service")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``serve`` subcommand; each flag overrides its ``KTP_OCR_*`` variable."""
    parser = subparsers.add_parser(
        "serve",
        help="run the HTTP service (API, compatibility routes, web page)",
        description="Serve /v1/ktp, the compatibility routes, /docs, /metrics and the web page. Without API keys "
        "(KTP_OCR_API_KEYS or KTP_OCR_API_KEYS_FILE) the server listens on 127.0.0.1 only.",
    )
    parser.add_argument("--host", default=None, help="bind address (default 0.0.0.0 with API keys, else 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None, help="port (default 8000)")
    parser.add_argument("--workers", type=int, default=None, help="OCR workers, one reader each (default 2)")
    parser.add_argument("--threads", type=int, default=None, help="threads per worker (default cores / workers)")
    parser.add_argument(
        "--backend",
        choices=("auto", "openvino", "onnxruntime"),
        default=None,
        help="OCR runtime (default onnxruntime: flat memory under load)",
    )
    parser.add_argument("--queue", type=int, default=None, help="requests that may wait for a worker (default 8)")
    parser.add_argument("--timeout", type=float, default=None, help="per-request OCR time limit, seconds (default 60)")
    parser.add_argument("--uploads-dir", default=None, help="folder for the /ocr/ktp compatibility route")
    parser.add_argument(
        "--log-format", choices=LOG_FORMATS, default=None, help="text (default) or json: one JSON object a line"
    )
    parser.set_defaults(func=run_serve)


def settings_from_args(args: argparse.Namespace) -> Any:
    from .settings import ServiceSettings

    overrides = {
        "host": args.host,
        "port": args.port,
        "workers": args.workers,
        "threads": getattr(args, "threads", None),
        "backend": getattr(args, "backend", None),
        "queue": args.queue,
        "timeout_s": args.timeout,
        "uploads_dir": getattr(args, "uploads_dir", None),
        "log_format": getattr(args, "log_format", None),
    }
    return ServiceSettings(**{k: v for k, v in overrides.items() if v is not None})


def run_serve(args: argparse.Namespace) -> int:
    """Start the server; returns the exit code (``USAGE_EXIT_CODE`` for bad settings, 0 after a clean stop)."""
    sys.dont_write_bytecode = True  # a server writes nothing at run time, bytecode next to the install included
    from pydantic import ValidationError

    try:
        settings = settings_from_args(args)
        keys = settings.load_api_keys()
        logging_config = log_config(settings.log_format, settings.log_level)
        logging.config.dictConfig(logging_config)  # an unknown KTP_OCR_LOG_LEVEL fails here (ValueError)
    except (ValidationError, ValueError, OSError) as exc:
        print(f"ktp-ocr serve: bad settings: {exc}", file=sys.stderr)
        return USAGE_EXIT_CODE
    host = settings.bind_host(keys)
    if not keys:
        asked = f" (asked for {settings.host})" if settings.host and settings.host != host else ""
        log.warning(
            "no API key configured (KTP_OCR_API_KEYS / KTP_OCR_API_KEYS_FILE): listening on %s only%s", host, asked
        )
    else:
        log.info("%d API key(s) configured; listening on %s", len(keys), host)

    import uvicorn

    from .app import create_app
    from .protocol import protocol_class

    app = create_app(settings=settings)
    log.info("ktp-ocr service on http://%s:%d (docs at /docs)", host, settings.port)
    uvicorn.run(
        app,
        host=host,
        port=settings.port,
        log_level=settings.log_level,
        log_config=logging_config,  # uvicorn's own lines in the same format as ours
        access_log=False,  # the service middleware logs each request (with its Request-Id)
        workers=1,
        http=protocol_class(settings.header_timeout_s),  # h11 with a request-head time limit, JSON 400s
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    """Standalone entry (``python -m ktp_ocr.service.cli serve``) until the main CLI wires :func:`register`."""
    from ..cli import UsageParser  # a bad flag exits USAGE_EXIT_CODE, as under the main CLI

    parser = UsageParser(prog="ktp-ocr")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())

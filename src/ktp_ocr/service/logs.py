"""Logging for the server: plain text or one JSON object a line, uvicorn's own lines included, NIKs masked.

A log collector (Loki, Elasticsearch, CloudWatch) parses one JSON object a line without a grok pattern; the same
``logging`` config is handed to uvicorn so that its start-up and error lines come out in the same format. Card
values are masked where they are logged (:func:`mask`); both formatters also mask any 16-digit run that reaches a
line by another way (an exception message quoting a file name, say), so no whole NIK is written.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from typing import Any, Literal

LogFormat = Literal["text", "json"]
LOG_FORMATS: tuple[LogFormat, ...] = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# ``extra=`` keys the service passes (access and read lines) that become JSON keys of their own.
EXTRA_KEYS = ("request_id", "method", "route", "code", "duration_ms", "status")
_NIK_RUN = re.compile(r"(?<!\d)\d{16}(?!\d)")


def mask(kind: Literal["NIK", "NAME"], value: str | None) -> str:
    """Mask with lokal-id (``3201********9001``, ``B*** S***``); the log must never carry a whole NIK or name."""
    if not value:
        return "-"
    try:
        import lokal

        return str(lokal.partial_mask(kind, value))
    except Exception:  # a masking failure must not leak the value: hide it all
        return "*" * len(value)


def scrub_niks(text: str) -> str:
    """Mask every 16-digit run: a NIK that reached a message unmasked is never written whole."""
    return _NIK_RUN.sub(lambda m: mask("NIK", m.group()), text)


class TextFormatter(logging.Formatter):
    """The classic one-line text format, NIK runs masked."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        return scrub_niks(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, the service's extras, any exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub_niks(record.getMessage()),
        }
        for key in EXTRA_KEYS:
            if key in record.__dict__:
                entry[key] = record.__dict__[key]
        if record.exc_info:
            entry["exception"] = scrub_niks(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


def log_config(fmt: LogFormat = "text", level: str = "info") -> dict[str, Any]:
    """A :func:`logging.config.dictConfig` for the root logger and uvicorn's (``uvicorn.run(log_config=)``).

    Like :func:`logging.basicConfig`, a root logger that already has handlers (an embedding application, pytest)
    is left alone, with its levels: our lines propagate to it; uvicorn's loggers, which do not propagate, are
    always configured.
    """
    formatter = JsonFormatter if fmt == "json" else TextFormatter
    handler = {"class": "logging.StreamHandler", "formatter": "default", "stream": "ext://sys.stderr"}
    level_name = level.upper()
    uvicorn = {"handlers": ["default"], "level": level_name, "propagate": False}
    config: dict[str, Any] = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": {"()": formatter}},
        "handlers": {"default": handler},
        "loggers": {"uvicorn": uvicorn, "uvicorn.error": uvicorn, "uvicorn.access": uvicorn},
    }
    if not logging.getLogger().handlers:
        config["root"] = {"handlers": ["default"], "level": level_name}
    return config

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


# What a masked value keeps: a NIK's first two digits (the province code, which the card prints in words anyway)
# and its last two; a name's initials. A NIK's other digits are the regency, district, birth date and a serial:
# with four of them kept (and the birth date known) a NIK is easy to narrow down.
NIK_KEEP_HEAD = 2
NIK_KEEP_TAIL = 2
NIK_MIN_TO_SHOW = 8  # shorter values (a misread) are hidden whole: four kept of six would be most of it


def mask(kind: Literal["NIK", "NAME"], value: str | None) -> str:
    """``32************01`` for a NIK, ``B*** S***`` for a name: the log must never carry a whole NIK or name."""
    if not value:
        return "-"
    try:
        if kind == "NIK":
            text = "".join(value.split())
            if len(text) < NIK_MIN_TO_SHOW:
                return "*" * len(text)
            hidden = len(text) - NIK_KEEP_HEAD - NIK_KEEP_TAIL
            return f"{text[:NIK_KEEP_HEAD]}{'*' * hidden}{text[-NIK_KEEP_TAIL:]}"
        return " ".join(f"{word[:1]}***" for word in value.split()) or "-"
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

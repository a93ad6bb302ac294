"""``serve``: the subcommand's flags, and the refusal to open the port to the network without API keys."""

from __future__ import annotations

import argparse
import logging
from typing import Any

import pytest

from ktp_ocr.service import cli


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers(dest="command"))
    return parser.parse_args(["serve", *argv])


def test_register_adds_serve() -> None:
    args = parse("--port", "9001", "--workers", "3", "--queue", "4", "--timeout", "5")
    assert args.func is cli.run_serve
    settings = cli.settings_from_args(args)
    assert (settings.port, settings.workers, settings.queue, settings.timeout_s) == (9001, 3, 4, 5.0)


def test_without_keys_listens_on_localhost_only(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    seen: dict[str, Any] = {}
    monkeypatch.delenv("KTP_OCR_API_KEYS", raising=False)
    monkeypatch.delenv("KTP_OCR_API_KEYS_FILE", raising=False)
    monkeypatch.setattr("uvicorn.run", lambda app, **kwargs: seen.update(kwargs))
    with caplog.at_level(logging.WARNING, logger="ktp_ocr.service"):
        assert cli.run_serve(parse("--host", "0.0.0.0", "--port", "9002")) == 0
    assert seen["host"] == "127.0.0.1" and seen["port"] == 9002
    assert "listening on 127.0.0.1 only" in caplog.text


def test_with_keys_listens_where_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}
    monkeypatch.setenv("KTP_OCR_API_KEYS", "k1")
    monkeypatch.setattr("uvicorn.run", lambda app, **kwargs: seen.update(kwargs))
    assert cli.run_serve(parse("--host", "0.0.0.0")) == 0
    assert seen["host"] == "0.0.0.0"


def test_bad_settings_exit_2(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.setenv("KTP_OCR_API_KEYS_FILE", str(tmp_path / "missing"))
    assert cli.run_serve(parse()) == 2

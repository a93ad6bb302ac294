"""``serve``: the subcommand's flags, and the refusal to open the port to the network without API keys."""

from __future__ import annotations

import argparse
import logging
from typing import Any

import pytest

from ktp_ocr.errors import USAGE_EXIT_CODE
from ktp_ocr.service import cli
from ktp_ocr.service.protocol import KtpH11Protocol


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


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("KTP_OCR_API_KEYS_FILE", "missing"),  # a key file that cannot be read
        ("KTP_OCR_WORKERS", "0"),
        ("KTP_OCR_PORT", "70000"),
        ("KTP_OCR_PORT", "http"),
        ("KTP_OCR_HEADER_TIMEOUT_S", "0"),
        ("KTP_OCR_LOG_LEVEL", "loud"),
    ],
)
def test_bad_settings_exit_with_the_usage_code(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any, capsys: pytest.CaptureFixture[str], variable: str, value: str
) -> None:
    monkeypatch.setattr("uvicorn.run", lambda app, **kwargs: pytest.fail("must not start"))
    monkeypatch.setenv(variable, str(tmp_path / value) if variable.endswith("_FILE") else value)
    assert cli.run_serve(parse()) == USAGE_EXIT_CODE == 64
    assert "bad settings" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["serve", "--port", "http"], ["serve", "--workers", "many"], ["serve", "--nope"]])
def test_bad_flags_exit_with_the_usage_code(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(argv)
    assert exited.value.code == USAGE_EXIT_CODE


def test_bad_flag_values_exit_with_the_usage_code(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("uvicorn.run", lambda app, **kwargs: pytest.fail("must not start"))
    assert cli.main(["serve", "--port", "70000"]) == USAGE_EXIT_CODE
    assert cli.main(["serve", "--workers", "0"]) == USAGE_EXIT_CODE


def test_serve_uses_the_protocol_with_the_head_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}
    monkeypatch.setenv("KTP_OCR_HEADER_TIMEOUT_S", "3.5")
    monkeypatch.setattr("uvicorn.run", lambda app, **kwargs: seen.update(kwargs))
    assert cli.run_serve(parse("--log-format", "json")) == 0
    assert issubclass(seen["http"], KtpH11Protocol) and seen["http"].header_timeout_s == 3.5

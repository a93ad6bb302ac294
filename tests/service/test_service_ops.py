"""What operators see: the OpenAPI document, /metrics, JSON logs, the favicon and the warm-up before ready."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from service_fakes import SPECIMEN_VALUES, image_bytes
from service_server import free_port

from ktp_ocr.errors import Status
from ktp_ocr.options import ReaderOptions
from ktp_ocr.result import FIELD_NAMES
from ktp_ocr.service.errors import SERVICE_STATUSES
from ktp_ocr.service.logs import JsonFormatter, mask, scrub_niks
from ktp_ocr.service.middleware import REQUEST_ID_HEADER
from ktp_ocr.service.state import ReaderHolder

HERE = Path(__file__).resolve().parent
SRC = HERE.parents[1] / "src"


def resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """Follow a local ``$ref`` (``#/components/schemas/X``)."""
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def test_openapi_declares_the_result_and_its_status_enum(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    responses = spec["paths"]["/v1/ktp"]["post"]["responses"]
    result = resolve(spec, responses["200"]["content"]["application/json"]["schema"])
    assert result["title"] == "KtpResult"
    fields = resolve(spec, result["properties"]["fields"])
    assert list(fields["properties"]) == list(FIELD_NAMES) and len(FIELD_NAMES) == 19
    field = resolve(spec, fields["properties"]["nik"])
    assert {"value", "confidence", "polygon", "valid", "warnings"} <= set(field["properties"])
    status = resolve(spec, result["properties"]["status"])
    assert status["enum"] == [s.value for s in Status]
    failure = resolve(spec, responses["422"]["content"]["application/json"]["schema"])
    failure_status = resolve(spec, failure["properties"]["status"])
    assert set(failure_status["enum"]) == {s.value for s in Status} | set(SERVICE_STATUSES)


def test_every_error_answer_is_one_model_with_one_status_enum(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path, operations in spec["paths"].items():
        for code, answer in operations.get("post", {}).get("responses", {}).items():
            schema = answer.get("content", {}).get("application/json", {}).get("schema", {})
            if code != "200" and path in ("/v1/ktp", "/ocr/v1/ktp", "/ocr/v1/ktp/qualities", "/ocr"):
                assert schema == {"$ref": "#/components/schemas/ErrorEnvelope"}, (path, code)
    schemas = spec["components"]["schemas"]
    enums = [name for name, schema in schemas.items() if "enum" in schema]
    assert sorted(enums) == ["ErrorStatus", "Status"]  # the result's status, and the failures' one enum
    assert "HTTPValidationError" not in schemas  # never sent: a bad parameter is 400 in the envelope
    assert "securitySchemes" not in spec["components"]  # no keys configured: nothing to authorize


def test_with_api_keys_the_document_declares_the_key_schemes(make_client: Callable[..., TestClient]) -> None:
    spec = make_client(api_keys="k1").get("/openapi.json").json()
    assert set(spec["components"]["securitySchemes"]) == {"bearer", "apiKey"}
    assert spec["paths"]["/v1/ktp"]["post"]["security"] == [{"bearer": []}, {"apiKey": []}]
    assert spec["paths"]["/healthz"]["get"]["security"] == []  # public routes need no key


def test_metrics_have_stage_histograms_and_build_info(client: TestClient, jpeg: bytes) -> None:
    assert client.post("/v1/ktp", files={"image": ("c.jpg", jpeg)}).status_code == 200
    text = client.get("/metrics").text
    for stage in ("decode", "locate", "ocr", "total"):
        assert f'ktp_ocr_read_stage_duration_seconds_count{{stage="{stage}"}} 1.0' in text
    assert 'ktp_ocr_read_stage_duration_seconds_bucket{le="0.5",stage="ocr"} 1.0' in text  # 250 ms
    from ktp_ocr import __version__

    assert f'ktp_ocr_build_info{{backend="onnxruntime",version="{__version__}"}} 1.0' in text  # fake: no engine


def test_favicon_is_served_and_linked(client: TestClient) -> None:
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    assert icon.content.lstrip().startswith(b"<svg")
    assert 'rel="icon"' in client.get("/").text


def test_ready_only_after_the_region_list_is_warm(monkeypatch: pytest.MonkeyPatch) -> None:
    from ktp_ocr.ocr.runtime import Runtime

    class StubReader:
        def __init__(self, options: ReaderOptions) -> None:
            self.engine = SimpleNamespace(runtime=Runtime("onnxruntime", 1, "f32"))

    holder = ReaderHolder(None, ReaderOptions(), copies=2)
    ready_during_warm_up: list[bool] = []
    monkeypatch.setitem(sys.modules, "ktp_ocr.reader", SimpleNamespace(KtpReader=StubReader))
    monkeypatch.setattr("ktp_ocr.normalize.warm_up", lambda: ready_during_warm_up.append(holder.ready))
    holder.start_loading()
    assert holder.wait(30)
    assert ready_during_warm_up == [False]
    assert holder.ready and holder.error is None
    assert holder.backend == "onnxruntime"  # what build_info reports once loaded


def test_warm_up_fills_the_region_caches() -> None:
    from ktp_ocr.normalize import regions, warm_up

    regions.regency_forms.cache_clear()
    regions.child_forms.cache_clear()
    warm_up()
    assert regions.regency_forms.cache_info().currsize >= 1
    assert regions.child_forms.cache_info().currsize >= 2  # a regency's districts and a district's villages


def test_log_formatters_mask_a_stray_nik() -> None:
    nik = SPECIMEN_VALUES["nik"]
    assert scrub_niks(f"file {nik}.jpg") == f"file {nik[:2]}{'*' * 12}{nik[-2:]}.jpg"
    line = JsonFormatter().format(logging.LogRecord("x", logging.INFO, __file__, 1, "nik %s", (nik,), None))
    assert nik not in line and nik[:4] not in line and json.loads(line)["level"] == "INFO"


@pytest.mark.parametrize(
    ("kind", "value", "masked"),
    [
        ("NIK", "3201234567890001", "32************01"),  # the province code and two digits, no more
        ("NIK", "3273010101900001", "32************01"),
        ("NIK", " 3201 2345 6789 0001 ", "32************01"),
        ("NIK", "1234567", "*******"),  # a short misread is hidden whole
        ("NIK", "", "-"),
        ("NIK", None, "-"),
        ("NAME", "BUDI SANTOSO", "B*** S***"),
        ("NAME", "  SITI  ", "S***"),
        ("NAME", "A", "A***"),
    ],
)
def test_mask_keeps_at_most_two_and_two_digits_and_initials(kind: str, value: str | None, masked: str) -> None:
    assert mask(kind, value) == masked  # type: ignore[arg-type]


def test_mask_never_keeps_more_than_four_digits_of_any_nik() -> None:
    import random

    rng = random.Random(7)
    for _ in range(200):
        nik = "".join(rng.choice("0123456789") for _ in range(16))
        masked = mask("NIK", nik)
        assert len(masked) == 16 and sum(ch.isdigit() for ch in masked) == 4
        assert masked[2:14] == "*" * 12 and masked[:2] == nik[:2] and masked[-2:] == nik[-2:]


SERVE_WITH_FAKE_READER = """
import sys
from service_fakes import FakeReader
from ktp_ocr.service import app as app_module, cli
build = app_module.create_app
app_module.create_app = lambda settings: build(reader=FakeReader(), settings=settings)
sys.exit(cli.main(["serve", "--log-format", "json", "--port", sys.argv[1], "--workers", "1"]))
"""


def wait_ready(base: str, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(base + "/readyz").status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError("the server did not come up")


def test_serve_log_format_json_writes_one_json_object_a_line() -> None:
    """The real ``serve`` command (a fake reader inside): every line, uvicorn's included, is one JSON object."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), str(HERE)])}
    env = {k: v for k, v in env.items() if not k.startswith("KTP_OCR_")}
    cmd = [sys.executable, "-c", SERVE_WITH_FAKE_READER, str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, proc)
        answer = httpx.post(base + "/v1/ktp", files={"image": ("c.jpg", image_bytes())}, timeout=30)
        assert answer.json()["fields"]["nik"]["value"] == SPECIMEN_VALUES["nik"]
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    lines = [line for line in (out + err).splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]  # raises on any line that is not JSON
    assert all({"time", "level", "logger", "message"} <= set(e) for e in entries)
    assert any(e["logger"].startswith("uvicorn") and "Uvicorn running" in e["message"] for e in entries)
    access = [e for e in entries if e.get("route") == "/v1/ktp"]
    assert access and access[0]["code"] == 200 and access[0]["method"] == "POST"
    read = [e for e in entries if e["logger"] == "ktp_ocr.service.read"]
    assert read and read[0]["status"] == "SUCCESS" and read[0]["request_id"] == answer.headers[REQUEST_ID_HEADER]
    text = out + err
    assert SPECIMEN_VALUES["nik"] not in text and SPECIMEN_VALUES["nama"] not in text
    nik = SPECIMEN_VALUES["nik"]
    assert f"{nik[:2]}{'*' * 12}{nik[-2:]}" in text and f"{nik[:4]}*" not in text  # two and two digits, no more


def test_log_format_setting_and_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    from ktp_ocr.service import cli
    from ktp_ocr.service.settings import ServiceSettings

    monkeypatch.setenv("KTP_OCR_LOG_FORMAT", "json")
    assert ServiceSettings().log_format == "json"
    monkeypatch.delenv("KTP_OCR_LOG_FORMAT")
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers(dest="command"))
    assert cli.settings_from_args(parser.parse_args(["serve", "--log-format", "json"])).log_format == "json"
    with pytest.raises(SystemExit):
        parser.parse_args(["serve", "--log-format", "xml"])

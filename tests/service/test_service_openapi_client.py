"""A client generated from /openapi.json by ``openapi-python-client`` reads a synthetic card with the real reader.

This is the promise of the OpenAPI document: a generator gives a typed client whose ``KtpResult`` parses the real
answer. Slow (the generator and the OCR models); skipped when ``openapi-python-client`` is not installed.
"""

from __future__ import annotations

import importlib
import io
import json
import subprocess
import sys
from collections.abc import Iterator
from types import ModuleType

import pytest
from fastapi.testclient import TestClient
from service_fakes import synthetic_card

from ktp_ocr.result import FIELD_NAMES
from ktp_ocr.service.app import create_app
from ktp_ocr.service.settings import ServiceSettings

pytestmark = pytest.mark.real_reader
PACKAGE = "ktp_ocr_client"


@pytest.fixture(scope="module")
def sample() -> tuple[bytes, str]:
    return synthetic_card(5)


@pytest.fixture(scope="module")
def real_client() -> Iterator[TestClient]:
    reader_module = pytest.importorskip("ktp_ocr.reader")
    with TestClient(create_app(reader=reader_module.KtpReader(), settings=ServiceSettings())) as client:
        yield client


@pytest.fixture(scope="module")
def generated(real_client: TestClient, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The generated package, imported from a temporary folder (offline: post hooks such as ruff are off)."""
    tmp_path = tmp_path_factory.mktemp("client")
    pytest.importorskip("openapi_python_client", reason="openapi-python-client is not installed")
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(real_client.get("/openapi.json").json()), encoding="utf-8")
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"post_hooks": []}), encoding="utf-8")
    command = [sys.executable, "-m", "openapi_python_client", "generate", "--path", str(spec), "--meta", "none"]
    command += ["--config", str(config), "--output-path", str(tmp_path / PACKAGE), "--fail-on-warning"]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr  # --fail-on-warning: every route generates cleanly
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [name for name in sys.modules if name == PACKAGE or name.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def test_generated_client_parses_a_real_read(
    generated: ModuleType, real_client: TestClient, sample: tuple[bytes, str]
) -> None:
    jpeg, nik = sample
    read_ktp = importlib.import_module(f"{PACKAGE}.api.ktp.read_ktp_v1_ktp_post")
    models = importlib.import_module(f"{PACKAGE}.models")
    types = importlib.import_module(f"{PACKAGE}.types")
    client = generated.Client(base_url=str(real_client.base_url))
    client.set_httpx_client(real_client)  # the generated client sends through the in-process app
    image = types.File(payload=io.BytesIO(jpeg), file_name="card.jpg", mime_type="image/jpeg")
    answer = read_ktp.sync_detailed(
        client=client, body=models.ReadKtpV1KtpPostFilesBody(image=image), with_polygon=True
    )
    assert answer.status_code == 200
    result = answer.parsed
    assert isinstance(result, models.KtpResult)
    assert result.status == models.Status.SUCCESS
    assert result.fields.nik.value == nik and result.fields.nik.valid is True
    assert len(result.fields.nik.polygon) == 4
    assert set(result.fields.to_dict()) == set(FIELD_NAMES)
    assert isinstance(result.nik_details, models.NikDetails) and result.nik_details.nik == nik


def test_a_failure_parses_as_the_typed_envelope(generated: ModuleType, real_client: TestClient) -> None:
    read_ktp = importlib.import_module(f"{PACKAGE}.api.ktp.read_ktp_v1_ktp_post")
    types = importlib.import_module(f"{PACKAGE}.types")
    client = generated.Client(base_url=str(real_client.base_url))
    client.set_httpx_client(real_client)
    answer = read_ktp.sync_detailed(client=client, body=types.File(payload=io.BytesIO(b"not an image")))
    assert answer.status_code == 415
    assert answer.parsed.status.value == "FILE_INVALID_FORMAT"  # the envelope's status is an enum too


def test_metrics_after_a_real_read(real_client: TestClient, sample: tuple[bytes, str]) -> None:
    assert real_client.post("/v1/ktp", files={"image": ("card.jpg", sample[0])}).status_code == 200
    text = real_client.get("/metrics").text
    for stage in ("decode", "locate", "ocr", "layout", "normalize", "validate", "total"):
        assert f'ktp_ocr_read_stage_duration_seconds_count{{stage="{stage}"}}' in text
    build = [line for line in text.splitlines() if line.startswith("ktp_ocr_build_info{")]
    assert len(build) == 1 and ('backend="openvino"' in build[0] or 'backend="onnxruntime"' in build[0])

"""The service with the real :class:`KtpReader` on a synthetic card: our route and every contract find the NIK.

Slow (loads the OCR models); skipped when the reader or the synthetic generator cannot be imported.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from service_fakes import synthetic_card

from ktp_ocr.service.app import create_app
from ktp_ocr.service.settings import ServiceSettings

pytestmark = pytest.mark.real_reader


@pytest.fixture(scope="module")
def sample() -> tuple[bytes, str]:
    return synthetic_card(11)


@pytest.fixture(scope="module")
def real_client(tmp_path_factory: pytest.TempPathFactory, sample: tuple[bytes, str]) -> Iterator[TestClient]:
    reader_module = pytest.importorskip("ktp_ocr.reader")
    uploads: Path = tmp_path_factory.mktemp("uploads")
    (uploads / "card.jpg").write_bytes(sample[0])
    settings = ServiceSettings.model_validate({"uploads_dir": uploads})
    with TestClient(create_app(reader=reader_module.KtpReader(), settings=settings)) as client:
        yield client


def test_every_route_reads_the_nik(real_client: TestClient, sample: tuple[bytes, str]) -> None:
    jpeg, nik = sample
    files = {"image": ("card.jpg", jpeg, "image/jpeg")}
    encoded = base64.b64encode(jpeg).decode()
    v1 = real_client.post("/v1/ktp?withPolygon=true", files=files).json()
    assert v1["status"] == "SUCCESS" and v1["fields"]["nik"]["value"] == nik
    assert len(v1["fields"]["nik"]["polygon"]) == 4
    assert real_client.post("/ocr", files=files).json()["result"]["nik"] == nik
    assert real_client.post("/ocr/ktp", json={"filename": "card.jpg"}).json()["data"]["nik"] == nik
    assert real_client.post("/ocr/v1/ktp", files=files).json()["read"]["nik"]["value"] == nik
    nodeflux = real_client.post("/v1/analytics/ocr-ktp", json={"images": [encoded]}).json()
    assert nodeflux["job"]["result"]["result"][0]["nik"] == nik
    kredibel = real_client.post("/v1/ocr/id/ktp", json={"image": encoded}).json()
    assert kredibel["data"]["result"]["identityId"] == nik


def test_crops_and_quality_come_from_the_reader(real_client: TestClient, sample: tuple[bytes, str]) -> None:
    data = sample[0]
    v1 = real_client.post("/v1/ktp?images=true", files={"image": ("card.jpg", data)}).json()
    assert base64.b64decode(v1["images"]["photo"])[:2] == b"\xff\xd8"  # a JPEG
    assert v1["quality"]["is_ktp"] is True and 0 <= v1["quality"]["scores"]["is_blurred"] <= 1
    glair = real_client.post("/ocr/v1/ktp/qualities", files={"image": ("card.jpg", data)}).json()
    assert glair["images"]["photo"] and glair["images"]["sign"]
    assert glair["qualities"]["is_ktp"] is True


def test_strict_requirements_refuse_a_small_image(sample: tuple[bytes, str]) -> None:
    import cv2
    import numpy as np

    reader_module = pytest.importorskip("ktp_ocr.reader")
    small = cv2.resize(cv2.imdecode(np.frombuffer(sample[0], np.uint8), cv2.IMREAD_COLOR), (280, 280))
    body = cv2.imencode(".jpg", small)[1].tobytes()
    settings = ServiceSettings.model_validate({"requirements": "strict"})
    with TestClient(create_app(reader=reader_module.KtpReader(), settings=settings)) as client:
        answer = client.post("/v1/ktp", files={"image": ("small.jpg", body)})
    assert answer.status_code == 422
    assert answer.json()["status"] == "IMAGE_REQUIREMENT_FAILED"

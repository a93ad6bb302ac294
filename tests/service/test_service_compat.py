"""One test (or a few) per seed contract: the answer has the seed document's field names, envelope and codes."""

from __future__ import annotations

import base64
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from service_fakes import SPECIMEN_VALUES, FakeReader, image_bytes

from ktp_ocr.errors import Status
from ktp_ocr.result import FIELD_NAMES
from ktp_ocr.service.compat.seed001_flask_paddle import UploadRefused, open_upload
from ktp_ocr.service.compat.seed003_nodeflux import NODEFLUX_FIELDS
from ktp_ocr.service.middleware import REQUEST_ID_HEADER

FLASK_RESULT_KEYS = {
    "nik",
    "nama",
    "tempat_lahir",
    "tgl_lahir",
    "jenis_kelamin",
    "agama",
    "status_perkawinan",
    "pekerjaan",
    "kewarganegaraan",
    "alamat",
}
FLASK_ADDRESS_KEYS = {"name", "rt_rw", "kel_desa", "kecamatan", "kabupaten", "provinsi"}
GLAIR_READ_KEYS = {
    "agama",
    "alamat",
    "berlakuHingga",
    "golonganDarah",
    "jenisKelamin",
    "kecamatan",
    "kelurahanDesa",
    "kewarganegaraan",
    "kotaKabupaten",
    "nama",
    "nik",
    "pekerjaan",
    "provinsi",
    "rtRw",
    "statusPerkawinan",
    "tanggalLahir",
    "tempatLahir",
}
GLAIR_QUALITIES = {
    "is_blurred",
    "is_bright",
    "is_copy",
    "is_cropped",
    "is_dark",
    "is_flash",
    "is_ktp",
    "is_rotated",
    "is_taken_from_screen",
}
KREDIBEL_KEYS = {
    "identityId",
    "fullName",
    "birthPlace",
    "birthDate",
    "gender",
    "address",
    "province",
    "city",
    "district",
    "village",
    "rtrw",
    "religion",
    "maritalStatus",
    "occupation",
    "nationality",
}


def files(data: bytes | None = None) -> dict[str, tuple[str, bytes, str]]:
    return {"image": ("ktp.jpg", data if data is not None else image_bytes(), "image/jpeg")}


# --- seed 000: Flask/Tesseract POST /ocr -------------------------------------------------------------------------


def test_seed000_success_shape(client: TestClient) -> None:
    response = client.post("/ocr", files=files())
    assert response.status_code == 200
    body = response.json()
    assert body["error"] is False and body["message"] == "Proses OCR Berhasil"
    assert set(body["result"]) == FLASK_RESULT_KEYS | {"time_elapsed"}
    assert set(body["result"]["alamat"]) == FLASK_ADDRESS_KEYS
    assert body["result"]["tgl_lahir"] == SPECIMEN_VALUES["tanggal_lahir"]
    assert body["result"]["alamat"]["kabupaten"] == SPECIMEN_VALUES["kabupaten_kota"]
    float(body["result"]["time_elapsed"])


@pytest.mark.parametrize(
    ("outcome", "data", "message"),
    [
        (None, None, "Foto wajib ada"),
        (Status.CARD_NOT_FOUND, image_bytes(), "Foto yang diunggah haruslah foto E-KTP"),
        (None, b"garbage", "Maaf, KTP tidak terdeteksi"),
    ],
)
def test_seed000_errors(
    client: TestClient, fake_reader: FakeReader, outcome: Status | None, data: bytes | None, message: str
) -> None:
    fake_reader.outcome = outcome
    response = client.post("/ocr", files=files(data)) if data is not None else client.post("/ocr")
    assert response.status_code == 200  # the original answers 200 and flags the error in the body
    assert response.json() == {"error": True, "message": message}


# --- seed 001: Flask/PaddleOCR POST /ocr/ktp {"filename"} ----------------------------------------------------------


@pytest.fixture
def uploads(tmp_path: Path) -> Path:
    folder = tmp_path / "uploads"
    folder.mkdir()
    (folder / "ktp_sample.jpg").write_bytes(image_bytes())
    (tmp_path / "secret.jpg").write_bytes(image_bytes())
    return folder


def test_seed001_success_shape(make_client: Callable[..., TestClient], uploads: Path) -> None:
    client = make_client(uploads_dir=uploads)
    response = client.post("/ocr/ktp", json={"filename": "ktp_sample.jpg"})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == 200 and body["error"] is False and body["message"] == "Process OCR Successfully"
    assert set(body["data"]) == FLASK_RESULT_KEYS and set(body["data"]["alamat"]) == FLASK_ADDRESS_KEYS


@pytest.mark.parametrize(
    ("kwargs", "code", "message"),
    [
        ({"content": b"nope", "headers": {"content-type": "text/plain"}}, 400, "Bad Request: Missing JSON body"),
        ({"json": {}}, 400, "Bad Request: 'filename' key is missing"),
        ({"json": {"filename": "../secret.jpg"}}, 400, "must name a file inside"),
        ({"json": {"filename": "/etc/passwd"}}, 400, "must name a file inside"),
        ({"json": {"filename": "a\x00b"}}, 400, "must name a file inside"),
        ({"json": {"filename": "missing.jpg"}}, 404, "File not found: missing.jpg"),
    ],
)
def test_seed001_errors(
    make_client: Callable[..., TestClient], uploads: Path, kwargs: dict[str, object], code: int, message: str
) -> None:
    client = make_client(uploads_dir=uploads)
    response = client.post("/ocr/ktp", **kwargs)
    assert response.status_code == code
    body = response.json()
    assert body["status"] == code and body["error"] is True and message in body["message"]


def test_seed001_symlink_out_is_refused(uploads: Path) -> None:
    (uploads / "link.jpg").symlink_to(uploads.parent / "secret.jpg")
    with pytest.raises(UploadRefused):
        open_upload(uploads, "link.jpg")
    os.close(open_upload(uploads, "ktp_sample.jpg"))
    with pytest.raises(FileNotFoundError):
        open_upload(None, "ktp_sample.jpg")


def test_seed001_unreadable_image_is_typed(make_client: Callable[..., TestClient], uploads: Path) -> None:
    (uploads / "bad.jpg").write_bytes(b"not an image")
    response = make_client(uploads_dir=uploads).post("/ocr/ktp", json={"filename": "bad.jpg"})
    assert response.status_code == 415
    assert response.json()["message"] == "Could not extract data from the image."


# --- seed 002: GLAIR ----------------------------------------------------------------------------------------------


def test_seed002_shape(client: TestClient) -> None:
    body = client.post("/ocr/v1/ktp", files=files()).json()
    assert body["status"] == "SUCCESS"
    assert body["reason"] in {"File Successfully Read", "File successfully read. Some fields are invalid."}
    assert set(body["images"]) == {"photo", "sign"}
    assert set(body["read"]) == GLAIR_READ_KEYS
    assert body["read"]["nik"] == {"confidence": 96, "value": SPECIMEN_VALUES["nik"]}
    assert "qualities" not in body


def test_seed002_optional_fields_and_qualities(client: TestClient) -> None:
    query = "withRawText=true&withConfidenceField=true&withPolygon=true"
    body = client.post(f"/ocr/v1/ktp/qualities?{query}", files=files()).json()
    nik = body["read"]["nik"]
    assert set(nik) == {"confidence", "confidence_field", "polygon", "raw_text", "value"}
    assert len(nik["polygon"]) == 1 and len(nik["polygon"][0]) == 4
    assert set(body["qualities"]) == GLAIR_QUALITIES and body["qualities"]["is_ktp"] is True


def test_seed002_statuses(client: TestClient, fake_reader: FakeReader) -> None:
    response = client.post("/ocr/v1/ktp")
    assert (response.status_code, response.json()["status"]) == (400, "NO_FILE")
    assert response.json()["reason"] == "No file in request body"
    response = client.post("/ocr/v1/ktp", files=files(b"plain text"))
    assert (response.status_code, response.json()["reason"]) == (415, "Failed to process invalid request")
    fake_reader.outcome = Status.CARD_NOT_FOUND
    plain = client.post("/ocr/v1/ktp", files=files()).json()
    assert plain["status"] == "SUCCESS" and plain["reason"] == "File successfully read. Some fields are invalid."
    qualities = client.post("/ocr/v1/ktp/qualities", files=files())
    assert (qualities.status_code, qualities.json()["status"]) == (200, "UNRECOGNIZED_DOCUMENT_TYPE")
    fake_reader.outcome = Status.MULTIPLE_DOCUMENTS_DETECTED
    multiple = client.post("/ocr/v1/ktp/qualities", files=files()).json()
    assert multiple["reason"] == "Multiple documents detected."


# --- seed 003: Nodeflux -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("route", ["/v1/analytics/ocr-ktp", "/v1/nodeflux/ocr-ktp"])
def test_seed003_job_envelope(client: TestClient, route: str) -> None:
    encoded = "data:image/jpeg;base64," + base64.b64encode(image_bytes()).decode()
    response = client.post(route, json={"images": [encoded]}, headers={REQUEST_ID_HEADER: "job-1"})
    body = response.json()
    assert response.status_code == 200 and body["ok"] is True and body["message"] == "OCR_KTP Service Success"
    job = body["job"]
    assert job["id"] == "job-1"
    assert job["result"]["status"] == "success" and job["result"]["analytic_type"] == "OCR_KTP"
    (item,) = job["result"]["result"]
    assert item.pop("image_quality") == {"sharpness": True, "brightness": True, "specularity": False}  # fake: glare
    assert item == {name: SPECIMEN_VALUES[name] for name in NODEFLUX_FIELDS}  # Nodeflux names fields as we do
    assert set(NODEFLUX_FIELDS) == set(FIELD_NAMES) - {"tempat_terbit", "tanggal_terbit"}  # all but the issue's


def test_seed003_failure(client: TestClient, fake_reader: FakeReader) -> None:
    fake_reader.outcome = Status.TEXT_NOT_FOUND
    response = client.post("/v1/analytics/ocr-ktp", files=files())
    body = response.json()
    assert response.status_code == 422 and body["ok"] is False and body["job"]["result"]["status"] == "failed"
    assert body["job"]["result"]["result"] == []


# --- seed 004: Kredibel -------------------------------------------------------------------------------------------


def test_seed004_success_shape(client: TestClient, fake_reader: FakeReader) -> None:
    payload = {
        "image": base64.b64encode(image_bytes()).decode(),
        "cardDetect": False,
        "passCardDetect": False,
        "flipImage": True,
        "checkFlipImage": True,
        "validateResult": True,
    }
    response = client.post("/v1/ocr/id/ktp", json=payload)
    assert response.status_code == 200
    data = response.json()["data"]
    assert set(data["result"]) == KREDIBEL_KEYS and data["result"]["identityId"] == SPECIMEN_VALUES["nik"]
    assert data["information"] == {"tilt": 0.0, "cardDetected": True, "flipped": False}
    assert data["validation"]["identityId"] is True
    options = fake_reader.calls[-1]
    assert options is not None and (options.card_detect, options.pass_card_detect, options.flip_image) == (
        False,
        False,
        True,
    )


@pytest.mark.parametrize(
    ("outcome", "image", "code", "error_type"),
    [
        (None, "!!!!", 400, "invalid_base64_encoding"),
        (Status.CARD_NOT_FOUND, None, 422, "card_not_found"),
        (Status.TEXT_NOT_FOUND, None, 422, "text_not_found"),
        (Status.UNRECOGNIZED_DOCUMENT_TYPE, None, 422, "invalid_document_type"),
    ],
)
def test_seed004_error_codes(
    client: TestClient, fake_reader: FakeReader, outcome: Status | None, image: str | None, code: int, error_type: str
) -> None:
    fake_reader.outcome = outcome
    payload = {"image": image or base64.b64encode(image_bytes()).decode()}
    response = client.post("/v1/ocr/id/ktp", json=payload)
    assert response.status_code == code
    body = response.json()
    assert body["errors"]["errorType"] == error_type
    assert body["errors"]["errorId"] == response.headers[REQUEST_ID_HEADER]
    assert body["message"]


def test_seed004_validation_errors(client: TestClient) -> None:
    response = client.post("/v1/ocr/id/ktp", json={"cardDetect": "yes"})
    assert response.status_code == 400
    body = response.json()
    assert body["message"] == "Input payload validation failed."
    assert set(body["errors"]) == {"image", "cardDetect"}


def test_seed001_overlong_name_is_not_a_crash(make_client: Callable[..., TestClient], uploads: Path) -> None:
    response = make_client(uploads_dir=uploads).post("/ocr/ktp", json={"filename": "x" * 5000})
    assert response.status_code in {400, 404} and response.json()["error"] is True

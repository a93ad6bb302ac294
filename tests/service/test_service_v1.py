"""Our own contract, POST /v1/ktp, and what every route shares: envelopes, Request-Id, limits, keys, pool."""

from __future__ import annotations

import base64
import logging
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from service_fakes import SPECIMEN_VALUES, FakeReader, image_bytes

from ktp_ocr.errors import STATUS_CODES, Status
from ktp_ocr.service.errors import SERVICE_STATUSES
from ktp_ocr.service.middleware import REQUEST_ID_HEADER


def assert_envelope(response, status: str) -> None:  # type: ignore[no-untyped-def]
    body = response.json()
    assert body["status"] == status, body
    assert isinstance(body["reason"], str) and body["reason"]
    expected = SERVICE_STATUSES[status].http if status in SERVICE_STATUSES else STATUS_CODES[Status(status)].http
    assert response.status_code == expected
    assert response.headers[REQUEST_ID_HEADER]
    assert "Traceback" not in response.text


def test_multipart_success_returns_the_result(client: TestClient, jpeg: bytes) -> None:
    response = client.post("/v1/ktp", files={"image": ("card.jpg", jpeg, "image/jpeg")})
    assert_envelope(response, "SUCCESS")
    body = response.json()
    assert body["fields"]["nik"]["value"] == SPECIMEN_VALUES["nik"]
    assert "confidence" in body["fields"]["nik"]
    assert "raw_text" not in body["fields"]["nik"] and "polygon" not in body["fields"]["nik"]
    assert "quality" in body  # the reader's verdicts, as the reader gives them
    assert "images" not in body


def test_json_base64_and_raw_body(client: TestClient, jpeg: bytes) -> None:
    encoded = base64.b64encode(jpeg).decode()
    assert client.post("/v1/ktp", json={"image": encoded}).json()["status"] == "SUCCESS"
    assert client.post("/v1/ktp", json={"image": "data:image/jpeg;base64," + encoded}).status_code == 200
    raw = client.post("/v1/ktp", content=jpeg, headers={"content-type": "image/jpeg"})
    assert raw.json()["status"] == "SUCCESS"


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "TIFF", "BMP", "PDF"])
def test_every_input_format(client: TestClient, fmt: str) -> None:
    data = image_bytes(fmt)
    assert client.post("/v1/ktp", files={"image": ("card", data)}).json()["status"] == "SUCCESS"


def test_with_switches_trim_and_extend(client: TestClient, jpeg: bytes) -> None:
    query = "withRawText=true&withPolygon=1&withConfidence=false&qualities=false&images=true&validateResult=false"
    body = client.post(f"/v1/ktp?{query}", files={"image": ("c.jpg", jpeg)}).json()
    nik = body["fields"]["nik"]
    assert nik["raw_text"] and len(nik["polygon"]) == 4 and "confidence" not in nik and "valid" not in nik
    assert "quality" not in body and "images" in body
    assert body["card"]["polygon"]


def test_reader_options_pass_through(client: TestClient, fake_reader: FakeReader, jpeg: bytes) -> None:
    client.post("/v1/ktp?cardDetect=false&passCardDetect=false&flipImage=true", files={"image": ("c.jpg", jpeg)})
    options = fake_reader.calls[-1]
    assert options is not None
    assert (options.card_detect, options.pass_card_detect, options.flip_image) == (False, False, True)
    assert options.max_file_bytes == 20 * 1024 * 1024  # limits are the server's, never the caller's


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({}, "NO_FILE"),
        ({"files": {"other": ("x.jpg", b"abc")}}, "NO_FILE"),
        ({"files": {"image": ("x.jpg", b"")}}, "NO_FILE"),
        ({"json": {}}, "NO_FILE"),
        ({"json": {"image": "@@not base64@@"}}, "INVALID_BASE64"),
        ({"json": {"image": "QUJ"}}, "INVALID_BASE64"),
        ({"json": {"image": 12}}, "INVALID_BASE64"),
        ({"json": [1, 2]}, "INVALID_REQUEST"),
        ({"content": b"{not json", "headers": {"content-type": "application/json"}}, "INVALID_REQUEST"),
        ({"files": {"image": ("x.jpg", b"definitely not an image")}}, "FILE_INVALID_FORMAT"),
        ({"files": {"image": ("x.jpg", image_bytes()[:200])}}, "FILE_INVALID_FORMAT"),
        ({"files": {"image": ("x.pdf", b"%PDF-1.4\n%%EOF")}}, "FILE_INVALID_FORMAT"),
        ({"content": b"hello", "headers": {"content-type": "text/plain"}}, "FILE_INVALID_FORMAT"),
        ({"content": b"--x\r\n", "headers": {"content-type": "multipart/form-data"}}, "INVALID_REQUEST"),
    ],
)
def test_bad_inputs_are_typed(client: TestClient, kwargs: dict[str, object], status: str) -> None:
    assert_envelope(client.post("/v1/ktp", **kwargs), status)


def test_reader_statuses_map_to_http(client: TestClient, fake_reader: FakeReader, jpeg: bytes) -> None:
    for status in (
        Status.CARD_NOT_FOUND,
        Status.TEXT_NOT_FOUND,
        Status.UNRECOGNIZED_DOCUMENT_TYPE,
        Status.MULTIPLE_DOCUMENTS_DETECTED,
        Status.FAILED,
    ):
        fake_reader.outcome = status
        assert_envelope(client.post("/v1/ktp", files={"image": ("c.jpg", jpeg)}), status)


def test_a_crashing_reader_is_failed_without_a_trace(client: TestClient, fake_reader: FakeReader, jpeg: bytes) -> None:
    fake_reader.outcome = RuntimeError("secret 3273010101900001")
    response = client.post("/v1/ktp", files={"image": ("c.jpg", jpeg)})
    assert_envelope(response, "FAILED")
    assert "secret" not in response.text


def test_validation_errors_use_the_envelope(client: TestClient, jpeg: bytes) -> None:
    response = client.post("/v1/ktp?withPolygon=maybe", files={"image": ("c.jpg", jpeg)})
    assert_envelope(response, "INVALID_REQUEST")
    assert "withPolygon" in response.json()["reason"]
    assert_envelope(client.get("/nope"), "NOT_FOUND")
    assert_envelope(client.get("/v1/ktp"), "METHOD_NOT_ALLOWED")


def test_body_limit_declared_and_streamed(make_client: Callable[..., TestClient]) -> None:
    client = make_client(max_file_bytes=1000)
    big = image_bytes(size=(600, 600))
    assert_envelope(client.post("/v1/ktp", files={"image": ("c.jpg", big)}), "FILE_TOO_LARGE")

    def chunks() -> Iterator[bytes]:
        for _ in range(100):
            yield b"x" * 1000

    streamed = client.post("/v1/ktp", content=chunks(), headers={"content-type": "image/jpeg"})
    assert_envelope(streamed, "FILE_TOO_LARGE")


def test_pixel_limit(make_client: Callable[..., TestClient]) -> None:
    client = make_client(max_pixels=10_000)
    assert_envelope(client.post("/v1/ktp", files={"image": ("c.png", image_bytes("PNG"))}), "FILE_TOO_LARGE")


def test_request_id_kept_or_made(client: TestClient) -> None:
    assert client.get("/healthz", headers={REQUEST_ID_HEADER: "abc-123"}).headers[REQUEST_ID_HEADER] == "abc-123"
    made = client.get("/healthz", headers={REQUEST_ID_HEADER: "bad id\twith spaces"}).headers[REQUEST_ID_HEADER]
    assert made != "bad id\twith spaces" and len(made) == 32


def test_api_keys(make_client: Callable[..., TestClient], jpeg: bytes, tmp_path) -> None:  # type: ignore[no-untyped-def]
    key_file = tmp_path / "keys"
    key_file.write_text("# comment\nfilekey\n")
    client = make_client(api_keys="k1, k2", api_keys_file=key_file)
    files = {"image": ("c.jpg", jpeg)}
    assert_envelope(client.post("/v1/ktp", files=files), "UNAUTHORIZED")
    assert_envelope(client.post("/v1/ktp", files=files, headers={"x-api-key": "wrong"}), "UNAUTHORIZED")
    assert client.post("/v1/ktp", files=files, headers={"Authorization": "Bearer k2"}).status_code == 200
    assert client.post("/v1/ktp", files=files, headers={"x-api-key": "filekey"}).status_code == 200
    assert client.get("/healthz").status_code == 200 and client.get("/").status_code == 200


def test_bind_host_without_keys_is_localhost() -> None:
    from ktp_ocr.service.settings import ServiceSettings

    assert ServiceSettings(host="0.0.0.0").bind_host(frozenset()) == "127.0.0.1"
    assert ServiceSettings().bind_host(frozenset({"k"})) == "0.0.0.0"
    assert ServiceSettings(host="10.0.0.1").bind_host(frozenset({"k"})) == "10.0.0.1"


def test_full_queue_is_503_with_retry_after(make_client: Callable[..., TestClient], fake_reader: FakeReader) -> None:
    client = make_client(workers=1, queue=0)
    fake_reader.hold = True
    files = {"image": ("c.jpg", image_bytes())}
    first: list[int] = []
    worker = threading.Thread(target=lambda: first.append(client.post("/v1/ktp", files=files).status_code))
    worker.start()
    try:
        deadline = time.monotonic() + 60  # a guard against a hang, not a timing: normally milliseconds
        while not fake_reader.calls and time.monotonic() < deadline:
            time.sleep(0.01)
        busy = client.post("/v1/ktp", files=files)
        assert_envelope(busy, "BUSY")
        assert busy.headers["retry-after"] == "2"
        metrics = client.get("/metrics").text
        assert "ktp_ocr_busy_workers 1.0" in metrics
    finally:
        fake_reader.delay.set()
        worker.join(10)
    assert first == [200]


def test_time_limit(make_client: Callable[..., TestClient], fake_reader: FakeReader) -> None:
    client = make_client(timeout_s=0.2)
    fake_reader.hold = True
    try:
        response = client.post("/v1/ktp", files={"image": ("c.jpg", image_bytes())})
        assert_envelope(response, "TIMEOUT")
        assert "retry-after" in response.headers
    finally:
        fake_reader.delay.set()


def test_probes_docs_and_metrics(client: TestClient, jpeg: bytes) -> None:
    assert client.get("/healthz").json()["status"] == "OK"
    assert client.get("/readyz").json()["status"] == "READY"
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/v1/ktp", "/ocr", "/ocr/ktp", "/ocr/v1/ktp", "/ocr/v1/ktp/qualities", "/v1/ocr/id/ktp"} <= set(paths)
    client.post("/v1/ktp", files={"image": ("c.jpg", jpeg)})
    text = client.get("/metrics").text
    assert 'ktp_ocr_read_status_total{status="SUCCESS"} 1.0' in text
    assert 'ktp_ocr_http_requests_total{code="200",method="POST",route="/v1/ktp"}' in text
    assert "ktp_ocr_http_request_duration_seconds_bucket" in text and "ktp_ocr_queue_depth" in text


def test_logs_mask_nik_and_name(client: TestClient, jpeg: bytes, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="ktp_ocr"):
        client.post("/v1/ktp", files={"image": ("c.jpg", jpeg)})
    text = caplog.text
    assert "read SUCCESS" in text
    assert SPECIMEN_VALUES["nik"] not in text and SPECIMEN_VALUES["nama"] not in text
    nik = SPECIMEN_VALUES["nik"]
    assert nik[:2] + "*" * 12 + nik[-2:] in text  # the province code and two digits: enough to tell lines apart


def test_not_ready_without_reader(monkeypatch: pytest.MonkeyPatch, jpeg: bytes) -> None:
    from ktp_ocr.service.app import create_app
    from ktp_ocr.service.settings import ServiceSettings
    from ktp_ocr.service.state import ReaderHolder

    monkeypatch.setattr(ReaderHolder, "start_loading", lambda self: None)
    with TestClient(create_app(settings=ServiceSettings())) as client:
        assert_envelope(client.get("/readyz"), "NOT_READY")
        assert_envelope(client.post("/v1/ktp", files={"image": ("c.jpg", jpeg)}), "NOT_READY")


def test_decompression_bomb_is_file_too_large(client: TestClient) -> None:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 50_000, 50_000, 1, 0, 0, 0, 0)
    bomb = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 10_000))
        + chunk(b"IEND", b"")
    )
    assert_envelope(client.post("/v1/ktp", files={"image": ("bomb.png", bomb)}), "FILE_TOO_LARGE")


def test_a_requests_review_target_reaches_the_reader_and_one_out_of_range_is_400(client: TestClient) -> None:
    from ktp_ocr.service.reqopts import ReadRequest
    from ktp_ocr.service.settings import ServiceSettings

    base = ServiceSettings(review_error_rate=0.02).reader_options()
    assert base.review_error_rate == 0.02
    assert ReadRequest(review_error_rate=0.001).reader_options(base).review_error_rate == 0.001
    assert ReadRequest().reader_options(base).review_error_rate == 0.02
    answer = client.post("/v1/ktp?reviewErrorRate=2", content=b"x", headers={"content-type": "image/jpeg"})
    assert answer.status_code == 400 and "reviewErrorRate" in answer.json()["reason"]

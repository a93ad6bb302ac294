"""Hostile requests: a body is never read for a request refused BUSY, and what a client breaks is a 4xx.

These drive the ASGI app directly with a ``receive`` that counts its calls (and can disconnect or stall), so the
tests see exactly how much of a body the service asked for. No timing thresholds: a stalled body never arrives.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from asgi_calls import Exchange, call, service
from fastapi import FastAPI
from fastapi.testclient import TestClient
from service_fakes import FakeReader, image_bytes

from ktp_ocr.service.app import create_app
from ktp_ocr.service.errors import CLIENT_CLOSED, SERVICE_STATUSES, ServiceError
from ktp_ocr.service.memory import trim_heap, tune_malloc
from ktp_ocr.service.pool import OcrPool, Reservation
from ktp_ocr.service.settings import ServiceSettings

BOUNDARY = "hostileboundary"


def multipart(data: bytes, field: str = "image") -> tuple[bytes, str]:
    body = (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; filename="c.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={BOUNDARY}"


def json_image(key: str = "image", listed: bool = False) -> tuple[bytes, str]:
    encoded = base64.b64encode(image_bytes()).decode()
    return json.dumps({key: [encoded] if listed else encoded}).encode(), "application/json"


# Every OCR route, with a body it accepts. The last one (seed 001) reads a small JSON naming a file, then the file.
OCR_ROUTES: dict[str, Callable[[], tuple[bytes, str]]] = {
    "/v1/ktp": lambda: multipart(image_bytes()),
    "/ocr": lambda: multipart(image_bytes()),
    "/ocr/v1/ktp": lambda: multipart(image_bytes()),
    "/ocr/v1/ktp/qualities": lambda: multipart(image_bytes()),
    "/v1/analytics/ocr-ktp": lambda: json_image("images", listed=True),
    "/v1/nodeflux/ocr-ktp": lambda: json_image("images", listed=True),
    "/v1/ocr/id/ktp": lambda: json_image(),
    "/ocr/ktp": lambda: (json.dumps({"filename": "card.jpg"}).encode(), "application/json"),
}
READS_JSON_FIRST = {"/ocr/ktp"}  # its JSON names a file and is read before the place is taken


def assert_status(exchange: Exchange, status: str) -> None:
    body = json.loads(exchange.body)
    assert body["status"] == status, body
    assert exchange.status == SERVICE_STATUSES[status].http
    assert "Traceback" not in exchange.body.decode()


# --- 500s that were a client's mistake -------------------------------------------------------------------------


def test_a_json_integer_over_the_digit_limit_is_invalid_request(client: TestClient) -> None:
    body = b'{"image": ' + b"9" * 5000 + b"}"
    response = client.post("/v1/ktp", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["status"] == "INVALID_REQUEST"
    kredibel = client.post("/v1/ocr/id/ktp", content=body, headers={"content-type": "application/json"})
    assert kredibel.status_code == 400  # Kredibel's own validation envelope, not a 500


def test_a_boundary_over_256_characters_is_invalid_request(client: TestClient) -> None:
    boundary = "b" * 300
    body = f'--{boundary}\r\nContent-Disposition: form-data; name="image"\r\n\r\nx\r\n--{boundary}--\r\n'
    headers = {"content-type": f"multipart/form-data; boundary={boundary}"}
    response = client.post("/v1/ktp", content=body.encode(), headers=headers)
    assert response.status_code == 400
    assert response.json()["status"] == "INVALID_REQUEST"
    assert client.post("/ocr", content=body.encode(), headers=headers).status_code == 400  # not a 500 either


def test_a_client_leaving_mid_body_is_499_not_a_server_error(
    make_app: Callable[..., FastAPI], caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app()
    body, content_type = multipart(image_bytes())

    async def scenario() -> tuple[list[Exchange], str]:
        gone = [
            await call(app, path, Exchange([body[:100]], then="disconnect"), content_type)
            for path in ("/v1/ktp", "/ocr", "/v1/analytics/ocr-ktp")
        ]
        gone.append(
            await call(app, "/v1/ocr/id/ktp", Exchange([b'{"image": "QUJ'], then="disconnect"), "application/json")
        )
        metrics = await call(app, "/metrics", Exchange([b""]), method="GET")
        return gone, metrics.body.decode()

    with caplog.at_level(logging.INFO, logger="ktp_ocr"):
        gone, metrics = asyncio.run(scenario())
    assert all(exchange.status == CLIENT_CLOSED for exchange in gone)
    assert f'code="{CLIENT_CLOSED}"' in metrics
    assert not [line for line in metrics.splitlines() if 'code="5' in line and line.startswith("ktp_ocr_http")]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert service(app).pool.admitted == 0  # every place given back


def test_a_body_over_the_limit_mid_stream_stays_413(make_app: Callable[..., FastAPI]) -> None:
    app = make_app(max_file_bytes=1000)
    chunks = [b"x" * 20_000] * 5  # 100 kB, no Content-Length: over the 66,869-byte body limit while streaming

    async def scenario() -> list[Exchange]:
        return [
            await call(app, "/v1/ktp", Exchange(list(chunks)), "image/jpeg"),
            await call(app, "/ocr", Exchange(list(chunks)), "image/jpeg"),
        ]

    v1, seed000 = asyncio.run(scenario())
    assert v1.status == 413 and json.loads(v1.body)["status"] == "FILE_TOO_LARGE"
    assert seed000.status == 200 and json.loads(seed000.body)["error"] is True  # seed 000 answers every failure 200


def test_a_stalled_body_times_out_and_gives_its_place_back(make_app: Callable[..., FastAPI]) -> None:
    app = make_app(body_timeout_s=0.05)
    body, content_type = multipart(image_bytes())

    async def scenario() -> Exchange:
        return await call(app, "/v1/ktp", Exchange([body[:100]], then="stall"), content_type)

    exchange = asyncio.run(scenario())
    assert exchange.status == 408
    assert_status(exchange, "REQUEST_TIMEOUT")
    assert service(app).pool.admitted == 0


# --- admission before the body ---------------------------------------------------------------------------------


@pytest.fixture
def one_place_app(make_app: Callable[..., FastAPI], tmp_path: Path) -> FastAPI:
    """One worker and no queue; the uploads folder holds card.jpg, the file seed 001's JSON names."""
    (tmp_path / "card.jpg").write_bytes(image_bytes())
    return make_app(workers=1, queue=0, uploads_dir=tmp_path)


async def post_every_ocr_route(app: FastAPI, halves: bool = False) -> AsyncIterator[tuple[str, Exchange]]:
    """Each OCR route posted its body (in two chunks with ``halves``), one after the other: (path, exchange)."""
    for path, make_body in OCR_ROUTES.items():
        body, content_type = make_body()
        chunks = [body[: len(body) // 2], body[len(body) // 2 :]] if halves else [body]
        yield path, await call(app, path, Exchange(chunks), content_type)


def test_every_ocr_route_is_refused_busy_before_its_body_is_read(
    one_place_app: FastAPI, fake_reader: FakeReader
) -> None:
    app = one_place_app
    posts = {path for path, operations in app.openapi()["paths"].items() if "post" in operations}
    assert posts == set(OCR_ROUTES)  # a new OCR route must be added here (and go through admission)

    async def scenario() -> dict[str, Exchange]:
        async with service(app).pool.admit():  # the only place is taken
            return {path: exchange async for path, exchange in post_every_ocr_route(app, halves=True)}

    answers = asyncio.run(scenario())
    for path, exchange in answers.items():
        assert exchange.status == 503, path
        assert_status(exchange, "BUSY")
        assert exchange.headers["retry-after"] == "2"
        expected_reads = 2 if path in READS_JSON_FIRST else 0
        assert exchange.receive_calls == expected_reads, path
    assert fake_reader.calls == []
    assert service(app).pool.admitted == 0


def test_every_ocr_route_reads_in_a_place_and_gives_it_back(one_place_app: FastAPI, fake_reader: FakeReader) -> None:
    app = one_place_app

    async def scenario() -> dict[str, Exchange]:
        answers = {}
        async for path, exchange in post_every_ocr_route(app):
            assert service(app).pool.admitted == 0, path
            answers[path] = exchange
        return answers

    answers = asyncio.run(scenario())
    assert all(exchange.status == 200 for exchange in answers.values()), {p: e.status for p, e in answers.items()}
    assert len(fake_reader.calls) == len(OCR_ROUTES)


def test_seed001_refuses_a_large_json_without_buffering_it(make_app: Callable[..., FastAPI], tmp_path: Path) -> None:
    app = make_app(uploads_dir=tmp_path)
    chunks = [b'{"filename": "' + b"a" * 60_000, b"a" * 60_000, b"a" * 60_000, b'"}']

    async def scenario() -> Exchange:
        return await call(app, "/ocr/ktp", Exchange(chunks), "application/json")

    exchange = asyncio.run(scenario())
    assert exchange.status == 400 and json.loads(exchange.body)["message"] == "Bad Request: Missing JSON body"
    assert exchange.receive_calls == 2  # stopped as soon as it passed 64 KiB


def test_not_ready_is_answered_before_the_body() -> None:
    app = create_app(settings=ServiceSettings())  # no reader, and the lifespan (loading) never runs
    body, content_type = multipart(image_bytes())

    async def scenario() -> Exchange:
        return await call(app, "/v1/ktp", Exchange([body]), content_type)

    exchange = asyncio.run(scenario())
    assert_status(exchange, "NOT_READY")
    assert exchange.receive_calls == 0


# --- the pool itself -------------------------------------------------------------------------------------------


def test_pool_places_are_reserved_used_once_and_given_back() -> None:
    pool = OcrPool(workers=1, queue=1, timeout_s=10)

    async def scenario() -> None:
        async with pool.admit() as first:
            assert pool.admitted == 1
            async with pool.admit():
                assert pool.admitted == 2
                with pytest.raises(ServiceError) as busy:
                    async with pool.admit():
                        pass
                assert busy.value.status == "BUSY" and busy.value.headers == {"Retry-After": "2"}
            assert pool.admitted == 1  # the unused place came back
            assert await pool.run(lambda: 42, first) == 42
            with pytest.raises(RuntimeError):
                await pool.run(lambda: 43, first)  # one read per place
        assert pool.admitted == 0
        assert await pool.run(lambda: 44) == 44  # without a reservation run takes its own
        assert pool.admitted == 0 and pool.queued == 0 and pool.running == 0

    try:
        asyncio.run(scenario())
    finally:
        pool.shutdown()


def test_the_time_limit_counts_from_when_a_worker_takes_the_read() -> None:
    """A read queued behind one that uses more than the whole limit still gets its own limit: the first is
    answered TIMEOUT, the second (a quick one, started only once the first let go) is answered."""
    pool = OcrPool(workers=1, queue=1, timeout_s=1.0)
    release = threading.Event()

    def stuck() -> str:
        release.wait(30)
        return "stuck"

    async def scenario() -> tuple[str | None, str]:
        first = asyncio.ensure_future(pool.run(stuck))
        await asyncio.sleep(0.05)  # the stuck read is on the only worker
        second = asyncio.ensure_future(pool.run(lambda: "quick"))
        with pytest.raises(ServiceError) as timed_out:
            await first
        asyncio.get_running_loop().call_later(0.5, release.set)  # the worker lets go 1.5 s after the second queued
        return timed_out.value.status, await second

    try:
        status, answer = asyncio.run(scenario())
    finally:
        release.set()
        pool.shutdown()
    assert status == "TIMEOUT"
    assert answer == "quick"


def test_a_place_is_given_back_when_the_body_fails() -> None:
    pool = OcrPool(workers=1, queue=0, timeout_s=10)

    async def scenario() -> None:
        with pytest.raises(ValueError):
            async with pool.admit() as reservation:
                assert isinstance(reservation, Reservation)
                raise ValueError("bad body")
        assert pool.admitted == 0

    try:
        asyncio.run(scenario())
    finally:
        pool.shutdown()


def test_memory_release_is_safe_to_call_anywhere() -> None:
    tuned = tune_malloc()
    assert tune_malloc() == tuned  # once per process, the same answer
    trim_heap()  # a no-op without glibc, a trim with it: never raises


# --- base64 decoding: fewer copies, the same answers -------------------------------------------------------------


def _reference_decode(text: str) -> bytes | str:
    """The decoder as it was (str operations, five copies at worst): the answer, or the error's status."""
    import binascii
    import re

    cleaned = re.sub(r"\s+", "", re.sub(r"^data:[\w.+/-]*(;[\w=.+-]+)*;base64,", "", text.strip(), count=1, flags=re.I))
    if not cleaned:
        return "NO_FILE"
    try:
        return base64.b64decode(cleaned.replace("-", "+").replace("_", "/").encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return "INVALID_BASE64"


@pytest.mark.parametrize(
    "text",
    [
        base64.b64encode(b"\xff\xfe\xfd card bytes ?>?>").decode(),
        base64.urlsafe_b64encode(b"\xff\xfe\xfd card bytes ?>?>").decode(),
        "data:image/jpeg;base64," + base64.b64encode(b"abcdef").decode(),
        "DATA:image/x-icon;charset=utf-8;base64," + base64.b64encode(b"abcdefg").decode(),
        "  QUJD\nREVG\r\n R0g=  \n",
        "QUJ",
        "QUJD=",
        "QU JD====",
        "@@not base64@@",
        "",
        "   \n\t",
        "data:image/png;base64,",
        "data:image/png;base64,   ",
        "QUJD\u00e9",
        "\u00a0\u00a0",
        "\x1cQUJD\x1f",
    ],
)
def test_base64_decoding_answers_as_before(text: str) -> None:
    from ktp_ocr.errors import KtpOcrError
    from ktp_ocr.service.uploads import decode_base64

    try:
        ours: bytes | str = decode_base64(text)
    except KtpOcrError as exc:
        ours = str(exc.status)
    assert ours == _reference_decode(text)
    if text.isascii():  # a multipart text field hands the bytes themselves
        try:
            from_bytes: bytes | str = decode_base64(text.encode())
        except KtpOcrError as exc:
            from_bytes = str(exc.status)
        assert from_bytes == ours

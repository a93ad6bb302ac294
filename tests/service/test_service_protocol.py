"""The HTTP protocol under the service: a time limit on the request head, and JSON for requests that are not HTTP.

A real uvicorn (in a thread) and raw sockets: what a slowloris client or a port scanner would send.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import pytest
from service_fakes import FakeReader
from service_server import running

from ktp_ocr.service.app import create_app
from ktp_ocr.service.errors import INVALID_REQUEST
from ktp_ocr.service.protocol import DEFAULT_HEADER_TIMEOUT_S, KtpH11Protocol, protocol_class
from ktp_ocr.service.settings import ServiceSettings

HEAD_TIMEOUT_S = 0.5
SLACK_S = 10.0  # generous: the machine may be busy; only "closed long before uvicorn's own limits" matters


@pytest.fixture(scope="module")
def address() -> Iterator[tuple[str, int]]:
    app = create_app(reader=FakeReader(), settings=ServiceSettings.model_validate({}))
    with running(app, http=protocol_class(HEAD_TIMEOUT_S)) as base:
        host, port = base.removeprefix("http://").split(":")
        yield host, int(port)


def connect(address: tuple[str, int]) -> socket.socket:
    sock = socket.create_connection(address, timeout=SLACK_S)
    sock.settimeout(SLACK_S)
    return sock


def read_until_closed(sock: socket.socket, limit_s: float = SLACK_S) -> tuple[bytes, float]:
    """Everything the server sends until it closes, and the seconds that took (socket.timeout if it never does)."""
    started = time.monotonic()
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
        if time.monotonic() - started > limit_s:
            raise AssertionError("the server kept the connection open")
    return data, time.monotonic() - started


def read_one_response(sock: socket.socket) -> bytes:
    """One whole response on a kept-alive connection (framed by Content-Length)."""
    raw = b""
    while b"\r\n\r\n" not in raw:
        chunk = sock.recv(65536)
        assert chunk, f"closed before a whole head: {raw[:200]!r}"
        raw += chunk
    _, headers, body = split_response(raw)
    while len(body) < int(headers.get("content-length", "0")):
        chunk = sock.recv(65536)
        assert chunk, "closed before the whole body"
        body += chunk
    return raw


def split_response(raw: bytes) -> tuple[str, dict[str, str], bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    headers = {name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}
    return status, headers, body


# --- the request-head time limit ------------------------------------------------------------------------------


def test_an_incomplete_head_is_closed_after_the_limit(address: tuple[str, int]) -> None:
    with connect(address) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: test\r\n")  # no blank line: the head never ends
        data, took = read_until_closed(sock)
    assert data == b""  # closed, not answered: there is no request to answer
    assert took >= HEAD_TIMEOUT_S * 0.8  # closed by the head limit, not at once; never closing fails the read


def test_a_silent_connection_is_closed_after_the_limit(address: tuple[str, int]) -> None:
    with connect(address) as sock:
        data, _ = read_until_closed(sock)  # raises if the server never closes
    assert data == b""


def test_dripping_bytes_does_not_restart_the_clock(address: tuple[str, int]) -> None:
    """Slowloris: a byte at a time, each well within the limit, still gets closed once the whole head is late."""
    head = b"GET /healthz HTTP/1.1\r\nHost: test\r\nX-Padding: " + b"a" * 200
    started = time.monotonic()
    with connect(address) as sock:
        try:
            for byte in head:
                sock.sendall(bytes([byte]))
                time.sleep(0.05)
                if time.monotonic() - started > SLACK_S:
                    break
        except (BrokenPipeError, ConnectionResetError):
            pass  # closed while we were still sending: what the test wants
        sock.settimeout(SLACK_S)
        try:
            data, _ = read_until_closed(sock)
        except ConnectionResetError:
            data = b""
    assert data == b""  # closed (a server still waiting would have failed the read)


def test_a_complete_head_stops_the_clock_and_keep_alive_restarts_it(address: tuple[str, int]) -> None:
    with connect(address) as sock:
        # The head is complete at once; the body comes later than the head limit: that is not a header timeout.
        body = b'{"filename": "x.jpg"}'
        sock.sendall(b"POST /ocr/ktp HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n")
        sock.sendall(b"Content-Length: %d\r\n\r\n" % len(body))
        time.sleep(HEAD_TIMEOUT_S * 2)
        sock.sendall(body)
        first = read_one_response(sock)
        assert first.startswith(b"HTTP/1.1 4"), first[:200]  # answered (no uploads folder): not closed at 0.5 s
        # Kept alive; the next head is timed from the end of that response.
        started = time.monotonic()
        sock.sendall(b"GET /healthz HTTP/1.1\r\n")
        data, _ = read_until_closed(sock)
    assert data == b"" and time.monotonic() - started < 4.0  # before uvicorn's keep-alive limit (5 s)


def test_a_whole_request_is_answered(address: tuple[str, int]) -> None:
    with connect(address) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
        data, _ = read_until_closed(sock)
    assert data.startswith(b"HTTP/1.1 200")


# --- requests that are not HTTP -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "garbage",
    [
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 hello TLS\r\n\r\n",
        b"THIS IS NOT HTTP\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: a\r\nBad Header Line\r\n\r\n",
    ],
)
def test_garbage_gets_the_json_envelope(address: tuple[str, int], garbage: bytes) -> None:
    with connect(address) as sock:
        sock.sendall(garbage)
        raw, _ = read_until_closed(sock)
    status, headers, body = split_response(raw)
    assert status.startswith("HTTP/1.1 400"), raw[:200]
    assert headers["content-type"] == "application/json"
    assert headers["connection"] == "close"
    assert int(headers["content-length"]) == len(body)
    payload = json.loads(body)
    assert payload["status"] == INVALID_REQUEST and payload["reason"]


def test_protocol_class_carries_its_limit() -> None:
    cls = protocol_class(3.0)
    assert issubclass(cls, KtpH11Protocol) and cls.header_timeout_s == 3.0
    assert KtpH11Protocol.header_timeout_s == DEFAULT_HEADER_TIMEOUT_S
    assert ServiceSettings.model_validate({}).header_timeout_s == DEFAULT_HEADER_TIMEOUT_S
    with pytest.raises(ValueError):
        protocol_class(0)

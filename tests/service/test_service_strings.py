"""Every string a request sends may come back in an answer: none of them may turn the answer into a 500.

JSON allows a lone surrogate (``"\\udcff"``), which no UTF-8 encoder accepts; multipart, query strings and
headers can carry bytes that are not UTF-8 at all. A seeded fuzz sends such strings in every string field of
every route, in every encoding the route takes, and checks that no answer is a server error and no traceback is
logged.
"""

from __future__ import annotations

import base64
import importlib
import json
import logging
import random
from pathlib import Path
from typing import Any
from urllib.parse import quote_from_bytes

import pytest
from fastapi.testclient import TestClient
from service_fakes import image_bytes

# What a hostile string may hold: lone surrogates (high and low), a NUL, controls, non-ASCII, path syntax.
ATOMS = ["\udcff", "\ud800", "\udfff", "\x00", "\x1b[2J", "é", "🂡", "/", "..", "\\", "%", '"', "{", " ", "a"]
BAD_BYTES = [b"\xff", b"\xed\xa0\x80", b"\xc3", b"\x80", b"\x00"]  # not UTF-8 (the second: an encoded surrogate)
JSON_KEYS = ["image", "images", "filename", "flipImage", "checkFlipImage", "validateResult", "cardDetect"]
SEED = 2026


def fuzz_strings(rng: random.Random, count: int) -> list[str]:
    return ["".join(rng.choice(ATOMS) for _ in range(rng.randint(1, 6))) for _ in range(count)]


def fuzz_bytes(rng: random.Random, count: int) -> list[bytes]:
    atoms = [*BAD_BYTES, b"a", b"/", b"."]
    return [b"".join(rng.choice(atoms) for _ in range(rng.randint(1, 6))) for _ in range(count)]


@pytest.fixture
def uploads_client(make_client: Any, tmp_path: Path) -> TestClient:
    (tmp_path / "card.jpg").write_bytes(image_bytes())
    client: TestClient = make_client(uploads_dir=tmp_path)
    return client


def post_routes(client: TestClient) -> dict[str, list[str]]:
    """Every POST route and the names of its query parameters, from the OpenAPI document."""
    routes: dict[str, list[str]] = {}
    for path, operations in client.get("/openapi.json").json()["paths"].items():
        if "post" in operations:
            routes[path] = [p["name"] for p in operations["post"].get("parameters", []) if p["in"] == "query"]
    return routes


def multipart(raw: bytes) -> tuple[bytes, str]:
    """An image part whose file name is ``raw`` and a text part whose name and value are ``raw``."""
    file_part = b'Content-Disposition: form-data; name="image"; filename="' + raw + b'"\r\n'
    file_part += b"Content-Type: image/jpeg\r\n\r\n" + image_bytes()
    text_part = b'Content-Disposition: form-data; name="' + raw + b'"\r\n\r\n' + raw
    body = b"--fuzz\r\n" + file_part + b"\r\n--fuzz\r\n" + text_part + b"\r\n--fuzz--\r\n"
    return body, "multipart/form-data; boundary=fuzz"


def post(client: TestClient, path: str, body: bytes, content_type: str | bytes) -> int:
    return client.post(path, content=body, headers={"content-type": content_type}).status_code


def string_answers(client: TestClient, path: str, query_names: list[str], text: str) -> list[int]:
    """``text`` in every JSON string field, and in every query parameter beside a valid image."""
    payload = {key: text for key in JSON_KEYS} | {"images": [text]}
    body = json.dumps(payload).encode()  # ensure_ascii: surrogates travel as \\u escapes, as JSON allows
    value = quote_from_bytes(text.encode("utf-8", "surrogatepass"))
    query = "&".join(f"{name}={value}" for name in query_names)
    return [post(client, path, body, "application/json"), post(client, f"{path}?{query}", image_bytes(), "image/jpeg")]


def byte_answers(client: TestClient, path: str, raw: bytes) -> list[int]:
    """``raw`` (not UTF-8) inside a JSON body's strings, in multipart names and values, and in the media type."""
    body = b'{"filename": "' + raw + b'", "image": "' + raw + b'", "images": ["' + raw + b'"]}'
    return [
        post(client, path, body, "application/json"),
        post(client, path, *multipart(raw)),
        post(client, path, image_bytes(), b"image/" + raw),
    ]


def test_a_lone_surrogate_filename_is_400_in_the_route_envelope(
    uploads_client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    for name in ('"\\udcff"', '"\\ud800"', '"card\\udcff.jpg"'):
        with caplog.at_level(logging.INFO):
            answer = uploads_client.post("/ocr/ktp", content=b'{"filename": ' + name.encode() + b"}")
        assert answer.status_code == 400, name
        assert answer.json()["error"] is True and "uploads folder" in answer.json()["message"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


def test_a_file_not_found_echoes_the_name_safely(uploads_client: TestClient) -> None:
    answer = uploads_client.post("/ocr/ktp", json={"filename": "no such é.jpg"})
    assert answer.status_code == 404
    assert answer.json()["message"] == "File not found: no such é.jpg"


def test_fuzzed_strings_in_every_field_of_every_route_answer_below_500(
    uploads_client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    rng = random.Random(SEED)
    routes = post_routes(uploads_client)
    assert len(routes) == 8  # a new route joins the fuzz by itself; this notices one going missing
    answers: list[tuple[str, int]] = []
    with caplog.at_level(logging.INFO):
        for path, query_names in routes.items():
            for text in fuzz_strings(rng, 6):
                answers += [(path, code) for code in string_answers(uploads_client, path, query_names, text)]
            for raw in fuzz_bytes(rng, 6):
                answers += [(path, code) for code in byte_answers(uploads_client, path, raw)]
    assert len(answers) == 8 * (6 * 2 + 6 * 3)
    assert not [answer for answer in answers if answer[1] >= 500 and answer[1] != 503]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


# Each contract route, the name its module reads through, and how its own FAILED answer looks.
CONTRACTS = {
    "/ocr": ("seed000_flask_tesseract", "read_uploaded", lambda code, body: code == 200 and body["error"] is True),
    "/ocr/ktp": ("seed001_flask_paddle", "read_with", lambda code, body: code == 500 and body["error"] is True),
    "/ocr/v1/ktp": ("seed002_glair", "read_uploaded", lambda code, body: code == 500 and body["status"] == "FAILED"),
    "/v1/analytics/ocr-ktp": ("seed003_nodeflux", "read_with", lambda code, body: code == 500 and body["ok"] is False),
    "/v1/ocr/id/ktp": ("seed004_kredibel", "read_with", lambda code, body: code == 500 and "errors" in body),
}


@pytest.mark.parametrize("path", list(CONTRACTS))
def test_an_unexpected_exception_answers_in_the_routes_own_envelope(
    uploads_client: TestClient, path: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    module_name, reads_through, looks_right = CONTRACTS[path]
    module = importlib.import_module(f"ktp_ocr.service.compat.{module_name}")

    async def broken(*_: object, **__: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(module, reads_through, broken)
    encoded = base64.b64encode(image_bytes()).decode()
    body = {"filename": "card.jpg", "image": encoded, "images": [encoded]}
    with caplog.at_level(logging.INFO):
        if path in ("/ocr", "/ocr/v1/ktp"):
            answer = uploads_client.post(path, files={"image": ("c.jpg", image_bytes())})
        else:
            answer = uploads_client.post(path, json=body)
    assert looks_right(answer.status_code, answer.json()), (answer.status_code, answer.json())
    assert not [r for r in caplog.records if r.exc_info]  # the type is logged, never a traceback
    assert any("RuntimeError" in r.getMessage() for r in caplog.records)

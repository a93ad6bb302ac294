"""A tiny stdlib HTTP client for the service scripts: 127.0.0.1 only, multipart and JSON bodies."""

from __future__ import annotations

import http.client
import json
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

ALLOWED_HOSTS = frozenset({"127.0.0.1", "localhost"})


@dataclass
class Reply:
    code: int
    body: bytes
    headers: dict[str, str]

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None


def check_local(base_url: str) -> tuple[str, int]:
    """These scripts fire malformed or heavy traffic: refuse anything but this machine."""
    parts = urlsplit(base_url)
    if parts.scheme != "http" or parts.hostname not in ALLOWED_HOSTS:
        raise SystemExit(f"refusing to target {base_url!r}: only http://127.0.0.1 is allowed")
    return "127.0.0.1", parts.port or 80


def multipart(
    field: str, data: bytes, filename: str = "ktp.jpg", content_type: str = "image/jpeg"
) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n"
    ).encode()
    return head + data + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def request(
    base_url: str,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 120.0,
) -> Reply:
    host, port = check_local(base_url)
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return Reply(response.status, response.read(), {k.lower(): v for k, v in response.getheaders()})
    finally:
        conn.close()

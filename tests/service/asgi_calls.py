"""Requests driven straight through an ASGI app, with a ``receive`` that counts its calls and can end, stall,
trickle or disconnect: the tests see exactly how much of a body the service asked for, and when."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import FastAPI

from ktp_ocr.service.state import ServiceState


class Exchange:
    """One request driven straight through the ASGI app."""

    def __init__(self, chunks: list[bytes], *, then: str = "end", gap: float = 0.0) -> None:
        self.chunks = list(chunks)
        self.then = then  # "end": the last chunk ends the body; "disconnect": the client leaves; "stall": hangs
        self.gap = gap  # seconds the client takes before each chunk (a trickle)
        self.receive_calls = 0
        self.sent: list[dict[str, Any]] = []
        self.reading = asyncio.Event()  # set at the first receive: the service started reading the body

    async def receive(self) -> dict[str, Any]:
        self.receive_calls += 1
        self.reading.set()
        if self.chunks:
            if self.gap:
                await asyncio.sleep(self.gap)
            chunk = self.chunks.pop(0)
            more = bool(self.chunks) or self.then != "end"
            return {"type": "http.request", "body": chunk, "more_body": more}
        if self.then == "stall":
            await asyncio.Event().wait()
        return {"type": "http.disconnect"}

    async def send(self, message: dict[str, Any]) -> None:
        self.sent.append(message)

    @property
    def status(self) -> int:
        return int(next(m["status"] for m in self.sent if m["type"] == "http.response.start"))

    @property
    def body(self) -> bytes:
        return b"".join(m.get("body", b"") for m in self.sent if m["type"] == "http.response.body")

    @property
    def headers(self) -> dict[str, str]:
        start = next(m for m in self.sent if m["type"] == "http.response.start")
        return {k.decode().lower(): v.decode() for k, v in start["headers"]}


async def call(
    app: FastAPI,
    path: str,
    exchange: Exchange,
    content_type: str | None = None,
    method: str = "POST",
    *,
    client: str = "127.0.0.1",
    length: int | None = None,
) -> Exchange:
    """Drive one request through the ASGI app, from ``client``, declaring ``Content-Length: length`` if given."""
    headers = [(b"host", b"testserver")]
    if content_type:
        headers.append((b"content-type", content_type.encode()))
    if length is not None:
        headers.append((b"content-length", str(length).encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": (client, 50000),
        "server": ("testserver", 80),
    }
    await app(scope, exchange.receive, exchange.send)  # type: ignore[arg-type]
    return exchange


def service(app: FastAPI) -> ServiceState:
    """The app's service state (its pool, upload slots, settings)."""
    state: ServiceState = app.state.service
    return state

"""uvicorn's HTTP/1.1 protocol (h11) with a time limit on the request head and our JSON answer to bad HTTP.

uvicorn has no header timeout: a client that opens a connection and sends its request line and headers a byte
at a time (slowloris) holds the connection, a file descriptor and a place in ``limit_concurrency`` for as long
as it likes. Here a connection whose request head is not complete ``header_timeout_s`` seconds after the
connection opened, or after the previous response on a kept-alive connection was sent, is closed. Only the head
is timed: once the head is parsed the app's own limits (the body timeout, the OCR time limit) apply.

A request that is not HTTP/1.1 at all (garbage, a bad request line, a header too large) is answered by the
protocol before any app code runs; uvicorn answers it in plain text. Here it is the service's envelope,
``{"status": "INVALID_REQUEST", "reason": ...}``, as JSON with ``Content-Length`` and ``Connection: close``.

Use :func:`protocol_class` for ``uvicorn.Config(http=...)`` / ``uvicorn.run(http=...)``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import STATUS_PHRASES, H11Protocol

from .errors import INVALID_REQUEST, envelope

DEFAULT_HEADER_TIMEOUT_S = 10.0
BAD_REQUEST_REASON = "The request is not valid HTTP/1.1."


def bad_request_body() -> bytes:
    """The JSON body of a 400 for a request the HTTP parser refused."""
    return json.dumps(envelope(INVALID_REQUEST, BAD_REQUEST_REASON)).encode("utf-8")


class KtpH11Protocol(H11Protocol):
    """:class:`H11Protocol` plus a request-head time limit and a JSON 400 for malformed requests."""

    header_timeout_s: float = DEFAULT_HEADER_TIMEOUT_S

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.header_timeout_task: asyncio.TimerHandle | None = None

    # --- the request-head timer -------------------------------------------------------------------------------

    def _arm_header_timeout(self) -> None:
        """Start the clock for the next request head, unless it already runs (more bytes must not restart it)."""
        if self.header_timeout_task is None and not self.transport.is_closing():
            self.header_timeout_task = self.loop.call_later(self.header_timeout_s, self.header_timeout_handler)

    def _cancel_header_timeout(self) -> None:
        if self.header_timeout_task is not None:
            self.header_timeout_task.cancel()
            self.header_timeout_task = None

    def _waiting_for_head(self) -> bool:
        """True while h11 has not parsed the current request's head (the peer's side is IDLE)."""
        return self.conn.their_state is h11.IDLE

    def header_timeout_handler(self) -> None:
        """The head did not arrive in time: close the connection (no response: there is no request to answer)."""
        self.header_timeout_task = None
        if self.transport.is_closing() or not self._waiting_for_head():
            return
        self.logger.info("closing a connection whose request head took longer than %.1f s", self.header_timeout_s)
        with contextlib.suppress(h11.LocalProtocolError):
            self.conn.send(h11.ConnectionClosed())
        self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_timeout()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._waiting_for_head() and not self.transport.is_closing():
            self._arm_header_timeout()  # a pipelined next request may still be partial
        else:
            self._cancel_header_timeout()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        # A kept-alive connection starts a new cycle: the next head is timed from here (pipelined requests
        # already buffered were handled by the call above and may have cancelled the timer again).
        if self._waiting_for_head() and not self.transport.is_closing():
            self._arm_header_timeout()
        else:
            self._cancel_header_timeout()

    def handle_websocket_upgrade(self, event: h11.Request) -> None:
        self._cancel_header_timeout()  # the transport goes to another protocol: this timer must not close it
        super().handle_websocket_upgrade(event)

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_header_timeout()
        super().connection_lost(exc)

    def shutdown(self) -> None:
        self._cancel_header_timeout()
        super().shutdown()

    # --- malformed requests -----------------------------------------------------------------------------------

    def send_400_response(self, msg: str) -> None:
        """uvicorn's plain-text 400, as the service's JSON envelope (same status line, Connection: close)."""
        self._cancel_header_timeout()
        body = bad_request_body()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode("ascii")),
            (b"connection", b"close"),
        ]
        response = h11.Response(status_code=400, headers=headers, reason=STATUS_PHRASES[400])
        try:
            self.transport.write(self.conn.send(response) or b"")
            self.transport.write(self.conn.send(h11.Data(data=body)) or b"")
            self.transport.write(self.conn.send(h11.EndOfMessage()) or b"")
        except h11.LocalProtocolError:  # a response was already under way: nothing valid can be added to it
            pass
        self.transport.close()


def protocol_class(header_timeout_s: float = DEFAULT_HEADER_TIMEOUT_S) -> type[KtpH11Protocol]:
    """The protocol class to hand to uvicorn (``http=``), with this request-head time limit in seconds."""
    if not header_timeout_s > 0:
        raise ValueError(f"header_timeout_s must be > 0, got {header_timeout_s}")
    return type("KtpH11Protocol", (KtpH11Protocol,), {"header_timeout_s": float(header_timeout_s)})

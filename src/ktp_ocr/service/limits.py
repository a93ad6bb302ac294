"""Request bodies: a byte limit, a minimum rate, and a bound on the bodies being received at once.

An upload is cheap to hold and a read is expensive, so the two are bounded apart. A request receiving its body
holds an *upload slot*, not a place in the OCR pool (:mod:`.pool`): a route reads the whole body first and takes
a pool place only once the body is in. Upload slots are bounded in bytes over all clients (memory) and in number
per client address, and every body must keep a minimum rate, on every route:

- **size**: a declared ``Content-Length`` over the limit is refused before a byte is read (the middleware); a
  chunked or lying body is cut off as soon as it passes the limit (:class:`BodyTooLargeError`, 413);
- **rate**: after a grace period a body must keep arriving at ``min_rate`` bytes a second on average, and be
  complete within ``timeout_s`` whatever its rate (Apache's ``mod_reqtimeout`` ``body=grace,MinRate=rate`` is
  the model): a client that trickles or stalls gets 408 ``REQUEST_TIMEOUT`` and its slot back. Ten or fifty
  sockets sending 50 bytes a second are gone after the grace, and never held a read place;
- **slots**: the bytes received of the bodies still arriving stay under ``budget_bytes`` over all clients (a
  chunk that would pass it is refused, 503 ``BUSY``), and one client address holds at most ``per_client``
  uploads at once (else 429 ``TOO_MANY_UPLOADS``). Bytes are counted as they arrive, not as declared: a socket
  that declares a large body and trickles holds almost nothing, and to hold the budget a client must send it.

The pixel limit is the decoder's (:mod:`ktp_ocr.decode` checks the header before decoding).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from dataclasses import dataclass

from starlette.types import Message, Receive, Scope

from ..errors import FileTooLargeError, size_text
from .errors import BUSY, REQUEST_TIMEOUT, TOO_MANY_UPLOADS, ServiceError

RETRY_AFTER_S = 2


class BodyTooLargeError(FileTooLargeError):
    """The request body passed the service's byte limit (FILE_TOO_LARGE, 413)."""


class BodyTimeoutError(ServiceError):
    """The body fell below the minimum rate or passed the body time limit (REQUEST_TIMEOUT, 408)."""

    def __init__(self) -> None:
        super().__init__(REQUEST_TIMEOUT, headers={"Connection": "close"})


@dataclass(frozen=True)
class BodyPolicy:
    """The limits every request body is held to (from :class:`.settings.ServiceSettings`)."""

    max_bytes: int
    timeout_s: float = 60.0
    grace_s: float = 10.0
    min_rate: float = 1024.0  # bytes per second, on average, once the grace is over
    budget_bytes: int = 0  # bytes of bodies being received at once, all clients; 0: no bound
    per_client: int = 0  # uploads one client address may have open at once; 0: no bound

    def allowance_s(self, received: int) -> float:
        """Seconds a body that has sent ``received`` bytes may have taken so far."""
        return min(self.timeout_s, self.grace_s + received / self.min_rate)


def declared_length(headers: list[tuple[bytes, bytes]]) -> int | None:
    """The ``Content-Length`` header as an int, or None when absent or unparsable (then counting decides)."""
    for name, value in headers:
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def too_large_message(limit: int) -> str:
    return f"The request body exceeds the limit of {size_text(limit, up=False)}."


class UploadGate:
    """The upload slots of one server: bytes of bodies being received, and uploads open per client address."""

    def __init__(self, policy: BodyPolicy) -> None:
        self.policy = policy
        self._lock = threading.Lock()
        self._bytes = 0
        self._open: Counter[str] = Counter()

    @property
    def open_uploads(self) -> int:
        with self._lock:
            return sum(self._open.values())

    @property
    def held_bytes(self) -> int:
        with self._lock:
            return self._bytes

    def take(self, client: str) -> None:
        """Open an upload for ``client``, or refuse it (429) when the client has its share open already."""
        with self._lock:
            if self.policy.per_client and self._open[client] >= self.policy.per_client:
                raise ServiceError(TOO_MANY_UPLOADS, headers={"Retry-After": str(RETRY_AFTER_S)})
            self._open[client] += 1

    def add(self, size: int) -> None:
        """Count ``size`` more bytes received, or refuse them (503) when the bodies arriving hold the budget."""
        with self._lock:
            if self.policy.budget_bytes and self._bytes + size > self.policy.budget_bytes:
                retry = {"Retry-After": str(RETRY_AFTER_S)}
                raise ServiceError(BUSY, "Too many uploads are arriving at once; retry later.", headers=retry)
            self._bytes += size

    def give(self, client: str, size: int) -> None:
        """Close an upload that had received ``size`` bytes."""
        with self._lock:
            self._bytes -= size
            self._open[client] -= 1
            if self._open[client] <= 0:
                del self._open[client]


class BodyReceiver:
    """One request's ``receive``, held to the policy: a slot while the body arrives, the rate, the byte limit.

    The slot is taken at the first call (a route that never reads its body never takes one) and given back when
    the last body message arrives, the client leaves, or :meth:`close` runs at the end of the request. Calls
    after the body is complete (listening for a disconnect) pass through untimed.
    """

    def __init__(self, receive: Receive, scope: Scope, gate: UploadGate) -> None:
        self._receive = receive
        self._gate = gate
        self._client = str((scope.get("client") or ("-",))[0])
        self._received = 0  # bytes of this body so far, all counted in the gate while the slot is held
        self._started: float | None = None
        self._held = False
        self._done = False
        self._failure: Exception | None = None

    async def __call__(self) -> Message:
        if self._failure is not None:  # a refused body stays refused, whoever asks again
            raise self._failure
        if self._done:
            return await self._receive()
        if self._started is None:
            self._gate.take(self._client)
            self._held = True
            self._started = time.monotonic()
        remaining = self._started + self._gate.policy.allowance_s(self._received) - time.monotonic()
        if remaining <= 0:
            raise self._fail(BodyTimeoutError())
        try:
            async with asyncio.timeout(remaining):
                message = await self._receive()
        except TimeoutError:
            raise self._fail(BodyTimeoutError()) from None
        return self._account(message)

    def _fail(self, error: Exception) -> Exception:
        self.close()
        self._failure = error
        return error

    def _account(self, message: Message) -> Message:
        if message["type"] != "http.request":  # http.disconnect: the client is gone
            self.close()
            return message
        size = len(message.get("body", b""))
        if self._received + size > self._gate.policy.max_bytes:
            raise self._fail(BodyTooLargeError(too_large_message(self._gate.policy.max_bytes)))
        try:
            self._gate.add(size)
        except ServiceError as refused:
            raise self._fail(refused) from None
        self._received += size
        if not message.get("more_body", False):
            self.close()
        return message

    def close(self) -> None:
        """The body is over (complete, refused or abandoned): give the slot back, once."""
        self._done = True
        if self._held:
            self._held = False
            self._gate.give(self._client, self._received)

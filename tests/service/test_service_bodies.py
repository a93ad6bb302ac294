"""Uploads are cheap to hold, reads are expensive: a body arrives in an upload slot, never in a read place.

A slow or stalled body ends with 408 after the grace at the minimum rate (every route, ``/ocr/ktp``'s JSON
included), gives its slot back, and never keeps another client's card from being read. Slots are bounded in bytes
for everyone (503) and in number per client address (429). No timing thresholds: the trickles below would need
seconds to finish, and the limits end them after a few hundredths.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from asgi_calls import Exchange, call, service
from fastapi import FastAPI
from service_fakes import FakeReader, image_bytes

from ktp_ocr.service.limits import BodyPolicy

# A grace of 50 ms and 1 KiB/s: a body of 200 one-byte chunks 20 ms apart (4 s) is far below the rate.
FAST_LIMITS = {"body_grace_s": 0.05, "body_min_rate": 1024.0}


def trickle(body: bytes, gap: float = 0.02) -> Exchange:
    return Exchange([body[i : i + 1] for i in range(len(body))], gap=gap)


def assert_slots_free(app: FastAPI) -> None:
    uploads = service(app).uploads
    assert uploads.open_uploads == 0 and uploads.held_bytes == 0
    assert service(app).pool.admitted == 0


def test_the_allowance_grows_with_the_bytes_received_up_to_the_time_limit() -> None:
    policy = BodyPolicy(max_bytes=10_000_000, timeout_s=60.0, grace_s=10.0, min_rate=1000.0)
    assert policy.allowance_s(0) == 10.0
    assert policy.allowance_s(5_000) == 15.0
    assert policy.allowance_s(10_000_000) == 60.0  # a fast body still ends within the time limit


@pytest.mark.parametrize(
    ("path", "content_type"),
    [("/v1/ktp", "image/jpeg"), ("/v1/ocr/id/ktp", "application/json"), ("/ocr/ktp", "application/json")],
)
def test_a_body_below_the_minimum_rate_ends_with_408(
    make_app: Callable[..., FastAPI], tmp_path: Path, path: str, content_type: str
) -> None:
    app = make_app(uploads_dir=tmp_path, **FAST_LIMITS)
    exchange = trickle(b'{"filename": "card.jpg", "image": "' + b"A" * 200 + b'"}')
    asyncio.run(call(app, path, exchange, content_type))
    assert exchange.status == 408
    assert json.loads(exchange.body)["status"] == "REQUEST_TIMEOUT"
    assert exchange.chunks  # cut off long before the body was complete
    assert_slots_free(app)


def test_a_slow_upload_holds_no_read_place(make_app: Callable[..., FastAPI], fake_reader: FakeReader) -> None:
    """One worker and no queue: while a body stalls, another client's card is read at once."""
    app = make_app(workers=1, queue=0, body_grace_s=30.0)
    slow = Exchange([b"\xff\xd8"], then="stall")

    async def scenario() -> Exchange:
        stalled = asyncio.create_task(call(app, "/v1/ktp", slow, "image/jpeg"))
        await slow.reading.wait()
        assert service(app).uploads.open_uploads == 1 and service(app).pool.admitted == 0
        card = await call(app, "/v1/ktp", Exchange([image_bytes()]), "image/jpeg", client="10.0.0.2")
        stalled.cancel()
        return card

    card = asyncio.run(scenario())
    assert card.status == 200
    assert len(fake_reader.calls) == 1


def test_one_client_holds_at_most_its_share_of_uploads(make_app: Callable[..., FastAPI]) -> None:
    app = make_app(uploads_per_client=2, body_grace_s=30.0)
    held = [Exchange([b"\xff"], then="stall") for _ in range(2)]

    async def scenario() -> tuple[Exchange, Exchange]:
        tasks = [asyncio.create_task(call(app, "/v1/ktp", one, "image/jpeg")) for one in held]
        for one in held:
            await one.reading.wait()
        third = await call(app, "/v1/ktp", Exchange([image_bytes()]), "image/jpeg")
        other = await call(app, "/v1/ktp", Exchange([image_bytes()]), "image/jpeg", client="10.0.0.2")
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        return third, other

    third, other = asyncio.run(scenario())
    assert third.status == 429 and json.loads(third.body)["status"] == "TOO_MANY_UPLOADS"
    assert third.headers["retry-after"] == "2"
    assert other.status == 200
    assert_slots_free(app)


def test_the_bytes_being_received_are_bounded_for_everyone(make_app: Callable[..., FastAPI]) -> None:
    """Counted as received, not as declared: a socket that declares a large body and sends nothing holds nothing."""
    card = image_bytes()
    app = make_app(upload_budget_bytes=100_000 + len(card) // 2, body_grace_s=30.0)
    big = Exchange([b"\xff" * 50_000, b"\xff" * 50_000], then="stall")
    empty = Exchange([], then="stall")

    async def scenario() -> tuple[Exchange, Exchange]:
        declared = asyncio.create_task(call(app, "/v1/ktp", empty, "image/jpeg", length=10_000_000))
        task = asyncio.create_task(call(app, "/v1/ktp", big, "image/jpeg"))
        await asyncio.wait_for(empty.reading.wait(), 5)
        while big.chunks:
            await asyncio.sleep(0.001)
        assert service(app).uploads.held_bytes == 100_000
        refused = await call(app, "/v1/ktp", Exchange([card]), "image/jpeg", client="10.0.0.2", length=len(card))
        for one in (task, declared):
            one.cancel()
        await asyncio.gather(task, declared, return_exceptions=True)
        after = await call(app, "/v1/ktp", Exchange([card]), "image/jpeg", client="10.0.0.2", length=len(card))
        return refused, after

    refused, after = asyncio.run(scenario())
    assert refused.status == 503 and json.loads(refused.body)["status"] == "BUSY"
    assert after.status == 200  # the stalled upload's bytes were given back when it ended
    assert_slots_free(app)


def test_a_body_in_time_reads_and_gives_its_slot_back(make_app: Callable[..., FastAPI]) -> None:
    app = make_app(**FAST_LIMITS)
    card = image_bytes()
    exchange = asyncio.run(call(app, "/v1/ktp", Exchange([card[:500], card[500:]]), "image/jpeg", length=len(card)))
    assert exchange.status == 200
    assert_slots_free(app)

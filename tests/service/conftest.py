"""Fixtures for the service tests (helpers live in ``service_fakes``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from service_fakes import FakeReader, TestClient, image_bytes

from ktp_ocr.service.app import create_app
from ktp_ocr.service.settings import ServiceSettings


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "real_reader: runs the real KtpReader (slow; skipped when it cannot load)")
    config.addinivalue_line("markers", "browser: drives headless Chromium with Playwright")


@pytest.fixture
def jpeg() -> bytes:
    return image_bytes()


@pytest.fixture
def fake_reader() -> FakeReader:
    return FakeReader()


@pytest.fixture
def make_client(fake_reader: FakeReader) -> Iterator[Callable[..., TestClient]]:
    """Build a client for an app with the fake reader and the given settings overrides."""
    clients: list[TestClient] = []

    def make(**overrides: object) -> TestClient:
        settings = ServiceSettings.model_validate(overrides)  # no environment: tests are isolated
        app: FastAPI = create_app(reader=fake_reader, settings=settings)
        client = TestClient(app, raise_server_exceptions=False)
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def make_app(fake_reader: FakeReader) -> Callable[..., FastAPI]:
    """Build an app (no client, no lifespan) with the fake reader and the given settings overrides."""

    def make(**overrides: object) -> FastAPI:
        return create_app(reader=fake_reader, settings=ServiceSettings.model_validate(overrides))

    return make


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()

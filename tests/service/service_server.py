"""Run the app under a real uvicorn server on a free 127.0.0.1 port, in a thread, for browser tests."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from fastapi import FastAPI
from tests.fakes import free_port

__all__ = ["free_port", "running"]


@contextmanager
def running(app: FastAPI, http: type[asyncio.Protocol] | str = "auto") -> Iterator[str]:
    """Yield the base URL while the server runs; stop it on exit. ``http``: uvicorn's HTTP protocol (class)."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", http=http))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)

"""The HTTP service: one FastAPI app answering our own ``/v1/ktp`` contract and the five seed contracts.

Routes: ``POST /v1/ktp`` (ours), ``/ocr`` (seed 000), ``/ocr/ktp`` (seed 001), ``/ocr/v1/ktp`` and
``/ocr/v1/ktp/qualities`` (seed 002, GLAIR), ``/v1/analytics/ocr-ktp`` = ``/v1/nodeflux/ocr-ktp`` (seed 003,
Nodeflux), ``/v1/ocr/id/ktp`` (seed 004, Kredibel); ``/`` the web page, ``/docs`` ``/redoc`` ``/openapi.json``,
``/healthz``, ``/readyz``, ``/metrics``.

Layout: :mod:`.settings` (every knob, from ``KTP_OCR_*``), :mod:`.errors` (status -> HTTP, the envelope, the
handlers), :mod:`.middleware` (Request-Id, API keys, body limit, metrics, access log), :mod:`.uploads` (the image
out of multipart/JSON/raw bodies, in memory), :mod:`.pool` (bounded OCR threads, 503 + Retry-After, time limit),
:mod:`.ocr` (one read, masked log), :mod:`.routes_v1`, :mod:`.compat` (one module per contract), :mod:`.cli`.

Importing this package is cheap; FastAPI and the reader are imported only by :func:`create_app`'s module.
"""

from __future__ import annotations

__all__ = ["create_app"]


def __getattr__(name: str) -> object:
    if name == "create_app":
        from .app import create_app

        return create_app
    raise AttributeError(name)

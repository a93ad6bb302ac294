"""Compatibility routes: each seed contract (field names, envelopes, codes, messages) answered by our reader.

One module per contract; everything they share (getting the image, running the read, renaming fields, the
quality and crop defaults) lives in :mod:`._common` so no contract copies another.
"""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from . import seed000_flask_tesseract, seed001_flask_paddle, seed002_glair, seed003_nodeflux, seed004_kredibel

    return [
        seed000_flask_tesseract.router,
        seed001_flask_paddle.router,
        seed002_glair.router,
        seed003_nodeflux.router,
        seed004_kredibel.router,
    ]

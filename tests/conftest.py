"""Shared fixtures: one reader for the whole session (models load once), and where the real photos live."""

from __future__ import annotations

from pathlib import Path

import pytest

REAL_DEV = Path(__file__).resolve().parents[1] / ".." / "shared" / "ktp-real" / "dev"


@pytest.fixture(scope="session")
def reader():  # type: ignore[no-untyped-def]
    from ktp_ocr.reader import KtpReader

    return KtpReader()

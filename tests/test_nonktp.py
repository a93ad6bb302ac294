"""Images that are not a KTP (look-alike documents, photos, a blank template) must not read as one."""

from __future__ import annotations

import pytest

from ktp_ocr.errors import Status
from ktp_ocr.synth.nonktp import KINDS, render_nonktp

REFUSED = {Status.UNRECOGNIZED_DOCUMENT_TYPE, Status.TEXT_NOT_FOUND, Status.CARD_NOT_FOUND}


def test_render_is_deterministic_jpeg() -> None:
    data = render_nonktp(3, "sim")
    assert data[:2] == b"\xff\xd8" and data == render_nonktp(3, "sim")
    with pytest.raises(ValueError):
        render_nonktp(0, "ktp")


@pytest.mark.parametrize("kind", KINDS)
def test_not_read_as_ktp(reader, kind: str) -> None:  # type: ignore[no-untyped-def]
    result = reader.read(render_nonktp(1, kind))
    assert result.status in REFUSED, (kind, result.status, result.fields.values())
    if result.quality is not None:
        assert not result.quality.is_ktp, (kind, result.quality.scores)

"""One card is one card; a second card is a second document (synthetic scenes, ``ktp_ocr.synth.scene``).

A window's reflection on a glossy table, blank paper, a phone or a book beside the card is card-shaped and no
document; a second card beside or over the first is. The full measurement is ``scripts/bench_documents.py``.
"""

from __future__ import annotations

import numpy as np
import pytest

from ktp_ocr.errors import Status
from ktp_ocr.evaluation import CardLabels, score_fields
from ktp_ocr.synth.scene import render_scene


@pytest.mark.parametrize("index", range(3))
def test_one_card_beside_things_is_read_as_one(reader, index: int) -> None:  # type: ignore[no-untyped-def]
    image, entry = render_scene(0, index, "clutter")
    result = reader.read(image)
    assert result.status is Status.SUCCESS, entry["notes"]
    compared = score_fields(CardLabels.from_entry(entry), result.fields.values())
    assert sum(pair.right for pair in compared.values()) >= 15


@pytest.mark.parametrize("index", range(2))
def test_two_cards_are_two_documents(reader, index: int) -> None:  # type: ignore[no-untyped-def]
    image, entry = render_scene(0, index, "two_cards")
    assert reader.read(image).status is Status.MULTIPLE_DOCUMENTS_DETECTED, entry["notes"]


def test_scenes_depend_only_on_seed_and_index() -> None:
    for scene in ("clutter", "two_cards"):
        first, entry = render_scene(3, 1, scene)
        again, same = render_scene(3, 1, scene)
        assert np.array_equal(first, again) and entry == same
    with pytest.raises(ValueError, match="unknown scene"):
        render_scene(0, 0, "three_cards")

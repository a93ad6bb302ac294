"""An outline that took a line inside the card for a card side is checked against the card's own text.

The portrait's left edge and the line under the header are strong straight lines inside a printed card; an
outline that ends at one of them cuts rows off (everything right of or below the portrait, or the header). The
reader must find the card's real extent from its rows and read them all. Cards are the project's own renders.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ktp_ocr import layout
from ktp_ocr.decode import decode_image
from ktp_ocr.locate import Alignment
from ktp_ocr.locate import geometry as geo
from ktp_ocr.orientation import read_oriented
from ktp_ocr.synth import render_card_entry
from ktp_ocr.template import HEADER, PHOTO

# (u0, v0, u1, v1): the part of the card (card units) a wrong outline enclosed
CUTS = {
    "ends at the portrait's left edge and bottom": (0.0, 0.0, PHOTO.x0, PHOTO.y1 + 0.04),
    "starts at the line under the header": (0.0, HEADER.y1, 1.0, 1.0),
}
LOST = {
    "ends at the portrait's left edge and bottom": ("berlaku_hingga", "kewarganegaraan", "tempat_terbit"),
    "starts at the line under the header": ("provinsi", "kabupaten_kota"),
}


def _part(corners: np.ndarray, u0: float, v0: float, u1: float, v1: float) -> np.ndarray:
    """The quad of card units (u0, v0)-(u1, v1) on a card photographed with ``corners`` (TL TR BR BL)."""
    to_photo = cv2.getPerspectiveTransform(
        np.float32([[0, 0], [1, 0], [1, 1], [0, 1]]), np.asarray(corners, np.float32)
    )
    units = np.float64([[u0, v0], [u1, v0], [u1, v1], [u0, v1]])
    return geo.apply(to_photo, units)


@pytest.mark.parametrize("cut", sorted(CUTS))
def test_a_cut_outline_is_extended_to_the_card(reader, cut: str) -> None:  # type: ignore[no-untyped-def]
    data, entry = render_card_entry(5, 3, "clean")
    image = decode_image(data, reader.options)
    truth = np.asarray(entry["corners"], np.float64)
    quad = _part(truth, *CUTS[cut])
    warp = geo.card_warp_matrix(quad)
    wrong = Alignment(cv2.warpPerspective(image, warp, (geo.CARD_WIDTH, geo.CARD_HEIGHT)), warp, True, quad)
    assert (
        not layout.read_fields(reader.engine.recognize(wrong.image), wrong.image, reader.engine)
        .get(LOST[cut][0], layout.FieldText())
        .text
    )  # the wrong outline does lose the row

    reading = read_oriented(image, wrong, reader.options, reader.engine)
    side = float(np.linalg.norm(truth[1] - truth[0]))
    assert np.abs(reading.alignment.card_corners - truth).max() < 0.05 * side
    fields = layout.read_fields(reading.lines, reading.alignment.image, reader.engine)
    for name in LOST[cut]:
        assert fields[name].text, name

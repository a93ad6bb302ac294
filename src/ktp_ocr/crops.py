"""Face photo and signature cut from the upright card, as base64 JPEG.

Both sit in the card's right column at their printed places (``template.PHOTO``, ``template.SIGNATURE``); the
issue place and date printed between them are used as the boundary when they were read, so a card printed a
little higher or lower is still cut cleanly.

The face cut is the printed photo with a margin (``FACE_MARGIN``). Before the template it was a box of its own,
(0.685, 0.17, 0.965, 0.80): the same to within 0.001 on three sides, but reaching 0.80 down when the issue place
was not read, which took in the issue place's line under the photo. It now stops at the photo's margin (0.704);
where the issue place is read, it still sets the bottom as before.
"""

from __future__ import annotations

import base64

import cv2
import numpy as np

from .layout import FieldText
from .result import CardImages
from .template import PHOTO, SIGNATURE, Zone

FACE_MARGIN = (0.025, 0.03)  # card units added on each side of the printed photo (x, y)
FACE = PHOTO.grown(*FACE_MARGIN)
JPEG_QUALITY = 85


def _box_top(text: FieldText | None) -> float | None:
    return float(min(b[:, 1].min() for b in text.boxes)) if text and text.boxes else None


def _box_bottom(text: FieldText | None) -> float | None:
    return float(max(b[:, 1].max() for b in text.boxes)) if text and text.boxes else None


def _jpeg(image: np.ndarray) -> str | None:
    if image.size == 0 or min(image.shape[:2]) < 8:
        return None
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    return base64.b64encode(buf.tobytes()).decode("ascii") if ok else None


def _cut(card: np.ndarray, zone: Zone) -> np.ndarray:
    h, w = card.shape[:2]
    return card[int(zone.y0 * h) : int(zone.y1 * h), int(zone.x0 * w) : int(zone.x1 * w)]


def cut_face_and_signature(card: np.ndarray, raw: dict[str, FieldText]) -> CardImages:
    h = card.shape[0]
    place_top = _box_top(raw.get("tempat_terbit")) or _box_top(raw.get("tanggal_terbit"))
    date_bottom = _box_bottom(raw.get("tanggal_terbit"))
    face, sign = FACE, SIGNATURE
    if place_top is not None and 0.6 * h < place_top < 0.9 * h:
        face = Zone(face.x0, face.y0, face.x1, place_top / h - 0.01)
    if date_bottom is not None and 0.75 * h < date_bottom < 0.95 * h:
        sign = Zone(sign.x0, date_bottom / h + 0.005, sign.x1, sign.y1)
    return CardImages(photo=_jpeg(_cut(card, face)), sign=_jpeg(_cut(card, sign)))

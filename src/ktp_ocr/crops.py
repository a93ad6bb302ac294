"""Face photo and signature cut from the upright card, as base64 JPEG.

Both sit in the card's right column at nearly fixed places; the issue place and date printed between them are
used as the boundary when they were read, so a card printed a little higher or lower is still cut cleanly.
"""

from __future__ import annotations

import base64

import cv2
import numpy as np

from .layout import FieldText
from .result import CardImages

PHOTO_BOX = (0.685, 0.17, 0.965, 0.80)  # x0, y0, x1, y1 as shares of the upright card
SIGN_BOX = (0.68, 0.86, 0.98, 0.995)
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


def _cut(card: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    h, w = card.shape[:2]
    x0, y0, x1, y1 = box
    return card[int(y0 * h) : int(y1 * h), int(x0 * w) : int(x1 * w)]


def cut_face_and_signature(card: np.ndarray, raw: dict[str, FieldText]) -> CardImages:
    h = card.shape[0]
    place_top = _box_top(raw.get("tempat_terbit")) or _box_top(raw.get("tanggal_terbit"))
    date_bottom = _box_bottom(raw.get("tanggal_terbit"))
    x0, y0, x1, y1 = PHOTO_BOX
    if place_top is not None and 0.6 * h < place_top < 0.9 * h:
        y1 = place_top / h - 0.01
    sx0, sy0, sx1, sy1 = SIGN_BOX
    if date_bottom is not None and 0.75 * h < date_bottom < 0.95 * h:
        sy0 = date_bottom / h + 0.005
    return CardImages(photo=_jpeg(_cut(card, (x0, y0, x1, y1))), sign=_jpeg(_cut(card, (sx0, sy0, sx1, sy1))))

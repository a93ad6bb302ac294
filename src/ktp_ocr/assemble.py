"""Stage 7, assemble: everything a read found, in one ``KtpResult`` (docTR's ``DocumentBuilder`` is the model).

Raw field texts (layout), clean values (normalise), the NIK's decoding and cross-check (validate), the card's
alignment and the KTP evidence go in; the typed tree comes out, every field with its value, raw text, confidence
and polygon in the input image's pixels.
"""

from __future__ import annotations

import numpy as np

from .confidence import judge
from .errors import STATUS_CODES, Status
from .layout import FieldText
from .locate import Alignment
from .normalize import Normalized
from .result import FIELD_NAMES, CardInfo, FieldResult, KtpFields, KtpResult
from .template import ROWS
from .validate import Validation

KTP_EVIDENCE = 0.4  # below: not taken for a KTP (synthetic non-KTP documents score <= 0.34)
VALUE_FIELDS_EXPECTED = 12


def ktp_evidence(labels: int, values: dict[str, Normalized]) -> float:
    """0-1: how much of a KTP was read. Labels alone are not enough: a blank KTP template has them too."""
    filled = sum(1 for name, v in values.items() if v.value and v.valid and name != "golongan_darah")
    nik = values.get("nik")
    label_share = min(1.0, labels / len(ROWS))
    filled_share = min(1.0, filled / VALUE_FIELDS_EXPECTED)
    bonus = 0.15 if nik and nik.valid else 0.0
    return round(min(1.0, 0.45 * label_share + 0.4 * filled_share + bonus), 3)


def is_ktp(score: float) -> bool:
    """Whether a card with this ``ktp_evidence`` is taken for a KTP."""
    return score >= KTP_EVIDENCE


def build_result(
    raw: dict[str, FieldText],
    values: dict[str, Normalized],
    checked: Validation,
    alignment: Alignment,
    score: float,
    review_error_rate: float | None = 0.005,
) -> KtpResult:
    """The result of a card read to the end; ``score`` is its ``ktp_evidence``: too little of a KTP is
    ``UNRECOGNIZED_DOCUMENT_TYPE``, with the fields read still returned. Confidences are calibrated and fields
    marked for review at ``review_error_rate`` (None keeps the raw scores)."""
    warnings = list(checked.warnings)
    if alignment.other_cards:
        warnings.append(f"{alignment.other_cards} other card(s) in the image were not read")
    result = KtpResult(
        fields=build_fields(raw, values, alignment),
        nik_details=checked.details,
        card=CardInfo(
            detected=alignment.card_found,
            polygon=polygon(alignment.card_corners),
            tilt=alignment.tilt,
            mirrored=alignment.mirrored,
        ),
        warnings=warnings,
    )
    if not is_ktp(score):
        result.status = Status.UNRECOGNIZED_DOCUMENT_TYPE
        result.reason = STATUS_CODES[Status.UNRECOGNIZED_DOCUMENT_TYPE].reason
    if review_error_rate is not None:
        calibrate(result, review_error_rate)
    return result


def calibrate(result: KtpResult, error_rate: float) -> None:
    """Raw scores -> calibrated probabilities (percent), review flags and the card's decision."""
    fields = {name: result.fields.get(name).model_dump() for name in FIELD_NAMES}
    verdict = judge(fields, error_rate)
    if verdict is None:  # no model shipped: raw scores stay, and nothing is accepted unchecked
        result.review = list(FIELD_NAMES)
        return
    for name, probability in verdict.probability.items():
        field = result.fields.get(name)
        field.confidence = round(probability * 100, 1)
        field.review = name in verdict.review
    result.review = verdict.review
    result.decision = "review" if verdict.review else "accept"


def build_fields(raw: dict[str, FieldText], values: dict[str, Normalized], alignment: Alignment) -> KtpFields:
    """Each field found, by layout or by value, as a ``FieldResult``; the confidence is the recogniser's score
    scaled by the normaliser's quality."""
    fields = KtpFields()
    for name in FIELD_NAMES:
        text = raw.get(name)
        norm = values.get(name)
        if norm is None and text is None:
            continue
        score = text.score if text else 0.5
        quality = norm.quality if norm else 0.0
        setattr(
            fields,
            name,
            FieldResult(
                value=norm.value if norm else None,
                raw_text=text.text if text else None,
                confidence=round(max(0.0, min(1.0, score * quality)) * 100, 1),
                weakest_char=round(text.weakest, 4) if text and text.text else None,
                polygon=_region_polygon(text.boxes, alignment) if text else None,
                valid=bool(norm and norm.valid and norm.value),
                warnings=list(norm.warnings) if norm else ["not found"],
            ),
        )
    return fields


def polygon(points: np.ndarray) -> list[list[int]]:
    return [[round(float(x)), round(float(y))] for x, y in points]


def _region_polygon(boxes: list[np.ndarray], alignment: Alignment) -> list[list[int]] | None:
    """One line keeps its own box; a wrapped value gets the upright rectangle around its lines."""
    if not boxes:
        return None
    if len(boxes) == 1:
        return polygon(alignment.to_input(boxes[0]))
    points = np.vstack(boxes)
    (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
    return polygon(alignment.to_input(np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])))

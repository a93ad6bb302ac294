"""Calibrated confidence: the probability that a field's value is what the card prints, and accept or review.

The reader's raw evidence for a field (the recogniser's score scaled by how much the normaliser had to repair or
guess, whether the value checks out, how far it moved from the raw text, whether the NIK filled or contradicts
it, how well the rest of the card read) is turned into one number with a stated meaning: ``confidence`` is the
probability, in percent, that the value equals the printed one. A small logistic model per kind of field does it,
fitted by ``scripts/fit_confidence.py`` on synthetic captures of every profile and the dev photos (folds split by
card) and shipped as data (``data/confidence.json``); this module only applies it (numpy, no scikit-learn).

Values that cannot be right get a probability near 0 by construction, whatever the model says: an empty value
(the card prints every field), a NIK or a date that fails its own checks.

Accept or review: a field is accepted when its probability reaches the threshold at which the accepted fields'
error rate, measured on the fitting data, is at most the target (``ReaderOptions.review_error_rate``, default
0.5%); the card is ``accept`` when every field is, else ``review`` with the fields to check.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
from rapidfuzz import fuzz

from .template import FIELD_NAMES

# Kinds of field that share one model: each fails in its own way (a digit run, a date, a closed list, a region
# name snapped to the Kemendagri list; names, addresses and places each their own free text).
KINDS: dict[str, str] = {
    "nik": "nik",
    "tanggal_lahir": "date",
    "tanggal_terbit": "date",
    "berlaku_hingga": "date",
    "rt_rw": "code",
    "jenis_kelamin": "closed",
    "golongan_darah": "closed",
    "agama": "closed",
    "status_perkawinan": "closed",
    "kewarganegaraan": "closed",
    "pekerjaan": "closed",
    "provinsi": "region",
    "kabupaten_kota": "region",
    "kecamatan": "region",
    "kelurahan_desa": "region",
    "nama": "name",
    "alamat": "address",
    "tempat_lahir": "place",
    "tempat_terbit": "place",
}
# Fields whose own check decides: a NIK of the wrong length or a date that is not a date is wrong.
SELF_CHECKED = frozenset({"nik", "tanggal_lahir", "tanggal_terbit"})
IMPOSSIBLE = 0.005  # the probability given to a value that cannot be right
FEATURES = (
    "score",
    "doubt",
    "weakest",
    "weakest_doubt",
    "valid",
    "moved",
    "warned",
    "from_nik",
    "disagrees",
    "length",
    "longest_word",
    "words",
    "card_score",
)
DATA = "confidence.json"


def _doubt(score: float) -> float:
    """The distance from certainty on a log scale: 0.99 and 0.999 differ where most right values lie."""
    return float(-np.log10(max(1e-4, 1.0 - score)))


def field_features(name: str, field: Mapping[str, Any], card_score: float) -> list[float]:
    """The evidence for one field, from its raw (uncalibrated) result: the same function serves fitting and
    reading. ``field`` is a ``FieldResult`` as a dict; ``card_score`` the card's median raw score (0-1)."""
    score = float(field.get("confidence") or 0.0) / 100.0
    weakest = field.get("weakest_char")
    weakest = score if weakest is None else float(weakest)
    value = field.get("value") or ""
    raw = (field.get("raw_text") or "").strip(" :")
    warnings = " ".join(field.get("warnings") or ())
    moved = 1.0 - fuzz.ratio(raw.upper(), value.upper()) / 100.0 if raw else 1.0
    words = value.split()
    return [
        score,
        _doubt(score),
        weakest,
        _doubt(weakest),
        float(bool(field.get("valid"))),
        moved,
        float(bool(warnings)),
        float("from the NIK" in warnings or "taken from" in warnings),
        float("disagrees" in warnings),
        min(len(value), 40) / 40.0,
        min(max((len(word) for word in words), default=0), 20) / 20.0,  # glued words make one long word
        min(len(words), 8) / 8.0,
        card_score,
    ]


def card_score(fields: Mapping[str, Mapping[str, Any]]) -> float:
    """How well the card read as a whole: the median raw score of its fields (0-1)."""
    scores = [float(f.get("confidence") or 0.0) / 100.0 for f in fields.values()]
    return float(np.median(scores)) if scores else 0.0


def cannot_be_right(name: str, field: Mapping[str, Any]) -> bool:
    """An empty value (every KTP prints every field), or a NIK or date that fails its own check."""
    return not field.get("value") or (name in SELF_CHECKED and not field.get("valid"))


@dataclass(frozen=True)
class Model:
    """One logistic model per kind, and the operating curve: (threshold, error rate of the fields accepted)."""

    weights: dict[str, tuple[np.ndarray, float]]
    curve: list[tuple[float, float]]

    def probability(self, name: str, features: Sequence[float]) -> float:
        coef, intercept = self.weights[KINDS[name]]
        z = float(np.dot(coef, np.asarray(features, dtype=np.float64)) + intercept)
        return float(1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0))))

    def threshold(self, error_rate: float) -> float:
        """The lowest probability accepted so that the accepted fields' error rate stays within ``error_rate``."""
        for threshold, error in self.curve:  # ascending thresholds, so the first that meets the target
            if error <= error_rate:
                return threshold
        return 1.0  # no threshold meets it: review everything

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Model:
        weights = {
            kind: (np.asarray(entry["coef"], dtype=np.float64), float(entry["intercept"]))
            for kind, entry in data["kinds"].items()
        }
        curve = [(float(t), float(e)) for t, e in data["curve"]]
        return cls(weights, curve)


@lru_cache(maxsize=1)
def shipped_model() -> Model | None:
    """The model shipped in the package; None when it is missing (then raw scores are kept, never a crash)."""
    try:
        text = (resources.files("ktp_ocr") / "data" / DATA).read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return None
    data = json.loads(text)
    if list(data.get("features", ())) != list(FEATURES):
        return None  # fitted on other evidence: refit with scripts/fit_confidence.py
    return Model.from_json(data)


@dataclass(frozen=True)
class Verdict:
    """The calibrated probability (0-1) of each field and the fields to review."""

    probability: dict[str, float]
    review: list[str]


def judge(fields: Mapping[str, Mapping[str, Any]], error_rate: float, model: Model | None = None) -> Verdict | None:
    """Calibrate every field of a raw result (``{name: FieldResult as dict}``); None without a model."""
    model = model or shipped_model()
    if model is None:
        return None
    context = card_score(fields)
    probability: dict[str, float] = {}
    for name in FIELD_NAMES:
        field = fields.get(name, {})
        p = model.probability(name, field_features(name, field, context))
        probability[name] = min(p, IMPOSSIBLE) if cannot_be_right(name, field) else p
    threshold = model.threshold(error_rate)
    review = [name for name in FIELD_NAMES if probability[name] < threshold]
    return Verdict(probability, review)

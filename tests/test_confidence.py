"""Calibrated confidence: values that cannot be right score near 0, review flags follow the operating curve, and
the reliability measures (ECE, AUROC, coverage, cards accepted whole) compute what they say."""

from __future__ import annotations

import numpy as np
import pytest

from ktp_ocr import reliability
from ktp_ocr.confidence import FEATURES, IMPOSSIBLE, KINDS, Model, judge, shipped_model
from ktp_ocr.options import ReaderOptions
from ktp_ocr.result import FIELD_NAMES
from ktp_ocr.synth import render_sample


def sure_model(curve: list[tuple[float, float]] | None = None) -> Model:
    """A model that gives every field 0.99 (a large intercept, no weights)."""
    weights = {kind: (np.zeros(len(FEATURES)), 4.6) for kind in set(KINDS.values())}
    return Model(weights, curve or [(0.5, 0.02), (0.9, 0.004), (0.995, 0.0)])


def good_fields() -> dict[str, dict[str, object]]:
    return {
        name: {"value": "X", "raw_text": "X", "confidence": 99.0, "valid": True, "warnings": []} for name in FIELD_NAMES
    }


@pytest.mark.parametrize(
    ("name", "change"),
    [
        ("nama", {"value": None}),  # empty: every KTP prints every field
        ("nik", {"value": "12345", "valid": False}),  # a NIK that fails its own check
        ("tanggal_lahir", {"value": "31-02-19", "valid": False}),  # a date that is not a date
    ],
)
def test_a_value_that_cannot_be_right_scores_near_zero(name: str, change: dict[str, object]) -> None:
    fields = good_fields()
    fields[name] |= change
    verdict = judge(fields, 0.005, sure_model())
    assert verdict is not None
    assert verdict.probability[name] <= IMPOSSIBLE
    assert name in verdict.review
    assert all(verdict.probability[other] > 0.98 for other in FIELD_NAMES if other != name)


def test_review_follows_the_operating_curve() -> None:
    model = sure_model()
    assert model.threshold(0.005) == 0.9  # the first threshold whose accepted error meets the target
    assert model.threshold(0.0) == 0.995
    assert model.threshold(0.05) == 0.5
    verdict = judge(good_fields(), 0.005, model)
    assert verdict is not None and verdict.review == []  # 0.99 >= 0.9: every field accepted
    strict = judge(good_fields(), 0.0, model)
    assert strict is not None and strict.review == list(FIELD_NAMES)  # 0.99 < 0.995: every field to review


def test_the_shipped_model_is_there_and_fits_todays_evidence() -> None:
    model = shipped_model()
    assert model is not None, "refit with scripts/fit_confidence.py --write"
    assert set(model.weights) == set(KINDS.values())
    thresholds = [threshold for threshold, _ in model.curve]
    assert thresholds == sorted(thresholds)
    assert 0.0 < model.threshold(0.005) < 1.0


def test_a_read_reports_probabilities_review_flags_and_a_decision(reader) -> None:  # type: ignore[no-untyped-def]
    data, _ = render_sample(4)
    result = reader.read(data)
    flagged = [name for name in FIELD_NAMES if result.fields.get(name).review]
    assert result.review == flagged
    assert result.decision == ("review" if flagged else "accept")
    for name in FIELD_NAMES:
        field = result.fields.get(name)
        if not field.value:
            assert field.confidence <= 100 * IMPOSSIBLE and field.review
    raw = reader.read(data, ReaderOptions(calibrate=False))
    assert raw.decision == "review" and all(raw.fields.get(name).review for name in FIELD_NAMES)


def test_reliability_measures() -> None:
    assert reliability.auroc([0.1, 0.2, 0.8, 0.9], [False, False, True, True]) == 1.0
    assert reliability.auroc([0.9, 0.8, 0.2, 0.1], [False, False, True, True]) == 0.0
    assert reliability.auroc([0.5, 0.5], [False, True]) == 0.5
    assert reliability.auroc([0.5, 0.7], [True, True]) is None
    # 10 values at 0.8, 8 right: calibrated; 10 at 0.8, all right: off by 0.2
    assert reliability.expected_calibration_error([0.8] * 10, [True] * 8 + [False] * 2) == pytest.approx(0.0)
    assert reliability.expected_calibration_error([0.8] * 10, [True] * 10) == pytest.approx(0.2)
    curve = reliability.coverage_curve([0.9, 0.9, 0.6, 0.3], [True, True, False, True])
    assert [(c.threshold, c.coverage, c.accuracy) for c in curve] == [
        (0.9, 0.5, 1.0),
        (0.6, 0.75, pytest.approx(2 / 3)),
        (0.3, 1.0, 0.75),
    ]
    assert reliability.operating_curve([0.9, 0.9, 0.6, 0.3], [True, True, False, True])[-1] == (0.9, 0.0)
    taken = reliability.acceptance([[(True, True), (True, True)], [(True, False), (False, True)], [(True, False)]])
    assert (taken.fields, taken.accepted, taken.accepted_wrong) == (5, 4, 2)
    assert (taken.cards, taken.cards_accepted, taken.cards_accepted_wrong) == (3, 2, 1)

"""How far a confidence can be trusted: calibration error, ranking, and what accepting by it would give.

Used by ``ktp-ocr eval`` (on the confidences a read reports) and by ``scripts/fit_confidence.py`` (on the
cross-validated probabilities it fits), so both report the same numbers the same way. numpy only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

BINS = 10
CURVE_POINTS = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0)  # shares accepted shown by the text report


def expected_calibration_error(p: Sequence[float], right: Sequence[bool], bins: int = BINS) -> float:
    """Mean |accuracy - confidence| over equal-width probability bins, weighted by how many fall in each."""
    probs, hits = np.asarray(p, dtype=np.float64), np.asarray(right, dtype=np.float64)
    if probs.size == 0:
        return 0.0
    which = np.minimum((probs * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        inside = which == b
        if inside.any():
            total += inside.sum() * abs(hits[inside].mean() - probs[inside].mean())
    return float(total / probs.size)


def auroc(p: Sequence[float], right: Sequence[bool]) -> float | None:
    """Area under the ROC curve of telling right values from wrong ones by ``p`` (ties count half); None when
    every value is right or every value is wrong."""
    probs, hits = np.asarray(p, dtype=np.float64), np.asarray(right, dtype=bool)
    positives, negatives = probs[hits], probs[~hits]
    if positives.size == 0 or negatives.size == 0:
        return None
    values = np.concatenate([negatives, positives])
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    ends = np.cumsum(counts)
    ranks = ((ends - counts + 1 + ends) / 2.0)[inverse]  # tied values share their mean rank
    rank_sum = ranks[negatives.size :].sum()
    return float((rank_sum - positives.size * (positives.size + 1) / 2) / (positives.size * negatives.size))


@dataclass(frozen=True)
class CurvePoint:
    """Accepting every value with a probability at least ``threshold``: the share accepted and their accuracy."""

    threshold: float
    coverage: float
    accuracy: float


def coverage_curve(p: Sequence[float], right: Sequence[bool]) -> list[CurvePoint]:
    """One point per distinct probability, from the most confident down (coverage rising)."""
    probs, hits = np.asarray(p, dtype=np.float64), np.asarray(right, dtype=np.float64)
    order = np.argsort(-probs, kind="mergesort")
    probs, hits = probs[order], hits[order]
    cumulative = np.cumsum(hits)
    points: list[CurvePoint] = []
    for end in range(1, probs.size + 1):
        if end < probs.size and probs[end] == probs[end - 1]:
            continue  # a threshold accepts every tied value or none
        points.append(CurvePoint(float(probs[end - 1]), end / probs.size, float(cumulative[end - 1] / end)))
    return points


def operating_curve(p: Sequence[float], right: Sequence[bool]) -> list[tuple[float, float]]:
    """(threshold, error rate of the values accepted at it), thresholds ascending: what the reader ships."""
    return [(point.threshold, 1.0 - point.accuracy) for point in reversed(coverage_curve(p, right))]


def at_coverage(curve: list[CurvePoint], share: float) -> CurvePoint | None:
    """The curve's point that accepts at least ``share`` of the values."""
    return next((point for point in curve if point.coverage >= share - 1e-9), None)


def accuracy_at(curve: list[CurvePoint], shares: Sequence[float] = CURVE_POINTS) -> dict[str, float | None]:
    """Accuracy of the accepted values when accepting each share of them, most confident first."""
    points = {f"{share:.0%}": at_coverage(curve, share) for share in shares}
    return {key: None if point is None else round(point.accuracy, 4) for key, point in points.items()}


@dataclass(frozen=True)
class Acceptance:
    """What the review flags did: fields accepted and how many of them were wrong; cards accepted whole."""

    fields: int
    accepted: int
    accepted_wrong: int
    cards: int
    cards_accepted: int
    cards_accepted_wrong: int

    @property
    def coverage(self) -> float:
        return self.accepted / self.fields if self.fields else 0.0

    @property
    def accepted_accuracy(self) -> float:
        return 1.0 - self.accepted_wrong / self.accepted if self.accepted else 1.0

    @property
    def cards_share(self) -> float:
        return self.cards_accepted / self.cards if self.cards else 0.0

    @property
    def cards_all_right(self) -> float:
        """Among the cards accepted whole, the share with every field right."""
        if not self.cards_accepted:
            return 1.0
        return 1.0 - self.cards_accepted_wrong / self.cards_accepted


def acceptance(cards: Sequence[Sequence[tuple[bool, bool]]]) -> Acceptance:
    """``cards``: per card, per scored field, (accepted, right)."""
    fields = [pair for card in cards for pair in card]
    whole = [card for card in cards if card and all(accepted for accepted, _ in card)]
    return Acceptance(
        fields=len(fields),
        accepted=sum(1 for accepted, _ in fields if accepted),
        accepted_wrong=sum(1 for accepted, right in fields if accepted and not right),
        cards=len(cards),
        cards_accepted=len(whole),
        cards_accepted_wrong=sum(1 for card in whole if not all(right for _, right in card)),
    )


def summarize(
    p: Sequence[float],
    right: Sequence[bool],
    accepted: Sequence[bool],
    cards: Sequence[str],
    with_curve: bool = False,
) -> dict[str, Any]:
    """Every measure for one group of fields (per field: probability, right, accepted, its card), rounded for a
    report: what ``ktp-ocr eval`` and ``scripts/fit_confidence.py`` print and write."""
    per_card: dict[str, list[tuple[bool, bool]]] = {}
    for card, taken_one, hit in zip(cards, accepted, right, strict=True):
        per_card.setdefault(card, []).append((bool(taken_one), bool(hit)))
    taken = acceptance(list(per_card.values()))
    curve = coverage_curve(p, right)
    area = auroc(p, right)
    line: dict[str, Any] = {
        "fields": len(p),
        "accuracy": round(float(np.mean(right)), 4) if len(right) else None,
        "ece": round(expected_calibration_error(p, right), 4),
        "auroc": None if area is None else round(area, 4),
        "accepted_share": round(taken.coverage, 4),
        "accepted_accuracy": round(taken.accepted_accuracy, 4),
        "cards": taken.cards,
        "cards_accepted_whole": round(taken.cards_share, 4),
        "cards_accepted_with_a_wrong_field": taken.cards_accepted_wrong,
        "cards_accepted_all_right": round(taken.cards_all_right, 4),
        "coverage": accuracy_at(curve),
    }
    if with_curve:
        line["curve"] = [[round(c.threshold, 4), round(c.coverage, 4), round(c.accuracy, 4)] for c in curve]
    return line

"""Measure the reader against a labelled folder (``labels.json`` beside the images), real or synthetic.

The comparison is the canonical one of ``ktp-real/README.md``: upper case, single spaces, no spaces around
``. / , : -``, no leading or trailing spaces and colons; fields a label marks unreadable are not scored.
Every scorer of the project (``ktp-ocr eval``, the benchmark scripts, the tests) reads labels as :class:`CardLabels`
and compares with :func:`score_fields`.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from rapidfuzz.distance import Levenshtein

from . import reliability
from .result import FIELD_NAMES, KtpResult
from .text.chars import collapse


def canonical(value: str | None) -> str:
    return collapse(value or "")


@dataclass(frozen=True)
class CardLabels:
    """One card's entry of a ``labels.json``: the printed values and the fields too damaged to score.

    Real and synthetic sets share these keys; a synthetic set's geometry and effects (``corners``, ``boxes``,
    ``effects``) stay in ``extra``.
    """

    fields: dict[str, str | None]
    unreadable: frozenset[str] = frozenset()
    conditions: tuple[str, ...] = ()
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_entry(cls, entry: Mapping[str, Any]) -> CardLabels:
        """From one entry as ``labels.json`` (or ``synth.render_card_entry``) writes it."""
        known = ("fields", "unreadable", "conditions", "notes")
        return cls(
            fields={k: None if v is None else str(v) for k, v in entry.get("fields", {}).items()},
            unreadable=frozenset(entry.get("unreadable", ())),
            conditions=tuple(entry.get("conditions", ())),
            notes=str(entry.get("notes", "")),
            extra={k: v for k, v in entry.items() if k not in known},
        )


class Compared(NamedTuple):
    """One scored field: the labelled value and the value read (``""`` for none)."""

    expected: str
    read: str

    @property
    def right(self) -> bool:
        return canonical(self.expected) == canonical(self.read)


def score_fields(labels: CardLabels, read: Mapping[str, str | None]) -> dict[str, Compared]:
    """The fields of one card to score, in the result's order: every field but those the label marks unreadable."""
    return {
        name: Compared(labels.fields.get(name) or "", read.get(name) or "")
        for name in FIELD_NAMES
        if name not in labels.unreadable
    }


@dataclass
class CardScore:
    file: str
    status: str
    seconds: float
    timing_ms: dict[str, float]
    compared: dict[str, Compared] = field(default_factory=dict)  # field -> (expected, read)
    judged: dict[str, tuple[float, bool]] = field(default_factory=dict)  # field -> (confidence 0-1, accepted)

    @property
    def all_right(self) -> bool:
        return all(pair.right for pair in self.compared.values())


@dataclass
class Report:
    cards: list[CardScore]

    def field_accuracy(self) -> dict[str, tuple[int, int]]:
        """field -> (right, scored)."""
        table: dict[str, tuple[int, int]] = {}
        for name in FIELD_NAMES:
            pairs = [c.compared[name] for c in self.cards if name in c.compared]
            table[name] = (sum(pair.right for pair in pairs), len(pairs))
        return table

    def overall(self) -> float:
        right = sum(r for r, _ in self.field_accuracy().values())
        total = sum(n for _, n in self.field_accuracy().values())
        return right / total if total else 0.0

    def char_error_rate(self) -> float:
        pairs = [p for c in self.cards for p in c.compared.values()]
        errors = sum(Levenshtein.distance(canonical(a), canonical(b)) for a, b in pairs)
        length = sum(len(canonical(a)) for a, _ in pairs)
        return errors / length if length else 0.0

    def seconds(self) -> list[float]:
        return sorted(c.seconds for c in self.cards)

    def stage_medians(self) -> dict[str, float]:
        stages = sorted({s for c in self.cards for s in c.timing_ms})
        return {s: statistics.median(c.timing_ms.get(s, 0.0) for c in self.cards) for s in stages}

    def summary(self) -> dict[str, object]:
        secs = self.seconds()
        nik_right, nik_n = self.field_accuracy()["nik"]
        return {
            "cards": len(self.cards),
            "field_accuracy": round(self.overall(), 4),
            "nik_accuracy": round(nik_right / nik_n, 4) if nik_n else None,
            "all_fields_right": round(sum(c.all_right for c in self.cards) / len(self.cards), 4) if self.cards else 0,
            "char_error_rate": round(self.char_error_rate(), 4),
            "median_seconds": round(statistics.median(secs), 3) if secs else None,
            "p95_seconds": round(secs[min(len(secs) - 1, int(0.95 * len(secs)))], 3) if secs else None,
            "statuses": dict(Counter(c.status for c in self.cards)),
            "per_field": {k: {"right": r, "scored": n} for k, (r, n) in self.field_accuracy().items()},
            "stage_median_ms": self.stage_medians(),
        }

    def misses(self) -> Iterable[tuple[str, str, str, str]]:
        for c in self.cards:
            for name, pair in c.compared.items():
                if not pair.right:
                    yield c.file, name, pair.expected, pair.read


def load_labels(folder: Path) -> dict[str, CardLabels]:
    """``folder/labels.json``: file name -> its labels."""
    data: dict[str, dict[str, Any]] = json.loads((folder / "labels.json").read_text())
    return {name: CardLabels.from_entry(entry) for name, entry in data.items()}


def image_path(folder: Path, name: str) -> Path:
    for candidate in (folder / "images" / name, folder / name):
        if candidate.is_file():
            return candidate
    return folder / "images" / name


def evaluate(
    folder: Path, read: Callable[[Path], KtpResult], progress: Callable[[CardScore], None] | None = None
) -> Report:
    """Read every labelled image of ``folder`` and score it."""
    cards: list[CardScore] = []
    for name, labels in sorted(load_labels(folder).items()):
        result = read(image_path(folder, name))
        card = CardScore(
            file=name,
            status=str(result.status),
            seconds=result.timing_ms.get("total", 0.0) / 1000.0,
            timing_ms=result.timing_ms,
            compared=score_fields(labels, result.fields.values()),
            judged={
                name: (result.fields.get(name).confidence / 100.0, not result.fields.get(name).review)
                for name in FIELD_NAMES
            },
        )
        cards.append(card)
        if progress:
            progress(card)
    return Report(cards)


def reliability_summary(report: Report, with_curve: bool = False) -> dict[str, Any]:
    """How far the reported confidences and review flags can be trusted, per kind of field and overall."""
    from .confidence import KINDS

    groups: dict[str, list[tuple[str, str]]] = {"all": []}
    for card in report.cards:
        for name in card.compared:
            groups["all"].append((card.file, name))
            groups.setdefault(KINDS[name], []).append((card.file, name))
    by_file = {card.file: card for card in report.cards}
    summary = {group: _reliability(by_file, members, with_curve) for group, members in sorted(groups.items())}
    return summary


def _reliability(cards: Mapping[str, CardScore], members: list[tuple[str, str]], with_curve: bool) -> dict[str, Any]:
    judged = [cards[file].judged[name] for file, name in members]
    return reliability.summarize(
        [probability for probability, _ in judged],
        [cards[file].compared[name].right for file, name in members],
        [accepted for _, accepted in judged],
        [file for file, _ in members],
        with_curve,
    )


def format_reliability(summary: Mapping[str, Mapping[str, Any]]) -> str:
    """The reliability table: ECE, AUROC, what the review flags accepted, and accuracy at given coverages."""
    shares = "  ".join(f"{share:.0%}" for share in reliability.CURVE_POINTS)
    head = f"{'kind':<8} {'fields':>6} {'ECE':>6} {'AUROC':>6} {'accepted':>9} {'right':>7} {'cards':>6}"
    lines = [f"{head}  accuracy when accepting {shares}"]
    for group, s in summary.items():
        area = "-" if s["auroc"] is None else f"{s['auroc']:.3f}"
        at = "  ".join("-" if v is None else f"{v:.3f}" for v in s["coverage"].values())
        lines.append(
            f"{group:<8} {s['fields']:>6} {s['ece']:>6.3f} {area:>6} {s['accepted_share']:>9.1%} "
            f"{s['accepted_accuracy']:>7.2%} {s['cards_accepted_whole']:>6.1%}  {at}"
        )
    lines.append(
        "(cards: share accepted whole; accepted cards with a wrong field: "
        f"{summary['all']['cards_accepted_with_a_wrong_field'] if 'all' in summary else 0})"
    )
    return "\n".join(lines)


def format_report(report: Report, with_misses: bool = False) -> str:
    """The per-field table, the summary lines and the per-stage timing, as plain text."""
    s = report.summary()
    lines = [f"{'field':<20} {'right':>6} {'scored':>7} {'accuracy':>9}"]
    for name, (right, n) in report.field_accuracy().items():
        lines.append(f"{name:<20} {right:>6} {n:>7} {right / n if n else 0:>9.1%}")
    lines += [
        "",
        f"cards: {s['cards']}   statuses: {s['statuses']}",
        f"field accuracy: {report.overall():.1%}   NIK accuracy: {s['nik_accuracy']:.1%}"
        if s["nik_accuracy"] is not None
        else f"field accuracy: {report.overall():.1%}",
        f"all fields right: {s['all_fields_right']:.1%}   character error rate: {s['char_error_rate']:.2%}",
        f"seconds per image: median {s['median_seconds']}   p95 {s['p95_seconds']}",
        "median ms per stage: " + "  ".join(f"{k} {v:.0f}" for k, v in report.stage_medians().items()),
    ]
    if with_misses:
        lines += ["", "misses (file, field, expected, read):"]
        lines += [f"  {f}  {n}: {e!r} -> {g!r}" for f, n, e, g in report.misses()]
    return "\n".join(lines)

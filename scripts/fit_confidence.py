"""Fit the calibrated confidence (``src/ktp_ocr/data/confidence.json``) and report how well it holds, by card.

Inputs are labelled folders and the raw reads of their images (``ktp-ocr read --json --uncalibrated FOLDER >
FILE``): synthetic captures (``ktp-ocr synth``) of every profile and the dev photos. Each field's evidence comes
from :func:`ktp_ocr.confidence.field_features`, the very function the reader applies; its label is whether the
value equals the printed one (fields the labels mark unreadable are left out, as ``ktp-ocr eval`` does).

Cross-validation is grouped by card (no card is scored by a model that saw it): for each fold, one logistic model
per kind of field is fitted on the other folds, the operating threshold is chosen on those folds at the target
error rate, and the held-out cards are scored. Printed per set and overall: expected calibration error (10 bins),
AUROC, accuracy and share of the accepted fields, cards accepted whole and how many of those had a wrong field.
The shipped model is then fitted on everything, with the operating curve of the cross-validated probabilities.

    python scripts/fit_confidence.py --set dev=../shared/ktp-real/dev:/tmp/dev.jsonl \\
        --set mixed=/tmp/cal/mixed:/tmp/cal/mixed.jsonl --set words=/tmp/cal/words:/tmp/cal/words.jsonl \\
        [--write] [--plot /tmp/reliability.png] [--json /tmp/fit.json]
"""

from __future__ import annotations

import argparse
import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from ktp_ocr.confidence import DATA, FEATURES, IMPOSSIBLE, KINDS, cannot_be_right, card_score, field_features
from ktp_ocr.evaluation import load_labels, score_fields
from ktp_ocr.reliability import (
    coverage_curve,
    operating_curve,
    summarize,
)

ROOT = Path(__file__).resolve().parents[1]
FOLDS = 5
TARGET = 0.005


@dataclass
class Rows:
    """One row per scored field: its set, card, name, features, right, and the override (cannot be right)."""

    sets: list[str] = field(default_factory=list)
    cards: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    x: list[list[float]] = field(default_factory=list)
    y: list[bool] = field(default_factory=list)
    impossible: list[bool] = field(default_factory=list)


def load_rows(specs: list[str]) -> Rows:
    rows = Rows()
    for spec in specs:
        name, paths = spec.split("=", 1)
        folder, reads = paths.split(":", 1)
        labels = load_labels(Path(folder))
        for line in Path(reads).read_text(encoding="utf-8").splitlines():
            result = json.loads(line)
            key = Path(result["file"]).name
            if key not in labels or not result.get("fields"):
                continue
            fields: dict[str, Any] = result["fields"]
            values = {n: f.get("value") for n, f in fields.items()}
            context = card_score(fields)
            for field_name, compared in score_fields(labels[key], values).items():
                raw = fields.get(field_name, {})
                rows.sets.append(name)
                rows.cards.append(f"{name}/{key}")
                rows.names.append(field_name)
                rows.x.append(field_features(field_name, raw, context))
                rows.y.append(compared.right)
                rows.impossible.append(cannot_be_right(field_name, raw))
    return rows


def fit(x: np.ndarray, y: np.ndarray, kinds: np.ndarray, w: np.ndarray | None = None) -> dict[str, LogisticRegression]:
    """One logistic model per kind; ``w`` weighs rows (the real photos count more than one synthetic capture)."""
    w = np.ones(len(y)) if w is None else w
    models: dict[str, LogisticRegression] = {}
    for kind in sorted(set(KINDS.values())):
        mask = kinds == kind
        if len(set(y[mask])) < 2:  # every value of this kind right (or wrong): a constant model
            model = LogisticRegression()
            model.coef_ = np.zeros((1, x.shape[1]))
            model.intercept_ = np.array([4.0 if y[mask].all() else -4.0])
            model.classes_ = np.array([False, True])
        else:
            model = LogisticRegression(C=1.0, max_iter=2000).fit(x[mask], y[mask], sample_weight=w[mask])
        models[kind] = model
    return models


def predict(
    models: dict[str, LogisticRegression], x: np.ndarray, kinds: np.ndarray, impossible: np.ndarray
) -> np.ndarray:
    p = np.zeros(len(x))
    for kind, model in models.items():
        mask = kinds == kind
        if mask.any():
            p[mask] = model.predict_proba(x[mask])[:, 1]
    return np.where(impossible, np.minimum(p, IMPOSSIBLE), p)


def threshold_for(p: np.ndarray, y: np.ndarray, target: float) -> float:
    for threshold, error in operating_curve(p, y):
        if error <= target:
            return threshold
    return 1.0


def out_of_fold(
    x: np.ndarray, y: np.ndarray, kinds: np.ndarray, impossible: np.ndarray, groups: np.ndarray, w: np.ndarray
) -> np.ndarray:
    """Each card's probabilities from a model fitted on the other folds' cards."""
    p = np.zeros(len(y))
    for train, test in GroupKFold(n_splits=FOLDS).split(x, y, groups=groups):
        p[test] = predict(fit(x[train], y[train], kinds[train], w[train]), x[test], kinds[test], impossible[test])
    return p


def cross_validate(rows: Rows, target: float, operating: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold probabilities and accept decisions. Each fold's threshold comes from the out-of-fold
    probabilities of its training cards (an inner split) in the ``operating`` rows, as the shipped curve comes from
    out-of-fold ones: a threshold read off in-sample probabilities would be optimistic."""
    x, y = np.asarray(rows.x), np.asarray(rows.y)
    kinds, groups = np.asarray([KINDS[n] for n in rows.names]), np.asarray(rows.cards)
    impossible = np.asarray(rows.impossible)
    p, accepted = np.zeros(len(y)), np.zeros(len(y), dtype=bool)
    for train, test in GroupKFold(n_splits=FOLDS).split(x, y, groups=groups):
        inner = out_of_fold(x[train], y[train], kinds[train], impossible[train], groups[train], w[train])
        mine = operating[train]
        threshold = threshold_for(inner[mine], y[train][mine], target)
        p[test] = predict(fit(x[train], y[train], kinds[train], w[train]), x[test], kinds[test], impossible[test])
        accepted[test] = p[test] >= threshold
    return p, accepted


def report(rows: Rows, p: np.ndarray, accepted: np.ndarray, subset: np.ndarray, label: str) -> dict[str, Any]:
    index = np.flatnonzero(subset)
    right = [rows.y[i] for i in index]
    line = {"set": label, **summarize(p[index], right, accepted[index], [rows.cards[i] for i in index])}
    print(
        f"{label:<10} fields {line['fields']:>6}  right {line['accuracy']:.2%}  ECE {line['ece']:.4f}  "
        f"AUROC {line['auroc']}  accepted {line['accepted_share']:.1%} at {line['accepted_accuracy']:.2%} right "
        f"(at 85%: {line['coverage']['85%']})  cards whole {line['cards_accepted_whole']:.1%} of {line['cards']}, "
        f"{line['cards_accepted_all_right']:.2%} all right"
    )
    return line


def shipped(rows: Rows, p_oof: np.ndarray, sources: list[str], operating: np.ndarray, w: np.ndarray) -> dict[str, Any]:
    x, y = np.asarray(rows.x), np.asarray(rows.y)
    kinds = np.asarray([KINDS[n] for n in rows.names])
    models = fit(x, y, kinds, w)
    curve = operating_curve(p_oof[operating], y[operating])
    step = max(1, len(curve) // 400)  # a few hundred points keep the file small and the threshold exact enough
    kept = [*curve[::step], curve[-1]]
    return {
        "features": list(FEATURES),
        "kinds": {
            k: {"coef": m.coef_[0].round(6).tolist(), "intercept": round(float(m.intercept_[0]), 6)}
            for k, m in models.items()
        },
        "curve": [[round(t, 6), round(e, 6)] for t, e in kept],
        "fitted": {"date": datetime.date.today().isoformat(), "sets": sources, "fields": len(y)},
    }


def plot(path: Path, rows: Rows, p: np.ndarray) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    y = np.asarray(rows.y, dtype=float)
    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4.5))
    edges = np.linspace(0, 1, 11)
    which = np.minimum((p * 10).astype(int), 9)
    means = [(p[which == b].mean(), y[which == b].mean()) for b in range(10) if (which == b).any()]
    left.plot([0, 1], [0, 1], color="grey", linewidth=1)
    left.plot([m for m, _ in means], [a for _, a in means], marker="o")
    left.set(xlabel="confidence", ylabel="share right", title="Reliability (cross-validated)", xticks=edges[::2])
    curve = coverage_curve(p, y.astype(bool))
    right.plot([c.coverage for c in curve], [c.accuracy for c in curve])
    right.set(xlabel="share of fields accepted", ylabel="accuracy of the accepted", title="Accuracy vs coverage")
    right.set_ylim(min(0.95, min(c.accuracy for c in curve)), 1.0005)
    figure.tight_layout()
    figure.savefig(path, dpi=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", action="append", required=True, help="NAME=LABELLED_FOLDER:READS.jsonl")
    parser.add_argument("--target", type=float, default=TARGET, help="error rate of the accepted fields")
    parser.add_argument(
        "--operating",
        default="dev",
        help="the set whose cross-validated curve sets the accept threshold (default dev: real photos decide "
        "what an error rate means; 'all' for every set)",
    )
    parser.add_argument(
        "--operating-weight",
        type=float,
        default=None,
        help="weight of a field of the --operating set in the fit, against 1 for the others (default: balanced, "
        "so the real photos weigh as much in all as the synthetic captures)",
    )
    parser.add_argument("--write", action="store_true", help=f"write src/ktp_ocr/data/{DATA}")
    parser.add_argument("--plot", type=Path, help="write the reliability diagram and coverage curve (PNG)")
    parser.add_argument("--json", type=Path, help="write the report and the full coverage curve as JSON")
    args = parser.parse_args()
    rows = load_rows(args.set)
    sets = np.asarray(rows.sets)
    operating = np.ones(len(sets), dtype=bool) if args.operating == "all" else sets == args.operating
    if not operating.any():
        parser.error(f"--operating {args.operating}: no such set")
    if args.operating_weight is None:
        args.operating_weight = round(max(1.0, (~operating).sum() / operating.sum()), 2)
    weights = np.where(operating, args.operating_weight, 1.0)
    p, accepted = cross_validate(rows, args.target, operating, weights)
    lines = [report(rows, p, accepted, sets == name, name) for name in dict.fromkeys(rows.sets)]
    for kind in sorted(set(KINDS.values())):
        lines.append(report(rows, p, accepted, np.asarray([KINDS[n] == kind for n in rows.names]), f"[{kind}]"))
    lines.append(report(rows, p, accepted, np.ones(len(p), dtype=bool), "all"))
    if args.json:
        curve = [c.__dict__ for c in coverage_curve(p, np.asarray(rows.y))]
        args.json.write_text(json.dumps({"report": lines, "curve": curve}, indent=1), encoding="utf-8")
    if args.plot:
        plot(args.plot, rows, p)
    if args.write:
        names = [spec.split("=", 1)[0] for spec in args.set]
        out = ROOT / "src" / "ktp_ocr" / "data" / DATA
        out.parent.mkdir(exist_ok=True)
        model = shipped(rows, p, names, operating, weights)
        model["fitted"] |= {"operating_set": args.operating, "operating_weight": args.operating_weight}
        out.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {out}")


if __name__ == "__main__":
    main()

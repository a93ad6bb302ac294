"""Tables of ``scripts/bench_quality.py``: precision/recall, the real-photo table, reliability of the scores.

A row is one image: the set it belongs to, the expected flags (``None`` = don't care), the 0-1 score of each
check and the raw measurements. Flags are scores at or above ``FLAG_AT``, exactly as the reader raises them.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from ktp_ocr.quality import CURVES, FLAG_AT, Logistic, scores_from
from ktp_ocr.result import QUALITY_CHECKS

FLAGS = tuple(name for name in QUALITY_CHECKS if name != "is_ktp")
Row = tuple[str, dict[str, bool | None], dict[str, float], dict[str, Any]]  # set, truth, scores, raw

# The dev photos' ``conditions`` tag that is the ground truth of each flag. Judgement calls: a greyscale scan or
# copy is what GLAIR's is_copy means; "rotated" is the labeller's "the card does not read upright" (quarter or
# half turns, strong tilt), not "angled" (perspective); no dev photo is of a screen, so is_taken_from_screen has
# no tag and every photo is a negative for it.
REAL_TAGS: dict[str, str | None] = {
    "is_blurred": "blurry",
    "is_dark": "dark",
    "is_bright": "bright",
    "is_flash": "glare",
    "is_copy": "grayscale",
    "is_taken_from_screen": None,
    "is_cropped": "cropped",
    "is_rotated": "rotated",
}
# Raw measurement printed beside each flag in --dump (the one its score depends on most).
KEY_MEASURE = {
    "is_blurred": "blur_sigma",
    "is_dark": "lum_ground",
    "is_bright": "white_share",
    "is_flash": "glare_share",
    "is_copy": "chroma_p97",
    "is_taken_from_screen": "screen_peak",
    "is_cropped": "outside_share",
    "is_rotated": "tilt_off",
}
BINS = (0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0001)  # score bins of the reliability table


def real_truth(conditions: list[str]) -> dict[str, bool | None]:
    """Expected flags of a dev photo from its labeller's condition tags."""
    return {flag: (tag in conditions) if tag else False for flag, tag in REAL_TAGS.items()}


def _flagged(scores: dict[str, float], flag: str) -> bool:
    return scores[flag] >= FLAG_AT


def _ratio(num: int, den: int) -> str:
    return f"{num / den:6.3f}" if den else "     -"


def table(rows: list[Row]) -> None:
    """Precision and recall of each flag over ``rows`` (don't-care images left out)."""
    head = ("pos", "neg", "dc", "TP", "FP", "FN")
    print(f"{'flag':22s} " + " ".join(f"{h:>4s}" for h in head) + f" {'prec':>6s} {'recall':>6s}")
    for flag in FLAGS:
        tp = sum(1 for _, t, s, _ in rows if t[flag] is True and _flagged(s, flag))
        fn = sum(1 for _, t, s, _ in rows if t[flag] is True and not _flagged(s, flag))
        fp = sum(1 for _, t, s, _ in rows if t[flag] is False and _flagged(s, flag))
        neg = sum(1 for _, t, _, _ in rows if t[flag] is False)
        dc = sum(1 for _, t, _, _ in rows if t[flag] is None)
        counts = " ".join(f"{n:4d}" for n in (tp + fn, neg, dc, tp, fp, fn))
        print(f"{flag:22s} {counts} {_ratio(tp, tp + fp)} {_ratio(tp, tp + fn)}")


def real_table(rows: list[Row]) -> None:
    """Per flag on real photos: tagged, flagged, precision, recall, false-positive rate on the untagged."""
    head = f"{'tag':>10s} {'tagged':>6s} {'flagged':>7s} {'TP':>3s} {'prec':>6s} {'recall':>6s} {'FP rate':>8s}"
    print(f"{'flag':22s} {head}")
    for flag in FLAGS:
        tagged = [s for _, t, s, _ in rows if t[flag]]
        untagged = [s for _, t, s, _ in rows if not t[flag]]
        tp = sum(_flagged(s, flag) for s in tagged)
        fp = sum(_flagged(s, flag) for s in untagged)
        tag = REAL_TAGS[flag] or "(none)"
        print(
            f"{flag:22s} {tag:>10s} {len(tagged):6d} {tp + fp:7d} {tp:3d} {_ratio(tp, tp + fp)} "
            f"{_ratio(tp, len(tagged))} {fp:3d}/{len(untagged):<3d}={_ratio(fp, len(untagged)).strip()}"
        )


def reliability(rows: list[Row]) -> None:
    """Predicted score bins vs the observed rate of the problem, per flag (don't-care images left out).

    A score that behaves like a probability has an observed rate close to the bin's mean score; the expected
    calibration error (ECE) is the count-weighted mean of |observed - mean score| over the bins.
    """
    edges = BINS
    labels = [f"{edges[i]:.2f}-{min(edges[i + 1], 1.0):.2f}" for i in range(len(edges) - 1)]
    print(f"{'flag':22s} " + " ".join(f"{lab:>16s}" for lab in labels) + f" {'ECE':>6s}")
    print(f"{'':22s} " + " ".join(f"{'n  mean  obs':>16s}" for _ in labels))
    for flag in FLAGS:
        pairs = [(s[flag], bool(t[flag])) for _, t, s, _ in rows if t[flag] is not None]
        cells, ece = [], 0.0
        for lo, hi in itertools.pairwise(edges):
            inside = [(p, y) for p, y in pairs if lo <= p < hi]
            if not inside:
                cells.append(f"{'-':>16s}")
                continue
            mean = float(np.mean([p for p, _ in inside]))
            obs = float(np.mean([y for _, y in inside]))
            ece += len(inside) * abs(obs - mean)
            cells.append(f"{len(inside):5d} {mean:5.2f} {obs:5.2f}")
        print(f"{flag:22s} " + " ".join(cells) + f" {ece / max(len(pairs), 1):6.3f}")


def dump(rows: list[Row]) -> None:
    """Raw measurement quantiles per truth class, and the misses, for calibration."""
    for flag, key in KEY_MEASURE.items():
        for cls in (True, False):
            vals = np.array([float(r[key]) for _, t, _, r in rows if t[flag] is cls])
            if len(vals):
                q = np.percentile(vals, [0, 5, 10, 50, 90, 95, 100])
                print(f"{flag:22s} {cls!s:5s} {key:14s} " + " ".join(f"{v:8.3f}" for v in q))
    for name, t, s, r in rows:
        bad = [k for k in FLAGS if t[k] is not None and t[k] != _flagged(s, k)]
        if bad:
            print(name, bad, {k: round(float(v), 3) for k, v in r.items()})


CURVES_OF = {  # the curves each flag's score is made of (see ktp_ocr.quality.assess.scores_from)
    "is_blurred": ("blur",),
    "is_dark": ("dark",),
    "is_bright": ("bright",),
    "is_flash": ("flash",),
    "is_copy": ("copy",),
    "is_taken_from_screen": ("screen",),
    "is_cropped": ("cropped", "open"),
    "is_rotated": ("rotated",),
}
FACTORS = tuple(float(f) for f in np.geomspace(0.1, 10.0, 41))  # spread multipliers tried by fit_spreads


def _log_loss(rows: list[Row], flag: str) -> float:
    """Mean negative log-likelihood of the truth under the flag's score (don't-care rows left out)."""
    losses = []
    for _, t, _, raw in rows:
        if t[flag] is None:
            continue
        p = float(np.clip(scores_from(raw)[flag], 1e-4, 1 - 1e-4))
        losses.append(-np.log(p if t[flag] else 1 - p))
    return float(np.mean(losses)) if losses else float("nan")


def fit_spreads(rows: list[Row]) -> None:
    """Each flag's spreads scaled by the factor with the least log loss (the mids stay where physics put them).

    Prints the spreads to copy into ``CURVES``; real and synthetic rows weigh alike per image.
    """
    print(f"{'flag':22s} {'factor':>7s} {'loss now':>9s} {'loss fit':>9s}  spreads")
    for flag, names in CURVES_OF.items():
        original = {n: CURVES[n] for n in names}
        now = _log_loss(rows, flag)
        best = (now, 1.0)
        for factor in FACTORS:
            for n in names:
                CURVES[n] = Logistic(original[n].mid, original[n].spread * factor)
            best = min(best, (_log_loss(rows, flag), factor))
        CURVES.update(original)
        spreads = ", ".join(f"{n}: {original[n].spread * best[1]:.4g}" for n in names)
        print(f"{flag:22s} {best[1]:7.3f} {now:9.4f} {best[0]:9.4f}  {spreads}")

"""From raw measurements to GLAIR's quality flags and Nodeflux's three verdicts.

Each check turns one raw measurement (see :mod:`.measure`) into a 0-1 score with a logistic curve whose middle
(the flag point, score :data:`FLAG_AT`) sits where the physical effect starts to matter, and whose spread was
fitted on real dev photos (their labellers' condition tags) and targeted synthetic captures together, so that
the score reads as the probability that the problem is there (``scripts/bench_quality.py``: real-photo table,
reliability table, ``--fit``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..locate import Alignment
from ..result import Quality
from .measure import measure

FLAG_AT = 0.5  # every check flags at score >= 0.5: the middle of its ramp
WASHED_OUT = 245.0  # card ground level at which the card itself is white: no glare spot can stand out of it


@dataclass(frozen=True)
class Logistic:
    """Probability that a problem is there, from one measurement: 0.5 at ``mid``, 0.9 at ``mid + spread``.

    ``mid`` is where the physical effect starts to hurt (see each entry of ``CURVES``); ``spread`` (negative
    when low values are the problem) says how fast the evidence grows around it, and is fitted on real and
    synthetic captures together (``scripts/bench_quality.py --fit``), so that a score of 0.8 is right about
    8 times in 10 (the reliability table of the same script).
    """

    mid: float
    spread: float

    def score(self, value: float) -> float:
        z = LOGIT_90 * (value - self.mid) / self.spread
        return float(1.0 / (1.0 + math.exp(-float(np.clip(z, -50.0, 50.0)))))


LOGIT_90 = math.log(9.0)  # the logit of 0.9: score(mid + spread) = 0.9

# One curve per measurement, in the measurement's own unit. The flag is raised at score 0.5, i.e. at ``mid``.
# Spreads from ``bench_quality.py --fit`` on 57 real dev photos + 516 synthetic captures (2026-11-30); dark and
# screen separate those sets completely, so the fit has no bound there and their spreads stay at a cautious width.
CURVES: dict[str, Logistic] = {
    # blur sigma, pixels at min(native, 1000 px) card scale, 0.8 pre-smoothing included: a sharp card measures
    # 1.1-1.4, a synthetic card blurred by >= 1.2 px about 1.7; real photos at 1.5-1.6 are legible and their
    # labellers do not call them blurry (8 of 9 untagged there), so the flag point is 1.6
    "blur": Logistic(1.6, 0.18),
    # ground level of the card (mean luminance of its brighter half): a card in ordinary light sits at 150-240;
    # at 55 % of the normal 217 (120) the print's contrast has halved and the labellers call it dark
    "dark": Logistic(120.0, -18.0),
    "bright": Logistic(0.06, 0.036),  # share of the card washed out to white (every channel >= 245)
    # area share of the largest specular highlight: 0.08 % of the card is a spot of ~2 mm, a printed character
    "flash": Logistic(0.0008, 0.00042),
    "copy": Logistic(10.0, -3.6),  # 97th percentile of card chroma (Lab): the ground's light blue is >= 15
    "screen": Logistic(3.0, 0.32),  # log10 pixel-grid peak / median spectral power, weaker axis
    # share of the card outside the frame: 1 % (a 0.5 mm strip along a long side) is beyond the outline's own
    # error on a card in full view; a card laid along the border (a scan cut to the card's edge) is not cropped
    "cropped": Logistic(0.01, 0.006),
    # ... of the card as its printed text places it: that frame is itself off by 1-3 % of the card on a side (row
    # places and pitch, the NIK's width), so 2 % of the card's area past the image's edge is where a cut begins
    "printed_cropped": Logistic(0.02, 0.012),
    "open": Logistic(0.5, -0.076),  # edge support of a card side laid along the image border
    "rotated": Logistic(10.0, 1.8),  # degrees from upright
}


def scores_from(raw: dict[str, float | bool]) -> dict[str, float]:
    """Score of each check (0 = fine, 1 = clearly a problem) from :func:`.measure.measure`'s values."""
    if raw.get("is_the_card"):  # a scan trimmed to the card's border: every edge touches, nothing is cut
        cropped = 0.0
    elif raw.get("printed_outside") is not None:  # the printed text says where the card is: it decides alone
        cropped = CURVES["printed_cropped"].score(float(raw["printed_outside"]))
    else:
        cropped = max(
            CURVES["cropped"].score(float(raw["outside_share"])),
            CURVES["open"].score(float(raw["open_side"])),
        )
    rotated = 1.0 if raw["mirrored"] else CURVES["rotated"].score(float(raw["tilt_off"]))
    return {
        "is_blurred": CURVES["blur"].score(float(raw["blur_sigma"])),
        "is_dark": CURVES["dark"].score(float(raw["lum_ground"])),
        "is_bright": CURVES["bright"].score(float(raw["white_share"])),
        "is_flash": 0.0 if raw["lum_ground"] >= WASHED_OUT else CURVES["flash"].score(float(raw["glare_share"])),
        "is_copy": CURVES["copy"].score(float(raw["chroma_p97"])),
        "is_taken_from_screen": CURVES["screen"].score(float(raw["screen_peak"])),
        "is_cropped": cropped,
        "is_rotated": rotated,
    }


def assess_quality(
    image: np.ndarray, alignment: Alignment, is_ktp: bool, ktp_score: float, printed: np.ndarray | None = None
) -> Quality:
    """Judge the input's quality. ``image`` is the decoded input (BGR); ``alignment`` the card as read.

    ``is_ktp``/``ktp_score`` come from the reader (how many KTP labels it read) and are passed through. Each
    flag's measurement and flag point (``CURVES``):

    * ``is_blurred``: blur sigma of the card's steepest text edges (local contrast / gradient), the card taken
      at its native size up to 1000 px wide, so a small sharp card is not "blurred" by the warp's upsampling,
      and lightly pre-smoothed.
    * ``is_dark``: the card's ground level (mean luminance of its brighter half: the light-blue ground, not the
      print) at about half of a normally lit card's.
    * ``is_bright``: share of the card washed out to white (every channel >= 245).
    * ``is_flash``: a specular highlight about the size of a printed character, outside the photo: lifted most
      of the way from the card's ground to white and stripped of the ground's colour; not on a card whose
      ground is itself washed out (``WASHED_OUT``), where over-exposure (``is_bright``) and glare look the same.
    * ``is_copy``: no colour on the card: 97th-percentile chroma (light-blue ground, red/blue photo backdrop).
    * ``is_taken_from_screen``: a screen's pixel grid: the same sharp 2.2-6.5 px period in the row and column
      profiles of a native-pixel crop of the card.
    * ``is_cropped``: part of the card lies outside the image. Where the reading had labels enough, the card is
      where its printed text places it (``printed``, from ``layout.frame``): a scan trimmed to the card's border
      (the image has the card's proportions and the card lies on its corners) or a card whose border touches the
      frame, its print all in view, is not cropped, and an outline laid along the image's border or a text
      extent with its margin does not decide. Otherwise the outline: part of its quadrilateral outside the image,
      or a side laid along the border that shows no edge while the card's other sides show theirs (the card goes
      on beyond the frame).
    * ``is_rotated``: the card's reading direction is off upright (quarter and half turns included) or the card
      was read mirrored.
    """
    raw = measure(image, alignment, printed)
    scores = {name: round(value, 3) for name, value in scores_from(raw).items()}
    flags = {name: value >= FLAG_AT for name, value in scores.items()}
    scores["is_ktp"] = round(float(np.clip(ktp_score, 0.0, 1.0)), 3)
    return Quality(
        **flags,
        is_ktp=is_ktp,
        scores=scores,
        sharpness=not flags["is_blurred"],
        brightness=not (flags["is_dark"] or flags["is_bright"]),
        specularity=not flags["is_flash"],
    )

"""From raw measurements to GLAIR's quality flags and Nodeflux's three verdicts.

Each check turns one raw measurement (see :mod:`.measure`) into a 0-1 score with a linear ramp between a value
that is clearly fine (score 0) and one that is clearly a problem (score 1); the flag is raised when the score
reaches :data:`FLAG_AT`. The ramps were calibrated on synthetic captures whose effects are recorded
(``scripts/bench_quality.py``), never on real photos, so the middle of each ramp sits between the strongest
effect counted as fine and the weakest counted as a problem.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..locate import Alignment
from ..result import Quality
from .measure import measure

FLAG_AT = 0.5  # every check flags at score >= 0.5: the middle of its ramp
WASHED_OUT = 245.0  # card ground level at which the card itself is white: no glare spot can stand out of it


@dataclass(frozen=True)
class Ramp:
    """Score 0 at ``ok``, 1 at ``bad`` (either order), linear between and clipped."""

    ok: float
    bad: float

    def score(self, value: float) -> float:
        return float(np.clip((value - self.ok) / (self.bad - self.ok), 0.0, 1.0))


# Ramps in each measurement's own unit; the flag value (score 0.5) is the midpoint.
RAMPS: dict[str, Ramp] = {
    "blur": Ramp(1.3, 1.7),  # blur sigma, pixels at min(native, 1000 px) card scale, 0.8 pre-smoothing included
    "dark": Ramp(180.0, 135.0),  # ground level of the card: mean luminance of its brighter half
    "bright": Ramp(0.02, 0.10),  # share of the card washed out to white
    "flash": Ramp(0.0, 0.01),  # area share of the largest whitened blob on the card
    "copy": Ramp(14.0, 6.0),  # 97th percentile of card chroma (Lab)
    "screen": Ramp(2.6, 3.4),  # log10 pixel-grid peak / median spectral power, weaker axis
    "cropped": Ramp(0.0, 0.004),  # share of the card outside the frame
    "touch": Ramp(0.25, 0.45),  # share of the card outline lying on the image border
    "open": Ramp(0.65, 0.35),  # edge support of a card side laid along the image border
    "rotated": Ramp(5.0, 15.0),  # degrees from upright
}


def scores_from(raw: dict[str, float | bool]) -> dict[str, float]:
    """Score of each check (0 = fine, 1 = clearly a problem) from :func:`.measure.measure`'s values."""
    cropped = max(
        RAMPS["cropped"].score(float(raw["outside_share"])),
        RAMPS["touch"].score(float(raw["border_touch"])),
        RAMPS["open"].score(float(raw["open_side"])),
    )
    rotated = 1.0 if raw["mirrored"] else RAMPS["rotated"].score(float(raw["tilt_off"]))
    return {
        "is_blurred": RAMPS["blur"].score(float(raw["blur_sigma"])),
        "is_dark": RAMPS["dark"].score(float(raw["lum_ground"])),
        "is_bright": RAMPS["bright"].score(float(raw["white_share"])),
        "is_flash": 0.0 if raw["lum_ground"] >= WASHED_OUT else RAMPS["flash"].score(float(raw["glare_share"])),
        "is_copy": RAMPS["copy"].score(float(raw["chroma_p97"])),
        "is_taken_from_screen": RAMPS["screen"].score(float(raw["screen_peak"])),
        "is_cropped": cropped,
        "is_rotated": rotated,
    }


def assess_quality(image: np.ndarray, alignment: Alignment, is_ktp: bool, ktp_score: float) -> Quality:
    """Judge the input's quality. ``image`` is the decoded input (BGR); ``alignment`` the card as read.

    ``is_ktp``/``ktp_score`` come from the reader (how many KTP labels it read) and are passed through.

    * ``is_blurred``: blur sigma of the card's steepest text edges (local contrast / gradient), the card taken
      at its native size up to 1000 px wide, so a small sharp card is not "blurred" by the warp's upsampling,
      and lightly pre-smoothed (sigma 0.8); flagged above 1.5 px (a sharp card measures about 1.1-1.4).
    * ``is_dark``: the card's ground level (mean luminance of its brighter half: the light-blue ground, not the
      print) below 157 of 255; a card under normal light sits at 190-240.
    * ``is_bright``: share of the card washed out to white (every channel >= 245) above 6 %.
    * ``is_flash``: a whitened blob (min/max channel ratio half-way to white, at least as bright as the
      background, or clipped white) of >= 0.5 % of the card outside the photo; not on a card whose ground is
      itself washed out (ground level >= 245), where over-exposure (``is_bright``) and glare look the same.
    * ``is_copy``: no colour on the card: 97th-percentile chroma (light blue tint, red/blue photo backdrop) ~0.
    * ``is_taken_from_screen``: a screen's pixel grid: the same sharp 2.2-6.5 px period in the row and column
      profiles of a native-pixel crop of the card.
    * ``is_cropped``: more than 0.2 % of the card's quadrilateral lies outside the image, or over 35 % of
      its outline runs along the image border, or a side laid along the border (within 1.5 %) shows an edge on less
      than half its length while the card's other sides show theirs (the card goes on beyond the frame).
    * ``is_rotated``: the card's reading direction is more than 10 degrees from upright (quarter and half turns
      included) or the card was read mirrored.
    """
    raw = measure(image, alignment)
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

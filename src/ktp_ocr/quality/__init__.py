"""Image quality: GLAIR's nine flags with 0-1 scores, and Nodeflux's sharpness/brightness/specularity.

Cheap, explainable measurements (see :mod:`.measure`) on the warped card and the input, mapped to flags with
logistic curves calibrated on real and synthetic captures (:mod:`.assess`, ``scripts/bench_quality.py``).
"""

from .assess import CURVES, FLAG_AT, Logistic, assess_quality, scores_from
from .measure import measure

__all__ = ["CURVES", "FLAG_AT", "Logistic", "assess_quality", "measure", "scores_from"]

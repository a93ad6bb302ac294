"""Word spaces the recogniser's greedy decoding drops, restored from its own per-frame probabilities.

A KTP prints values in a condensed typeface with narrow word gaps. The PP-OCR recogniser is a CTC model: for
every frame (a few pixels of the line) it gives a probability to each character, to the space (its last class)
and to "blank" (no new character). Greedy decoding keeps the most likely class per frame, so at a narrow gap the
blank usually wins and two words come out glued (``SITIAMINAH``). The space class still rises there: at word gaps
its highest probability on a blank frame is typically 0.05-0.5, while inside a word it stays below 1e-4. So a run
of blank frames between two characters becomes one space when its best frame gives the space at least
``SPACE_MIN_PROB``.

Never between two digits: numbers (NIK, dates, RT/RW) have no inner spaces, and a digit pitch gap is wide enough
to raise the space class a little. A gap next to an existing space or at either end of the line is left alone.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
from numpy.typing import NDArray

SPACE_MIN_PROB = 0.03  # P(space) at a blank frame above which the gap is a word space
BLANK = 0  # CTC blank is class 0 in the PP-OCR dictionaries


def promote_spaces(
    index: NDArray[np.int64], prob: NDArray[np.float32], space_prob: NDArray[np.float32],
    space: int, digits: NDArray[np.bool_], min_prob: float = SPACE_MIN_PROB,
) -> int:  # fmt: skip
    """Turn in place the best blank frame of each qualifying gap of one line into a space; return how many.

    ``index``/``prob``: greedy class and its probability per frame; ``space_prob``: P(space) per frame;
    ``digits``: per class, whether it is a digit.
    """
    chars = np.flatnonzero(index != BLANK)
    added = 0
    for left, right in itertools.pairwise(chars):
        if right - left < 2:
            continue
        a, b = int(index[left]), int(index[right])
        if a == space or b == space or (digits[a] and digits[b]):
            continue
        gap = space_prob[left + 1 : right]
        best = int(np.argmax(gap))
        if gap[best] >= min_prob:
            index[left + 1 + best] = space
            prob[left + 1 + best] = gap[best]
            added += 1
    return added


class SpacedCtcDecode:
    """Drop-in for RapidOCR's ``CTCLabelDecode``: the same greedy decoding, plus the dropped word spaces."""

    def __init__(self, base: Any, min_prob: float = SPACE_MIN_PROB) -> None:
        self._base = base
        self.character: list[str] = base.character
        self._space = len(self.character) - 1
        if self.character[self._space] != " ":
            raise ValueError("recogniser dictionary has no trailing space class")
        self._digits = np.array([len(c) == 1 and c.isdigit() for c in self.character])
        self.min_prob = min_prob

    def __call__(self, preds: NDArray[np.float32], return_word_box: bool = False, **kwargs: Any) -> Any:
        index = preds.argmax(axis=2)
        prob = preds.max(axis=2)
        space_prob = preds[:, :, self._space]
        for row in range(index.shape[0]):
            promote_spaces(index[row], prob[row], space_prob[row], self._space, self._digits, self.min_prob)
        return self._base.decode(
            index,
            prob,
            return_word_box,
            kwargs.get("wh_ratio_list", (1.0,)),
            kwargs.get("max_wh_ratio", 1.0),
            remove_duplicate=True,
        )

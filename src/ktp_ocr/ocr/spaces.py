"""Word spaces and abbreviation dots the recogniser's greedy decoding drops, restored from its own per-frame
probabilities.

A KTP prints values in a condensed typeface with narrow word gaps. The PP-OCR recogniser is a CTC model: for
every frame (a few pixels of the line) it gives a probability to each character, to the space (its last class)
and to "blank" (no new character). Greedy decoding keeps the most likely class per frame, so at a narrow gap the
blank usually wins and two words come out glued (``SITIAMINAH``). The space class still rises there: at word gaps
its highest probability on a blank frame is typically 0.05-0.5, while inside a word it stays below 1e-4. So a run
of blank frames between two characters becomes one space when its best frame gives the space at least
``SPACE_MIN_PROB``.

Never between two digits: numbers (NIK, dates, RT/RW) have no inner spaces, and a digit pitch gap is wide enough
to raise the space class a little. A gap next to an existing space or at either end of the line is left alone.

The dot after an address abbreviation (``JL.``, ``GG.``, ``NO.``, ``KP.``) is a few pixels of ink that greedy
decoding often drops the same way (``JL MAWAR``, ``JLMAWAR``). Indonesian addresses write these abbreviations
with a dot more often than not (on the dev labels: JL. 21 times against JL 13, NO. 24 against 5, KP. 16 against
5), but not always, so the recogniser's own evidence decides: a gap right after one of them becomes a dot when
its best frame gives the dot at least ``DOT_MIN_PROB``. Elsewhere P(dot) on a blank frame is below 0.003 on 99%
of letter gaps and reaches 0.03-0.1 on noise (blurred labels, a gap read between two letters of a worn word), so
no other gap is given a dot.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
from numpy.typing import NDArray

SPACE_MIN_PROB = 0.03  # P(space) at a blank frame above which the gap is a word space
BLANK = 0  # CTC blank is class 0 in the PP-OCR dictionaries
# P(dot) at a blank frame right after an address abbreviation above which the dot was printed: printed dots
# measured 0.15-0.48 where they stood clear of the next letter (0.01-0.03 where they touched it, not restored),
# an abbreviation printed without one 0.0-0.034
DOT_MIN_PROB = 0.05
ABBREVIATIONS = frozenset({"JL", "JLN", "GG", "NO", "KP", "DS", "DSN", "PERUM", "KOMP", "KAV", "LR", "BLK"})


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


def promote_dots(
    index: NDArray[np.int64], prob: NDArray[np.float32], dot_prob: NDArray[np.float32],
    character: list[str], dot: int, min_prob: float = DOT_MIN_PROB,
) -> int:  # fmt: skip
    """Turn in place the best blank frame after each address abbreviation into a dot when the recogniser saw one
    there; return how many. ``character``: the class names (index 0 the blank)."""
    added, word = 0, ""
    chars = np.flatnonzero(index != BLANK)
    for here, after in itertools.pairwise([*chars, len(index)]):
        cls = int(index[here])
        if here == 0 or int(index[here - 1]) != cls:  # a new character, not one held over several frames
            word = word + character[cls].upper() if character[cls].isalpha() else ""
        if word not in ABBREVIATIONS or after - here < 2 or after == len(index):
            continue  # not an abbreviation, no blank frame after it, or the line's end
        if int(index[after]) == dot or character[int(index[after])].islower():
            continue  # a dot read already, or the word goes on in lower case
        best = here + 1 + int(np.argmax(dot_prob[here + 1 : after]))
        if dot_prob[best] >= min_prob:
            index[best], prob[best] = dot, dot_prob[best]
            added += 1
    return added


class LineScore(float):
    """A line's score as RapidOCR passes it on (the mean character probability), carrying the probability of its
    least certain character, ``weakest``: one wrong letter hides in a mean of twenty right ones, not in a minimum."""

    weakest: float

    def __new__(cls, mean: float, weakest: float) -> LineScore:
        score = super().__new__(cls, mean)
        score.weakest = weakest
        return score


def weakest_chars(index: NDArray[np.int64], prob: NDArray[np.float32]) -> list[float]:
    """Per row, the lowest probability among the frames greedy decoding keeps as characters (repeats collapsed,
    blanks dropped: RapidOCR's own selection); 0 for a row with none."""
    weakest: list[float] = []
    for row in range(index.shape[0]):
        kept = np.ones(index.shape[1], dtype=bool)
        kept[1:] = index[row, 1:] != index[row, :-1]
        kept &= index[row] != BLANK
        weakest.append(float(prob[row][kept].min()) if kept.any() else 0.0)
    return weakest


class SpacedCtcDecode:
    """Drop-in for RapidOCR's ``CTCLabelDecode``: the same greedy decoding, plus the dropped word spaces."""

    def __init__(self, base: Any, min_prob: float = SPACE_MIN_PROB) -> None:
        self._base = base
        self.character: list[str] = base.character
        self._space = len(self.character) - 1
        if self.character[self._space] != " ":
            raise ValueError("recogniser dictionary has no trailing space class")
        self._digits = np.array([len(c) == 1 and c.isdigit() for c in self.character])
        self._dot = self.character.index(".")
        self.min_prob = min_prob

    def __call__(self, preds: NDArray[np.float32], return_word_box: bool = False, **kwargs: Any) -> Any:
        index = preds.argmax(axis=2)
        prob = preds.max(axis=2)
        space_prob = preds[:, :, self._space]
        weakest = weakest_chars(index, prob)  # of what the recogniser read itself, before any gap is promoted
        for row in range(index.shape[0]):
            promote_dots(index[row], prob[row], preds[row, :, self._dot], self.character, self._dot)
            promote_spaces(index[row], prob[row], space_prob[row], self._space, self._digits, self.min_prob)
        lines, words = self._base.decode(
            index,
            prob,
            return_word_box,
            kwargs.get("wh_ratio_list", (1.0,)),
            kwargs.get("max_wh_ratio", 1.0),
            remove_duplicate=True,
        )
        return [(text, LineScore(score, low)) for (text, score), low in zip(lines, weakest, strict=True)], words

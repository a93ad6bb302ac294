"""Finding the printed labels of the left column and aligning them, as one sequence, to the template's rows.

Labels are matched by a fuzzy prefix (OCR misreads them: ``Alamal``, ``Jens keamn``) and then aligned to the
rows of ``template.ROWS`` in printed order by dynamic programming with gaps on both sides: a label line that was
not read, an extra line (a stamp, a mark), or a label read twice cannot shift the rows below it.

Which lines may be labels is decided by the card's value column, measured on the card itself: labels start left
of the colons, values start at them. A line wholly left of the value column that is not a matched label is a
piece of a label (``na``, ``Agis ina``) and never becomes a value.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from ..ocr import TextLine
from ..template import LABEL_COLUMN, ROWS, VALUE_COLUMN

LABEL_MIN_SCORE = 62.0
SHORT_LABEL_PENALTY = 15.0  # short labels (NIK, NAMA) collide with values: demand a closer match
COLON = re.compile(r"[:;]")


@dataclass
class Label:
    key: str  # the row's key (template.Row.key)
    line: TextLine
    cut: int  # index in line.text where the value begins


def compact(text: str) -> tuple[str, list[int]]:
    """Upper-case letters and digits only, with each kept character's index in ``text``."""
    kept = [(ch.upper(), i) for i, ch in enumerate(text) if ch.isalnum()]
    return "".join(c for c, _ in kept), [i for _, i in kept]


def label_score(text: str, key: str) -> tuple[float, int]:
    """How well ``text`` starts with ``key`` (0-100), and the index in ``text`` just after the label.

    A label never runs past a colon: the colon ends the printed label, so a fuzzy match may not eat the value.
    """
    colon = COLON.search(text)
    chars, index = compact(text[: colon.start()] if colon else text)
    best, cut = 0.0, 0
    lengths = {min(len(chars), n) for n in range(max(1, len(key) - 2), len(key) + 3)} - {0}
    for n in sorted(lengths):  # a label cut short by the card's edge (``tus Perkawinan``) is still a label
        score = float(fuzz.ratio(chars[:n], key))
        if len(key) <= 4 and chars[:n] != key:
            score -= SHORT_LABEL_PENALTY
        if score > best:
            best, cut = score, index[n - 1] + 1
    return best, _value_start(text, cut)


def _value_start(text: str, cut: int) -> int:
    """Where the value begins after a label ending at ``cut``: a fuzzy cut inside a word leaves the word's other
    letters to the label (``Alamal`` is all label), and the colon that follows a label is not value either."""
    while cut < len(text) and text[cut].isalpha() and cut > 0 and text[cut - 1].isalpha():
        cut += 1
    colon = COLON.search(text, cut, min(len(text), cut + 3))
    return colon.end() if colon else cut


def align_labels(candidates: list[TextLine]) -> dict[str, Label]:
    """Monotonic alignment of the template's rows (in printed order) to label candidates (top to bottom)."""
    n, m = len(candidates), len(ROWS)
    scores = [[label_score(ln.text, row.key) for row in ROWS] for ln in candidates]
    gain = np.zeros((n + 1, m + 1))
    move = np.zeros((n + 1, m + 1), dtype=np.int8)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            s = scores[i - 1][j - 1][0]
            options = [gain[i - 1, j], gain[i, j - 1], gain[i - 1, j - 1] + (s - LABEL_MIN_SCORE)]
            if s < LABEL_MIN_SCORE:
                options[2] = -1.0
            move[i, j] = int(np.argmax(options))
            gain[i, j] = options[move[i, j]]
    found: dict[str, Label] = {}
    i, j = n, m
    while i > 0 and j > 0:
        if move[i, j] == 2:
            key = ROWS[j - 1].key
            found[key] = Label(key, candidates[i - 1], scores[i - 1][j - 1][1])
            i, j = i - 1, j - 1
        elif move[i, j] == 0:
            i -= 1
        else:
            j -= 1
    return found


def value_column(lines: list[TextLine], labels: dict[str, Label], width: int) -> float:
    """x (pixels) where values start on this card: the colon column, measured on the card.

    Evidence: lines that begin with a colon, and the first line right of each matched label on its row. The
    template's value column is the fallback when there is none.
    """
    starts = [ln.x0 for ln in lines if COLON.match(ln.text.strip()) and ln.x0 < VALUE_COLUMN.x1 * width]
    for lab in labels.values():
        if lab.cut < len(lab.line.text):
            continue
        right = [ln.x0 for ln in lines if ln.x0 > lab.line.x1 - 2 and abs(ln.cy - lab.line.cy) < 0.5 * ln.height]
        if right:
            starts.append(min(right))
    return statistics.median(starts) if starts else VALUE_COLUMN.x0 * width


def find_labels(lines: list[TextLine], width: int) -> tuple[dict[str, Label], float]:
    """The matched labels and the value column: a first pass over the wide label column finds the colons,
    a second keeps as label candidates only the lines that start left of them."""
    wide = [ln for ln in lines if ln.x0 < LABEL_COLUMN.x1 * width]
    first = align_labels(wide)
    column = value_column(lines, first, width)
    narrow = [ln for ln in wide if ln.x0 < column - ln.height and not COLON.match(ln.text.strip())]
    labels = align_labels(narrow) if len(narrow) < len(wide) else first
    return labels, column


def count_labels(lines: list[TextLine], width: int) -> int:
    """How many labels a reading of the card shows: the reader's evidence for an orientation."""
    return len(find_labels(sorted(lines, key=lambda ln: ln.cy), width)[0])

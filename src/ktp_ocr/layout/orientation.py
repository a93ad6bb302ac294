"""Which way a card is turned, from one reading's line boxes and a glance of the angle classifier.

A second full OCR pass in every candidate orientation cost up to three extra passes on every hard photo, and on
the dev photos none of those was an upside-down card. Two cheap facts of the printed card decide instead:

- **The label column's side.** The 13 labels are left-aligned in one column at the card's left edge, the photo
  fills the right quarter (``template.LABEL_COLUMN``, ``template.PHOTO``). Upright (or upside down *and*
  mirrored, which is a vertical flip) many line boxes start at the left edge and few end at the right one; turned
  180 degrees or mirrored, the reverse.
- **The glyphs' direction.** The angle classifier shipped with the recogniser tells upright text from text
  turned 180 degrees; a mirror image keeps its baseline at the bottom, so it reads as upright.

Together they rank the orientations worth reading again (an upright card gets none); the reader reads them in
that order, detecting the lines again in each (the detector too was trained on upright text), and keeps one when
it shows more labels or, the labels not deciding (a card too blurred for its labels, its large NIK still legible),
when the recogniser reads it much more surely (``reads_clearer``).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..ocr import TextLine

# Of the card's width: a line box starting (ending) within it touches the left (right) margin. The labels start
# at the printed card's left edge (``template.LABEL_COLUMN``); a card aligned from its text's extent has up to
# ``locate.align.TEXT_MARGIN`` (6% of its long side) more on each side.
EDGE_BAND = 0.12
MIN_LINES = 4  # fewer boxes than this say nothing about a column
UPSIDE_DOWN = 0.5  # the classifier's mean vote above which the glyphs are taken as turned
NO_LABELS = 1  # at most this many labels read from a card whose lines were found: its text reads as nothing
# The recogniser was trained on upright print: it reads turned or mirrored glyphs as garbage it is unsure of.
# Character-weighted mean score of a whole card read turned, mirrored or flipped: 0.5-0.75 on the dev photos and
# synthetic phone and hard cards, against 0.9 and more upright; on the most blurred legible card upright still
# reads 0.19 more surely than any other way. When the labels do not tell two readings apart, one reading this
# much more surely (half that smallest gap) is the card the right way up.
CLEARER = 0.1
MIN_CLEAR_LINES = 2  # one line's score is noise (a stamp, a lone NIK read either way up)


@dataclass(frozen=True)
class Turn:
    """What to undo: a half turn and/or a mirror (both = the card flipped top to bottom)."""

    half_turn: bool
    mirror: bool


def labels_on_left(lines: list[TextLine], width: int) -> bool | None:
    """Whether the label column is on the left (None: too few lines to tell)."""
    if len(lines) < MIN_LINES:
        return None
    band = EDGE_BAND * width
    left = sum(1 for ln in lines if ln.x0 <= band)
    right = sum(1 for ln in lines if ln.x1 >= width - band)
    if left == right:
        return None
    return left > right


def candidate_turns(
    lines: list[TextLine], width: int, upside_down: float, allow_mirror: bool, labels: int
) -> list[Turn]:
    """The orientations worth a second reading, most likely first; empty when the card is upright.

    Labels on the left with upright glyphs and some label read: upright, nothing to try. Labels on the left and
    none read: flipped top to bottom (a mirror image turned 180 degrees), whose glyphs the classifier, trained on
    turns only, calls either way. Labels on the right: a half turn or a mirror, the glyphs' direction says which
    first (on blurred text the classifier can be wrong, so the other follows). Without ``allow_mirror`` only a
    half turn is ever tried.
    """
    left = labels_on_left(lines, width)
    turned = upside_down >= UPSIDE_DOWN
    half, mirror, flipped = Turn(True, False), Turn(False, True), Turn(True, True)
    if left is None:
        found = [half] if turned else []
    elif left:
        found = [flipped] if turned or labels <= NO_LABELS else []
    else:
        found = [half, mirror] if turned else [mirror, half]
    return [t for t in found if allow_mirror or not t.mirror]


def clarity(lines: list[TextLine]) -> float | None:
    """The recogniser's mean score per character read (None: too few lines to say anything)."""
    chars = sum(len(ln.text) for ln in lines)
    if len(lines) < MIN_CLEAR_LINES or not chars:
        return None
    return sum(ln.score * len(ln.text) for ln in lines) / chars


def reads_clearer(turned: list[TextLine], first: list[TextLine]) -> bool:
    """Whether ``turned`` reads so much more surely than ``first`` that it is the card the right way up."""
    a, b = clarity(turned), clarity(first)
    return a is not None and b is not None and a >= b + CLEARER

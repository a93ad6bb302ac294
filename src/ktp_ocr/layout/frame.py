"""Where the printed card lies in a reading, as its own text says: the check that an outline is the card.

A card outline is a hypothesis: the portrait's edges, the NIK's underline, a table edge or a finger are strong
straight lines inside or beside a card, and an outline that took one of them for a card side cuts rows off (the
rows below the portrait's bottom, the header above a line under it). The printed layout says where the card's
edges are from the text alone: the label rows give the card's height (their pitch is ``template.ROW_PITCH`` of
it) and its top (the Nama row is ``template.FIRST_ROW_Y`` down), the labels' left edge and the NIK's sixteen
fixed-pitch digits give its width and its left edge. When that text frame reaches past the outline by more than
real cards vary (``BEYOND_TOLERANCE``), the reader extends the card to it and reads again.
"""

from __future__ import annotations

import itertools
import statistics
from dataclasses import dataclass

from ..ocr import TextLine
from ..template import FIRST_ROW_Y, LABEL_X, NIK_DIGITS, ROW_PITCH, ROWS
from .labels import Label, find_labels

MIN_LABELS = 5  # fewer labels say too little about a card's scale
MIN_PITCHES = 3  # row-to-row steps needed for the pitch
TOP_ROWS = 5  # the top may be taken from the first rows only: a wrapped Nama or Alamat pushes the rows below down
NIK_MIN_DIGITS = 14
# Real cards place their rows within about 3% of the card of the template's places, the NIK's width says the
# card's width within about 5%, and a right outline warps within 2% of the card: a text frame reaching further
# than this share of the card past the outline says the outline cut the card.
BEYOND_TOLERANCE = 0.08
MARGIN = 0.02  # share of the card added on each side of a text frame: printing varies by that much


@dataclass(frozen=True)
class Frame:
    """The printed card's edges in a reading's card pixels (x0, y0, x1, y1), as its text puts them."""

    x0: float
    y0: float
    x1: float
    y1: float

    def beyond(self, width: int, height: int) -> float:
        """How far (share of the card's side) the frame reaches past the reading's own edges; 0 when inside."""
        return max(0.0, -self.x0 / width, -self.y0 / height, self.x1 / width - 1, self.y1 / height - 1)

    def extended(self, width: int, height: int, margin: float = MARGIN) -> Frame:
        """The reading's own card, extended to this frame (grown by ``margin``) where the frame reaches past it:
        an outline that showed some of the card keeps what it showed."""
        dx, dy = (self.x1 - self.x0) * margin, (self.y1 - self.y0) * margin
        return Frame(
            min(0.0, self.x0 - dx),
            min(0.0, self.y0 - dy),
            max(float(width), self.x1 + dx),
            max(float(height), self.y1 + dy),
        )


def text_frame(lines: list[TextLine], width: int, height: int) -> Frame | None:
    """The card's frame from the label rows and the NIK (None: too few labels to say)."""
    labels, _ = find_labels(sorted(lines, key=lambda ln: ln.cy), width)
    index = {row.key: k for k, row in enumerate(ROWS)}
    rows = sorted((index[key], lab) for key, lab in labels.items() if key != "NIK")
    if len(rows) < MIN_LABELS:
        return None
    steps = [(b.line.cy - a.line.cy) / (kb - ka) for (ka, a), (kb, b) in itertools.pairwise(rows) if kb - ka <= 2]
    if len(steps) < MIN_PITCHES or statistics.median(steps) <= 0:
        return None
    card_h = statistics.median(steps) / ROW_PITCH
    tops = [lab.line.cy - (FIRST_ROW_Y + (k - 1) * ROW_PITCH) * card_h for k, lab in rows if k <= TOP_ROWS]
    y0 = (
        statistics.median(tops)
        if tops
        else min(lab.line.cy - (FIRST_ROW_Y + (k - 1) * ROW_PITCH) * card_h for k, lab in rows)
    )
    card_w = _nik_width(lines, labels) or card_h * width / height
    lefts = [lab.line.x0 for k, lab in rows if not ROWS[k].indented]
    if not lefts:
        return None
    x0 = statistics.median(lefts) - LABEL_X * card_w
    return Frame(x0, y0, x0 + card_w, y0 + card_h)


def _nik_width(lines: list[TextLine], labels: dict[str, Label]) -> float | None:
    """The card's width from the NIK's digits: sixteen of a fixed-pitch face span ``NIK_DIGITS`` of the card."""
    nik_row = labels.get("NIK")
    first = min((lab.line.cy for lab in labels.values()), default=None)
    candidates = [
        ln for ln in lines
        if sum(ch.isdigit() for ch in ln.text) >= NIK_MIN_DIGITS
        and (nik_row is None or abs(ln.cy - nik_row.line.cy) < ln.height)
        and (first is None or ln.cy <= first + ln.height)
    ]  # fmt: skip
    if not candidates:
        return None
    line = max(candidates, key=lambda ln: sum(ch.isdigit() for ch in ln.text))
    digits = [i for i, ch in enumerate(line.text) if ch.isdigit()]
    if len(digits) != 16:
        return None
    share = (digits[-1] + 1 - digits[0]) / len(line.text)  # characters evenly wide along the line's box
    return (line.x1 - line.x0) * share / (NIK_DIGITS[1] - NIK_DIGITS[0])

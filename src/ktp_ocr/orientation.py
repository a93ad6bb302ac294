"""Stage 3, read the text the right way up and in the right frame: the whole policy of reading a found card.

The card found by ``locate`` is read once as it lies. A card read well (``GOOD_LABEL_COUNT`` labels) is done.
Otherwise two things may be wrong, and each has its remedy here:

- **The outline was something else** (the photo, a table edge): the card is aligned again from its text's
  extent and read again; the reading with more labels wins.
- **The card is turned or mirrored.** Two cheap facts of the printed card rank the orientations worth reading:

  - *The label column's side.* The 13 labels are left-aligned in one column at the card's left edge, the photo
    fills the right quarter (``template.LABEL_COLUMN``, ``template.PHOTO``). Upright (or upside down *and*
    mirrored, which is a vertical flip) many line boxes start at the left edge and few end at the right one;
    turned 180 degrees or mirrored, the reverse.
  - *The glyphs' direction.* The angle classifier shipped with the recogniser (``OcrEngine.upside_down``) tells
    upright text from text turned 180 degrees; a mirror image keeps its baseline at the bottom, so it reads as
    upright.

  Each candidate is read with its lines detected again (the detector too was trained on upright text) and kept
  when it shows ``MIN_TURN_GAIN`` more labels or, the labels not deciding (a card too blurred for its labels, its
  large NIK still legible), when the recogniser reads it much more surely (``reads_clearer``).

- **The outline cut the card** (a portrait edge or a line under the header taken for a card side): the rows'
  pitch and places, the labels' left edge and the NIK's width say where the card's edges are
  (``layout.frame``); a frame reaching past the outline extends it, and the card is read again.

Every reading counts against one budget (``MAX_OCR_PASSES``): a hard photo must not cost ten reads.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np

from .layout import count_labels
from .layout.frame import BEYOND_TOLERANCE, Frame, text_frame
from .locate import RECHECK_SIDE, Alignment, align_card, reframe
from .ocr import OcrEngine, TextLine
from .options import ReaderOptions

GOOD_LABEL_COUNT = 7  # labels found on an upright card read well; fewer means try another orientation
MIN_TURN_GAIN = 2  # labels a turned or mirrored reading must add: on an unreadable card one label is noise
MAX_OCR_PASSES = 6  # two alignments (outline, text extent), each read once and in up to two other orientations
MIRRORED_CORNERS = [1, 0, 3, 2]  # TL TR BR BL of a quad after a left-right mirror, as indices of the old ones
HALF_TURNED_CORNERS = [2, 3, 0, 1]  # ... after a half turn
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


@dataclass(frozen=True)
class Reading:
    """One reading of the card: how it was aligned and turned, its text lines and how many labels they show."""

    alignment: Alignment
    lines: list[TextLine]
    labels: int

    @cached_property
    def frame(self) -> Frame | None:
        """Where the reading's printed text places the card, in its card pixels (None: too few labels to say);
        measured once, for the outline check and the crop verdict alike."""
        height, width = self.alignment.image.shape[:2]
        return text_frame(self.lines, width, height)


class Passes:
    """The hard cap on OCR passes (a detection and a reading of its lines) in one read."""

    def __init__(self, limit: int = MAX_OCR_PASSES) -> None:
        self._left = limit

    @property
    def left(self) -> bool:
        return self._left > 0

    def take(self) -> None:
        self._left -= 1


def read_oriented(image: np.ndarray, alignment: Alignment, opts: ReaderOptions, engine: OcrEngine) -> Reading:
    """The best reading of the card ``alignment`` found in ``image``, turned and re-aligned as the evidence says."""
    passes = Passes()
    best = read_upright(alignment, opts, engine, passes)
    if alignment.card_found and best.labels < GOOD_LABEL_COUNT and passes.left:
        # The outline may have been something else (the photo, a table edge): read the text's extent, found
        # coarsely (only the extent is needed).
        again = align_card(image, opts, engine, outline=False, detect_side=RECHECK_SIDE)
        retry = read_upright(again, opts, engine, passes)
        if retry.labels > best.labels or not best.lines:
            best = retry
    if best.alignment.card_found and passes.left:
        best = confirm_outline(image, best, opts, engine, passes)
    return best


def confirm_outline(
    image: np.ndarray, reading: Reading, opts: ReaderOptions, engine: OcrEngine, passes: Passes
) -> Reading:
    """The reading of the card the outline's own text says it is: an outline whose rows put the card's edges past
    it (a portrait edge, a line under the header, taken for a card side) is extended to the text's frame and the
    card read again; the new reading is kept unless it shows fewer labels."""
    card, frame = reading.alignment, reading.frame
    height, width = card.image.shape[:2]
    if frame is None or frame.beyond(width, height) <= BEYOND_TOLERANCE:
        return reading
    wide = frame.extended(width, height)
    again = read_upright(reframe(image, card, wide.x0, wide.y0, wide.x1, wide.y1), opts, engine, passes)
    return again if again.labels >= reading.labels else reading


def read_upright(alignment: Alignment, opts: ReaderOptions, engine: OcrEngine, passes: Passes) -> Reading:
    """OCR the aligned card; with few labels, read it again in the orientations the evidence points to.

    Each further reading detects its lines again in its own orientation: the detector was trained on upright
    text, and its boxes around turned or mirrored glyphs split and pad lines differently (on the dev photos
    10-15% of the lines of a half-turned card, carried back, read differently), which cost turned cards fields
    that the same card read upright keeps. When no reading adds labels, the one the recogniser reads much
    more surely is kept (``reads_clearer``): a blurred card may show no label either way up.
    """
    passes.take()
    boxes = engine.detect(alignment.image)
    lines = engine.read_boxes(alignment.image, boxes)
    width = alignment.image.shape[1]
    first = Reading(alignment, lines, count_labels(lines, width))
    if first.labels >= GOOD_LABEL_COUNT or not lines or not passes.left:
        return first
    upside_down = engine.upside_down(alignment.image, boxes)
    best = first
    for turn in candidate_turns(lines, width, upside_down, opts.check_flip_image, first.labels):
        if not passes.left:
            break
        passes.take()
        turned = reorient(alignment, turn.half_turn, turn.mirror)
        turned_lines = engine.recognize(turned.image)
        reading = Reading(turned, turned_lines, count_labels(turned_lines, width))
        if reading.labels >= first.labels + MIN_TURN_GAIN:
            return reading
        if reading.labels >= best.labels and reads_clearer(turned_lines, best.lines):
            best = reading
    return best


def reorient(alignment: Alignment, half_turn: bool, mirror: bool) -> Alignment:
    """The same card turned 180 degrees and/or mirrored, its matrix and corners kept consistent."""
    image, matrix, corners = alignment.image, alignment.matrix, alignment.card_corners
    if mirror:
        image, matrix = _card_flip(image, matrix, rows=False)
        corners = corners[MIRRORED_CORNERS]
    if half_turn:
        image, matrix = _card_flip(image, matrix, rows=True)
        corners = corners[HALF_TURNED_CORNERS]
    return replace(
        alignment,
        image=image,
        matrix=matrix,
        card_corners=corners,
        quarter_turns=(alignment.quarter_turns + (2 if half_turn else 0)) % 4,
        mirrored=alignment.mirrored != mirror,
    )


def _card_flip(image: np.ndarray, matrix: np.ndarray, rows: bool) -> tuple[np.ndarray, np.ndarray]:
    """The card flipped left to right, and top to bottom too with ``rows`` (a half turn), about its own centre.

    The warp puts the card's corners at 0 and at the image's width and height (``geo.card_warp_matrix``), so
    the card's centre is half a pixel past the array's: a plain array flip (x to w - 1 - x) would set the card
    one pixel off where reading it the other way up puts it, and every turned or mirrored card would be read
    from a slightly different image than the same card lying upright. Pixel x takes what lay at w - x.
    """
    h, w = image.shape[:2]
    flipped = image[::-1, ::-1] if rows else image[:, ::-1]
    pad = [(1 if rows else 0, 0), (1, 0)] + [(0, 0)] * (image.ndim - 2)  # x = 0 takes x = w, past the edge
    shifted = np.ascontiguousarray(np.pad(flipped, pad, mode="edge")[:h, :w])
    move = np.array([[-1, 0, w], [0, -1 if rows else 1, h if rows else 0], [0, 0, 1]], dtype=np.float64)
    return shifted, move @ matrix


def printed_corners(reading: Reading) -> np.ndarray | None:
    """The card's corners (TL TR BR BL, input pixels) where the reading's printed text places them; None when
    too few labels were read to say."""
    frame = reading.frame
    if frame is None:
        return None
    return reading.alignment.to_input(
        np.array([[frame.x0, frame.y0], [frame.x1, frame.y0], [frame.x1, frame.y1], [frame.x0, frame.y1]])
    )

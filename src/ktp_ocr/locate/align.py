"""Turn the input into an upright card image plus the matrix that maps it back to input pixels.

The card outline is preferred. Without one (a scan cropped to the card, a card in a busy scene), the extent of
the detected text lines stands in for it: a KTP's text covers most of its face, so the rotated rectangle around
that text, with a margin, is a good enough card for the label-anchored layout that follows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import cv2
import numpy as np

from ..errors import CardNotFoundError, MultipleDocumentsError, TextNotFoundError
from ..ocr import OcrEngine
from ..options import ReaderOptions
from . import geometry as geo
from .card import find_card_quads

DETECT_SIDE = 1280  # text-extent detection on the whole photo when no outline was found
RECHECK_SIDE = 800  # ... when an outline was found but read badly: only the text's extent is needed, not lines
SECOND_CARD_SHARE = 0.35
PRINT_CHECK_SIZE = (320, 202)
MIN_PRINT_EDGES = 0.03  # share of edge pixels; a printed card face has 0.1 or more, a blank surface about 0.01
TEXT_CHECK_SIZE = (640, 404)  # a card face at this size shows its value lines 12-15 px high, the detector's range
MIN_DOCUMENT_LINES = 5  # text lines that make a face a document (a KTP shows ~30; a stray mark or logo 1-2)
TEXT_MARGIN = (0.06, 0.10)  # share of the text rectangle added on each side, along its lines and across them


@dataclass(frozen=True)
class Alignment:
    image: np.ndarray
    matrix: np.ndarray  # input pixels -> pixels of ``image``
    card_found: bool
    card_corners: np.ndarray  # TL, TR, BR, BL of the read region, in input pixels
    quarter_turns: int = 0
    mirrored: bool = False
    other_cards: int = 0  # further card outlines left unread (with ``read_largest_card``)

    def to_input(self, points: np.ndarray) -> np.ndarray:
        return geo.apply(np.linalg.inv(self.matrix), points)

    @property
    def tilt(self) -> float:
        """Degrees (0-360) the card's top edge is turned clockwise in the input; 180 = upside down."""
        tl, tr = self.card_corners[0], self.card_corners[1]
        return round(math.degrees(math.atan2(tr[1] - tl[1], tr[0] - tl[0])) % 360.0, 1)


def align_card(
    image: np.ndarray, options: ReaderOptions, engine: OcrEngine, outline: bool = True, detect_side: int = DETECT_SIDE
) -> Alignment:
    """Warp the card upright; ``outline=False`` skips the outline and uses the text's extent (found at
    ``detect_side`` pixels)."""
    if options.flip_image:
        image = np.ascontiguousarray(image[:, ::-1])
    base = geo.mirror_matrix(image.shape[1]) if options.flip_image else np.eye(3)
    quads = find_card_quads(image) if options.card_detect and outline else []
    if not quads and outline and options.card_detect and not options.pass_card_detect:
        raise CardNotFoundError()
    quads = documents(image, quads, engine) if len(quads) > 1 else quads
    if several_cards(quads) and not options.read_largest_card:
        raise MultipleDocumentsError(f"{len(quads)} cards were found in the image; send one card per image.")
    quad = quads[0] if quads else None
    found = quad is not None
    # An outline's long side is the card's top; a text extent, nearly square on some cards, says it itself.
    corners = geo.order_corners(quad) if quad is not None else _text_extent_quad(image, engine, detect_side)
    warp = geo.card_warp_matrix(corners)
    card = cv2.warpPerspective(image, warp, (geo.CARD_WIDTH, geo.CARD_HEIGHT), flags=cv2.INTER_AREA)
    input_corners = geo.apply(np.linalg.inv(base), corners)
    return Alignment(
        card,
        warp @ base,
        card_found=found,
        card_corners=input_corners,
        mirrored=options.flip_image,
        other_cards=max(0, len(quads) - 1) if several_cards(quads) else 0,
    )


def reframe(image: np.ndarray, alignment: Alignment, x0: float, y0: float, x1: float, y1: float) -> Alignment:
    """The same card, the rectangle (x0, y0)-(x1, y1) of its upright image made the whole card (the card's text
    said the outline showed only part of it); its turn and mirror are kept. ``image`` is the decoded input."""
    width, height = geo.CARD_WIDTH, geo.CARD_HEIGHT
    sx, sy = width / (x1 - x0), height / (y1 - y0)
    scale = np.array([[sx, 0.0, -x0 * sx], [0.0, sy, -y0 * sy], [0.0, 0.0, 1.0]])
    matrix = scale @ alignment.matrix
    card = cv2.warpPerspective(image, matrix, (width, height), flags=cv2.INTER_AREA)
    corners = geo.apply(np.linalg.inv(matrix), np.array([[0, 0], [width, 0], [width, height], [0, height]]))
    return replace(alignment, image=card, matrix=matrix, card_corners=corners)


def documents(image: np.ndarray, quads: list[np.ndarray], engine: OcrEngine) -> list[np.ndarray]:
    """The card outlines that are documents: those that carry print in lines (``carries_text``). A reflection on
    a glossy table, a blank sheet, a phone or a book is card-shaped too, and is no second document; the first
    outline (the one showing a KTP's photo, else the largest) stays when none carries text."""
    printed = [q for q in quads if looks_printed(image, q) and carries_text(image, q, engine)]
    return printed or quads[:1]


def carries_text(image: np.ndarray, quad: np.ndarray, engine: OcrEngine) -> bool:
    """Whether the face inside ``quad`` shows lines of text: a document's print, as the detector finds it on the
    face warped flat at a small size (a KTP face shows about 30 lines, blank surfaces none)."""
    w, h = TEXT_CHECK_SIZE
    target = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    corners = geo.order_corners(quad).astype(np.float32)
    flat = cv2.warpPerspective(image, cv2.getPerspectiveTransform(corners, target), TEXT_CHECK_SIZE)
    return len(engine.detect(flat)) >= MIN_DOCUMENT_LINES


def looks_printed(image: np.ndarray, quad: np.ndarray) -> bool:
    """A document carries print: a blank card-shaped thing on the desk (paper, a folder) has almost no edges."""
    corners = geo.order_corners(quad).astype(np.float32)
    w, h = PRINT_CHECK_SIZE
    target = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    flat = cv2.warpPerspective(gray, cv2.getPerspectiveTransform(corners, target), PRINT_CHECK_SIZE)
    edges = cv2.Canny(flat, 50, 150)[10:-10, 10:-10]
    return float((edges > 0).mean()) >= MIN_PRINT_EDGES


def several_cards(quads: list[np.ndarray]) -> bool:
    """Two or more card outlines of comparable size (a small second one is more likely a photo or a sticker)."""
    if len(quads) < 2:
        return False
    areas = sorted((float(cv2.contourArea(q.astype(np.float32))) for q in quads), reverse=True)
    return areas[1] >= SECOND_CARD_SHARE * areas[0]


def _text_extent_quad(image: np.ndarray, engine: OcrEngine, side: int) -> np.ndarray:
    h, w = image.shape[:2]
    scale = min(1.0, side / max(h, w))
    small = cv2.resize(image, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
    boxes = engine.detect(small)
    if not boxes:
        raise TextNotFoundError()
    points = _core_points(boxes)
    angle = text_angle(boxes)
    centre = points.mean(axis=0)
    turn = cv2.getRotationMatrix2D((float(centre[0]), float(centre[1])), -angle, 1.0)
    flat = np.hstack([points, np.ones((len(points), 1))]) @ turn.T
    (x0, y0), (x1, y1) = np.percentile(flat, 1, axis=0), np.percentile(flat, 99, axis=0)
    across_x = _lines_run_across(boxes)
    along, across = TEXT_MARGIN
    mx, my = (x1 - x0) * (along if across_x else across), (y1 - y0) * (across if across_x else along)
    rect = np.array([[x0 - mx, y0 - my], [x1 + mx, y0 - my], [x1 + mx, y1 + my], [x0 - mx, y1 + my]])
    if not across_x:  # a card on its side: its top edge is the rectangle's right side, TR BR BL TL
        rect = np.roll(rect, -1, axis=0)
    back = cv2.invertAffineTransform(turn)
    quad = np.hstack([rect, np.ones((4, 1))]) @ back.T
    result: np.ndarray = np.asarray(quad, dtype=np.float64) / scale
    return result


def _lines_run_across(boxes: list[np.ndarray]) -> bool:
    """Whether the text lines run left to right rather than up and down (a card photographed on its side).

    The card's long side runs along its lines, whatever the shape of the text's extent: a text block can be
    nearly square, so its rectangle's longer side cannot tell a card on its side from one lying upright. The
    detector's boxes hug each line, its first edge the most level one: wider than tall unless the line stands.
    """
    widths = [float(np.linalg.norm(b[1] - b[0])) for b in boxes]
    heights = [float(np.linalg.norm(b[3] - b[0])) for b in boxes]
    return bool(np.median(widths) >= np.median(heights))


def text_angle(boxes: list[np.ndarray]) -> float:
    """Median direction of the text lines' top edges, in degrees (counter-clockwise positive, as OpenCV turns)."""
    angles = [np.degrees(np.arctan2(-(b[1][1] - b[0][1]), b[1][0] - b[0][0])) for b in boxes]
    widths = [np.linalg.norm(b[1] - b[0]) for b in boxes]
    wide = [a for a, w in zip(angles, widths, strict=True) if w >= np.median(widths)]
    return float(np.median(wide or angles))


def _core_points(boxes: list[np.ndarray]) -> np.ndarray:
    """Corners of the boxes that belong to the main text block (far-away specks and stray text dropped)."""
    centres = np.array([b.mean(axis=0) for b in boxes])
    heights = np.array([np.linalg.norm(b[3] - b[0]) for b in boxes])
    median = np.median(centres, axis=0)
    spread = np.median(np.linalg.norm(centres - median, axis=1)) * 3.0 + 1.0
    keep = np.linalg.norm(centres - median, axis=1) <= spread
    keep &= heights >= 0.3 * np.median(heights)
    chosen = [b for b, k in zip(boxes, keep, strict=True) if k] or boxes
    return np.vstack(chosen)

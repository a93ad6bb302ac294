"""Find card outlines: light-blue (or, for copies, grey) quadrilaterals of ID-1 proportions, under perspective.

Cheap cues (colour, edges, brightness) propose coarse quads on a small copy of the image
(``card_candidates``); each is then snapped to the card's straight sides and kept only if those sides really
show an edge all along (``card_edges``), if its shape is a card's under perspective, and if it is not merely a
part of another card (the portrait photo box) nor a page that holds cards. Where the border is gone (a
copy, a washed-out scan) the card is predicted from its photo box, proposed by the card cues or, when too
small for them, by a dark mask (``card_dark_box``), and from its print. What is kept comes back largest
first; a scan cropped to the card has no edge inside the frame and returns nothing, which lets the caller fall
back to the text's extent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from .card_candidates import MIN_AREA_SHARE, coarse_quads, working_copy
from .card_dark_box import dark_boxes
from .card_edges import Gradients, clockwise, refine_quad, side_support
from .card_layout import card_from_print
from .card_photo import cards_around_photo, darker_than_ring, looks_like_photo, recover_card

ASPECT_RANGE = (1.15, 2.05)  # mean long side / mean short side, perspective included
MAX_AREA_SHARE = 0.985
MIN_SIDE_SUPPORT, MIN_MEAN_SUPPORT = 0.45, 0.7
REFINE_REACHES = (0.015, 0.008)  # share of the diagonal searched either side of a coarse side, per round
RECOVER_REACHES = (0.05, 0.02, 0.008)  # a card predicted from its photo box is further off
POLISH_SIDE = 700  # the card's long side, in pixels, at which its corners are refitted
PHOTO_ASPECT = 1.45  # a card's photo box (with its caption) is squarer than the card
SAME_CARD_IOU = 0.5
INSIDE = 0.85  # share of a quad's area inside another for it to count as nested
LAYOUT_SCORE = 0.5  # best score of a card predicted from its photo box: under any edge-confirmed card's
PHOTO_REACHES = (0.15, 0.02)  # a photo box's coarse quad may take in the caption below it


@dataclass(frozen=True)
class _Found:
    quad: np.ndarray  # working pixels, clockwise
    area: float
    score: float


def find_card_quads(image: np.ndarray) -> list[np.ndarray]:
    """Every card outline in a BGR (or grey) image: 4x2 float64 corners in input pixels, largest first."""
    small, scale = working_copy(image)
    grads = Gradients.of(small)
    found = _dedupe(_verified(small, grads, coarse_quads(small)))
    found = _drop_nested(found, small)
    found.sort(key=lambda f: -f.area)
    return [_polish(image, f.quad / scale) for f in found]


def _polish(image: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """Corners refitted on a crop of the full-resolution image where the working copy showed the card small
    (a card on a 600 dpi page is ~150 px long there); kept only if they moved a little, as a refit should."""
    long_side = float(np.linalg.norm(quad - np.roll(quad, -1, axis=0), axis=1).max())
    h, w = image.shape[:2]
    margin = 0.05 * long_side
    x0, y0 = (np.maximum(quad.min(axis=0) - margin, 0)).astype(int)
    x1, y1 = (np.minimum(quad.max(axis=0) + margin, [w, h])).astype(int)
    factor = min(1.0, POLISH_SIDE / long_side)
    crop = image[y0:y1, x0:x1]
    if factor < 1.0:
        size = (max(1, round((x1 - x0) * factor)), max(1, round((y1 - y0) * factor)))
        if factor < 0.4:
            crop = cv2.resize(crop, (size[0] * 2, size[1] * 2), interpolation=cv2.INTER_NEAREST)
        crop = cv2.resize(crop, size, interpolation=cv2.INTER_AREA)
        factor = size[0] / max(1, x1 - x0)
    local = (quad - (x0, y0)) * factor
    refined = refine_quad(Gradients.of(crop), local, (0.01, 0.005))
    if refined is None:
        return np.asarray(quad, np.float64)
    moved = float(np.linalg.norm(refined - local, axis=1).max())
    if moved > 0.03 * float(np.linalg.norm(local[0] - local[2])):
        return np.asarray(quad, np.float64)
    return np.asarray(refined / factor + (x0, y0), np.float64)


def find_card_quad(image: np.ndarray) -> np.ndarray | None:
    """The largest card outline (4x2 corners in input pixels, unordered), or None when there is none."""
    quads = find_card_quads(image)
    return quads[0] if quads else None


def _verified(small: np.ndarray, grads: Gradients, quads: list[np.ndarray]) -> list[_Found]:
    """Coarse quads snapped to their edges, kept when card-shaped and edged on all four sides; a photo box
    is replaced by the card predicted around it, when that card's edges confirm it, and dropped otherwise."""
    gray = small if small.ndim == 2 else cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    out: list[_Found] = []
    for coarse in quads:
        found = _confirm(small.shape[:2], grads, coarse, REFINE_REACHES)
        if found is not None and (looks_like_photo(gray, found.quad) or _photo_shaped(small, found.quad)):
            card = recover_card(
                found.quad, lambda guess: _confirm(small.shape[:2], grads, guess, RECOVER_REACHES), lambda f: f.quad
            )
            found = _from_layout(gray, grads, found.quad) if card is None or looks_like_photo(gray, card.quad) else card
        if found is not None:
            out.append(found)
    return out + _from_dark_boxes(gray, grads, out)


def _from_dark_boxes(gray: np.ndarray, grads: Gradients, found: list[_Found]) -> list[_Found]:
    """Cards predicted from photo boxes that only a dark mask proposes (``card_dark_box``): too small for the
    card cues on a page-sized copy, or the only sharp shape on a copy whose border is gone; boxes inside a
    card already found are left alone. A photo-like box has print around it: ``card_from_print`` asks that of
    the placement it returns, so only the cheap darker-than-surround half of ``looks_like_photo`` runs here."""
    out: list[_Found] = []
    for box in dark_boxes(gray):
        if any(_overlap(box, f.quad) >= INSIDE * cv2.contourArea(box.astype(np.float32)) for f in found + out):
            continue
        if darker_than_ring(gray, box):
            card = _from_layout(gray, grads, box, snapped=True)
            if card is not None:
                out.append(card)
    return out


def _from_layout(gray: np.ndarray, grads: Gradients, photo: np.ndarray, snapped: bool = False) -> _Found | None:
    """The card predicted from its photo box (snapped to its strongest edges, not to the caption below it)
    and its print, where its border does not show (``card_layout``); scored by what edge it does show, at
    most LAYOUT_SCORE, below any edge-confirmed quad, so that one wins where both are found. ``snapped``:
    predict only from a box that snaps to edges (a box thresholded from a blurred copy is a few pixels off,
    which the card's far corners multiply by four)."""
    exact = refine_quad(grads, photo, PHOTO_REACHES, outermost=False)
    if exact is None and snapped:
        return None
    card = card_from_print(gray, photo if exact is None else exact)
    if card is None or not _card_shaped(clockwise(card)):
        return None
    score = LAYOUT_SCORE * float(side_support(grads, card).mean())
    return _Found(clockwise(card), float(cv2.contourArea(card.astype(np.float32))), score)


def _photo_shaped(small: np.ndarray, quad: np.ndarray) -> bool:
    """A squarish quad (aspect under PHOTO_ASPECT) that could be the photo box of a card lying mostly in the
    frame with a printed face around it: on a scan cropped to the card only the photo has four edges."""
    sides = np.linalg.norm(np.roll(quad, -1, axis=0) - quad, axis=1)
    pair_a, pair_b = (sides[0] + sides[2]) / 2, (sides[1] + sides[3]) / 2
    if max(pair_a, pair_b) / min(pair_a, pair_b) >= PHOTO_ASPECT:
        return False
    h, w = small.shape[:2]
    frame = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float64)
    for card in cards_around_photo(quad):
        area = float(cv2.contourArea(card.astype(np.float32)))
        if area > 0 and _overlap(card, frame) >= 0.7 * area and _busy(small, card, quad) >= 0.03:
            return True
    return False


def _confirm(shape: tuple[int, ...], grads: Gradients, coarse: np.ndarray, reaches: tuple[float, ...]) -> _Found | None:
    """The quad snapped to its edges, if it is card-shaped, of a plausible size and edged on all four sides."""
    quad = refine_quad(grads, coarse, reaches)
    if quad is None or not _card_shaped(quad):
        return None
    area = float(cv2.contourArea(quad.astype(np.float32)))
    if not MIN_AREA_SHARE <= area / float(shape[0] * shape[1]) <= MAX_AREA_SHARE:
        return None
    support = side_support(grads, quad)
    if support.min() < MIN_SIDE_SUPPORT or support.mean() < MIN_MEAN_SUPPORT:
        return None
    return _Found(quad, area, float(support.mean()))


def _card_shaped(quad: np.ndarray) -> bool:
    """Convex, corners not far from square, opposite sides alike, and a card's aspect ratio."""
    if not cv2.isContourConvex(quad.astype(np.float32)):
        return False
    sides = np.linalg.norm(np.roll(quad, -1, axis=0) - quad, axis=1)
    if sides.min() < 6:
        return False
    for i in range(4):
        a, b = quad[i - 1] - quad[i], quad[(i + 1) % 4] - quad[i]
        cos = float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))
        if abs(cos) > math.cos(math.radians(50)):
            return False
    if (
        min(sides[0], sides[2]) / max(sides[0], sides[2]) < 0.6
        or min(sides[1], sides[3]) / max(sides[1], sides[3]) < 0.6
    ):
        return False
    pair_a, pair_b = (sides[0] + sides[2]) / 2, (sides[1] + sides[3]) / 2
    aspect = max(pair_a, pair_b) / min(pair_a, pair_b)
    return bool(ASPECT_RANGE[0] <= aspect <= ASPECT_RANGE[1])


def _overlap(a: np.ndarray, b: np.ndarray) -> float:
    """Area shared by two convex quads."""
    inter, _ = cv2.intersectConvexConvex(a.astype(np.float32), b.astype(np.float32))
    return float(inter)


def _dedupe(found: list[_Found]) -> list[_Found]:
    """One quad per card: of quads overlapping by more than SAME_CARD_IOU, the best-edged one."""
    kept: list[_Found] = []
    for f in sorted(found, key=lambda f: -f.score):
        if all(_overlap(f.quad, k.quad) / (f.area + k.area - _overlap(f.quad, k.quad)) < SAME_CARD_IOU for k in kept):
            kept.append(f)
    return kept


def _long_axis(quad: np.ndarray) -> float:
    """Direction of the quad's longer side pair, in degrees modulo 180."""
    sides = np.roll(quad, -1, axis=0) - quad
    lengths = np.linalg.norm(sides, axis=1)
    i = 0 if lengths[0] + lengths[2] >= lengths[1] + lengths[3] else 1
    v = sides[i] - sides[i + 2]  # opposite sides point opposite ways in a clockwise quad
    return math.degrees(math.atan2(v[1], v[0])) % 180.0


def _perpendicular(a: np.ndarray, b: np.ndarray) -> bool:
    diff = abs(_long_axis(a) - _long_axis(b)) % 180.0
    return 50.0 <= diff <= 130.0


def _drop_nested(found: list[_Found], small: np.ndarray) -> list[_Found]:
    """Resolve quads inside quads, largest first: a card swallows its photo box and anything else printed on
    it; a page, tray or sleeve holding cards is dropped and the cards inside are judged on their own."""
    order = sorted(range(len(found)), key=lambda i: -found[i].area)
    drop: set[int] = set()
    for i in order:
        if i in drop:
            continue
        kids = [j for j in order if j != i and j not in drop and _inside(found[j], found[i])]
        if not kids:
            continue
        if _is_container(found[i], [found[j] for j in kids], small):
            drop.add(i)
        else:
            drop.update(kids)
    return [f for j, f in enumerate(found) if j not in drop]


def _inside(inner: _Found, outer: _Found) -> bool:
    return inner.area < outer.area and _overlap(inner.quad, outer.quad) >= INSIDE * inner.area


def _is_container(outer: _Found, kids: list[_Found], small: np.ndarray) -> bool:
    """True when ``outer`` holds cards (two alike, one turned like it, or one on a blank surround); False
    when the only thing inside is turned across it on a printed face, as a card's portrait photo is."""
    direct = [k for k in kids if not any(_inside(k, o) for o in kids if o is not k)]
    sizable = sorted((k for k in direct if k.area >= 0.04 * outer.area), key=lambda k: -k.area)
    if len(sizable) >= 2 and sizable[1].area >= 0.6 * sizable[0].area:
        return True
    main = max(direct, key=lambda k: k.area)
    if main.area > 0.3 * outer.area or not _perpendicular(main.quad, outer.quad):
        return True
    return _busy(small, outer.quad, main.quad) < 0.03


def _busy(small: np.ndarray, outer: np.ndarray, inner: np.ndarray) -> float:
    """Share of edge pixels in ``outer`` outside ``inner``: a card's face is printed, a page around a card blank."""
    gray = small if small.ndim == 2 else cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    x, y, w, h = cv2.boundingRect(outer.astype(np.float32))
    x, y = max(x, 0), max(y, 0)
    crop = gray[y : y + h, x : x + w]
    if crop.size == 0:
        return 0.0
    region = np.zeros(crop.shape, np.uint8)
    cv2.fillConvexPoly(region, np.round(outer - (x, y)).astype(np.int32), 255)
    cv2.fillConvexPoly(region, np.round(inner - (x, y)).astype(np.int32), 0)
    region = np.asarray(cv2.erode(region, np.ones((5, 5), np.uint8)), np.uint8)
    edges = np.asarray(cv2.Canny(cv2.GaussianBlur(crop, (3, 3), 0), 50, 150), np.uint8)
    total = int(np.count_nonzero(region))
    return float(np.count_nonzero(edges & region)) / total if total else 0.0

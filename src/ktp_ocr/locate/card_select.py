"""Which card-shaped quads are cards: one per card, no part of a card, no page or surface that holds one.

The proposers (``card_candidates``, ``card_lines``) and the checks (``card.py``) keep every quad whose four
sides are edged, so one card comes back several times: snapped to slightly different edges, as a band of
it (the card less its photo column, or rows of its print between two of its sides), or with a band of the
surface beyond it where a desk's or cloth's edge runs on from one of its sides; and a page, a tray or a
patterned cloth may frame it. A KTP's face shows its portrait photo at a fixed place (``card_face``), which
nothing else does and which a band or a widened card moves off its place; that, and which quads hold which,
decide here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

SAME_CARD_IOU = 0.5  # two quads overlapping more than this (intersection over union) are one card
INSIDE = 0.85  # share of a quad's area inside another for it to count as nested
PART_SHARE = 0.9  # a shadow or a double edge widens a card by a few per cent; a band of its print is more
FLUSH = 0.012  # share of the diagonal: a side this close to a larger quad's side along all its length is that side
FACE_EVIDENCE = 0.25  # ``photo_evidence`` of a KTP's face: its photo box a quarter darker than the ground; a
# red or blue backdrop on the light ground gives about 0.6 and a grey copy's photo 0.4 (19 cards in 20 of the
# synthetic sets show over 0.35), while keyboards, cloth and papers cut to a card's shape stay near 0.2 or under
FACE_MARGIN = 0.1  # ``photo_evidence`` differences smaller than this are noise (blur, glare, the holder's veil)


@dataclass(frozen=True)
class Found:
    """A card-shaped quad that passed its checks, with what decides between quads."""

    quad: np.ndarray  # working pixels, clockwise
    area: float
    score: float  # how well its sides are edged (at most ``card.LAYOUT_SCORE`` for a predicted card)
    face: float = 0.0  # ``photo_evidence``: how clearly a KTP's photo box shows at its place on the quad
    fit: float = 0.0  # the same, strip by strip along the box's border: how exactly it sits at its place


def overlap(a: np.ndarray, b: np.ndarray) -> float:
    """Area shared by two convex quads."""
    inter, _ = cv2.intersectConvexConvex(a.astype(np.float32), b.astype(np.float32))
    return float(inter)


def shows_photo(found: Found) -> bool:
    """Whether the quad's face shows a KTP's photo at its place (``photo_evidence`` at least FACE_EVIDENCE)."""
    return found.face >= FACE_EVIDENCE


def without_parts(found: list[Found]) -> list[Found]:
    """Of two quads one of which lies inside the other, sharing a side with it and missing a sizable share of
    it, the likelier card (``_likelier``): the other is the card less a band of it (its photo column, rows
    of its print) or the card with a band of the surface beyond it."""
    drop = set()
    for i, inner in enumerate(found):
        for j, outer in enumerate(found):
            if i != j and _part_of(inner, outer):
                drop.add(j if _likelier(inner, outer) else i)
    return [f for k, f in enumerate(found) if k not in drop]


def _likelier(a: Found, b: Found) -> bool:
    """Whether ``a`` is likelier the card than ``b``: it shows a KTP's photo clearly better at its place, else
    its sides are better edged (a band of the surface, or a row of print, is not one clean edge all along)."""
    if abs(a.fit - b.fit) >= FACE_MARGIN:
        return a.fit > b.fit
    return a.score > b.score


def _part_of(inner: Found, outer: Found) -> bool:
    """Whether ``inner`` lies inside ``outer``, misses more than a shadow's width of it, and has a side along a
    side of it (both its ends within FLUSH of that side's line): a card on a page or tray lies clear of its
    edges, while a band cut off by a row of print, or a card widened by a band beyond it, shares a side."""
    if not _inside(inner, outer) or inner.area > PART_SHARE * outer.area:
        return False
    tol = FLUSH * float(np.linalg.norm(outer.quad[0] - outer.quad[2]))
    for i in range(4):
        ends = (inner.quad[i], inner.quad[(i + 1) % 4])
        for j in range(4):
            p, q = outer.quad[j], outer.quad[(j + 1) % 4]
            d = (q - p) / (float(np.linalg.norm(q - p)) or 1.0)
            if max(abs(float((x - p)[0] * d[1] - (x - p)[1] * d[0])) for x in ends) <= tol:
                return True
    return False


def dedupe(found: list[Found]) -> list[Found]:
    """One quad per card: of quads overlapping by more than SAME_CARD_IOU, the likelier card (``_likelier``)."""
    kept: list[Found] = []
    for f in sorted(found, key=lambda f: (-shows_photo(f), -f.score)):
        same = [i for i, k in enumerate(kept) if _iou(f, k) >= SAME_CARD_IOU]
        if not same:
            kept.append(f)
        elif len(same) == 1 and _likelier(f, kept[same[0]]):
            kept[same[0]] = f
    return kept


def _iou(a: Found, b: Found) -> float:
    """Intersection over union of two found quads."""
    shared = overlap(a.quad, b.quad)
    return shared / (a.area + b.area - shared)


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


def drop_nested(found: list[Found], small: np.ndarray) -> list[Found]:
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
        inside = [found[j] for j in kids]
        if _holds_card(found[i], inside) or _is_container(found[i], inside, small):
            drop.add(i)
        else:
            drop.update(kids)
    return [f for j, f in enumerate(found) if j not in drop]


def _holds_card(outer: Found, kids: list[Found]) -> bool:
    """A quad without a KTP's photo of its own around one that shows it, clearly better at its place, is the
    surface the card lies on."""
    return not shows_photo(outer) and any(shows_photo(k) and k.fit >= outer.fit + FACE_MARGIN for k in kids)


def _inside(inner: Found, outer: Found) -> bool:
    """Whether ``inner`` is the smaller and lies (INSIDE of it, at least) within ``outer``."""
    return inner.area < outer.area and overlap(inner.quad, outer.quad) >= INSIDE * inner.area


def _is_container(outer: Found, kids: list[Found], small: np.ndarray) -> bool:
    """True when ``outer`` holds cards (two alike, one turned like it, or one on a blank surround); False
    when the only thing inside is turned across it on a printed face, as a card's portrait photo is."""
    direct = [k for k in kids if not any(_inside(k, o) for o in kids if o is not k)]
    sizable = sorted((k for k in direct if k.area >= 0.04 * outer.area), key=lambda k: -k.area)
    if len(sizable) >= 2 and sizable[1].area >= 0.6 * sizable[0].area:
        return True
    main = max(direct, key=lambda k: k.area)
    if main.area > 0.3 * outer.area or not _perpendicular(main.quad, outer.quad):
        return True
    return busy(small, outer.quad, main.quad) < 0.03


def busy(small: np.ndarray, outer: np.ndarray, inner: np.ndarray) -> float:
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

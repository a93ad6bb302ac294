"""Find card outlines: light-blue (or, for copies, grey) quadrilaterals of ID-1 proportions, under perspective.

Cheap cues (colour, edges, brightness) propose coarse quads on a small copy of the image
(``card_candidates``); each is then snapped to the card's straight sides and kept only if those sides really
show an edge all along (``card_edges``) and if its shape is a card's under perspective (``card_shape``).
Where no kept quad is an edged card showing a KTP's photo, the card's four sides are sought as straight edge
lines too, which finds it where no mask closes around it (``card_lines``). Where the border is gone (a
copy, a washed-out scan) the card is predicted from its photo box, proposed by the card cues or, when too
small for them, by a dark mask (``card_dark_box``), and from its print. Of what is kept, one quad per card
is chosen, none that is a part of a card (the portrait photo box, a band of its print) or a card with a
band of the surface beyond it, and no page that holds cards (``card_select``). What shows a KTP's photo at
its place (``card_face``) comes back first, each group largest first; a scan cropped to the card has no edge
inside the frame and returns nothing, which lets the caller fall back to the text's extent.
"""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from .card_candidates import MIN_AREA_SHARE, coarse_quads, same_quad, working_copy
from .card_dark_box import dark_boxes
from .card_edges import Gradients, clockwise, refine_quad, side_support
from .card_face import photo_evidence, print_in_rows
from .card_layout import card_from_print
from .card_lines import line_quads
from .card_photo import cards_around_photo, darker_than_ring, looks_like_photo, recover_card
from .card_select import INSIDE, Found, busy, dedupe, drop_nested, overlap, shows_photo, without_parts
from .card_shape import card_shaped

MAX_AREA_SHARE = 0.985
MIN_SIDE_SUPPORT, MIN_MEAN_SUPPORT = 0.45, 0.7
REFINE_REACHES = (0.015, 0.008)  # share of the diagonal searched either side of a coarse side, per round
RECOVER_REACHES = (0.05, 0.02, 0.008)  # a card predicted from its photo box is further off
POLISH_SIDE = 700  # the card's long side, in pixels, at which its corners are refitted
PHOTO_ASPECT = 1.45  # a card's photo box (with its caption) is squarer than the card
LAYOUT_SCORE = 0.5  # best score of a card predicted from its photo box: under any edge-confirmed card's
PHOTO_REACHES = (0.15, 0.02)  # a photo box's coarse quad may take in the caption below it
KEYSTONE_SIDE = 24  # working pixels: a photo box's sides this long hold a corner's pixel of error to 4% of
# them (the box of a card 150 px long, the least the working copy keeps, is 35 px wide)
BOX_EDGED = 0.75  # least side support of each of a photo box's sides for its keystone to count as measured:
# a side the holder's shoulders or veil break shows its edge at the backdrop's two corners only


def find_card_quads(image: np.ndarray) -> list[np.ndarray]:
    """Every card outline in a BGR (or grey) image: 4x2 float64 corners in input pixels, those that show a
    KTP's photo first (a keyboard or a sheet of paper is card-shaped too), each group largest first."""
    small, scale = working_copy(image)
    grads = Gradients.of(small)
    gray = small if small.ndim == 2 else cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    coarse = coarse_quads(small)
    found = _verified(small, grads, coarse)
    if not any(shows_photo(f) and f.score > LAYOUT_SCORE for f in found):
        found += _from_lines(small, grads, coarse)
    found += [_with_face(gray, f) for f in _from_dark_boxes(gray, grads, found)]
    found = drop_nested(dedupe(without_parts(found)), small)
    found.sort(key=lambda f: (-shows_photo(f), -f.area))
    return [_polish(image, f.quad / scale) for f in found]


def _from_lines(small: np.ndarray, grads: Gradients, coarse: list[np.ndarray]) -> list[Found]:
    """Cards whose four sides are straight edge lines (``card_lines``), sought only where the cheap cues found
    no edge-confirmed card showing its photo: the lines cost as much again as the rest, and where a card's
    outline closes a mask traces it as well. Four lines meet around any printed box or block of text, so
    only those whose face shows a KTP's photo at its place and carries its print in rows along its long
    side are kept (the photo box with its caption is card-shaped too, but turned across)."""
    gray = small if small.ndim == 2 else cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    area = float(gray.size)
    quads = [q for q in line_quads(gray, MIN_AREA_SHARE * area, area) if not any(same_quad(q, c) for c in coarse)]
    return [f for f in _verified(small, grads, quads) if shows_photo(f) and print_in_rows(gray, f.quad)]


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


def _verified(small: np.ndarray, grads: Gradients, quads: list[np.ndarray]) -> list[Found]:
    """Coarse quads snapped to their edges, kept when card-shaped and edged on all four sides; a photo box
    is replaced by the card predicted around it, when that card's edges confirm it, and dropped otherwise."""
    gray = small if small.ndim == 2 else cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    out: list[Found] = []
    for coarse in quads:
        found = _confirm(small.shape[:2], grads, coarse, REFINE_REACHES)
        if found is not None and (looks_like_photo(gray, found.quad) or _photo_shaped(small, found.quad)):
            card = recover_card(
                found.quad, lambda guess: _confirm(small.shape[:2], grads, guess, RECOVER_REACHES), lambda f: f.quad
            )
            found = _from_layout(gray, grads, found.quad) if card is None or looks_like_photo(gray, card.quad) else card
        if found is not None:
            out.append(_with_face(gray, found))
    return out


def _with_face(gray: np.ndarray, found: Found) -> Found:
    """The found quad with how clearly, and how exactly, a KTP's photo shows at its place (``card_face``)."""
    face, fit = photo_evidence(gray, found.quad)
    return replace(found, face=face, fit=fit)


def _from_dark_boxes(gray: np.ndarray, grads: Gradients, found: list[Found]) -> list[Found]:
    """Cards predicted from photo boxes that only a dark mask proposes (``card_dark_box``): too small for the
    card cues on a page-sized copy, or the only sharp shape on a copy whose border is gone; boxes inside a
    card already found that shows its photo are left alone. A photo-like box has print around it:
    ``card_from_print`` asks that of the placement it returns, so only the cheap darker-than-surround half
    of ``looks_like_photo`` runs here."""
    out: list[Found] = []
    cards = [f for f in found if shows_photo(f)]
    for box in dark_boxes(gray):
        if any(overlap(box, f.quad) >= INSIDE * cv2.contourArea(box.astype(np.float32)) for f in cards + out):
            continue
        if darker_than_ring(gray, box):
            card = _from_layout(gray, grads, box, snapped=True)
            if card is not None:
                out.append(card)
    return out


def _from_layout(gray: np.ndarray, grads: Gradients, photo: np.ndarray, snapped: bool = False) -> Found | None:
    """The card predicted from its photo box (snapped to its strongest edges, not to the caption below it)
    and its print, where its border does not show (``card_layout``); scored by what edge it does show, or by
    how cleanly the box it was predicted from is edged where that is more (the prediction is as good as the
    box), at most LAYOUT_SCORE, below any edge-confirmed quad, so that one wins where both are found.
    ``snapped``: predict only from a box that snaps to edges (a box thresholded from a blurred copy is a few
    pixels off, which the card's far corners multiply by four)."""
    exact = refine_quad(grads, photo, PHOTO_REACHES, outermost=False)
    if exact is None and snapped:
        return None
    box_edged = 0.0 if exact is None else float(side_support(grads, exact).min())
    measured = exact is not None and box_edged >= BOX_EDGED and _shortest_side(exact) >= KEYSTONE_SIDE
    card = card_from_print(gray, photo if exact is None else exact, measured)
    if card is None or not card_shaped(clockwise(card)):
        return None
    area = float(cv2.contourArea(card.astype(np.float32)))
    if area < MIN_AREA_SHARE * gray.size:  # predicted from a bold letter: smaller than any card looked for
        return None
    score = LAYOUT_SCORE * max(box_edged, float(side_support(grads, card).mean()))
    return Found(clockwise(card), area, score)


def _shortest_side(quad: np.ndarray) -> float:
    """Length of the quad's shortest side, in its pixels."""
    return float(np.linalg.norm(np.roll(quad, -1, axis=0) - quad, axis=1).min())


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
        if area > 0 and overlap(card, frame) >= 0.7 * area and busy(small, card, quad) >= 0.03:
            return True
    return False


def _confirm(shape: tuple[int, ...], grads: Gradients, coarse: np.ndarray, reaches: tuple[float, ...]) -> Found | None:
    """The quad snapped to its edges, if it is card-shaped, of a plausible size and edged on all four sides."""
    quad = refine_quad(grads, coarse, reaches)
    if quad is None or not card_shaped(quad):
        return None
    area = float(cv2.contourArea(quad.astype(np.float32)))
    if not MIN_AREA_SHARE <= area / float(shape[0] * shape[1]) <= MAX_AREA_SHARE:
        return None
    support = side_support(grads, quad)
    if support.min() < MIN_SIDE_SUPPORT or support.mean() < MIN_MEAN_SUPPORT:
        return None
    return Found(quad, area, float(support.mean()))

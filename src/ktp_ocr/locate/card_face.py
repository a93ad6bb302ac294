"""Whether a quad shows a KTP's face: the portrait photo box, darker than the light ground, at its printed place.

Edges alone find every card-shaped thing in view: a keyboard, a sheet of paper, a phone, a quad cut from a
patterned cloth, or a band of the card itself between one of its sides and a row of its print. An e-KTP's
face, though, is a light ground with its holder's portrait at a fixed place (``template.PHOTO``), a dark
backdrop on the original and dark toner on a copy, seen upright, turned half round or mirrored. So a quad's
face is warped flat once and, at each of those four placements, the photo zone's brightness compared with
the ground in a band around it: a card gives a clear contrast at one of them, other things at none. Its
print, too, runs in rows along its long side (``print_in_rows``), which tells a card from its own photo box
with the caption under it, card-shaped as well but turned across.
"""

from __future__ import annotations

import cv2
import numpy as np

from ..template import PHOTO
from .card_edges import clockwise
from .card_photo import STROKE

FACE_SIZE = (86, 54)  # the card flattened at about one pixel per millimetre: the photo box is 20 x 26 of them
BACKDROP = 25  # percentile of the photo zone taken as its backdrop: the holder's lighter face and veil fill the
# middle of the box, the dark backdrop at least its top corners and sides (a third of it)
GAP, BAND = 1, 3  # pixels of FACE_SIZE: the photo box's blurred border left out, and the ground band beyond it
PRINT_SIZE = (344, 216)  # the card flattened at four pixels per millimetre: its rows of print 10 pixels apart
PRINT_MARGIN = (15, 20)  # pixels of PRINT_SIZE left out at each side and at top and bottom: border and header
ROWS = 0.5  # least spread of the print's row profile over that of its column profile: on a card face the rows
# of text make the first about as large as the second (0.75 or more on the synthetic sets), while print
# turned across the long side (a photo box with its caption under it) makes it a quarter of it


def photo_evidence(gray: np.ndarray, quad: np.ndarray) -> tuple[float, float]:
    """How much darker the photo zone of the card at ``quad`` is than the ground in a band just outside each of
    its four sides, as a share of that ground's brightness: the least of the four, best over the placements
    an upright, half-turned or mirrored card may have. A dark patch that merely lies there (a keyboard under
    a quad cut from the desk) is not ringed by light ground.

    Returned twice: comparing each band with the whole zone, then with the strip of the zone just inside it,
    along the sides where the backdrop shows (above the head, and beside it in the upper half: the holder's
    shoulders fill the bottom). The second tells how exactly the box sits at its place: a quad a band wider
    or narrower than the card puts the zone's edge on the ground, or the band beyond it on the photo."""
    flat = _flatten(gray, quad).astype(np.float32)
    loose, exact = -1.0, -1.0
    for (c0, r0, c1, r1), head_up in _photo_places():
        above, below = flat[r0 - GAP - BAND : r0 - GAP, c0:c1], flat[r1 + GAP : r1 + GAP + BAND, c0:c1]
        west, east = flat[r0:r1, c0 - GAP - BAND : c0 - GAP], flat[r0:r1, c1 + GAP : c1 + GAP + BAND]
        grounds = [_share(band, 50) for band in (above, below, west, east)]
        backdrop = _share(flat[r0 + GAP : r1 - GAP, c0 + GAP : c1 - GAP], BACKDROP)
        loose = max(loose, min(_darker(backdrop, g) for g in grounds))
        half = slice(0, (r1 - r0) // 2) if head_up else slice((r1 - r0) // 2, r1 - r0)
        head = flat[r0 + GAP : r0 + GAP + BAND, c0:c1] if head_up else flat[r1 - GAP - BAND : r1 - GAP, c0:c1]
        strips = [
            (head, grounds[0] if head_up else grounds[1]),
            (flat[r0:r1, c0 + GAP : c0 + GAP + BAND][half], _share(west[half], 50)),
            (flat[r0:r1, c1 - GAP - BAND : c1 - GAP][half], _share(east[half], 50)),
        ]
        exact = max(exact, min(_darker(_share(strip, BACKDROP), g) for strip, g in strips))
    return loose, exact


def _share(values: np.ndarray, percent: int) -> float:
    """The ``percent`` percentile of the values (the nearest one, which is all these few pixels need)."""
    flat = values.ravel()
    k = min(len(flat) - 1, len(flat) * percent // 100)
    return float(np.partition(flat, k)[k])


def _darker(photo: float, ground: float) -> float:
    """How much darker the photo is than the ground, as a share of the ground's brightness."""
    return (ground - photo) / max(ground, 1.0)


def _flatten(gray: np.ndarray, quad: np.ndarray, size: tuple[int, int] = FACE_SIZE) -> np.ndarray:
    """The quad warped to ``size`` with its longer side across, as a card lies in ``template`` units."""
    q = clockwise(quad).astype(np.float32)
    if np.linalg.norm(q[1] - q[0]) + np.linalg.norm(q[3] - q[2]) < np.linalg.norm(q[2] - q[1]) + np.linalg.norm(
        q[0] - q[3]
    ):
        q = np.roll(q, -1, axis=0)
    w, h = size
    dst = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    return np.asarray(cv2.warpPerspective(gray, cv2.getPerspectiveTransform(q, dst), size, flags=cv2.INTER_AREA))


def _photo_places() -> list[tuple[tuple[int, int, int, int], bool]]:
    """The photo zone (column and row bounds in FACE_SIZE pixels) on the card upright, half-turned, mirrored
    left to right and mirrored top to bottom, each with whether the holder's head is up (towards row 0)."""
    x0, y0, x1, y1 = PHOTO.x0, PHOTO.y0, PHOTO.x1, PHOTO.y1
    places = [
        ((x0, y0, x1, y1), True),
        ((1 - x1, 1 - y1, 1 - x0, 1 - y0), False),
        ((1 - x1, y0, 1 - x0, y1), True),
        ((x0, 1 - y1, x1, 1 - y0), False),
    ]
    w, h = FACE_SIZE
    return [((round(a * w), round(b * h), round(c * w), round(d * h)), up) for (a, b, c, d), up in places]


def print_in_rows(gray: np.ndarray, quad: np.ndarray) -> bool:
    """Whether the quad's face carries print in rows along its long side, as a KTP's labels and values run:
    the share of print changes more from row to row of the flattened face than from column to column."""
    flat = _flatten(gray, quad, PRINT_SIZE)
    dark = cv2.morphologyEx(flat, cv2.MORPH_BLACKHAT, np.ones((7, 7), np.uint8)) > STROKE  # strokes of print
    mx, my = PRINT_MARGIN
    strokes = dark[my:-my, mx:-mx].astype(np.float32)
    return bool(strokes.mean(axis=1).std() >= ROWS * strokes.mean(axis=0).std())

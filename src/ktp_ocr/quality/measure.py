"""Raw image-quality measurements, each in its own physical unit (pixels, grey levels, shares, ratios).

Every measurement is taken where it means something: sharpness, light, glare and colour on the warped card
(so a busy background does not vote), the pixel grid of a screen on the input's own pixels (a resize would
destroy it), framing and turn on the card's corners. The card is shrunk first so that the whole assessment stays
cheap (a few tens of milliseconds), and so that a large card is not judged on detail that reading never uses.
"""

from __future__ import annotations

import math
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from ..locate import Alignment, Gradients, clockwise, side_support, working_copy
from ..template import CARD_ASPECT, PHOTO

PRE_SMOOTH = 0.8  # Gaussian sigma applied before the blur estimate (see blur_sigma)
BLUR_SIDE = 1000  # the sharpness of a card is judged at no more than its reading size (the warped width)
SMALL_SIDE = 250  # light, glare and colour are smooth quantities: a small card is enough and averages noise
MARGIN = 0.04  # share of the card trimmed on each side: its rounded corners and outline carry the background
# The holder's photo, left out of the glare search, with a margin for a print or a warp a little off its place
# (was (0.69, 0.17, 0.96, 0.70) before the template: the same box to within 0.004 of the card).
PHOTO_EXCLUDED = PHOTO.grown(0.02, 0.03)
CLIPPED = 250  # a pixel with every channel at or above this is clipped white: its colour is lost
HIGHLIGHT_LIFT = 0.6  # a specular highlight climbs at least this share of the way from the card's ground to white
HIGHLIGHT_CHROMA = 0.7  # ... and keeps at most this share of the ground's chroma (added white light dilutes it)
CHROMA_NOISE = 4.0  # Lab chroma that JPEG colour noise alone gives a grey pixel
MIN_UNCLIPPED = 0.02  # share of unclipped pixels needed to judge colour on them alone
ALONG_BORDER = 0.015  # share of the image side within which a card side lies along the border
SHOWN_SIDES = 0.6  # mean edge support of a card's other sides for a side along the border to be judged
TRIMMED_ASPECT = 0.04  # an image whose proportions are the card's within this share ...
TRIMMED_SLACK = 0.05  # ... and whose corners the text frame puts the card's on, within this share of its side
CORNER_RADIUS = 0.059  # an ID-1 card's corner radius (3.18 mm) as a share of its short side (54 mm)
CORNER_CONTRAST = 18.0  # levels (any channel) between what the arc leaves at a corner and the card's face
SCREEN_CROP = 512  # side of the native-pixel crop searched for a screen's pixel grid
SCREEN_BAND = (1 / 6.5, 1 / 2.2)  # cycles per pixel: sub-pixel grids of 2.2-6.5 pixels


def card_long_side(alignment: Alignment) -> float:
    """Length in input pixels of the card's long edges (mean of top and bottom)."""
    c = np.asarray(alignment.card_corners, np.float64)
    return float((np.linalg.norm(c[1] - c[0]) + np.linalg.norm(c[2] - c[3])) / 2)


def _trim(a: np.ndarray) -> np.ndarray:
    h, w = a.shape[:2]
    my, mx = round(h * MARGIN), round(w * MARGIN)
    return a[my : h - my, mx : w - mx]


def _small_card(alignment: Alignment) -> np.ndarray:
    card = alignment.image
    h, w = card.shape[:2]
    scale = SMALL_SIDE / w
    small = cv2.resize(card, (SMALL_SIDE, max(8, round(h * scale))), interpolation=cv2.INTER_AREA)
    return _trim(small)


# ---------------------------------------------------------------- sharpness
def blur_sigma(alignment: Alignment) -> float:
    """Estimated blur (Gaussian sigma, pixels) of the card's strongest edges at min(native, 1000 px) scale.

    For an edge of contrast H blurred by sigma, the steepest gradient is H / (sigma * sqrt(2 pi)): the ratio of
    local contrast (max - min in a 9x9 window) to gradient magnitude, taken at the card's steepest high-contrast
    edges (text strokes), is proportional to sigma whatever the print's contrast or the lighting. The card is
    first brought back to its native size when the input showed it smaller than the warp's 1000 px (the warp
    upsampled it, which would look like blur), so a sharp small card and a sharp large card measure the same.
    A light pre-smoothing (sigma 0.8, added to every card alike) damps what is not optics: a screen's sub-pixel
    grid, sensor noise and JPEG ringing steepen gradients and inflate contrast in ways a lens blur does not.
    """
    card = alignment.image
    h, w = card.shape[:2]
    native = min(card_long_side(alignment), float(BLUR_SIDE))
    if native < w * 0.95:
        nw = max(int(native), 32)
        card = cv2.resize(card, (nw, max(8, round(h * nw / w))), interpolation=cv2.INTER_AREA)
    gray = _trim(cv2.cvtColor(card, cv2.COLOR_BGR2GRAY)).astype(np.float32)
    gray = np.asarray(cv2.GaussianBlur(gray, (0, 0), PRE_SMOOTH), np.float32)
    gx = cv2.Sobel(gray, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(gray, cv2.CV_32F, 0, 1, ksize=3)
    mag = cv2.magnitude(gx, gy) / 8.0  # Sobel weights sum to 8: back to grey levels per pixel
    kernel = np.ones((9, 9), np.uint8)
    contrast = cv2.dilate(gray, kernel) - cv2.erode(gray, kernel)
    strong = contrast >= max(25.0, 0.5 * float(np.percentile(contrast, 99)))
    if int(strong.sum()) < 20:
        return 10.0  # no edge of any contrast on the card: as unreadable as a heavy blur
    cut = float(np.percentile(mag[strong], 90))
    top = strong & (mag >= cut)
    ratio = contrast[top] / np.maximum(mag[top], 1e-3)
    return float(np.median(ratio)) / math.sqrt(2 * math.pi)


# ---------------------------------------------------------------- light
def light_levels(small: np.ndarray) -> dict[str, float]:
    """Luminance of the card: its ground level, and the share washed out to white (all >= 245).

    The ground level is the mean of the brighter half of the card (its light-blue ground, not the print): a mean,
    not a percentile, so that a screen's moire, which swings the brightness both ways, does not lift it.
    """
    lum = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY).astype(np.float32)
    white = (small.min(axis=2) >= 245).mean()
    ground = float(lum[lum >= np.median(lum)].mean())
    return {"lum_ground": ground, "white_share": float(white)}


# ---------------------------------------------------------------- colour
def chroma_levels(small: np.ndarray) -> dict[str, float]:
    """Chroma (Lab a*b* distance from grey) of the card: its 97th percentile (the photo backdrop).

    A KTP is light blue with a red or blue photo backdrop; a photocopy or a greyscale scan has none of it. Pixels
    clipped white in every channel are left out: over-exposure bleaches the light blue to white, which is a bright card,
    not a copy (the backdrop keeps some colour).
    """
    lab = cv2.cvtColor(small, cv2.COLOR_BGR2LAB).astype(np.float32)
    chroma = np.hypot(lab[..., 1] - 128.0, lab[..., 2] - 128.0)
    unclipped = small.min(axis=2) < CLIPPED
    if unclipped.mean() >= MIN_UNCLIPPED:
        chroma = chroma[unclipped]
    return {"chroma_p97": float(np.percentile(chroma, 97))}


# ---------------------------------------------------------------- glare
def _outside_photo(small: np.ndarray) -> NDArray[np.bool_]:
    h, w = small.shape[:2]
    keep = np.ones((h, w), bool)
    x0, y0, x1, y1 = PHOTO_EXCLUDED.x0, PHOTO_EXCLUDED.y0, PHOTO_EXCLUDED.x1, PHOTO_EXCLUDED.y1
    # PHOTO_EXCLUDED is in shares of the untrimmed card; map it into the trimmed one
    full_w, full_h = w / (1 - 2 * MARGIN), h / (1 - 2 * MARGIN)
    off_x, off_y = full_w * MARGIN, full_h * MARGIN
    keep[
        max(0, round(y0 * full_h - off_y)) : round(y1 * full_h - off_y),
        max(0, round(x0 * full_w - off_x)) : round(x1 * full_w - off_x),
    ] = False
    return keep


def glare_share(small: np.ndarray) -> float:
    """Area share of the card (photo excluded) of the largest specular highlight.

    A highlight is light reflected off the laminate: white light added on top of the card. It lifts a pixel
    most of the way from the card's ground level to white (``HIGHLIGHT_LIFT`` of the headroom; shading, a
    sheen of diffuse light or an old card's faded ink lift far less) and dilutes the light-blue ground's colour
    (chroma at most ``HIGHLIGHT_CHROMA`` of the ground's, or within JPEG's colour noise). Both are judged
    against the card's own ground (its brighter half), so a dim photo's highlight counts as much as a bright
    one's, and a white card background is not on the card. The photo box is left out (white clothes and
    headscarves are white by nature); a 3x3 opening drops specks under ~1 mm.
    """
    lab = cv2.cvtColor(small, cv2.COLOR_BGR2LAB).astype(np.float32)
    chroma = np.hypot(lab[..., 1] - 128.0, lab[..., 2] - 128.0)
    lum = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY).astype(np.float32)
    keep = _outside_photo(small)
    upper = keep & (lum >= np.median(lum[keep]))
    ground, ground_chroma = float(np.median(lum[upper])), float(np.median(chroma[upper]))
    white = keep & (lum >= ground + HIGHLIGHT_LIFT * (255.0 - ground))
    white &= chroma <= max(HIGHLIGHT_CHROMA * ground_chroma, CHROMA_NOISE)
    mask = cv2.morphologyEx(white.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if count <= 1:
        return 0.0
    largest = int(stats[1:, cv2.CC_STAT_AREA].max())
    return largest / float(keep.sum())


# ---------------------------------------------------------------- screen
def _band_peak(profile: np.ndarray) -> tuple[float, float]:
    """Strongest isolated spectral peak of a 1-D profile in the screen band: (peak / median power, frequency).

    JPEG's 8x8 blocks put peaks at multiples of 1/8 cycle per pixel; 1/8 and 3/8 are skipped, and 1/4 counts
    only when it clearly beats them (a 4-pixel screen grid has no 1/8 component, JPEG blocking has).
    """
    n = len(profile)
    p = profile - cv2.blur(profile.reshape(1, -1).astype(np.float32), (9, 1)).ravel()
    spec = np.abs(np.fft.rfft(p * np.hanning(n))) ** 2
    freqs = np.fft.rfftfreq(n)
    band = (freqs >= SCREEN_BAND[0]) & (freqs <= SCREEN_BAND[1])
    if int(band.sum()) < 8:
        return 0.0, 0.0
    floor = float(np.median(spec[band])) + 1e-9

    def near(f: float) -> NDArray[np.bool_]:
        hit: NDArray[np.bool_] = np.abs(freqs - f) <= 1.5 / n
        return hit

    allowed = band & ~near(1 / 8) & ~near(3 / 8)
    jpeg = max(float(spec[near(1 / 8)].max(initial=0.0)), float(spec[near(3 / 8)].max(initial=0.0)))
    if float(spec[near(1 / 4)].max(initial=0.0)) < 4.0 * jpeg:
        allowed &= ~near(1 / 4)
    if not allowed.any():
        return 0.0, 0.0
    idx = int(np.argmax(np.where(allowed, spec, 0.0)))
    return float(spec[idx]) / floor, float(freqs[idx])


def screen_peak(image: np.ndarray, alignment: Alignment) -> float:
    """Strength of a screen's pixel grid: the same sharp period across columns and across rows.

    A photographed screen shows its sub-pixel grid: columns repeat every few pixels (R, G, B stripes) and so do
    rows (the gaps between pixel rows). Averaging a native-pixel crop of the card over rows (columns) cancels
    the card's content and keeps that periodic profile; its spectrum then has one sharp peak in the 2.2-6.5 px
    band. The measurement is log10 of the weaker of the two axes' peak-to-median power ratios (a printed card
    reaches ~2.5, a screen grid 3.7 and more), less 1 unless both axes peak at the same period, as a pixel grid
    does and printed patterns seldom do.
    """
    h, w = image.shape[:2]
    c = np.asarray(alignment.card_corners, np.float64)
    cx = float(np.clip(c[:, 0].mean(), 0, w - 1))
    cy = float(np.clip(c[:, 1].mean(), 0, h - 1))
    side_w, side_h = min(SCREEN_CROP, w), min(SCREEN_CROP, h)
    x0 = int(np.clip(cx - side_w / 2, 0, w - side_w))
    y0 = int(np.clip(cy - side_h / 2, 0, h - side_h))
    crop = cv2.cvtColor(image[y0 : y0 + side_h, x0 : x0 + side_w], cv2.COLOR_BGR2GRAY).astype(np.float32)
    px, fx = _band_peak(crop.mean(axis=0))
    py, fy = _band_peak(crop.mean(axis=1))
    peak = math.log10(1.0 + min(px, py))
    if fx <= 0 or fy <= 0 or abs(fx - fy) > 0.04 * max(fx, fy) + 2.0 / SCREEN_CROP:
        return peak - 1.0
    return peak


# ---------------------------------------------------------------- framing and turn
def outside_share(image: np.ndarray, corners: np.ndarray) -> float:
    """Share of the card's quadrilateral (``corners``, input pixels) that lies outside the image: the card runs
    off the frame."""
    h, w = image.shape[:2]
    quad = np.asarray(corners, np.float64)
    area = abs(float(cv2.contourArea(quad.astype(np.float32))))
    if area <= 1.0:
        return 0.0
    frame = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    inside, _ = cv2.intersectConvexConvex(quad.astype(np.float32), frame)
    return float(max(0.0, 1.0 - inside / area))


def is_the_card(image: np.ndarray, corners: np.ndarray) -> bool:
    """Whether the image is the card itself: a scan trimmed to the card's border. Its sides have the card's
    proportions (ID-1, 85.6 x 54 mm), the card as its text places it (``corners``) lies on the image's corners
    within the text frame's own uncertainty, and the card's rounded corners show in the image's corners (an
    image trimmed inside the card's border, cutting it, shows the card's face there instead)."""
    h, w = image.shape[:2]
    aspect = max(w, h) / max(1, min(w, h))
    if abs(aspect / CARD_ASPECT - 1.0) > TRIMMED_ASPECT:
        return False
    frame = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float64)
    quad = np.asarray(corners, np.float64)
    nearest = np.linalg.norm(quad[:, None, :] - frame[None, :, :], axis=2).min(axis=1)
    if not (nearest <= TRIMMED_SLACK * max(w, h)).all():
        return False
    return sum(_rounded_corner(image, flip_x, flip_y) for flip_x in (False, True) for flip_y in (False, True)) >= 3


def _rounded_corner(image: np.ndarray, flip_x: bool, flip_y: bool) -> bool:
    """Whether an image corner shows a card's rounded corner: the triangle the arc leaves at the very corner is
    not the card's face along the edges beside it (ID-1 corners have a 3.18 mm radius, 5.9 % of the short side)."""
    h, w = image.shape[:2]
    r = max(4, round(CORNER_RADIUS * min(h, w)))
    pixels = image if image.ndim == 3 else image[..., None]
    patch = pixels[h - 2 * r :, :][::-1] if flip_y else pixels[: 2 * r]
    patch = patch[:, w - 2 * r :][:, ::-1] if flip_x else patch[:, : 2 * r]  # the image's corner at [0, 0]
    yy, xx = np.mgrid[0 : 2 * r, 0 : 2 * r]
    outside = (xx + yy) < 0.35 * r  # well outside the arc
    # the card's face along the same two image edges just past the arc: what the corner would show were the
    # card cut there (a trimmed edge's dark or bright line and the scan's noise are in both)
    face = ((yy < 0.35 * r) & (xx >= 1.5 * r)) | ((xx < 0.35 * r) & (yy >= 1.5 * r))
    corner = patch[outside].astype(np.float64).mean(axis=0)
    inside = np.median(patch[face].astype(np.float64), axis=0)
    return bool(np.abs(corner - inside).max() >= CORNER_CONTRAST)


def open_side(image: np.ndarray, alignment: Alignment) -> float:
    """Edge support (0-1) of the weakest card side lying along the image border, where the other sides show.

    A card cut by the frame still gets an outline, its cut side laid along the border, just inside it; unlike a
    card that merely sits close to the border (a tight scan), that side shows no card edge, because the card
    goes on beyond it. Judged only when the card's other sides do show an edge (else the whole outline is
    faint, as on a photocopy, and says nothing). 1.0 when no side lies along the border.
    """
    h, w = image.shape[:2]
    quad = clockwise(np.asarray(alignment.card_corners, np.float64))  # side_support wants clockwise sides
    on_border = [i for i in range(4) if _along_border(quad[i], quad[(i + 1) % 4], w, h)]
    if not on_border or len(on_border) == 4:
        return 1.0
    small, scale = working_copy(image)
    support = side_support(Gradients.of(small), quad * scale)
    if float(np.mean([support[i] for i in range(4) if i not in on_border])) < SHOWN_SIDES:
        return 1.0
    return float(min(support[i] for i in on_border))


def _along_border(a: np.ndarray, b: np.ndarray, w: int, h: int) -> bool:
    """Both ends of the side a-b within ALONG_BORDER of the same image edge."""
    for axis, size in ((0, w), (1, h)):
        for edge in (0.0, float(size)):
            if max(abs(a[axis] - edge), abs(b[axis] - edge)) <= ALONG_BORDER * size:
                return True
    return False


def tilt_off(alignment: Alignment) -> float:
    """Degrees (0-180) the card's reading direction is away from upright, quarter and half turns included."""
    t = float(alignment.tilt) % 360.0
    return min(t, 360.0 - t)


def measure(image: np.ndarray, alignment: Alignment, printed: np.ndarray | None = None) -> dict[str, Any]:
    """All raw measurements of one image, by name. ``printed``: the card's corners as its printed text places
    them (input pixels), when the reading had enough labels to say; it decides whether the card runs off the frame
    (the outline may have been laid along the image's border, or be the text's extent with a margin)."""
    small = _small_card(alignment)
    out: dict[str, Any] = {"blur_sigma": blur_sigma(alignment)}
    out.update(light_levels(small))
    out.update(chroma_levels(small))
    out["glare_share"] = glare_share(small)
    out["screen_peak"] = screen_peak(image, alignment)
    out["printed_outside"] = None if printed is None else outside_share(image, printed)
    out["is_the_card"] = printed is not None and is_the_card(image, printed)
    out["outside_share"] = outside_share(image, alignment.card_corners)
    out["open_side"] = open_side(image, alignment) if printed is None else None  # decides only without the text
    out["tilt_off"] = tilt_off(alignment)
    out["mirrored"] = bool(alignment.mirrored)
    out["card_found"] = bool(alignment.card_found)
    return out

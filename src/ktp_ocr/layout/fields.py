"""Stage 4, layout: give each OCR line on the upright card to the field whose printed label it belongs to.

The card is the one in ``template``: labels (``labels.py``) are aligned to its rows in printed order as one
sequence, so a missing or extra line cannot shift the rows below. A value is whatever sits right of the card's
value column on a label row; lines between two label rows continue the wrapping row above (a long Nama or
Alamat). Lines left of the value column are label text and never a value. The header sits above the NIK; the
issue place (one or two lines) and date sit under the photo on the right.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz

from ..ocr import OcrEngine, TextLine
from ..template import BLOOD_LABEL_X, HEADER, PHOTO, ROW_PITCH, ROWS, UNDER_PHOTO, VALUE_COLUMN
from ..text.dates import find_date_span
from .labels import Label, compact, find_labels

WRAP_REACH = 1.6  # a wrapped line lies at most this many row pitches below its row
REGENCY_MATCH = 75  # fuzzy score of a line's first nine letters against KABUPATEN
VALUE_GAP = 0.01  # share of the card left between a value zone and the photo
ROW_REACH = 0.45  # a value line belongs to a row whose centre is within this many pitches
BLOOD_LABEL = re.compile(r"G\W*[O0D]\W*[LI1]\W*\.?\s*D\W*A\W*R\W*A\W*H|DARAH|GOL\.?", re.IGNORECASE)
ROW_KEYS = {row.key: row for row in ROWS}
NIK_ROW = next(k for k, row in enumerate(ROWS) if row.fields == ("nik",))
WRAPPING = frozenset(row.key for row in ROWS if row.wraps)


@dataclass
class FieldText:
    """Raw text of one field with the recogniser's score and the boxes it came from (card pixels)."""

    text: str = ""
    score: float = 0.0
    boxes: list[np.ndarray] = field(default_factory=list)
    weakest: float = 1.0  # the least certain character's probability over the lines (ocr.spaces.LineScore)

    def add(self, text: str, score: float, box: np.ndarray) -> None:
        if not text.strip():
            return
        self.weakest = min(self.weakest, float(getattr(score, "weakest", score)))
        n = len(self.boxes)
        self.text = f"{self.text} {text}".strip() if self.text else text.strip()
        self.score = (self.score * n + score) / (n + 1)
        self.boxes.append(box)


def sub_box(line: TextLine, start: int, end: int) -> np.ndarray:
    """The part of a line's box holding ``line.text[start:end]``, assuming evenly wide characters."""
    n = max(1, len(line.text))
    a, b = start / n, end / n
    tl, tr, br, bl = line.box
    return np.array([tl + (tr - tl) * a, tl + (tr - tl) * b, bl + (br - bl) * b, bl + (br - bl) * a], np.float32)


def text_slope(lines: list[TextLine]) -> float:
    """Median dy/dx of the wide lines' top edges: how much rows still slant after alignment."""
    slopes = [(ln.box[1][1] - ln.box[0][1]) / (ln.box[1][0] - ln.box[0][0]) for ln in lines
              if ln.box[1][0] - ln.box[0][0] > 3 * ln.height]  # fmt: skip
    return float(np.median(slopes)) if slopes else 0.0


def shear(lines: list[TextLine], slope: float) -> list[TextLine]:
    """Lines with ``y -= slope * x``, so that one printed row shares one y however the card was tilted."""
    matrix = np.array([[1.0, 0.0], [-slope, 1.0]], dtype=np.float32)
    return [TextLine(ln.text, ln.score, ln.box @ matrix.T) for ln in lines]


@dataclass(frozen=True)
class _Grid:
    """The label rows of one reading, measured once: the lines de-sheared and sorted top to bottom, the labels
    matched, the value column, every row's centre line and the row spacing."""

    slope: float
    lines: list[TextLine]
    labels: dict[str, Label]
    column: float
    rows: dict[str, float]
    spacing: float


def _grid(lines: list[TextLine], width: int, height: int) -> _Grid:
    slope = text_slope(lines)
    flat = sorted(shear(lines, slope), key=lambda ln: (ln.cy, ln.x0))
    labels, column = find_labels(flat, width)
    rows = _row_positions(labels, height)
    return _Grid(slope, flat, labels, column, rows, _row_spacing(rows, height))


def assign_fields(lines: list[TextLine], width: int, height: int) -> dict[str, FieldText]:
    """Map OCR lines of an upright card to raw field texts (keys as in ``template.FIELD_NAMES``)."""
    return _assign(_grid(lines, width, height), width, height)


def read_fields(lines: list[TextLine], image: np.ndarray, engine: OcrEngine) -> dict[str, FieldText]:
    """Every field of an upright card: the OCR lines assigned, and a label row whose value line the detector
    missed (faint print, glare on the value, a line merged into its neighbour) read again from its value zone,
    since every label row of a KTP prints a value: a row is never returned empty while its label is read."""
    height, width = image.shape[:2]
    grid = _grid(lines, width, height)
    fields = _assign(grid, width, height)
    gaps = _empty_rows(grid, fields, width)
    found = engine.read_boxes(image, gaps) if gaps else []
    return assign_fields([*lines, *found], width, height) if found else fields


def _empty_rows(grid: _Grid, fields: dict[str, FieldText], width: int) -> list[np.ndarray]:
    """The value zones (boxes in card pixels) of the label rows between the first and last label read whose
    value came back empty: from the value column to the photo, one row pitch high."""
    index = {row.key: k for k, row in enumerate(ROWS)}
    read = sorted(index[key] for key in grid.labels)
    boxes = []
    for k, row in enumerate(ROWS):
        if row.key == "NIK" or not read or not read[0] <= k <= read[-1]:
            continue
        if any(fields.get(name) and fields[name].text.strip() for name in row.fields):
            continue
        y, x0, x1, half = grid.rows[row.key], grid.column, (PHOTO.x0 - VALUE_GAP) * width, grid.spacing / 2
        box = np.array([[x0, y - half], [x1, y - half], [x1, y + half], [x0, y + half]])
        box[:, 1] += grid.slope * box[:, 0]  # back onto the slanted card
        boxes.append(box.astype(np.float32))
    return boxes


def _assign(grid: _Grid, width: int, height: int) -> dict[str, FieldText]:
    """The fields of one reading's grid, their boxes back on the slanted card."""
    fields = _assign_flat(grid, width, height)
    unshear = np.array([[1.0, 0.0], [grid.slope, 1.0]], dtype=np.float32).T
    for text in fields.values():
        text.boxes = [b @ unshear for b in text.boxes]
    return fields


def _assign_flat(grid: _Grid, width: int, height: int) -> dict[str, FieldText]:
    lines, labels, column, rows, spacing = grid.lines, grid.labels, grid.column, grid.rows, grid.spacing
    used = {id(lab.line) for lab in labels.values()}
    by_row: dict[str, FieldText] = {}
    for lab in labels.values():
        by_row.setdefault(lab.key, FieldText()).add(
            lab.line.text[lab.cut :].strip(" :;"), lab.line.score, sub_box(lab.line, lab.cut, len(lab.line.text))
        )
    blood = _blood(lines, rows.get("JENISKELAMIN"), spacing, used, width)
    for ln in lines:
        if id(ln) in used or ln.x0 >= VALUE_COLUMN.x1 * width:
            continue
        key = _row_of(ln, rows, spacing)
        if key is None:
            continue
        used.add(id(ln))
        part = _value_part(ln, labels.get(key), column)
        if part is not None:
            by_row.setdefault(key, FieldText()).add(part[0], ln.score, part[1])
    out = _fields_of_rows(by_row, blood)
    if len(re.sub(r"\D", "", out.get("nik", FieldText()).text)) < 16:
        out["nik"] = _nik_by_content(lines, rows, spacing) or out.get("nik", FieldText())
    out.update(_header(lines, rows, spacing, used, width))
    out.update(_under_photo(lines, used, width, height))
    return out


def _value_part(line: TextLine, label: Label | None, column: float) -> tuple[str, np.ndarray] | None:
    """The value text of a line on a label row. A line that starts in the label column, and not right of its
    row's matched label, is an unmatched piece of a label (``na``, ``Agis ina``): only what follows a colon in
    it is value."""
    in_labels = line.x0 < column - line.height
    if not in_labels or (label is not None and line.x0 >= label.line.x1 - 0.5 * line.height):
        return line.text, line.box
    colon = re.search(r"[:;]", line.text)
    if colon is None:
        return None
    return line.text[colon.end() :], sub_box(line, colon.end(), len(line.text))


def _row_positions(labels: dict[str, Label], height: int) -> dict[str, float]:
    """Centre line of every label row; rows whose label was not read are placed from their neighbours."""
    index = {row.key: k for k, row in enumerate(ROWS)}
    known = sorted((index[k], lab.line.cy) for k, lab in labels.items())
    if not known:
        return {}
    if len(known) == 1:
        base_k, base_y = known[0]
        return {key: base_y + (k - base_k) * ROW_PITCH * height for key, k in index.items()}
    grid = [(k, y) for k, y in known if k != NIK_ROW]
    if len(grid) >= 2:  # the NIK prints larger, about two pitches above Nama: it is off the label rows' grid
        known = grid
    ks, ys = zip(*known, strict=True)
    fit = np.polyfit(ks, ys, 1)
    rows = {}
    for key, k in index.items():
        rows[key] = labels[key].line.cy if key in labels else float(np.interp(k, ks, ys, left=np.nan, right=np.nan))
        if np.isnan(rows[key]):
            rows[key] = float(np.polyval(fit, k))
    return rows


def _row_spacing(rows: dict[str, float], height: int) -> float:
    ys = sorted(rows.values())
    gaps = [b - a for a, b in itertools.pairwise(ys) if b > a]
    return float(np.median(gaps)) if gaps else ROW_PITCH * height


def _row_of(line: TextLine, rows: dict[str, float], spacing: float) -> str | None:
    """The row a value line belongs to: the same row, or the wrapping row just above it."""
    if not rows:
        return None
    key, y = min(rows.items(), key=lambda kv: abs(kv[1] - line.cy))
    if abs(y - line.cy) <= ROW_REACH * spacing:
        return key
    above = [(k, yy) for k, yy in rows.items() if yy < line.cy and k in WRAPPING]
    if above:
        k, yy = max(above, key=lambda kv: kv[1])
        if line.cy - yy <= WRAP_REACH * spacing and all(not (yy < v < line.cy) for v in rows.values()):
            return k
    return None


def _fields_of_rows(by_row: dict[str, FieldText], blood: FieldText) -> dict[str, FieldText]:
    """Row texts to fields: Tempat/Tgl Lahir splits into place and date at the date; Gol. Darah read inside
    the Jenis Kelamin row (one OCR line across the row) is cut out of it."""
    out: dict[str, FieldText] = {"golongan_darah": blood}
    for key, text in by_row.items():
        names = ROW_KEYS[key].fields
        if len(names) == 1:
            out[names[0]] = text
            continue
        span = find_date_span(text.text)
        cut = span[0] if span else len(text.text)
        out[names[0]] = FieldText(text.text[:cut].strip(" ,.:"), text.score, text.boxes[:1])
        out[names[1]] = FieldText(text.text[cut:], text.score, text.boxes[-1:])
    sex = out.get("jenis_kelamin")
    match = BLOOD_LABEL.search(sex.text) if sex else None
    if sex and match:
        out["jenis_kelamin"] = FieldText(sex.text[: match.start()], sex.score, sex.boxes[:1])
        if not blood.text:
            out["golongan_darah"] = FieldText(sex.text[match.end() :], sex.score, sex.boxes[-1:])
    return out


def cut_after(text: str, key: str) -> tuple[float, int]:
    """Best fuzzy occurrence of ``key`` anywhere in ``text``: its score and the index in ``text`` after it."""
    chars, index = compact(text)
    best, cut = 0.0, 0
    for start in range(len(chars)):
        for n in (len(key) - 1, len(key), len(key) + 1):
            if n <= 0 or start + n > len(chars):
                continue
            score = float(fuzz.ratio(chars[start : start + n], key))
            if score > best:
                best, cut = score, index[start + n - 1] + 1
    return best, cut


def _blood(lines: list[TextLine], row_y: float | None, spacing: float, used: set[int], width: int) -> FieldText:
    """Gol. Darah sits mid-card on the Jenis Kelamin row; its value is after the label, or blank (``-``)."""
    best: tuple[float, TextLine, int] | None = None
    for ln in lines:
        if (
            id(ln) in used
            or ln.x0 < BLOOD_LABEL_X * width
            or (row_y is not None and abs(ln.cy - row_y) > 0.8 * spacing)
        ):
            continue
        score, cut = cut_after(ln.text, "DARAH")
        if score >= 75 and (best is None or score > best[0]):
            best = (score, ln, cut)
    if best is None:
        return FieldText()
    _, label, cut = best
    used.add(id(label))
    value = FieldText()
    value.add(label.text[cut:], label.score, sub_box(label, cut, len(label.text)))
    for ln in lines:
        if (
            id(ln) not in used
            and (ln.x0 + ln.x1) / 2 > label.x1  # detection boxes are padded: they may overlap the label's
            and ln.x0 > label.x0
            and abs(ln.cy - label.cy) < 0.5 * spacing
            and ln.x0 < label.x1 + 0.15 * width
        ):
            value.add(ln.text, ln.score, ln.box)
            used.add(id(ln))
    if not value.boxes:
        value.boxes.append(sub_box(label, len(label.text), len(label.text)))
        value.score = label.score
    return value


def _nik_by_content(lines: list[TextLine], rows: dict[str, float], spacing: float) -> FieldText | None:
    """The NIK's 16 big digits are recognisable by themselves: the line above Nama that is most nearly them."""
    limit = rows.get("NAMA", float("inf")) - 0.3 * spacing
    best: tuple[int, TextLine] | None = None
    for ln in lines:
        digits = sum(ch.isdigit() for ch in ln.text)
        if ln.cy < limit and digits >= 12 and (best is None or abs(digits - 16) < abs(best[0] - 16)):
            best = (digits, ln)
    if best is None:
        return None
    text = FieldText()
    text.add(best[1].text, best[1].score, best[1].box)
    return text


def _header(
    lines: list[TextLine], rows: dict[str, float], spacing: float, used: set[int], width: int
) -> dict[str, FieldText]:
    """PROVINSI line and the kabupaten/kota line under it, both above the NIK row."""
    top = rows.get("NIK", spacing * 3) - 0.6 * spacing
    header = [ln for ln in lines if ln.cy < top and id(ln) not in used and ln.x1 > HEADER.x0 * width]
    out: dict[str, FieldText] = {}
    prov = next((ln for ln in header if fuzz.partial_ratio("PROVINSI", ln.text.upper()) >= 75), None)
    if prov is None and len(header) == 1 and names_regency(header[0].text):
        # the province line cut off by the photo's edge (or unread): the line left is the regency's
        return {"kabupaten_kota": FieldText(header[0].text, header[0].score, [header[0].box])}
    if prov is None and len(header) >= 2:
        prov = header[0]
    if prov is not None:
        chars, index = compact(prov.text)
        cut = index[min(len(index), 8) - 1] + 1 if chars[:8] and fuzz.ratio(chars[:8], "PROVINSI") >= 70 else 0
        out["provinsi"] = FieldText(prov.text[cut:], prov.score, [sub_box(prov, cut, len(prov.text))])
        below = [ln for ln in header if ln.cy > prov.y1 - 0.2 * prov.height]
        if below:
            out["kabupaten_kota"] = FieldText(below[0].text, below[0].score, [below[0].box])
    return out


def names_regency(text: str) -> bool:
    """Whether a header line is the second one, the regency's: it starts with KABUPATEN or KOTA as printed."""
    chars, _ = compact(text)
    return chars.startswith("KOTA") or fuzz.ratio(chars[:9], "KABUPATEN") >= REGENCY_MATCH


def _under_photo(lines: list[TextLine], used: set[int], width: int, height: int) -> dict[str, FieldText]:
    """Issue place and date, printed centred under the photo: the date line, and above it the place, which
    wraps onto a second line when long (``KOTA`` / ``BANDUNG``, ``TANGERANG`` / ``SELATAN``)."""
    column = [
        ln for ln in lines
        if id(ln) not in used and ln.x0 >= UNDER_PHOTO.x0 * width and ln.cy >= UNDER_PHOTO.y0 * height
    ]  # fmt: skip
    dated = [ln for ln in column if find_date_span(ln.text) is not None]
    out: dict[str, FieldText] = {}
    if not dated:
        return out
    date = dated[0]
    out["tanggal_terbit"] = FieldText(date.text, date.score, [date.box])
    place = FieldText()
    below = date
    for _ in range(2):  # at most two lines, each right above the one below it and centred over the date
        above = [ln for ln in column if _stacked_over(ln, below, date) and find_date_span(ln.text) is None]
        if not above:
            break
        line = max(above, key=lambda ln: ln.cy)
        if place.boxes and sum(ch.isalpha() for ch in line.text) < 3:
            break  # a second line must be a word, not a speck of the photo read as a letter
        place.boxes.insert(0, line.box)
        place.text = f"{line.text} {place.text}".strip()
        place.score = line.score if len(place.boxes) == 1 else (place.score + line.score) / 2
        below = line
    if place.boxes:
        out["tempat_terbit"] = place
    return out


def _stacked_over(line: TextLine, below: TextLine, date: TextLine) -> bool:
    """``line`` sits right above ``below`` (within a line pitch and a half) and is centred near the date."""
    gap = below.cy - line.cy
    centre = (line.x0 + line.x1) / 2
    return 0.3 * below.height < gap < 1.6 * max(below.height, line.height) and date.x0 - date.height < centre < (
        date.x1 + date.height
    )

"""Stage 4, layout: give each OCR line on the upright card to the field whose printed label it belongs to.

Labels are found by fuzzy prefix match and then aligned, in their fixed printed order, to the left-column lines
(a monotonic alignment, so one misread label cannot pull the others out of order). A value is whatever sits to
the right of its label on the same row; lines between two label rows continue the row above (a wrapped Nama or
Alamat). The header lines sit above NIK; the issue place and date sit under the photo on the right.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz

from .normalize.dates import find_date_span
from .ocr import TextLine

ROW_LABELS: tuple[tuple[str, str], ...] = (
    ("nik", "NIK"),
    ("nama", "NAMA"),
    ("ttl", "TEMPATTGLLAHIR"),
    ("jenis_kelamin", "JENISKELAMIN"),
    ("alamat", "ALAMAT"),
    ("rt_rw", "RTRW"),
    ("kelurahan_desa", "KELDESA"),
    ("kecamatan", "KECAMATAN"),
    ("agama", "AGAMA"),
    ("status_perkawinan", "STATUSPERKAWINAN"),
    ("pekerjaan", "PEKERJAAN"),
    ("kewarganegaraan", "KEWARGANEGARAAN"),
    ("berlaku_hingga", "BERLAKUHINGGA"),
)
WRAPPING_ROWS = frozenset({"nama", "alamat", "pekerjaan"})
LABEL_MIN_SCORE = 62.0
LABEL_COLUMN_END = 0.30  # share of the card width left of which a label starts
VALUE_COLUMN_END = 0.64  # the photo column starts about here
UNDER_PHOTO_TOP = 0.50
BLOOD_LABEL = re.compile(r"G\W*[O0D]\W*[LI1]\W*\.?\s*D\W*A\W*R\W*A\W*H|DARAH|GOL\.?", re.IGNORECASE)


@dataclass
class FieldText:
    """Raw text of one field with the recogniser's score and the boxes it came from (card pixels)."""

    text: str = ""
    score: float = 0.0
    boxes: list[np.ndarray] = field(default_factory=list)

    def add(self, text: str, score: float, box: np.ndarray) -> None:
        if not text.strip():
            return
        n = len(self.boxes)
        self.text = f"{self.text} {text}".strip() if self.text else text.strip()
        self.score = (self.score * n + score) / (n + 1)
        self.boxes.append(box)


@dataclass
class _Label:
    key: str
    line: TextLine
    cut: int  # index in line.text where the value begins


def compact(text: str) -> tuple[str, list[int]]:
    """Upper-case letters and digits only, with each kept character's index in ``text``."""
    kept = [(ch.upper(), i) for i, ch in enumerate(text) if ch.isalnum()]
    return "".join(c for c, _ in kept), [i for _, i in kept]


def label_score(text: str, key: str) -> tuple[float, int]:
    """How well ``text`` starts with ``key`` (0-100), and the index in ``text`` just after the label."""
    chars, index = compact(text)
    best, cut = 0.0, 0
    for n in range(max(1, len(key) - 2), min(len(chars), len(key) + 2) + 1):
        score = float(fuzz.ratio(chars[:n], key))
        if len(key) <= 4 and chars[:n] != key:
            score -= 15.0  # short labels (NIK, NAMA) collide with values; demand a closer match
        if score > best:
            best, cut = score, index[n - 1] + 1
    return best, cut


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


def assign_fields(lines: list[TextLine], width: int, height: int) -> dict[str, FieldText]:
    """Map OCR lines of an upright card to raw field texts (keys as in ``result.FIELD_NAMES``)."""
    slope = text_slope(lines)
    fields = _assign(shear(lines, slope), width, height)
    for text in fields.values():
        text.boxes = [b @ np.array([[1.0, 0.0], [slope, 1.0]], dtype=np.float32).T for b in text.boxes]
    return fields


def _assign(lines: list[TextLine], width: int, height: int) -> dict[str, FieldText]:
    lines = sorted(lines, key=lambda ln: (ln.cy, ln.x0))
    labels = align_labels([ln for ln in lines if ln.x0 < LABEL_COLUMN_END * width])
    used = {id(lab.line) for lab in labels.values()}
    rows = _row_positions(labels, height)
    fields: dict[str, FieldText] = {}
    for lab in labels.values():
        rest = lab.line.text[lab.cut :]
        if rest.strip(" :;.-"):
            fields.setdefault(lab.key, FieldText()).add(
                rest, lab.line.score, sub_box(lab.line, lab.cut, len(lab.line.text))
            )
    spacing = _row_spacing(rows, height)
    fields["golongan_darah"] = _blood(lines, rows, spacing, used, width)
    for ln in lines:
        if id(ln) in used or ln.x0 >= VALUE_COLUMN_END * width:
            continue
        key = _row_of(ln, rows, spacing)
        if key is not None:
            fields.setdefault(key, FieldText()).add(ln.text, ln.score, ln.box)
            used.add(id(ln))
    out = _split_combined(fields)
    if len(re.sub(r"\D", "", out.get("nik", FieldText()).text)) < 16:
        out["nik"] = _nik_by_content(lines, rows, spacing) or out.get("nik", FieldText())
    out.update(_header(lines, rows, spacing, used, width))
    out.update(_under_photo(lines, used, width, height))
    return out


def align_labels(candidates: list[TextLine]) -> dict[str, _Label]:
    """Monotonic alignment of label keys (in printed order) to left-column lines (top to bottom)."""
    n, m = len(candidates), len(ROW_LABELS)
    scores = [[label_score(ln.text, key) for _, key in ROW_LABELS] for ln in candidates]
    gain = np.zeros((n + 1, m + 1))
    move = np.zeros((n + 1, m + 1), dtype=np.int8)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            options = [gain[i - 1, j], gain[i, j - 1]]
            s = scores[i - 1][j - 1][0]
            options.append(gain[i - 1, j - 1] + (s - LABEL_MIN_SCORE) if s >= LABEL_MIN_SCORE else -1.0)
            move[i, j] = int(np.argmax(options))
            gain[i, j] = options[move[i, j]]
    found: dict[str, _Label] = {}
    i, j = n, m
    while i > 0 and j > 0:
        if move[i, j] == 2:
            key = ROW_LABELS[j - 1][0]
            found[key] = _Label(key, candidates[i - 1], scores[i - 1][j - 1][1])
            i, j = i - 1, j - 1
        elif move[i, j] == 0:
            i -= 1
        else:
            j -= 1
    return found


def _row_positions(labels: dict[str, _Label], height: int) -> dict[str, float]:
    """Centre line of every label row; rows whose label was not read are interpolated from their neighbours."""
    index = {key: k for k, (key, _) in enumerate(ROW_LABELS)}
    known = sorted((index[k], lab.line.cy) for k, lab in labels.items())
    if not known:
        return {}
    if len(known) == 1:
        step = 0.058 * height
        base_k, base_y = known[0]
        return {key: base_y + (k - base_k) * step for key, k in index.items()}
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
    return float(np.median(gaps)) if gaps else 0.058 * height


def _row_of(line: TextLine, rows: dict[str, float], spacing: float) -> str | None:
    """The row a value line belongs to: the same row, or the wrapping row just above it."""
    if not rows:
        return None
    key, y = min(rows.items(), key=lambda kv: abs(kv[1] - line.cy))
    if abs(y - line.cy) <= 0.45 * spacing:
        return key
    above = [(k, yy) for k, yy in rows.items() if yy < line.cy and k in WRAPPING_ROWS]
    if above:
        k, yy = max(above, key=lambda kv: kv[1])
        if line.cy - yy <= 1.6 * spacing and all(not (yy < v < line.cy) for v in rows.values()):
            return k
    return None


def _split_combined(fields: dict[str, FieldText]) -> dict[str, FieldText]:
    """Split Tempat/Tgl Lahir into place and date, and Gol. Darah out of the Jenis Kelamin row."""
    out = {k: v for k, v in fields.items() if k not in ("ttl", "jenis_kelamin")}
    ttl = fields.get("ttl")
    if ttl:
        span = find_date_span(ttl.text)
        cut = span[0] if span else len(ttl.text)
        out["tempat_lahir"] = FieldText(ttl.text[:cut].strip(" ,.:"), ttl.score, ttl.boxes[:1])
        out["tanggal_lahir"] = FieldText(ttl.text[cut:], ttl.score, ttl.boxes[-1:])
    sex = fields.get("jenis_kelamin")
    if sex:
        match = BLOOD_LABEL.search(sex.text)
        out["jenis_kelamin"] = FieldText(sex.text[: match.start()], sex.score, sex.boxes[:1]) if match else sex
        if match and not out.get("golongan_darah", FieldText()).text:
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


def _blood(lines: list[TextLine], rows: dict[str, float], spacing: float, used: set[int], width: int) -> FieldText:
    """Gol. Darah sits mid-card on the Jenis Kelamin row; its value is after the label, or blank (``-``)."""
    row_y = rows.get("jenis_kelamin")
    best: tuple[float, TextLine, int] | None = None
    for ln in lines:
        if id(ln) in used or ln.x0 < 0.25 * width or (row_y is not None and abs(ln.cy - row_y) > 0.8 * spacing):
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
            and ln.x0 >= label.x1 - 5
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
    limit = rows.get("nama", float("inf")) - 0.3 * spacing
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
    top = rows.get("nik", spacing * 3) - 0.6 * spacing
    header = [ln for ln in lines if ln.cy < top and id(ln) not in used and ln.x1 > 0.2 * width]
    out: dict[str, FieldText] = {}
    prov = next((ln for ln in header if fuzz.partial_ratio("PROVINSI", ln.text.upper()) >= 75), None)
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


def _under_photo(lines: list[TextLine], used: set[int], width: int, height: int) -> dict[str, FieldText]:
    """Issue place and date, printed under the photo: the date line and the text line just above it."""
    column = [ln for ln in lines if id(ln) not in used and ln.x0 >= 0.60 * width and ln.cy >= UNDER_PHOTO_TOP * height]
    dated = [ln for ln in column if find_date_span(ln.text) is not None]
    out: dict[str, FieldText] = {}
    if not dated:
        return out
    date = dated[0]
    out["tanggal_terbit"] = FieldText(date.text, date.score, [date.box])
    above = [ln for ln in column if ln.cy < date.cy - 0.3 * date.height and find_date_span(ln.text) is None]
    if above:
        place = max(above, key=lambda ln: ln.cy)
        out["tempat_terbit"] = FieldText(place.text, place.score, [place.box])
    return out

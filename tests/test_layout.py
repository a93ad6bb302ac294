"""Layout on hand-placed text lines: one table of card variants, each with the fields it must yield.

The card is laid out like a printed e-KTP (label column, colon column, photo column) on the 1000x631 upright card
the aligner produces. Each case changes one thing a real capture does: a wrapped value, a missing label line, a
stray line between rows, a label misread into pieces, a blank blood type, a two-line issue place, a foreigner's
card, a slanted card. Values are made-up specimens.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pytest

from ktp_ocr.layout import assign_fields, read_fields
from ktp_ocr.ocr import TextLine
from ktp_ocr.template import PHOTO

ROWS = [("NIK", ": 3273014101900001"), ("Nama", ": SITI AMINAH"), ("Tempat/Tgl Lahir", ": BANDUNG, 01-01-1990"),
        ("Jenis Kelamin", ": PEREMPUAN"), ("Alamat", ": JL. CONTOH RAYA NO. 1"), ("RT/RW", ": 001/002"),
        ("Kel/Desa", ": SUKAMAJU"), ("Kecamatan", ": CONTOH"), ("Agama", ": ISLAM"),
        ("Status Perkawinan", ": KAWIN"), ("Pekerjaan", ": KARYAWAN SWASTA"), ("Kewarganegaraan", ": WNI"),
        ("Berlaku Hingga", ": SEUMUR HIDUP")]  # fmt: skip
INDENTED = ("RT/RW", "Kel/Desa", "Kecamatan")
PITCH = 30.0


@dataclass
class Variant:
    """How a test card departs from the plain one."""

    slope: float = 0.0
    values: dict[str, str] = field(default_factory=dict)  # label -> value text replacing the plain one
    labels: dict[str, str | None] = field(default_factory=dict)  # label -> as read (None: not read at all)
    wrap_after: dict[str, str] = field(default_factory=dict)  # label -> a second value line under it
    stray_after: dict[str, str] = field(default_factory=dict)  # label -> a line half a row below, in the value column
    blood: str = "Gol. Darah : AB"
    blood_value: str = ""  # the blood value read as its own line, its padded box overlapping the label's
    place: tuple[str, ...] = ("BANDUNG",)
    issue_date: str = "02-03-2015"
    header: tuple[str, ...] = ("PROVINSI JAWA BARAT", "KOTA BANDUNG")
    nik_gap: float = PITCH  # from the NIK row to the Nama row: a real card prints its larger NIK ~1.9 pitches up


def _line(text: str, x: float, y: float, w: float, slope: float = 0.0) -> TextLine:
    h = 22.0
    box = np.array([[x, y], [x + w, y + slope * w], [x + w, y + h + slope * w], [x, y + h]], np.float32)
    return TextLine(text, 0.95, box)


def _card(v: Variant) -> list[TextLine]:
    s = v.slope
    lines = [_line(text, 380, 55 - 35 * (len(v.header) - i - 1), 14 * len(text), s) for i, text in enumerate(v.header)]
    y = 110.0
    for label, plain in ROWS:
        read = v.labels.get(label, label)
        if read is not None:
            lines.append(_line(read, 30 + (60 if label in INDENTED else 0), y, 12.0 * len(read), s))
        lines.append(_line(v.values.get(label, plain), 250, y + s * 220, 300, s))
        if label == "Jenis Kelamin" and v.blood:
            lines.append(_line(v.blood, 520, y + s * 490, 120, s))
            if v.blood_value:
                lines.append(_line(v.blood_value, 628, y + s * 640, 40, s))
        if label in v.stray_after:
            lines.append(_line(v.stray_after[label], 300, y + 0.5 * PITCH + s * 300, 120, s))
        if label in v.wrap_after:
            y += PITCH
            lines.append(_line(v.wrap_after[label], 262, y + s * 232, 100, s))
        y += v.nik_gap if label == "NIK" else PITCH
    top = 470.0 - 26 * (len(v.place) - 1)
    for i, part in enumerate(v.place):
        lines.append(_line(part, 820 - 6 * len(part), top + 26 * i, 12 * len(part), s))
    lines.append(_line(v.issue_date, 760, 500, 120, s))
    return lines


PLAIN = {"nik": "3273014101900001", "nama": "SITI AMINAH", "tempat_lahir": "BANDUNG", "tanggal_lahir": "01-01-1990",
         "jenis_kelamin": "PEREMPUAN", "golongan_darah": "AB", "alamat": "JL. CONTOH RAYA NO. 1", "rt_rw": "001/002",
         "kelurahan_desa": "SUKAMAJU", "kecamatan": "CONTOH", "agama": "ISLAM", "status_perkawinan": "KAWIN",
         "pekerjaan": "KARYAWAN SWASTA", "kewarganegaraan": "WNI", "berlaku_hingga": "SEUMUR HIDUP",
         "provinsi": "JAWA BARAT", "kabupaten_kota": "KOTA BANDUNG", "tempat_terbit": "BANDUNG",
         "tanggal_terbit": "02-03-2015"}  # fmt: skip

CASES: list[tuple[str, Variant, dict[str, str]]] = [
    ("plain card", Variant(), {}),
    ("slanted card", Variant(slope=0.08), {}),
    ("wrapped name", Variant(values={"Nama": ": SITI AMINAH BINTI"}, wrap_after={"Nama": "ABDULLAH"}),
     {"nama": "SITI AMINAH BINTI ABDULLAH", "tempat_lahir": "BANDUNG"}),
    ("wrapped address", Variant(wrap_after={"Alamat": "BLOK C"}), {"alamat": "JL. CONTOH RAYA NO. 1 BLOK C"}),
    ("blank blood type", Variant(blood="Gol. Darah :"), {"golongan_darah": ""}),
    ("blood type on its own line", Variant(blood="Gol. Darah"), {"golongan_darah": ""}),
    ("blood value read apart from its label", Variant(blood="Gol. Darah", blood_value=": B"),
     {"golongan_darah": "B"}),
    ("missing label line", Variant(labels={"Agama": None, "Alamat": None}), {}),
    ("label read in pieces", Variant(labels={"Nama": "Na ta", "Agama": "Agis ina", "Alamat": "mat"}), {}),
    ("label glued to its value", Variant(labels={"Agama": "Agama : ISLAM"}, values={"Agama": ""}), {}),
    ("label misread into its value's letters", Variant(labels={"Alamat": "Alamal"}), {}),
    ("stray mark between rows", Variant(stray_after={"Agama": "~"}), {}),
    ("two-line issue place", Variant(place=("KOTA", "BANDUNG")), {"tempat_terbit": "KOTA BANDUNG"}),
    # the photo's top edge cut the province line off: the one header line left names the regency
    ("province line cut off", Variant(header=("KOTA BANDUNG",)), {"provinsi": ""}),
    ("regency line alone, KABUPATEN", Variant(header=("KABUPATEN BANDUNG",)),
     {"provinsi": "", "kabupaten_kota": "KABUPATEN BANDUNG"}),
    # the printed hyphens of a date read as a middle dot and a comma
    ("issue date with bent separators", Variant(issue_date="02\u00b703 ,2015"), {"tanggal_terbit": "02\u00b703 ,2015"}),
    # the NIK sits off the label rows' grid (larger, ~1.9 pitches above Nama): rows placed from the labels
    # below it, not from a line through the NIK, when the lower labels are not read
    ("NIK off the rows' grid, lower labels unread",
     Variant(nik_gap=1.9 * PITCH, labels={"Pekerjaan": None, "Kewarganegaraan": None, "Berlaku Hingga": None,
                                          "Agama": None, "Nama": None, "Status Perkawinan": None}), {}),
    ("foreigner's card", Variant(values={"Jenis Kelamin": ": FEMALE", "Agama": ": CHRISTIAN",
                                         "Status Perkawinan": ": MARRIED", "Kewarganegaraan": ": JEPANG",
                                         "Berlaku Hingga": ": 01-01-2030"}),
     {"jenis_kelamin": "FEMALE", "agama": "CHRISTIAN", "status_perkawinan": "MARRIED", "kewarganegaraan": "JEPANG",
      "berlaku_hingga": "01-01-2030"}),
]  # fmt: skip


def _clean(text: str) -> str:
    return text.strip(" :~")


@pytest.mark.parametrize(("variant", "expected"), [(v, e) for _, v, e in CASES], ids=[c[0] for c in CASES])
def test_every_field_lands_in_its_place(variant: Variant, expected: dict[str, str]) -> None:
    fields = {k: _clean(v.text) for k, v in assign_fields(_card(variant), 1000, 631).items()}
    want = {**PLAIN, **expected}
    got = {name: fields.get(name, "") for name in want}
    assert got == want


def test_every_value_keeps_a_polygon_on_its_line() -> None:
    fields = assign_fields(_card(Variant()), 1000, 631)
    box = np.vstack(fields["agama"].boxes)
    assert box[:, 0].min() >= 240 and box[:, 0].max() <= 560


class ZoneEngine:
    """Reads any box it is given as ``text``; records the boxes (the reader's re-read of an empty row)."""

    name = "zone"

    def __init__(self, text: str) -> None:
        self.text, self.boxes = text, []  # type: ignore[var-annotated]

    def read_boxes(self, image: np.ndarray, boxes: list[np.ndarray]) -> list[TextLine]:
        self.boxes += boxes
        return [TextLine(self.text, 0.9, box) for box in boxes]


def test_an_empty_row_is_read_again_from_its_value_zone() -> None:
    lines = [ln for ln in _card(Variant()) if ln.text != ": ISLAM"]  # the detector missed the Agama value
    engine = ZoneEngine("ISLAM")
    fields = read_fields(lines, np.zeros((631, 1000, 3), np.uint8), engine)  # type: ignore[arg-type]
    assert fields["agama"].text == "ISLAM"
    (box,) = engine.boxes  # only the empty row, the others untouched
    agama = next(ln for ln in lines if ln.text == "Agama")
    assert abs(float(box[:, 1].mean()) - agama.cy) < PITCH / 2
    assert box[:, 0].min() > agama.x1 and box[:, 0].max() < PHOTO.x0 * 1000

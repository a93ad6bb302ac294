"""What an e-KTP is, in one declarative table: the printed card in card units and one spec per field.

Every stage reads the card from here, the way PassportEye's MRZ reader reads its format table: the layout finds
labels and zones, the normaliser picks each field's cleaner and vocabulary, crops and quality cut the photo box,
and the synthetic renderer prints the same rows at the same places. A fact about the card lives here once.

Card units: ``x`` is a share of the card's width (the 85.6 mm side), ``y`` a share of its height (54 mm), with the
card upright (header at the top, photo on the right). The numbers were measured on the printed design (the
synthetic renderer prints at these places), not on any one photographed card.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Zone:
    """An upright rectangle in card units."""

    x0: float
    y0: float
    x1: float
    y1: float

    def grown(self, dx: float, dy: float) -> Zone:
        """The zone with a margin on every side (a cut that tolerates a slightly misplaced print)."""
        return Zone(self.x0 - dx, self.y0 - dy, self.x1 + dx, self.y1 + dy)

    def pixels(self, width: int, height: int) -> tuple[int, int, int, int]:
        """(x0, y0, x1, y1) in pixels of a ``width`` x ``height`` upright card, clipped to it."""

        def clip(v: float, n: int) -> int:
            return max(0, min(n, round(v * n)))

        return clip(self.x0, width), clip(self.y0, height), clip(self.x1, width), clip(self.y1, height)

    def corners(self) -> tuple[tuple[float, float], ...]:
        """TL, TR, BR, BL."""
        return ((self.x0, self.y0), (self.x1, self.y0), (self.x1, self.y1), (self.x0, self.y1))


# ---------------------------------------------------------------- the printed card
CARD_ASPECT = 85.6 / 54.0  # ID-1
HEADER = Zone(0.15, 0.0, 0.85, 0.17)  # PROVINSI ... / KABUPATEN ... centred above the NIK
LABEL_COLUMN = Zone(0.0, 0.17, 0.30, 0.98)  # labels start left of x1
VALUE_COLUMN = Zone(0.20, 0.17, 0.64, 0.98)  # a value line starts left of x1; right of it is the photo column
PHOTO = Zone(0.711, 0.199, 0.941, 0.674)  # the holder's portrait, as printed
UNDER_PHOTO = Zone(0.60, 0.50, 1.0, 0.86)  # issue place (one or two lines) then the issue date
SIGNATURE = Zone(0.68, 0.86, 0.98, 0.995)
BLOOD_LABEL_X = 0.25  # "Gol. Darah" starts right of this, on the Jenis Kelamin row
ROW_PITCH = 0.047  # label rows are this far apart (share of card height: about 30 of 638 px)
# Where the rows sit, for checking an outline against the text (medians of 40 dev photos read right, each within
# about 0.03 of them; the synthetic renderer prints within 0.01): the centre of the Nama row, then one pitch a
# row down to Berlaku Hingga; the labels' left edge; the NIK's 16 digits (printed in a fixed-pitch OCR face).
FIRST_ROW_Y = 0.278
LABEL_X = 0.025
NIK_DIGITS = (0.235, 0.673)

# ---------------------------------------------------------------- values
SEUMUR_HIDUP = "SEUMUR HIDUP"
WNI = "WNI"


class Kind(StrEnum):
    """How a field's value is cleaned: its character class and its normaliser (``normalize/card.py``)."""

    NIK = "nik"  # 16 digit slots
    NAME = "name"  # letters only (names, birthplaces): a digit there is a misread letter
    ADDRESS = "address"  # free text of letters and digits: street, house number, block
    DATE = "date"  # DD-MM-YYYY, digit slots
    RT_RW = "rt_rw"  # NNN/NNN, digit slots
    SEX = "sex"  # LAKI-LAKI / PEREMPUAN (MALE / FEMALE on a foreigner's card)
    VOCAB = "vocab"  # one entry of a closed list (Indonesian, or English on a foreigner's card)
    BLOOD = "blood"  # A/B/AB/O with an optional rhesus sign, or "-"
    VALIDITY = "validity"  # SEUMUR HIDUP or a date
    CITIZENSHIP = "citizenship"  # WNI, or the country printed on a foreigner's card
    REGION = "region"  # a Kemendagri name, snapped within the region above it


@dataclass(frozen=True, slots=True)
class Row:
    """One printed label row of the left column, in printed order.

    ``label`` is printed; ``key`` is the label as compared (letters and digits, upper case); ``fields`` are the
    result fields its value yields (Tempat/Tgl Lahir yields two); ``wraps`` says a long value continues on the
    next line, under the value column; ``indented`` rows (RT/RW, Kel/Desa, Kecamatan) print their label indented.
    """

    key: str
    label: str
    fields: tuple[str, ...]
    wraps: bool = False
    indented: bool = False


ROWS: tuple[Row, ...] = (
    Row("NIK", "NIK", ("nik",)),
    Row("NAMA", "Nama", ("nama",), wraps=True),
    Row("TEMPATTGLLAHIR", "Tempat/Tgl Lahir", ("tempat_lahir", "tanggal_lahir")),
    Row("JENISKELAMIN", "Jenis Kelamin", ("jenis_kelamin",)),
    Row("ALAMAT", "Alamat", ("alamat",), wraps=True),
    Row("RTRW", "RT/RW", ("rt_rw",), indented=True),
    Row("KELDESA", "Kel/Desa", ("kelurahan_desa",), indented=True),
    Row("KECAMATAN", "Kecamatan", ("kecamatan",), indented=True),
    Row("AGAMA", "Agama", ("agama",)),
    Row("STATUSPERKAWINAN", "Status Perkawinan", ("status_perkawinan",)),
    Row("PEKERJAAN", "Pekerjaan", ("pekerjaan",), wraps=True),
    Row("KEWARGANEGARAAN", "Kewarganegaraan", ("kewarganegaraan",)),
    Row("BERLAKUHINGGA", "Berlaku Hingga", ("berlaku_hingga",)),
)
BLOOD_ROW = Row("GOLDARAH", "Gol. Darah", ("golongan_darah",))  # printed mid-card on the Jenis Kelamin row


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One result field: where it is printed and how its value is cleaned.

    ``zone`` is ``header``, ``rows`` or ``under_photo``; ``vocabulary`` names a list in ``normalize/vocab.py``
    (the English list is used on a foreigner's card); ``region_level`` orders the Kemendagri snaps.
    """

    name: str
    zone: str
    kind: Kind
    vocabulary: str | None = None
    cutoff: float = 60.0  # fuzzy score a vocabulary match needs
    open_vocabulary: bool = False  # a value off the list is printed as written (pekerjaan)


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("provinsi", "header", Kind.REGION),
    FieldSpec("kabupaten_kota", "header", Kind.REGION),
    FieldSpec("nik", "rows", Kind.NIK),
    FieldSpec("nama", "rows", Kind.NAME),
    FieldSpec("tempat_lahir", "rows", Kind.NAME),
    FieldSpec("tanggal_lahir", "rows", Kind.DATE),
    FieldSpec("jenis_kelamin", "rows", Kind.SEX, "JENIS_KELAMIN", 50.0),
    FieldSpec("golongan_darah", "rows", Kind.BLOOD),
    FieldSpec("alamat", "rows", Kind.ADDRESS),
    FieldSpec("rt_rw", "rows", Kind.RT_RW),
    FieldSpec("kelurahan_desa", "rows", Kind.REGION),
    FieldSpec("kecamatan", "rows", Kind.REGION),
    FieldSpec("agama", "rows", Kind.VOCAB, "AGAMA"),
    FieldSpec("status_perkawinan", "rows", Kind.VOCAB, "STATUS_PERKAWINAN"),
    FieldSpec("pekerjaan", "rows", Kind.VOCAB, "PEKERJAAN", 75.0, open_vocabulary=True),
    FieldSpec("kewarganegaraan", "rows", Kind.CITIZENSHIP),
    FieldSpec("berlaku_hingga", "rows", Kind.VALIDITY),
    FieldSpec("tempat_terbit", "under_photo", Kind.REGION),
    FieldSpec("tanggal_terbit", "under_photo", Kind.DATE),
)
SPECS: dict[str, FieldSpec] = {spec.name: spec for spec in FIELDS}
FIELD_NAMES: tuple[str, ...] = tuple(spec.name for spec in FIELDS)  # the result's order, labels.json's order
ROW_OF_FIELD: dict[str, Row] = {name: row for row in (*ROWS, BLOOD_ROW) for name in row.fields}

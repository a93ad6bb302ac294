"""Layout on hand-placed text lines: labels in order, values on their rows, wraps, and a tilted card."""

from __future__ import annotations

import numpy as np

from ktp_ocr.layout import assign_fields
from ktp_ocr.ocr import TextLine

ROWS = [("NIK", ": 3273014101900001"), ("Nama", ": SITI AMINAH"), ("Tempat/Tgl Lahir", ": BANDUNG, 01-01-1990"),
        ("Jenis Kelamin", ": PEREMPUAN"), ("Alamat", ": JL. CONTOH RAYA NO. 1"), ("RT/RW", ": 001/002"),
        ("Kel/Desa", ": SUKAMAJU"), ("Kecamatan", ": CONTOH"), ("Agama", ": ISLAM"),
        ("Status Perkawinan", ": KAWIN"), ("Pekerjaan", ": KARYAWAN SWASTA"), ("Kewarganegaraan", ": WNI"),
        ("Berlaku Hingga", ": SEUMUR HIDUP")]  # fmt: skip


def _line(text: str, x: float, y: float, w: float, slope: float = 0.0) -> TextLine:
    h = 22.0
    box = np.array([[x, y], [x + w, y + slope * w], [x + w, y + h + slope * w], [x, y + h]], np.float32)
    return TextLine(text, 0.95, box)


def _card(slope: float = 0.0, wrap: bool = False) -> list[TextLine]:
    lines = [_line("PROVINSI JAWA BARAT", 380, 20, 260, slope), _line("KOTA BANDUNG", 420, 55, 180, slope)]
    y = 110.0
    for label, value in ROWS:
        lines.append(_line(label, 30 + (60 if label in ("RT/RW", "Kel/Desa", "Kecamatan") else 0), y, 150, slope))
        lines.append(_line(value, 250, y + slope * 220, 300, slope))
        if label == "Jenis Kelamin":
            lines.append(_line("Gol. Darah : AB", 520, y + slope * 490, 120, slope))
        if wrap and label == "Alamat":
            y += 32
            lines.append(_line("BLOK C", 262, y + slope * 232, 100, slope))
        y += 32
    lines.append(_line("BANDUNG", 760, 470, 120, slope))
    lines.append(_line("02-03-2015", 760, 500, 120, slope))
    return lines


def test_every_field_is_found() -> None:
    fields = assign_fields(_card(), 1000, 631)
    got = {k: v.text for k, v in fields.items()}
    assert got["nik"].endswith("3273014101900001")
    assert got["nama"].endswith("SITI AMINAH")
    assert got["tempat_lahir"].endswith("BANDUNG") and got["tanggal_lahir"] == "01-01-1990"
    assert "AB" in got["golongan_darah"] and "PEREMPUAN" in got["jenis_kelamin"]
    assert got["provinsi"].strip() == "JAWA BARAT" and got["kabupaten_kota"] == "KOTA BANDUNG"
    assert got["tempat_terbit"] == "BANDUNG" and got["tanggal_terbit"] == "02-03-2015"
    assert got["berlaku_hingga"].endswith("SEUMUR HIDUP")


def test_wrapped_address_joins_its_second_line() -> None:
    fields = assign_fields(_card(wrap=True), 1000, 631)
    assert fields["alamat"].text.endswith("NO. 1 BLOK C")
    assert fields["rt_rw"].text.endswith("001/002")


def test_a_slanted_card_keeps_rows_together() -> None:
    fields = assign_fields(_card(slope=0.08), 1000, 631)
    assert fields["agama"].text.endswith("ISLAM")
    assert fields["status_perkawinan"].text.endswith("KAWIN")
    assert fields["pekerjaan"].text.endswith("KARYAWAN SWASTA")

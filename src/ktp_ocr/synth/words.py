"""The ``words`` profile: cards concentrating six classes of real-world reading failure.

Each class is something real cards do that breaks word-level reading:

* ``wna``: a foreigner's card (KTP-el WNA), values in English and a country as nationality (:mod:`.foreign`);
* ``tight_spacing``: values printed with almost no word space, so OCR glues the words;
* ``marks``: pen strokes, boxes, stamps or watermark text over the card (:mod:`.marks`);
* ``faint_label``: one or two labels printed faint or worn away, the values still legible;
* ``two_line_place``: the issue place under the photo broken into ``KOTA`` / ``BANDUNG``;
* ``blood``: a blood type printed with its rhesus sign (``AB+``) or left blank.

Every ``words`` card also gets multi-word values (two- and three-word names, street addresses with numbers,
two-word villages and birth places from the Kemendagri list), because glued words only happen where there are
words to glue.  Each card gets one to three classes; the classes are recorded in ``conditions`` and, with their
parameters, in ``effects``, so a failure can be traced to its class.

All draws come from the profile's own generator, after the citizen identity is drawn, so the other profiles'
cards are untouched.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from ..template import BLOOD_ROW, ROWS
from . import names
from .foreign import foreigner
from .identity import _children, _pick, regency_printed, street
from .printing import PrintPlan, split_place

Effect = dict[str, Any]

WORDS_CLASSES = ("wna", "tight_spacing", "marks", "faint_label", "two_line_place", "blood")
WNA_SHARE = 0.2
TIGHT_FIELDS = ("nama", "alamat", "tempat_lahir", "kelurahan_desa", "tempat_terbit")
_FAINT_ROWS = (*(r.key for r in ROWS if r.key != "NIK"), BLOOD_ROW.key)
_BLOOD_PLAIN: list[tuple[str, float]] = [("-", 40), ("O", 18), ("A", 14), ("B", 18), ("AB", 10)]
_BLOOD_SIGNED = ("A+", "A-", "B+", "B-", "AB+", "AB-", "O+", "O-")


@dataclass
class WordsCard:
    """A ``words`` identity with its print plan, its classes and their records (marks are added later)."""

    ident: dict[str, str]
    plan: PrintPlan
    classes: list[str]
    effects: list[Effect] = field(default_factory=list)


def multiword(ident: dict[str, str], rng: random.Random) -> dict[str, str]:
    """``ident`` with multi-word values where the card allows them, keeping the NIK's region consistent."""
    out = dict(ident)
    female = ident["jenis_kelamin"] == "PEREMPUAN"
    if " " not in out["nama"]:
        pool = names.JAVA_F + names.MUSLIM_F if female else names.JAVA_M + names.MUSLIM_M
        out["nama"] = f"{out['nama']} {rng.choice([p for p in pool if p != out['nama']])}"
    if rng.random() < 0.8:
        out["alamat"] = street(rng, town=True)
    nik = ident["nik"]
    district = f"{nik[:2]}.{nik[2:4]}.{nik[4:6]}"
    villages = [n.upper() for _, n in _children(district) if " " in n]
    if villages and rng.random() < 0.8:  # the same district: the NIK still encodes the printed region
        out["kelurahan_desa"] = rng.choice(villages)
    if " " not in out["tempat_lahir"] and rng.random() < 0.5:
        places = [regency_printed(c, n)[1] for c, n in _children(nik[:2])]
        places = [p for p in places if " " in p]
        if places:
            out["tempat_lahir"] = rng.choice(places)
    out["golongan_darah"] = _pick(rng, _BLOOD_PLAIN)
    return out


def _classes(ident: dict[str, str], rng: random.Random) -> list[str]:
    """One to three classes; ``wna`` on about :data:`WNA_SHARE` of the cards, the others where they fit."""
    k = rng.choices([1, 2, 3], weights=[35, 40, 25])[0]
    chosen = ["wna"] if rng.random() < WNA_SHARE else []
    others = [c for c in WORDS_CLASSES if c != "wna"]
    if len(split_place(ident["kabupaten_kota"])) != 2:  # Jakarta's cities print no KOTA prefix
        others.remove("two_line_place")
    chosen += rng.sample(others, max(k - len(chosen), 0))
    return [c for c in WORDS_CLASSES if c in chosen]


TIGHT_GAP = (0.45, 0.75)  # word space as a share of the font's normal space on a tightly printed value


def prepare(ident: dict[str, str], rng: random.Random, seed: int) -> WordsCard:
    """Turn a citizen identity into a ``words`` card: values, print plan, classes and their records."""
    ident = multiword(ident, rng)
    classes = _classes(ident, rng)
    effects: list[Effect] = []
    word_gap: dict[str, float] = {}
    faint: dict[str, tuple[float, float]] = {}
    blank = False
    if "wna" in classes:
        ident = foreigner(ident, rng)
        effects.append({"name": "wna", "kewarganegaraan": ident["kewarganegaraan"]})
    if "two_line_place" in classes:
        ident["tempat_terbit"] = ident["kabupaten_kota"]
        effects.append({"name": "two_line_place", "lines": split_place(ident["tempat_terbit"])})
    if "tight_spacing" in classes:
        fields = [f for f in TIGHT_FIELDS if " " in ident[f]]
        # Narrow but visible: a condensed print or a tight kerning leaves about half a space between words, which
        # a reader still sees and greedy CTC decoding drops. Below ~0.4 of a space the gap is letter spacing, and
        # no reader, human or model, can tell the words apart any more.
        gap = rng.uniform(TIGHT_GAP[0], TIGHT_GAP[1])
        word_gap = {f: gap for f in rng.sample(fields, rng.randint(min(2, len(fields)), len(fields)))}
        effects.append({"name": "tight_spacing", "gap": round(gap, 3), "fields": sorted(word_gap)})
    if "faint_label" in classes:
        for key in rng.sample(_FAINT_ROWS, rng.choice([1, 1, 2])):
            worn = rng.uniform(0.3, 0.7) if rng.random() < 0.5 else 0.0
            faint[key] = (rng.uniform(0.12, 0.4), worn)
        rows = [{"row": k, "contrast": round(c, 3), "worn": round(w, 3)} for k, (c, w) in faint.items()]
        effects.append({"name": "faint_label", "rows": rows})
    if "blood" in classes:
        blank = rng.random() < 0.4
        ident["golongan_darah"] = "-" if blank else rng.choice(_BLOOD_SIGNED)
        effects.append({"name": "blood", "printed": "" if blank else ident["golongan_darah"]})
    plan = PrintPlan(
        word_gap=word_gap, faint_labels=faint, two_line_place="two_line_place" in classes, blood_blank=blank, seed=seed
    )
    return WordsCard(ident=ident, plan=plan, classes=classes, effects=effects)

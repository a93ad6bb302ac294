"""Closed vocabularies printed on a KTP, as cards print them (older spellings included).

A foreigner's card (KTP-el WNA) prints the same labels but its values in English, and its nationality as the
country's Indonesian name; those lists are here too, and ``normalize/card.py`` picks one set per card.
"""

from __future__ import annotations

import gettext
from functools import lru_cache

import pycountry

from ..template import SEUMUR_HIDUP as SEUMUR_HIDUP  # the card's words, declared with the card
from ..template import WNI as WNI

JENIS_KELAMIN = ("LAKI-LAKI", "PEREMPUAN")
GOLONGAN_DARAH = ("A", "B", "AB", "O", "A+", "A-", "B+", "B-", "AB+", "AB-", "O+", "O-", "-")
AGAMA = (
    "ISLAM",
    "KRISTEN",
    "KATOLIK",
    "KATHOLIK",
    "HINDU",
    "BUDHA",
    "BUDDHA",
    "KONGHUCU",
    "KEPERCAYAAN TERHADAP TUHAN YME",
)
STATUS_PERKAWINAN = ("BELUM KAWIN", "KAWIN", "CERAI HIDUP", "CERAI MATI")

# Jenis pekerjaan of the Dukcapil form (Permendagri), plus spellings printed on older cards.
PEKERJAAN = (
    "BELUM/TIDAK BEKERJA",
    "MENGURUS RUMAH TANGGA",
    "PELAJAR/MAHASISWA",
    "PENSIUNAN",
    "PEGAWAI NEGERI SIPIL (PNS)",
    "PEGAWAI NEGERI SIPIL",
    "TENTARA NASIONAL INDONESIA (TNI)",
    "KEPOLISIAN RI (POLRI)",
    "PERDAGANGAN",
    "PETANI/PEKEBUN",
    "PETERNAK",
    "NELAYAN/PERIKANAN",
    "INDUSTRI",
    "KONSTRUKSI",
    "TRANSPORTASI",
    "KARYAWAN SWASTA",
    "KARYAWAN BUMN",
    "KARYAWAN BUMD",
    "KARYAWAN HONORER",
    "BURUH HARIAN LEPAS",
    "BURUH TANI/PERKEBUNAN",
    "BURUH NELAYAN/PERIKANAN",
    "BURUH PETERNAKAN",
    "PEMBANTU RUMAH TANGGA",
    "TUKANG CUKUR",
    "TUKANG LISTRIK",
    "TUKANG BATU",
    "TUKANG KAYU",
    "TUKANG SOL SEPATU",
    "TUKANG LAS/PANDAI BESI",
    "TUKANG JAHIT",
    "TUKANG GIGI",
    "PENATA RIAS",
    "PENATA BUSANA",
    "PENATA RAMBUT",
    "MEKANIK",
    "SENIMAN",
    "TABIB",
    "PARAJI",
    "PERANCANG BUSANA",
    "PENTERJEMAH",
    "IMAM MESJID",
    "PENDETA",
    "PASTOR",
    "WARTAWAN",
    "USTADZ/MUBALIGH",
    "JURU MASAK",
    "PROMOTOR ACARA",
    "ANGGOTA DPR-RI",
    "ANGGOTA DPD",
    "ANGGOTA BPK",
    "PRESIDEN",
    "WAKIL PRESIDEN",
    "ANGGOTA MAHKAMAH KONSTITUSI",
    "ANGGOTA KABINET/KEMENTERIAN",
    "DUTA BESAR",
    "GUBERNUR",
    "WAKIL GUBERNUR",
    "BUPATI",
    "WAKIL BUPATI",
    "WALIKOTA",
    "WAKIL WALIKOTA",
    "ANGGOTA DPRD PROVINSI",
    "ANGGOTA DPRD KABUPATEN/KOTA",
    "DOSEN",
    "GURU",
    "PILOT",
    "PENGACARA",
    "NOTARIS",
    "ARSITEK",
    "AKUNTAN",
    "KONSULTAN",
    "DOKTER",
    "BIDAN",
    "PERAWAT",
    "APOTEKER",
    "PSIKIATER/PSIKOLOG",
    "PENYIAR TELEVISI",
    "PENYIAR RADIO",
    "PELAUT",
    "PENELITI",
    "SOPIR",
    "PIALANG",
    "PARANORMAL",
    "PEDAGANG",
    "PERANGKAT DESA",
    "KEPALA DESA",
    "BIARAWATI",
    "WIRASWASTA",
    "PEGAWAI SWASTA",
    "LAINNYA",
)

# How the two header lines print Kemendagri names that the card shortens.
PROVINCE_PRINTED = {
    "Daerah Khusus Ibukota Jakarta": ("DKI JAKARTA",),
    "Daerah Istimewa Yogyakarta": ("DAERAH ISTIMEWA YOGYAKARTA", "DI YOGYAKARTA"),
    "Kepulauan Bangka Belitung": ("KEPULAUAN BANGKA BELITUNG", "BANGKA BELITUNG"),
}

# ---------------------------------------------------------------- foreigners' cards (KTP-el WNA), printed in English
JENIS_KELAMIN_EN = ("MALE", "FEMALE")
AGAMA_EN = ("MOSLEM", "ISLAM", "CHRISTIAN", "PROTESTANT", "CATHOLIC", "HINDU", "BUDDHIST", "CONFUCIAN", "OTHERS")
STATUS_PERKAWINAN_EN = ("NOT MARRIED", "MARRIED", "DIVORCED", "WIDOWED", "SINGLE")
PEKERJAAN_EN = (
    "NOT WORKING",
    "HOUSEWIFE",
    "STUDENT",
    "RETIRED",
    "PRIVATE EMPLOYEE",
    "EMPLOYEE",
    "ENTREPRENEUR",
    "BUSINESSMAN",
    "TRADER",
    "TEACHER",
    "LECTURER",
    "DOCTOR",
    "NURSE",
    "ENGINEER",
    "CONSULTANT",
    "MANAGER",
    "DIRECTOR",
    "RESEARCHER",
    "MISSIONARY",
    "PRIEST",
    "ARTIST",
    "CHEF",
    "PILOT",
    "JOURNALIST",
    "LAWYER",
    "ACCOUNTANT",
    "ARCHITECT",
    "FARMER",
    "OTHERS",
)
VOCABULARIES: dict[str, tuple[str, ...]] = {
    "JENIS_KELAMIN": JENIS_KELAMIN,
    "AGAMA": AGAMA,
    "STATUS_PERKAWINAN": STATUS_PERKAWINAN,
    "PEKERJAAN": PEKERJAAN,
}
VOCABULARIES_EN: dict[str, tuple[str, ...]] = {
    "JENIS_KELAMIN": JENIS_KELAMIN_EN,
    "AGAMA": AGAMA_EN,
    "STATUS_PERKAWINAN": STATUS_PERKAWINAN_EN,
    "PEKERJAAN": PEKERJAAN_EN,
}


@lru_cache(maxsize=1)
def countries() -> tuple[str, ...]:
    """Country names a KTP-el WNA may print as the nationality, upper case: in English (``CHINA``, ``JAPAN``), as
    its other values are printed, and in Indonesian (``CINA``, ``JEPANG``), as some issuing offices print it.

    A vocabulary to snap OCR errors to, not a translation: a name read exactly in either language stays as read.
    From the ISO 3166 list and its Indonesian translation shipped inside ``pycountry``; the common short name is
    added where the official one is long (``KOREA SELATAN`` beside ``REPUBLIK KOREA``).
    """
    tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["id"], fallback=True)
    names: set[str] = set()
    for country in pycountry.countries:
        for attr in ("name", "common_name"):
            english = getattr(country, attr, None)
            if english:
                names.add(english.split(",")[0].upper())
                names.add(tr.gettext(english).split(",")[0].upper())
    return tuple(sorted(names))

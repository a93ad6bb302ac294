"""Foreign residents' cards (KTP-el WNA): the same printed card, with the values in English.

A foreigner holding a permanent stay permit (KITAP) gets a KTP-el whose labels are the usual Indonesian ones but
whose values are printed in English (``MALE``, ``MARRIED``, ``CHRISTIAN``, ``STUDENT``), whose nationality is a
country name in Indonesian (``JEPANG``) and whose validity is a date, because the card expires with the stay
permit.  The reader has to switch vocabularies on such a card, so the synthetic set must contain them.

The NIK is left as the citizen identity made it: the region, the birth date and the +40 for women are encoded
the same way for foreigners.  Names are invented combinations of very common given names and surnames of each
country; they describe no real person.
"""

from __future__ import annotations

import datetime as dt
import random
from functools import lru_cache

from ..normalize import vocab

# fmt: off
# country (as printed, Indonesian) -> (male given names, female given names, surnames, surname first, cities)
_PEOPLE: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], bool, tuple[str, ...]]] = {
    "JEPANG": (("HIROSHI", "KENJI", "TAKESHI", "YUTO", "DAIKI"), ("YUKI", "AKIKO", "HARUKA", "MISAKI", "AOI"),
               ("TANAKA", "SUZUKI", "SATO", "YAMAMOTO", "WATANABE", "ITO"), True, ("TOKYO", "OSAKA", "NAGOYA")),
    "KOREA SELATAN": (("MIN JUN", "JI HOON", "SUNG HO", "DONG HYUN"), ("SEO YEON", "JI WOO", "HA EUN", "MIN JI"),
                      ("KIM", "LEE", "PARK", "CHOI", "JUNG"), True, ("SEOUL", "BUSAN", "INCHEON")),
    "AUSTRALIA": (("JOHN", "MICHAEL", "DAVID", "JAMES", "PETER"), ("SARAH", "EMMA", "JESSICA", "KATE", "LUCY"),
                  ("SMITH", "JONES", "WILLIAMS", "BROWN", "WILSON"), False, ("SYDNEY", "PERTH", "MELBOURNE")),
    "AMERIKA SERIKAT": (("ROBERT", "WILLIAM", "JOSEPH", "MARK", "KEVIN"), ("MARY", "LINDA", "ASHLEY", "LAURA"),
                        ("JOHNSON", "MILLER", "DAVIS", "TAYLOR", "MOORE"), False, ("NEW YORK", "CHICAGO", "BOSTON")),
    "BRITANIA RAYA": (("GEORGE", "HARRY", "OLIVER", "THOMAS"), ("OLIVIA", "SOPHIE", "CHARLOTTE", "AMY"),
                      ("TAYLOR", "EVANS", "WALKER", "WRIGHT", "ROBERTS"), False, ("LONDON", "LEEDS", "BRISTOL")),
    "BELANDA": (("JAN", "PIETER", "DAAN", "BRAM", "LUCAS"), ("SANNE", "ANOUK", "FLEUR", "LOTTE"),
                ("DE VRIES", "VAN DIJK", "BAKKER", "JANSEN", "VISSER", "DE JONG"), False,
                ("AMSTERDAM", "UTRECHT", "DEN HAAG")),
    "JERMAN": (("THOMAS", "STEFAN", "MARKUS", "LUKAS", "JONAS"), ("ANNA", "JULIA", "LENA", "SABINE"),
               ("MULLER", "SCHMIDT", "SCHNEIDER", "FISCHER", "WEBER"), False, ("BERLIN", "MUNCHEN", "HAMBURG")),
    "PERANCIS": (("PIERRE", "LUC", "NICOLAS", "JULIEN"), ("CLAIRE", "MARIE", "CAMILLE", "ELODIE"),
                 ("MARTIN", "BERNARD", "DUBOIS", "MOREAU", "LAURENT"), False, ("PARIS", "LYON", "MARSEILLE")),
    "INDIA": (("RAHUL", "AMIT", "VIKRAM", "ARJUN"), ("PRIYA", "ANJALI", "DEEPA", "KAVYA"),
              ("SHARMA", "PATEL", "SINGH", "KUMAR", "GUPTA"), False, ("MUMBAI", "CHENNAI", "NEW DELHI")),
    "FILIPINA": (("JOSE", "MARK", "JOHN PAUL", "RAFAEL"), ("MARIA", "ANGELICA", "KRISTINE", "JOY"),
                 ("SANTOS", "REYES", "CRUZ", "BAUTISTA", "GARCIA"), False, ("MANILA", "CEBU", "DAVAO")),
    "MALAYSIA": (("AHMAD", "MOHD HAFIZ", "WEI MING", "RAJESH"), ("NUR AINA", "SITI AISYAH", "MEI LING"),
                 ("ISMAIL", "OSMAN", "TAN", "LIM", "WONG"), False, ("KUALA LUMPUR", "PENANG", "IPOH")),
    "SINGAPURA": (("WEI JIE", "JUN HAO", "KUMAR", "DANIEL"), ("HUI MIN", "XIN YI", "RACHEL", "PRIYA"),
                  ("TAN", "LIM", "NG", "WONG", "GOH"), True, ("SINGAPURA",)),
    "KANADA": (("RYAN", "MATTHEW", "ETHAN", "NOAH"), ("EMILY", "CHLOE", "HANNAH", "MEGAN"),
               ("TREMBLAY", "ROY", "GAGNON", "CAMPBELL", "STEWART"), False, ("TORONTO", "VANCOUVER", "OTTAWA")),
    "SELANDIA BARU": (("LIAM", "JACK", "SAMUEL", "BEN"), ("GRACE", "RUBY", "ISLA", "ZOE"),
                      ("THOMPSON", "CLARK", "HALL", "YOUNG", "KING"), False, ("AUCKLAND", "WELLINGTON")),
    "ITALIA": (("MARCO", "LUCA", "GIUSEPPE", "ANDREA"), ("GIULIA", "CHIARA", "FRANCESCA", "SARA"),
               ("ROSSI", "RUSSO", "FERRARI", "ESPOSITO", "BIANCHI"), False, ("ROMA", "MILANO", "NAPOLI")),
    "THAILAND": (("SOMCHAI", "ANUCHA", "WICHAI"), ("SUDA", "MALEE", "PORNTIP"),
                 ("SAETANG", "SRISUK", "WONGSA", "CHAIYA"), False, ("BANGKOK", "CHIANG MAI")),
}
# fmt: on


@lru_cache(maxsize=1)
def nationalities() -> tuple[str, ...]:
    """The countries foreigners' cards are drawn from: common ones whose printed name is in ``vocab.countries()``.

    A short list keeps the values short and printable; checking each against the reader's own country list
    keeps the ground truth in the vocabulary the normaliser snaps to.
    """
    known = set(vocab.countries())
    return tuple(c for c in _PEOPLE if c in known)


def foreign_name(rng: random.Random, country: str, female: bool) -> str:
    """An invented name of two or three words in the naming style of ``country``."""
    males, females, surnames, surname_first, _ = _PEOPLE[country]
    pool = females if female else males
    given = rng.choice(pool)
    surname = rng.choice(surnames)
    if len(f"{given} {surname}".split()) > 3:  # a two-word given name and a two-word surname: keep one word
        given = given.split()[0]
    if rng.random() < 0.3 and " " not in given + surname:  # a middle name
        given = f"{given} {rng.choice([g for g in pool if g != given and ' ' not in g])}"
    return f"{surname} {given}" if surname_first else f"{given} {surname}"


def _expiry(issued: str, rng: random.Random) -> str:
    """A KITAP-bound expiry date, one to five years after the issue date (``DD-MM-YYYY``)."""
    day, month, year = (int(x) for x in issued.split("-"))
    until = dt.date(year, month, day) + dt.timedelta(days=rng.randint(365, 5 * 365))
    return until.strftime("%d-%m-%Y")


def foreigner(ident: dict[str, str], rng: random.Random) -> dict[str, str]:
    """``ident`` as a foreign resident's card prints it (English values, a country, an expiry date).

    The NIK, region, birth date, address and issue data stay; the sex is kept, so the NIK's +40 still agrees.
    """
    female = ident["jenis_kelamin"] == "PEREMPUAN"
    country = rng.choice(nationalities())
    out = dict(ident)
    out["nama"] = foreign_name(rng, country, female)
    out["jenis_kelamin"] = "FEMALE" if female else "MALE"
    out["agama"] = rng.choice(vocab.AGAMA_EN)
    out["status_perkawinan"] = rng.choice(vocab.STATUS_PERKAWINAN_EN)
    out["pekerjaan"] = rng.choice(vocab.PEKERJAAN_EN)
    out["kewarganegaraan"] = country
    out["berlaku_hingga"] = _expiry(ident["tanggal_terbit"], rng)
    if rng.random() < 0.6:  # most holders were born abroad
        out["tempat_lahir"] = rng.choice(_PEOPLE[country][4])
    return out

"""Character-level repair and cleaning shared by every field normaliser.

Position-aware repair, as PassportEye does for the MRZ: where a slot can only hold a digit, letters that OCR
confuses with digits are read as those digits, and each repair is counted so confidence can drop with it.
"""

from __future__ import annotations

import re
import unicodedata

TO_DIGIT = {
    "O": "0", "o": "0", "D": "0", "Q": "0", "U": "0", "C": "0",
    "I": "1", "l": "1", "L": "1", "|": "1", "!": "1", "i": "1", "J": "1", "T": "7",
    "Z": "2", "z": "2", "S": "5", "s": "5", "B": "8", "G": "6", "b": "6", "g": "9", "q": "9", "A": "4", "?": "7",
}  # fmt: skip

TO_LETTER = {"0": "O", "1": "I", "5": "S", "8": "B", "6": "G", "2": "Z", "4": "A", "7": "T", "|": "I"}

_SPACES = re.compile(r"\s+")
_AROUND_PUNCT = re.compile(r"\s*([./,:\-])\s*")


def repair_digits(text: str) -> tuple[str, int]:
    """Read ``text`` as digits only: mapped look-alikes count as repairs, anything else is dropped."""
    out: list[str] = []
    repairs = 0
    for ch in text:
        if ch.isdigit():
            out.append(ch)
        elif ch in TO_DIGIT:
            out.append(TO_DIGIT[ch])
            repairs += 1
    return "".join(out), repairs


def repair_letters(text: str) -> tuple[str, int]:
    """Read a letters-only value (a name, a birthplace): digits OCR confuses with letters become those letters.

    A KTP prints no digit in a name or a place, so a digit there is a misread letter (``0`` for ``O``, ``1`` for
    ``I``, ``5`` for ``S``); each change is counted so confidence can drop with it.
    """
    out = [TO_LETTER.get(ch, ch) for ch in text]
    repairs = sum(a != b for a, b in zip(out, text, strict=True))
    return "".join(out), repairs


def ascii_letters(text: str) -> str:
    """Accented letters the recogniser's wide alphabet offers (``Ç``, ``É``) read as the plain letters a KTP
    prints: the card's typeface has no diacritics."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def collapse(text: str) -> str:
    """Upper-case, single spaces, no spaces around ``. / , : -``: the canonical comparison of the labels."""
    text = _SPACES.sub(" ", text.upper())
    text = _AROUND_PUNCT.sub(r"\1", text)
    return text.strip(" :")


def strip_colon(text: str) -> str:
    """Drop the label's colon (and stray dots or dashes OCR reads around it) from the start of a value."""
    return re.sub(r"^[\s:;.,'\"`~_\-=]+", "", text).strip()


def clean_words(text: str) -> str:
    """A free-text value (name, address, place): upper case, printable punctuation only, tidy spaces."""
    text = re.sub(r"[^A-Za-z0-9.,'/()\-\s]", " ", ascii_letters(text))
    text = _SPACES.sub(" ", text).strip(" .,-:")
    return text.upper()

"""The CTC decoding repairs: word spaces and abbreviation dots that greedy decoding drops (``ocr/spaces.py``).

Frames are made up here: per frame, the greedy class and the probabilities of the space and the dot.
"""

from __future__ import annotations

import numpy as np

from ktp_ocr.ocr.spaces import DOT_MIN_PROB, promote_dots

CHARS = ["<blank>", *"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.:", " "]
DOT = CHARS.index(".")


def frames(text: str, dot_after: dict[int, float], blanks: int = 2) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each character of ``text`` held two frames, then ``blanks`` blank frames; ``dot_after``: P(dot) on the
    blank frames after character i."""
    index, dot_prob = [], []
    for i, ch in enumerate(text):
        index += [CHARS.index(ch)] * 2 + [0] * blanks
        dot_prob += [0.0, 0.0] + [dot_after.get(i, 0.0)] * blanks
    return np.array(index), np.ones(len(index), np.float32), np.array(dot_prob, np.float32)


def decoded(index: np.ndarray) -> str:
    out, previous = [], 0
    for cls in index:
        if cls and cls != previous:
            out.append(CHARS[cls])
        previous = cls
    return "".join(out)


def test_a_dot_the_recogniser_saw_after_an_abbreviation_is_restored() -> None:
    index, prob, dot_prob = frames("JLMAWAR", {1: 0.2})
    assert promote_dots(index, prob, dot_prob, CHARS, DOT) == 1
    assert decoded(index) == "JL.MAWAR"


def test_no_dot_without_evidence_or_outside_an_abbreviation() -> None:
    for text, evidence in (("JLMAWAR", {1: DOT_MIN_PROB / 2}), ("AJLMAWAR", {2: 0.3}), ("MAWAR", {1: 0.3})):
        index, prob, dot_prob = frames(text, evidence)
        assert promote_dots(index, prob, dot_prob, CHARS, DOT) == 0
        assert decoded(index) == text


def test_no_dot_where_one_was_read_or_no_blank_frame_holds_it() -> None:
    index, prob, dot_prob = frames("NO.5", {1: 0.9})
    assert promote_dots(index, prob, dot_prob, CHARS, DOT) == 0 and decoded(index) == "NO.5"
    index, prob, dot_prob = frames("KPX", {1: 0.9}, blanks=0)
    assert promote_dots(index, prob, dot_prob, CHARS, DOT) == 0 and decoded(index) == "KPX"


def test_the_word_starts_after_a_space_or_a_colon() -> None:
    index, prob, dot_prob = frames(":KP BARU", {2: 0.3})
    assert promote_dots(index, prob, dot_prob, CHARS, DOT) == 1
    assert decoded(index) == ":KP. BARU"

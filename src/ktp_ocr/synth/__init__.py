"""Synthetic e-KTP cards with ground truth, for tests and measurement.

Real card photos are personal data, so the project renders its own: a
consistent made-up identity (:mod:`.identity`), drawn on a card that looks
like an e-KTP (:mod:`.card`), photographed or scanned under a named profile
of conditions (:mod:`.capture`), written as a set with ``labels.json`` in the
real dev set's format (:mod:`.generate`).  The ``words`` profile adds the
reading-failure classes of :mod:`.words` (foreigners' cards, glued words,
marks, faint labels, two-line issue places, blood types).
"""

from __future__ import annotations

from .capture import PLAN_KEYS, PROFILES, Capture, PlanOverride, capture
from .card import CARD_H, CARD_W, RenderedCard, render_card
from .generate import generate, render_card_entry, render_sample
from .identity import FIELDS, make_identity
from .printing import PrintPlan
from .words import WORDS_CLASSES

__all__ = [
    "CARD_H",
    "CARD_W",
    "FIELDS",
    "PLAN_KEYS",
    "PROFILES",
    "WORDS_CLASSES",
    "Capture",
    "PlanOverride",
    "PrintPlan",
    "RenderedCard",
    "capture",
    "generate",
    "make_identity",
    "render_card",
    "render_card_entry",
    "render_sample",
]

"""Writing synthetic card sets with ground truth in the dev set's label format.

A set is ``synNNNNN.jpg`` files plus ``labels.json`` keyed by file name, with
the same keys as ``shared/ktp-real/dev/labels.json`` (``fields``,
``unreadable``, ``conditions``, ``notes``) so the same evaluation code scores
real and synthetic sets, plus ``corners``, ``boxes`` and ``effects`` for
geometry checks and failure analysis.  Each card is seeded from
``(seed, index)`` alone, so any card can be regenerated on its own and the
output does not depend on the number of worker processes.
"""

from __future__ import annotations

import json
import os
import random
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from .capture import PROFILES, PlanOverride, capture
from .card import render_card
from .identity import FIELDS, make_identity
from .marks import draw_marks
from .words import prepare

LabelEntry = dict[str, Any]


def card_name(index: int) -> str:
    """File name of card ``index`` in a generated set."""
    return f"syn{index:05d}.jpg"


def _rngs(seed: int, index: int) -> tuple[random.Random, random.Random, np.random.Generator]:
    """Independent, reproducible generators for identity, rendering/capture and pixel noise."""
    base = f"ktp-synth:{seed}:{index}"
    return random.Random(base + ":id"), random.Random(base + ":img"), np.random.default_rng([seed, index, 7])


def render_card_entry(
    seed: int, index: int, profile: str = "mixed", override: PlanOverride | None = None
) -> tuple[bytes, LabelEntry]:
    """Render card ``index`` of the set ``seed`` under ``profile``: JPEG bytes and its label entry.

    ``override`` replaces parameters of the capture's plan (see :func:`.capture.capture`), e.g. to force one effect
    on every card of a targeted set; without it the card is the one every other caller gets.
    """
    id_rng, img_rng, nrng = _rngs(seed, index)
    ident = make_identity(id_rng)
    words = None
    if profile == "words":  # its own generator: the other profiles draw exactly what they always drew
        words_rng = random.Random(f"ktp-synth:{seed}:{index}:words")
        words = prepare(ident, words_rng, seed=seed * 1_000_003 + index)
        ident = words.ident
    card = render_card(ident, img_rng, words.plan if words else None)
    if words is not None and "marks" in words.classes:
        words.effects.append(draw_marks(card.image, card.boxes, words_rng))
    cap = capture(card, profile, img_rng, nrng, override)
    ok, buf = cv2.imencode(".jpg", cap.image, [cv2.IMWRITE_JPEG_QUALITY, cap.jpeg_quality])
    if not ok:  # pragma: no cover - OpenCV always encodes a valid uint8 image
        raise RuntimeError("JPEG encoding failed")
    h, w = cap.image.shape[:2]
    entry: LabelEntry = {
        "fields": {k: ident[k] for k in FIELDS},
        "unreadable": cap.unreadable,
        "conditions": sorted(cap.conditions + words.classes) if words else cap.conditions,
        "notes": f"synthetic card (seed {seed}, index {index}, profile {profile}); size {w}x{h}; "
        "values of unreadable fields are the true printed values",
        "corners": cap.corners,
        "boxes": cap.boxes,
        "effects": [{"name": "card_style", **card.style}, *(words.effects if words else []), *cap.effects],
    }
    return buf.tobytes(), entry


def render_sample(seed: int, profile: str = "clean") -> tuple[bytes, LabelEntry]:
    """One card for tests and demos: JPEG bytes and its label entry (index 0 of set ``seed``)."""
    return render_card_entry(seed, 0, profile)


def _write_one(job: tuple[int, int, str, str]) -> tuple[str, LabelEntry]:
    seed, index, profile, out = job
    data, entry = render_card_entry(seed, index, profile)
    name = card_name(index)
    (Path(out) / name).write_bytes(data)
    return name, entry


def generate(count: int, out: Path, seed: int = 0, profile: str = "mixed", workers: int | None = None) -> Path:
    """Write ``count`` cards and ``labels.json`` into ``out``; return the labels path.

    ``workers`` defaults to ``min(2, cpu count)``: the project's machines have
    two cores, and the result is identical whatever the number of workers.
    """
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; choose one of {', '.join(PROFILES)}")
    if count < 0:
        raise ValueError("count must be >= 0")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    jobs = [(seed, i, profile, str(out)) for i in range(count)]
    n = workers if workers is not None else min(2, os.cpu_count() or 1)
    labels: dict[str, LabelEntry] = {}
    if n <= 1 or count < 8:
        for job in jobs:
            name, entry = _write_one(job)
            labels[name] = entry
    else:
        with ProcessPoolExecutor(max_workers=n) as pool:
            for name, entry in pool.map(_write_one, jobs, chunksize=4):
                labels[name] = entry
    path = out / "labels.json"
    path.write_text(json.dumps(labels, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path

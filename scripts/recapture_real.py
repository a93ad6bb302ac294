"""Real card faces in new scenes: finding the card measured on real print, not only on the renderer's.

For each real dev photo the reader reads with every field right, the straightened card it read (the card's own
pixels, warped upright) is put back through the synthetic capture model in scenes that cost cards their rows:
in a hand with fingers over an edge, filling the frame with its borders cut by the image's edge, on a table with
reflections and other things beside it, at a slant, blurred, in low light, heavily compressed. The dev labels are
the ground truth. The images show real people: they are written only to ``--out`` (a temporary folder by
default, never the repository) and are scored there with ``ktp-ocr eval``, like any labelled folder:

    python scripts/recapture_real.py [--dev ../shared/ktp-real/dev] [--out /tmp/ktp-recaptured] [--per-card 6]
    ktp-ocr eval /tmp/ktp-recaptured --warm-up
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from ktp_ocr.decode import load_image
from ktp_ocr.evaluation import load_labels, score_fields
from ktp_ocr.locate import align_card
from ktp_ocr.orientation import read_oriented
from ktp_ocr.reader import KtpReader
from ktp_ocr.synth.capture import capture
from ktp_ocr.synth.card import CARD_H, CARD_W, RenderedCard, card_mask
from ktp_ocr.synth.scene import add_clutter


def _scenes(rng: random.Random) -> dict[str, dict[str, Any]]:
    """Capture overrides (on the phone profile) per scene kind."""
    return {
        "in_hand": {"hand": True, "frac": rng.uniform(0.45, 0.75)},
        "fills_frame": {"frac": rng.uniform(0.96, 1.0), "crop": rng.uniform(0.02, 0.07), "hand": False},
        "table_clutter": {"frac": rng.uniform(0.3, 0.42), "hand": False, "glare": 1},
        "perspective": {"persp": rng.uniform(0.08, 0.15), "tilt": rng.uniform(-20, 20), "hand": False},
        "blur_low_light": {"blur": rng.uniform(0.8, 1.4), "gain": rng.uniform(0.45, 0.65), "hand": False},
        "jpeg": {"jpeg": rng.randint(25, 45), "noise": rng.uniform(4, 8), "hand": False},
    }


def straightened_cards(dev: Path, reader: KtpReader) -> list[tuple[str, np.ndarray]]:
    """(file, upright card pixels) of every dev photo the reader reads with every field right."""
    labels = load_labels(dev)
    found = []
    for name, entry in sorted(labels.items()):
        result = reader.read(dev / "images" / name)
        if not all(pair.right for pair in score_fields(entry, result.fields.values()).values()):
            continue
        image = load_image(dev / "images" / name, reader.options)
        reading = read_oriented(image, align_card(image, reader.options, reader.engine), reader.options, reader.engine)
        found.append((name, cv2.resize(reading.alignment.image, (CARD_W, CARD_H), interpolation=cv2.INTER_AREA)))
    return found


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dev", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "ktp-real" / "dev")
    ap.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "ktp-recaptured")
    ap.add_argument("--per-card", type=int, default=6, help="captures per card (cycling through the scene kinds)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    if Path(__file__).resolve().parents[1] in args.out.resolve().parents:
        sys.exit("recapture_real: --out must lie outside the repository (the images show real people)")
    reader = KtpReader()
    dev_labels = json.loads((args.dev / "labels.json").read_text())
    cards = straightened_cards(args.dev, reader)
    args.out.mkdir(parents=True, exist_ok=True)
    labels: dict[str, Any] = {}
    mask = card_mask()
    for k, (name, face) in enumerate(cards):
        for i in range(args.per_card):
            rng = random.Random(f"recapture:{args.seed}:{name}:{i}")
            nrng = np.random.default_rng([args.seed, k, i])
            kind, override = list(_scenes(rng).items())[i % 6]
            card = RenderedCard(image=face, mask=mask, boxes={})
            cap = capture(card, "phone", rng, nrng, override)
            image = cap.image
            if kind == "table_clutter":
                image = add_clutter(image, np.asarray(cap.corners), rng, nrng)
            out_name = f"re{k:03d}_{i}_{kind}.jpg"
            cv2.imwrite(str(args.out / out_name), image, [cv2.IMWRITE_JPEG_QUALITY, cap.jpeg_quality])
            source = dev_labels[name]
            labels[out_name] = {
                "fields": source["fields"],
                "unreadable": source.get("unreadable", []),
                "conditions": [kind],
                "notes": f"{name} re-captured: {kind}",
                "corners": cap.corners,
            }
    (args.out / "labels.json").write_text(json.dumps(labels, indent=1))
    print(f"{len(cards)} dev cards read with every field right; {len(labels)} captures in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

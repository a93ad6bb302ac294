"""Contact sheet of synthetic KTP cards, optionally next to real dev photos.

Used to judge by eye whether the synthetic cards look like real ones.  The
real photos show real people, so a sheet that contains them may only be
written OUTSIDE the repository (the default is /tmp/synthetic-vs-real.png);
the synthetic-only sheet (``--synthetic-only``) is what docs/synthetic-cards.png
is made from.

    python scripts/contact_sheet.py                       # /tmp/synthetic-vs-real.png
    python scripts/contact_sheet.py --synthetic-only docs/synthetic-cards.png
    python scripts/contact_sheet.py /tmp/aligned.png --aligned ../shared/ktp-real/dev/images

``--aligned DIR`` reads every image of DIR with the reader and tiles the card as the reader straightened it
(warped upright from the corners it reports), captioned with how it was found (``outline`` or ``text``, the
text's extent) and the tilt: the visual check that every readable card is found and aligned.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image

from ktp_ocr.synth.generate import render_card_entry

REPO = Path(__file__).resolve().parents[1]
REAL_DIR = REPO.parent / "shared" / "ktp-real" / "dev" / "images"
TILE_W, TILE_H = 400, 290
Image8 = NDArray[Any]


def _tile(img: Image8, caption: str) -> Image8:
    """Fit ``img`` into a white tile with a caption underneath."""
    tile = np.full((TILE_H, TILE_W, 3), 255, np.uint8)
    h, w = img.shape[:2]
    s = min((TILE_W - 8) / w, (TILE_H - 30) / h)
    small = cv2.resize(img, (max(int(w * s), 1), max(int(h * s), 1)), interpolation=cv2.INTER_AREA)
    y0, x0 = 4 + (TILE_H - 30 - small.shape[0]) // 2, (TILE_W - small.shape[1]) // 2
    tile[y0 : y0 + small.shape[0], x0 : x0 + small.shape[1]] = small
    cv2.putText(tile, caption[:52], (6, TILE_H - 9), cv2.FONT_HERSHEY_SIMPLEX, 0.42, (40, 40, 40), 1, cv2.LINE_AA)
    return tile


def _grid(tiles: list[Image8], cols: int, title: str) -> Image8:
    rows = [
        np.hstack(tiles[i : i + cols] + [np.full_like(tiles[0], 255)] * (cols - len(tiles[i : i + cols])))
        for i in range(0, len(tiles), cols)
    ]
    body = np.vstack(rows)
    head = np.full((40, body.shape[1], 3), 255, np.uint8)
    cv2.putText(head, title, (8, 28), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (0, 0, 0), 2, cv2.LINE_AA)
    return np.vstack([head, body])


def synthetic_tiles(count: int, seed: int, profile: str) -> list[Image8]:
    tiles = []
    for i in range(count):
        data, entry = render_card_entry(seed, i, profile)
        img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
        assert img is not None
        prof = next(e["profile"] for e in entry["effects"] if e["name"] == "profile")
        tiles.append(_tile(img, f"syn{i:05d} {prof}: {','.join(entry['conditions'])}"))
    return tiles


def real_tiles(count: int, start: int) -> list[Image8]:
    files = sorted(p for p in REAL_DIR.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
    if not files:
        raise SystemExit(f"no real images in {REAL_DIR}")
    picked = [files[(start + k * max(len(files) // count, 1)) % len(files)] for k in range(count)]
    tiles = []
    for p in picked:
        img = cv2.imread(str(p), cv2.IMREAD_COLOR)
        if img is not None:
            tiles.append(_tile(img, p.name))
    return tiles


def aligned_tiles(folder: Path) -> list[Image8]:
    """Each image of ``folder`` as the reader straightened it."""
    from ktp_ocr.locate import geometry as geo
    from ktp_ocr.reader import KtpReader

    reader = KtpReader()
    tiles = []
    for path in sorted(p for p in folder.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png")):
        img = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if img is None:
            continue
        result = reader.read(path)
        if not result.card.polygon:
            tiles.append(_tile(img, f"{path.name}: {result.status.value}"))
            continue
        warp = geo.card_warp_matrix(np.asarray(result.card.polygon, np.float64))
        card = cv2.warpPerspective(img, warp, (geo.CARD_WIDTH, geo.CARD_HEIGHT), flags=cv2.INTER_AREA)
        how = "outline" if result.card.detected else "text"
        tiles.append(_tile(card, f"{path.name}: {how}, tilt {result.card.tilt:.0f}, {result.status.value}"))
    return tiles


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", nargs="?", type=Path, default=Path("/tmp/synthetic-vs-real.png"))
    ap.add_argument("--synthetic-only", action="store_true", help="no real photos (safe to commit)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--profile", default="mixed", choices=["clean", "phone", "hard", "mixed"])
    ap.add_argument("--count", type=int, default=12)
    ap.add_argument("--real-start", type=int, default=0, help="offset into the sorted real images")
    ap.add_argument("--aligned", type=Path, help="tile the cards of this folder as the reader aligned them")
    args = ap.parse_args(argv)
    out: Path = args.out.resolve()
    if args.aligned is not None:
        if out.is_relative_to(REPO):
            print(f"refusing to write a sheet of read images inside the repository ({out})", file=sys.stderr)
            return 2
        cv2.imwrite(str(out), _grid(aligned_tiles(args.aligned), 6, f"as aligned by the reader: {args.aligned}"))
        print(f"wrote {out}")
        return 0
    title = f"synthetic ({args.profile}, seed {args.seed})"
    syn = _grid(synthetic_tiles(args.count, args.seed, args.profile), 3, title)
    if args.synthetic_only:
        sheet = syn
    else:
        if out.is_relative_to(REPO):
            print(f"refusing to write real people's photos inside the repository ({out})", file=sys.stderr)
            return 2
        real = _grid(real_tiles(args.count, args.real_start), 3, "real dev photos (never commit)")
        gap = np.full((syn.shape[0], 20, 3), 200, np.uint8)
        if real.shape[0] != syn.shape[0]:
            pad = np.full((abs(real.shape[0] - syn.shape[0]), real.shape[1], 3), 255, np.uint8)
            if real.shape[0] < syn.shape[0]:
                real = np.vstack([real, pad])
            else:
                syn = np.vstack([syn, pad[:, : syn.shape[1]]])
                gap = np.full((syn.shape[0], 20, 3), 200, np.uint8)
        sheet = np.hstack([syn, gap, real])
    out.parent.mkdir(parents=True, exist_ok=True)
    if args.synthetic_only and out.suffix.lower() == ".png":
        # 256-colour palette: a quarter of the size, fine for a sheet that is committed to the repo
        rgb = Image.fromarray(cv2.cvtColor(sheet, cv2.COLOR_BGR2RGB))
        rgb.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(out, optimize=True)
    else:
        cv2.imwrite(str(out), sheet)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

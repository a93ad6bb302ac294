"""CPU and OCR passes per read for each EXIF orientation of the same synthetic cards, interleaved card by card.

A camera stores a turned or mirrored photo as transposed pixels plus an EXIF tag; the reader applies the tag when
it decodes, so every orientation must read like the upright file, in as many passes. Prints, per orientation,
the median CPU seconds per read, its ratio to upright, the passes and whether every field matched upright.

    python scripts/bench_exif.py --cards 6
"""

from __future__ import annotations

import argparse
import io
import statistics
import time

from _engines import PassCounter
from bench_speed import _cpu_info
from PIL import Image

from ktp_ocr.decode import EXIF_TRANSPOSE
from ktp_ocr.options import ReaderOptions
from ktp_ocr.reader import KtpReader
from ktp_ocr.synth import render_sample

# The pixels a camera stores for an upright scene under each tag: the inverse of the transpose that shows it.
STORED = {2: 2, 3: 3, 4: 4, 5: 5, 6: 8, 7: 7, 8: 6}


def tagged(data: bytes, orientation: int) -> bytes:
    upright = Image.open(io.BytesIO(data)).convert("RGB")
    exif = Image.Exif()
    if orientation != 1:
        exif[0x0112] = orientation
        upright = upright.transpose(EXIF_TRANSPOSE[STORED[orientation]])
    buf = io.BytesIO()
    upright.save(buf, format="JPEG", quality=92, exif=exif)
    return buf.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=6)
    parser.add_argument("--profile", default="clean")
    args = parser.parse_args()
    counter = PassCounter(KtpReader(ReaderOptions(threads=1)).engine)
    reader = KtpReader(ReaderOptions(threads=1), engine=counter)
    cpu: dict[int, list[float]] = {o: [] for o in range(1, 9)}
    passes: dict[int, list[int]] = {o: [] for o in range(1, 9)}
    same: dict[int, int] = dict.fromkeys(range(1, 9), 0)
    reader.read(render_sample(999, args.profile)[0])  # warm-up
    for seed in range(args.cards):
        data = render_sample(seed, args.profile)[0]
        upright = None
        for orientation in range(1, 9):  # interleaved: every orientation of one card before the next card
            image = tagged(data, orientation)
            counter.passes = 0
            start = time.process_time()
            result = reader.read(image)
            cpu[orientation].append(time.process_time() - start)
            passes[orientation].append(counter.passes)
            upright = upright or result.fields.values()
            same[orientation] += result.fields.values() == upright
    print(f"CPU: {_cpu_info()[0]}, threads=1, {args.cards} {args.profile} cards")
    base = statistics.median(cpu[1])
    for orientation in range(1, 9):
        median = statistics.median(cpu[orientation])
        print(
            f"orientation {orientation}: CPU {median:.3f} s (x{median / base:.2f} of upright), passes "
            f"{statistics.mean(passes[orientation]):.2f}, fields as upright on {same[orientation]}/{args.cards}"
        )


if __name__ == "__main__":
    main()

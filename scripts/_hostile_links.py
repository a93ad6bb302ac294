"""The link-swap class of bad_inputs.py: names in the uploads folder swapped between an inside card and an outside
card while /ocr/ktp reads them; an answer with the outside card's NIK is a read from outside the folder.

Kept apart because it runs its own threads for a set time rather than building Cases; pdf_hold.py uses ``synthetic``.
"""

from __future__ import annotations

import ctypes
import json
import os
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from _client import request
from _hostile_cases import OCR_KTP, label

RENAME_EXCHANGE = 2
_libc = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None


def exchange(a: Path, b: Path) -> None:
    """Swap two names atomically (renameat2 RENAME_EXCHANGE), or in three renames where that is missing."""
    renameat2 = getattr(_libc, "renameat2", None)
    if renameat2 is not None and renameat2(-100, os.fsencode(a), -100, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return
    spare = a.with_name(a.name + ".swap")
    os.rename(a, spare)
    os.rename(b, a)
    os.rename(spare, b)


@dataclass
class LinkSwapResult:
    swaps: int = 0
    busy: int = 0  # a valid card's read answered 503 TIMEOUT/BUSY: back-pressure on a loaded machine, reported
    outcomes: Counter[str] = field(default_factory=Counter)
    codes: Counter[str] = field(default_factory=Counter)
    leaks: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    inside_nik: str = ""
    outside_nik: str = ""


def synthetic(seed: int) -> tuple[bytes, str]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from ktp_ocr.synth import render_sample

    jpeg, entry = render_sample(seed)
    nik = entry["fields"]["nik"]
    return bytes(jpeg), str(nik["value"] if isinstance(nik, dict) else nik)


def link_swap(
    url: str,
    uploads: Path,
    seconds: float,
    seed: int,
    api_key: str | None,
    clients: int = 2,
    pause: float = 0.0002,
) -> LinkSwapResult:
    """Swap names in ``uploads`` between an inside card and an outside card while /ocr/ktp reads them.

    Three plants: ``lswap-file.jpg`` swaps between a regular file and a symlink to the outside card;
    ``lswap-dir/card.jpg`` swaps its folder with a symlink to the outside folder; ``lswap-link.jpg`` is a
    symlink whose target swaps between an inside file and the outside card. Any answer with the outside
    card's NIK was read from outside the uploads folder. The swapper sleeps ``pause`` seconds between rounds of
    swaps, so that it does not take a whole core from the server's readers (thousands of swaps a second remain).
    """
    result = LinkSwapResult()
    inside, result.inside_nik = synthetic(seed)
    outside_seed = seed + 1
    outside, result.outside_nik = synthetic(outside_seed)
    while result.outside_nik == result.inside_nik:
        outside_seed += 1
        outside, result.outside_nik = synthetic(outside_seed)
    uploads = uploads.resolve()
    outside_dir = Path(tempfile.mkdtemp(prefix="ktp-fuzz-outside-")).resolve()
    if outside_dir.is_relative_to(uploads):
        raise SystemExit("the outside folder must not be inside the uploads folder")
    (outside_dir / "card.jpg").write_bytes(outside)
    planted = [uploads / n for n in ("lswap-file.jpg", ".lswap-file.alt", "lswap-dir", ".lswap-dir.alt")]
    planted += [uploads / n for n in ("lswap-link.jpg", ".lswap-link.alt", ".lswap-store.jpg")]
    _remove(planted)
    (uploads / "lswap-file.jpg").write_bytes(inside)
    (uploads / ".lswap-file.alt").symlink_to(outside_dir / "card.jpg")
    (uploads / "lswap-dir").mkdir()
    (uploads / "lswap-dir" / "card.jpg").write_bytes(inside)
    (uploads / ".lswap-dir.alt").symlink_to(outside_dir)
    (uploads / ".lswap-store.jpg").write_bytes(inside)
    (uploads / "lswap-link.jpg").symlink_to(".lswap-store.jpg")
    (uploads / ".lswap-link.alt").symlink_to(outside_dir / "card.jpg")
    pairs = [(planted[0], planted[1]), (planted[2], planted[3]), (planted[4], planted[5])]
    names = ["lswap-file.jpg", "lswap-dir/card.jpg", "lswap-link.jpg"]
    stop = threading.Event()
    lock = threading.Lock()

    def swapper() -> None:
        while not stop.is_set():
            for a, b in pairs:
                try:
                    exchange(a, b)
                    result.swaps += 1
                except OSError as exc:
                    with lock:
                        result.errors.append(f"swap {a.name}: {exc}")
                    stop.wait(0.01)
            if pause:
                time.sleep(pause)

    def client(index: int) -> None:
        count = index
        while time.monotonic() < deadline:
            name = names[count % len(names)]
            count += 1
            headers = {"Content-Type": "application/json"} | ({"x-api-key": api_key} if api_key else {})
            try:
                reply = request(url, "POST", OCR_KTP, json.dumps({"filename": name}).encode(), headers)
            except OSError as exc:
                with lock:
                    result.codes["conn-error"] += 1
                    result.errors.append(f"{name}: connection error {exc}")
                continue
            body = reply.json()
            data = body.get("data") if isinstance(body, dict) else None
            nik = data.get("nik") if isinstance(data, dict) else None
            outside_read = isinstance(nik, str) and closer(nik, result.outside_nik, result.inside_nik)
            if outside_read:
                outcome = "OUTSIDE CARD READ"
            elif nik == result.inside_nik:
                outcome = "inside card"
            elif reply.code == 400:
                outcome = "refused (400)"
            elif reply.code == 404:
                outcome = "not found (404)"
            else:
                outcome = f"other ({reply.code} {label(body)}, nik {'read' if nik else 'absent'})"
            with lock:
                result.codes[str(reply.code)] += 1
                if reply.code == 503 and label(body) in ("TIMEOUT", "BUSY"):
                    result.busy += 1
                result.outcomes[f"{name}: {outcome}"] += 1
                if outside_read:
                    result.leaks.append(f"{OCR_KTP} {name}: {reply.code} answered NIK {nik}: the outside card")

    deadline = time.monotonic() + seconds
    threads = [threading.Thread(target=swapper, daemon=True)]
    threads += [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads[1:]:
        thread.join()
    stop.set()
    threads[0].join(10)
    _remove(planted)
    for entry in outside_dir.iterdir():
        entry.unlink()
    outside_dir.rmdir()
    return result


def closer(nik: str, outside: str, inside: str) -> bool:
    """``nik`` is the outside card's, allowing a few misread digits (it matches it better than the inside one)."""

    def same(a: str, b: str) -> int:
        return sum(x == y for x, y in zip(a, b, strict=False))

    return nik == outside or (same(nik, outside) >= 12 and same(nik, outside) > same(nik, inside))


def _remove(paths: list[Path]) -> None:
    for path in paths:
        if path.is_symlink() or path.is_file():
            path.unlink()
        elif path.is_dir():
            for entry in path.iterdir():
                entry.unlink()
            path.rmdir()

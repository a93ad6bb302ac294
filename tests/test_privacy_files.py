"""Reading a card writes nothing outside what the caller asked for: no telemetry database, id or cache at home.

onnxruntime's official wheels carry Microsoft's 1DS telemetry (a device id and an event database under
``~/.cache/Microsoft/DeveloperTools/.onnxruntime/``, uploads to a collector); ``import openvino`` starts Intel's
``openvino_telemetry`` (a client id and a usage count under ``~/intel``, Google Analytics). The reader turns both
off (``ktp_ocr.ocr.runtime.disable_telemetry``). Here a fresh process with its own empty ``HOME``,
``XDG_CACHE_HOME`` and ``TMPDIR`` builds a reader and reads a synthetic card; afterwards the three folders must
still be empty.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

READ_ONE_CARD = """
import sys
from ktp_ocr.options import ReaderOptions
from ktp_ocr.reader import KtpReader
from ktp_ocr.synth import render_sample

jpeg, _ = render_sample(3)
reader = KtpReader(ReaderOptions.model_validate({"backend": sys.argv[1]}))
result = reader.read(jpeg)
print("STATUS", result.status, "ENGINE", reader.engine.runtime.describe())
"""


def snapshot(folders: dict[str, Path]) -> dict[str, float]:
    """Every path under the folders (files, links and folders), with its modification time."""
    seen: dict[str, float] = {}
    for label, folder in folders.items():
        for root, dirs, files in os.walk(folder):
            for name in dirs + files:
                path = Path(root) / name
                seen[f"{label}/{path.relative_to(folder)}"] = path.lstat().st_mtime
    return seen


def backends() -> list[str]:
    from importlib.util import find_spec

    found = ["onnxruntime"] if find_spec("onnxruntime") else []
    return found + (["openvino"] if find_spec("openvino") else [])


@pytest.mark.parametrize("backend", backends())
def test_reading_a_card_writes_nothing_to_home_cache_or_tmp(tmp_path: Path, backend: str) -> None:
    pytest.importorskip("rapidocr")
    folders = {name: tmp_path / name for name in ("home", "cache", "tmp")}
    for folder in folders.values():
        folder.mkdir()
    before = snapshot(folders)
    env = {
        key: value
        for key, value in os.environ.items()
        # The test decides these itself: an inherited opt-out would hide what the reader does on its own.
        if key not in {"ORT_DISABLE_TELEMETRY", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"}
    }
    env.update(
        HOME=str(folders["home"]),
        XDG_CACHE_HOME=str(folders["cache"]),
        TMPDIR=str(folders["tmp"]),
        PYTHONPATH=os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")])),
        PYTHONDONTWRITEBYTECODE="1",
    )
    done = subprocess.run(
        [sys.executable, "-c", READ_ONE_CARD, backend],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "STATUS" in done.stdout and backend in done.stdout, done.stdout
    after = snapshot(folders)
    created = sorted(set(after) - set(before))
    modified = sorted(path for path in set(after) & set(before) if after[path] != before[path])
    assert not created and not modified, f"written by a read ({backend}): created {created}, modified {modified}"

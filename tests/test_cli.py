"""The CLI: JSON lines per image, a readable table, and a broken file that does not stop the others."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ktp_ocr.cli import main
from ktp_ocr.synth import render_sample


@pytest.fixture(scope="module")
def card(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    data, entry = render_sample(3)
    path = tmp_path_factory.mktemp("cards") / "card.jpg"
    path.write_bytes(data)
    return path, entry["fields"]["nik"]


def test_read_json_lines_and_broken_file(card, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    path, nik = card
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff garbage")
    code = main(["read", "--json", str(broken), str(path), str(tmp_path / "missing.jpg")])
    out, err = capsys.readouterr()
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["file"] for r in rows] == [str(broken), str(path), str(tmp_path / "missing.jpg")]
    assert [r["status"] for r in rows] == ["FILE_INVALID_FORMAT", "SUCCESS", "NO_FILE"]
    assert rows[1]["fields"]["nik"]["value"] == nik
    assert code != 0
    assert "broken.jpg" in err and "missing.jpg" in err


def test_read_table(card, capsys) -> None:  # type: ignore[no-untyped-def]
    path, nik = card
    assert main(["read", str(path)]) == 0
    out = capsys.readouterr().out
    assert "status: SUCCESS" in out and nik in out

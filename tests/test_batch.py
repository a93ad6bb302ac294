"""Batch: sources, the resumable JSON Lines file, a run killed with SIGKILL then resumed, and Ray = local pool."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from ktp_ocr.batch import (
    OutputBusyError,
    OutputError,
    Record,
    ResultLog,
    SourceError,
    expand_sources,
    file_key,
    run_batch,
)
from ktp_ocr.batch.copies import Copies
from ktp_ocr.batch.records import file_sha256
from ktp_ocr.synth import generate

CARDS = 5  # plus one broken file: six lines in all


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _without_timing(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != "timing_ms"}


def test_sources_folder_list_and_repeats(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    for name in ("b.JPG", "a.png", "sub/c.pdf", "notes.txt", ".hidden.jpg"):
        (tmp_path / name).write_bytes(b"x")
    listing = tmp_path / "list.txt"
    listing.write_text(f"# cards\n{tmp_path / 'a.png'}\n\n{tmp_path / 'missing.jpg'}\n")
    files = expand_sources([str(tmp_path), f"@{listing}", str(tmp_path / "a.png")])
    assert files == [str(tmp_path / n) for n in ("a.png", "b.JPG", "sub/c.pdf", "missing.jpg")]
    with pytest.raises(SourceError):
        expand_sources([f"@{tmp_path / 'no-such-list.txt'}"])


def test_result_log_drops_a_cut_short_line_and_knows_what_is_done(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_bytes(b'{"file": "a.jpg", "status": "SUCCESS"}\n{"file": "b.jpg", "sta')
    with ResultLog(out) as log:
        assert log.done == {file_key("a.jpg")} and log.dropped_bytes > 0  # resolved, as every file is
        log.write(json.dumps({"file": "b.jpg", "status": "SUCCESS"}))
    assert [r["file"] for r in _lines(out)] == ["a.jpg", "b.jpg"]


def test_result_log_is_private_and_exclusive(tmp_path: Path) -> None:
    out = tmp_path / "new.jsonl"
    with ResultLog(out):
        assert out.stat().st_mode & 0o077 == 0  # results carry names and NIKs
        with pytest.raises(OutputBusyError):
            ResultLog(out)


def _batch_command(folder: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "ktp_ocr.cli", "batch", str(folder), "--out", str(out), "--jobs", "2"]


def _children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False).stdout
    return [int(p) for p in found.split()]


def _kill_when(out: Path, lines: int, proc: subprocess.Popen[bytes]) -> list[int]:
    """SIGKILL the batch (the parent alone, as ``kill -9 PID`` does) once ``out`` has ``lines``; its workers."""
    workers: list[int] = []
    while proc.poll() is None:
        if out.exists() and out.read_bytes().count(b"\n") >= lines:
            workers = _children(proc.pid)
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.05)
    proc.wait()
    return workers


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "zombie" not in _state(pid)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().lower()
    except OSError:
        return "zombie"


@pytest.fixture(scope="module")
def cards(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("batch_cards")
    generate(CARDS, folder, seed=11, profile="clean", workers=1)
    (folder / "broken.jpg").write_bytes(b"\xff\xd8\xff not a jpeg")  # read first: sorted before syn*
    return folder


@pytest.fixture(scope="module")
def resumed(cards: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The batch CLI killed with SIGKILL after two lines, a cut-short line left at the end, then run again."""
    out = tmp_path_factory.mktemp("batch_out") / "out.jsonl"
    first = subprocess.Popen(_batch_command(cards, out), stderr=subprocess.DEVNULL)
    workers = _kill_when(out, 2, first)
    deadline = time.monotonic() + 60
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    orphans = [pid for pid in workers if _alive(pid)]
    at_kill = out.read_bytes().count(b"\n")
    with out.open("ab") as f:
        f.write(b'{"file": "' + str(cards / "syn00004.jpg").encode() + b'", "status": "SUC')
    second = subprocess.run(_batch_command(cards, out), capture_output=True, text=True, timeout=900, check=False)
    return {
        "at_kill": at_kill,
        "workers": workers,
        "orphans": orphans,
        "rc": second.returncode,
        "stderr": second.stderr,
        "lines": _lines(out),
    }


def test_killed_batch_resumes_without_losing_or_repeating_a_line(resumed: dict[str, Any], cards: Path) -> None:
    assert 2 <= resumed["at_kill"] < CARDS + 1  # killed half-way
    files = [r["file"] for r in resumed["lines"]]
    assert sorted(files) == expand_sources([str(cards)])  # every file exactly once
    statuses = {Path(r["file"]).name: r["status"] for r in resumed["lines"]}
    assert statuses.pop("broken.jpg") == "FILE_INVALID_FORMAT"
    assert set(statuses.values()) == {"SUCCESS"}
    assert resumed["rc"] == 0  # a file that is not a card is still processed
    assert "skipped" in resumed["stderr"] and "cards/s" in resumed["stderr"]


def test_a_finished_batch_reads_nothing_again_however_the_folder_is_spelled(
    resumed: dict[str, Any], cards: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``batch b30 --out o.jsonl`` then ``batch $PWD/b30 --out o.jsonl``: the second reads nothing (issue 25)."""
    out = tmp_path / "again.jsonl"
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in resumed["lines"]), encoding="utf-8")
    (tmp_path / "link").symlink_to(cards)
    monkeypatch.chdir(cards.parent)
    for spelling in (str(cards), cards.name, f"./{cards.name}/../{cards.name}", str(tmp_path / "link")):
        summary = run_batch([spelling], str(out), jobs=1, progress=False)
        assert summary.read == 0 and summary.skipped == CARDS + 1, spelling
    assert len(_lines(out)) == CARDS + 1


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # Ray's own settings, not ours
def test_ray_engine_gives_the_local_pool_results(resumed: dict[str, Any], cards: Path, tmp_path: Path) -> None:
    ray = pytest.importorskip("ray")
    pytest.importorskip("ray.data")
    files = expand_sources([str(cards)])[:3]  # the broken file and two cards: Ray's start-up is the cost here
    listing = tmp_path / "list.txt"
    listing.write_text("\n".join(files) + "\n")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        summary = run_batch([f"@{listing}"], str(tmp_path / "ray.jsonl"), jobs=2, engine="ray", progress=False)
    finally:
        ray.shutdown()
    assert summary.read == len(files) and summary.jobs == 2
    by_ray = {r["file"]: _without_timing(r) for r in _lines(tmp_path / "ray.jsonl")}
    by_pool = {r["file"]: _without_timing(r) for r in resumed["lines"] if r["file"] in files}
    assert by_ray == by_pool and len(by_ray) == len(files)


def test_workers_do_not_outlive_a_killed_batch(resumed: dict[str, Any]) -> None:
    """A worker whose parent was killed exits instead of waiting for work forever with its models loaded."""
    assert resumed["workers"] and resumed["orphans"] == []


def test_sources_are_one_file_however_spelled_and_an_empty_source_is_an_error(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "cards").mkdir()
    (tmp_path / "cards" / "a.jpg").write_bytes(b"x")
    (tmp_path / "link").symlink_to(tmp_path / "cards")
    monkeypatch.chdir(tmp_path)
    files = expand_sources(["cards", str(tmp_path / "cards"), "link/a.jpg", "./cards/../cards/a.jpg"])
    assert files == ["cards/a.jpg"]  # the first spelling is kept
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("not an image")
    (tmp_path / "empty.txt").write_text("# nothing but a comment\n")
    for source in ("empty", "@empty.txt"):
        with pytest.raises(SourceError, match="empty"):
            expand_sources([str(tmp_path / "cards"), source])


def test_an_output_that_cannot_be_written_is_refused_before_anything_is_read(tmp_path: Path) -> None:
    (tmp_path / "file.txt").write_text("a file, not a folder")
    for out, says in ((tmp_path, "is a folder"), (tmp_path / "file.txt" / "o.jsonl", "no folder")):
        with pytest.raises(OutputError, match=says):
            run_batch([str(tmp_path / "missing.jpg")], str(out), progress=False)
    assert not (tmp_path / "o.jsonl").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_an_output_without_permission_is_refused(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    with pytest.raises(OutputError, match="permission"):
        run_batch([str(tmp_path / "missing.jpg")], str(locked / "o.jsonl"), progress=False)


def _record(file: str, status: str = "SUCCESS") -> Record:
    """A record as a worker makes it, without reading: the line names the file and its hash."""
    sha256 = file_sha256(file)
    return Record(file, status, json.dumps({"file": file, "sha256": sha256, "status": status}), 1.0, 1.0, sha256)


def test_a_copy_is_read_once_and_written_as_a_duplicate_of_the_first(tmp_path: Path) -> None:
    for name, data in (("a.jpg", b"card one"), ("b.jpg", b"card one"), ("c.jpg", b"card two")):
        (tmp_path / name).write_bytes(data)
    a, b, c = (str(tmp_path / n) for n in ("a.jpg", "b.jpg", "c.jpg"))
    out = tmp_path / "out.jsonl"
    with ResultLog(out) as log:
        copies = Copies(log)
        to_read = list(copies.first_of_each([a, b, c, str(tmp_path / "missing.jpg")]))
        assert to_read == [a, c, str(tmp_path / "missing.jpg")]  # b waits for a's line
        for file in to_read:
            copies.write(_record(file))
    lines = {r["file"]: r for r in _lines(out)}
    assert lines[b]["duplicate_of"] == a and lines[b]["sha256"] == lines[a]["sha256"]
    assert lines[b]["status"] == lines[a]["status"] and "duplicate_of" not in lines[a]
    (tmp_path / "d.jpg").write_bytes(b"card one")  # a later run: a copy of a file read before
    with ResultLog(out) as log:
        copies = Copies(log)
        assert list(copies.first_of_each([str(tmp_path / "d.jpg")])) == [] and copies.written == 1
    assert _lines(out)[-1]["file"] == str(tmp_path / "d.jpg") and _lines(out)[-1]["duplicate_of"] == a

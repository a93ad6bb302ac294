"""The CLI: JSON lines per image, a readable table, a broken file that does not stop the others, and the runtime
flags reaching the reader and the service."""

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


def test_version_is_the_installed_one(capsys) -> None:  # type: ignore[no-untyped-def]
    from importlib.metadata import version

    import ktp_ocr

    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert ktp_ocr.__version__ == version("ktp-ocr")
    assert capsys.readouterr().out.strip() == f"ktp-ocr {version('ktp-ocr')}"


def test_usage_errors_have_their_own_exit_code(capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from ktp_ocr.errors import STATUS_CODES, USAGE_EXIT_CODE

    assert USAGE_EXIT_CODE not in {codes.exit_code for codes in STATUS_CODES.values()}
    for argv in (["read"], ["read", "--no-such-flag", "x.jpg"], ["bogus"], ["batch", "x.jpg"]):
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        assert exit_info.value.code == USAGE_EXIT_CODE, argv
    assert main(["batch", f"@{tmp_path / 'no-list.txt'}", "--out", str(tmp_path / "o.jsonl")]) == USAGE_EXIT_CODE
    assert main(["batch", "x.jpg", "--out", str(tmp_path / "o.jsonl"), "--jobs", "0"]) == USAGE_EXIT_CODE
    assert main(["read", f"@{tmp_path / 'no-list.txt'}"]) == USAGE_EXIT_CODE
    assert main(["eval", str(tmp_path)]) == USAGE_EXIT_CODE  # no labels.json
    assert "usage" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["--help"], ["read", "--help"], ["batch", "--help"]])
def test_help_lists_the_exit_codes(argv, capsys) -> None:  # type: ignore[no-untyped-def]
    from ktp_ocr.errors import STATUS_CODES, USAGE_EXIT_CODE

    with pytest.raises(SystemExit):
        main(argv)
    out = capsys.readouterr().out
    assert "exit codes" in out
    for status, codes in STATUS_CODES.items():
        assert f"{codes.exit_code}" in out and str(status) in out
    assert str(USAGE_EXIT_CODE) in out


def test_read_a_folder_and_a_failed_file_is_one_line(card, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    path, nik = card
    folder = tmp_path / "cards"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "card.jpg").write_bytes(path.read_bytes())
    (folder / "broken.png").write_bytes(b"not a png")
    (folder / "notes.txt").write_text("skipped: not an image")
    code = main(["read", str(folder)])
    out = capsys.readouterr().out
    assert code == 3  # FILE_INVALID_FORMAT, the highest
    blocks = out.split("== ")[1:]
    assert [b.split("\n")[0].split(":")[0] for b in blocks] == [
        str(folder / "broken.png"),
        str(folder / "sub/card.jpg"),
    ]
    assert blocks[0].startswith(f"{folder / 'broken.png'}: FILE_INVALID_FORMAT (") and blocks[0].count("\n") == 1
    assert nik in blocks[1] and "notes.txt" not in out


def test_serve_without_the_service_extra_says_what_to_install(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    import ktp_ocr.cli
    from ktp_ocr.errors import USAGE_EXIT_CODE

    monkeypatch.setattr(ktp_ocr.cli, "SERVICE_MODULES", ("fastapi", "surely_not_an_installed_module"))
    assert main(["serve", "--port", "0"]) == USAGE_EXIT_CODE
    assert "pip install 'ktp-ocr[service]'" in capsys.readouterr().err


def test_batch_cli_writes_lines_and_a_summary(card, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    path, nik = card
    listing = tmp_path / "list.txt"
    listing.write_text(f"{path}\n{tmp_path / 'missing.jpg'}\n")
    out = tmp_path / "out.jsonl"
    assert main(["batch", f"@{listing}", "--out", str(out), "--jobs", "1", "-q"]) == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert {r["file"]: r["status"] for r in rows} == {str(path): "SUCCESS", str(tmp_path / "missing.jpg"): "NO_FILE"}
    assert next(r for r in rows if r["status"] == "SUCCESS")["fields"]["nik"]["value"] == nik
    err = capsys.readouterr().err
    assert "SUCCESS 1" in err and "NO_FILE 1" in err and "cards/s" in err
    assert nik not in err  # the summary names no one


def test_batch_on_ray_without_ray_says_what_to_install(card, tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    import sys

    from ktp_ocr.errors import USAGE_EXIT_CODE

    monkeypatch.setitem(sys.modules, "ray", None)  # import ray now raises ImportError, as when it is not installed
    path, _nik = card
    assert main(["batch", str(path), "--out", str(tmp_path / "o.jsonl"), "--engine", "ray"]) == USAGE_EXIT_CODE
    assert "pip install 'ktp-ocr[ray]'" in capsys.readouterr().err


def test_cli_and_service_flags_reach_the_runtime() -> None:
    from ktp_ocr.cli import _reader_options, build_parser
    from ktp_ocr.service.cli import settings_from_args

    args = build_parser().parse_args(["read", "x.jpg", "--backend", "onnxruntime", "--threads", "2"])
    options = _reader_options(args)
    assert (options.backend, options.threads) == ("onnxruntime", 2)
    serve = build_parser().parse_args(["serve", "--workers", "4", "--threads", "3", "--backend", "openvino"])
    settings = settings_from_args(serve)
    served = settings.reader_options()
    assert (settings.workers, served.threads, served.backend) == (4, 3, "openvino")


def test_jobs_has_a_short_flag() -> None:
    from ktp_ocr.cli import build_parser

    assert build_parser().parse_args(["batch", "x.jpg", "--out", "o.jsonl", "-j", "3"]).jobs == 3


def test_read_dash_reads_standard_input(card, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    import io
    import sys

    path, nik = card
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(path.read_bytes())))
    assert main(["read", "--json", "-"]) == 0
    row = json.loads(capsys.readouterr().out)
    assert row["file"] == "-" and row["fields"]["nik"]["value"] == nik


def _one_usage_line(capsys, argv: list[str], says: str) -> None:  # type: ignore[no-untyped-def]
    from ktp_ocr.errors import USAGE_EXIT_CODE

    assert main(argv) == USAGE_EXIT_CODE, argv
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and says in err, err


def test_an_empty_source_and_an_unwritable_out_are_usage_errors(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    empty = tmp_path / "empty"
    empty.mkdir()
    (tmp_path / "a_file").write_text("not a folder")
    (tmp_path / "card.jpg").write_bytes(b"x")
    card = str(tmp_path / "card.jpg")
    _one_usage_line(capsys, ["read", str(empty)], "no image or PDF")
    _one_usage_line(capsys, ["batch", str(empty), "--out", str(tmp_path / "o.jsonl")], "no image or PDF")
    _one_usage_line(capsys, ["batch", card, "--out", str(tmp_path)], "is a folder")
    _one_usage_line(capsys, ["batch", card, "--out", str(tmp_path / "a_file" / "o.jsonl")], "no folder")
    assert not (tmp_path / "o.jsonl").exists()


def test_batch_reads_a_copy_once_and_resumes_however_spelled(card, tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    path, nik = card
    folder = tmp_path / "b2"
    folder.mkdir()
    (folder / "a.jpg").write_bytes(path.read_bytes())
    (folder / "copy of a.jpg").write_bytes(path.read_bytes())
    monkeypatch.chdir(tmp_path)
    assert main(["batch", "b2", "--out", "o.jsonl", "-j", "1", "-q"]) == 0
    assert "1 copies" in capsys.readouterr().err
    assert main(["batch", str(folder), "--out", "o.jsonl", "-j", "1", "-q"]) == 0
    assert "2 files skipped" in capsys.readouterr().err
    rows = {Path(r["file"]).name: r for r in map(json.loads, (tmp_path / "o.jsonl").read_text().splitlines())}
    assert sorted(rows) == ["a.jpg", "copy of a.jpg"]  # two lines, not four
    assert rows["copy of a.jpg"]["duplicate_of"] == str(folder / "a.jpg")
    assert rows["copy of a.jpg"]["fields"]["nik"]["value"] == nik == rows["a.jpg"]["fields"]["nik"]["value"]


def test_an_unreachable_ray_address_fails_in_time_naming_it(card, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("ray")
    path, _nik = card
    argv = ["batch", str(path), "--out", str(tmp_path / "o.jsonl"), "--engine", "ray"]
    assert main([*argv, "--address", "127.0.0.1:1", "--connect-timeout", "1"]) == 1
    err = capsys.readouterr().err
    assert "127.0.0.1:1" in err and "within 1 s" in err and len(err.strip().splitlines()) == 1


def test_a_ray_address_that_accepts_but_never_answers_fails_in_time(card, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A port that takes the connection but is no Ray head: ray.init would retry for minutes; it is cut off."""
    import socket
    import subprocess
    import sys

    pytest.importorskip("ray")
    path, _nik = card
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        address = f"127.0.0.1:{silent.getsockname()[1]}"
        out = tmp_path / "o.jsonl"
        argv = ["batch", str(path), "--out", str(out), "--engine", "ray", "--address", address]
        argv += ["--connect-timeout", "2"]
        done = subprocess.run(
            [sys.executable, "-m", "ktp_ocr.cli", *argv], capture_output=True, text=True, timeout=120, check=False
        )
    assert done.returncode == 1
    assert f"no Ray cluster answered at {address} within 2 s" in done.stderr
    assert "core_worker" not in done.stderr and "WARNING" not in done.stderr  # Ray's own lines went to the log

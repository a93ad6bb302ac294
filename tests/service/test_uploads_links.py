"""Seed 001's ``/ocr/ktp`` and links: a symbolic link is never followed, not even one swapped in mid-request, and a
file with more than one hard link is refused.

The route used to resolve the name, check it, and open it again by name: a link put in place between the check
and the open was followed, and a file outside the uploads folder was read. Now the file is opened once, walking
the name from a descriptor of the folder with ``O_NOFOLLOW``, and read from that descriptor.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from service_fakes import TestClient, image_bytes, specimen_result

from ktp_ocr.errors import FileTooLargeError
from ktp_ocr.options import ReaderOptions
from ktp_ocr.result import KtpResult
from ktp_ocr.service.app import create_app
from ktp_ocr.service.compat.seed001_flask_paddle import OUTSIDE, UploadRefused, _file_bytes, open_upload
from ktp_ocr.service.settings import ServiceSettings

INSIDE = b"INSIDE-" * 512
SECRET = b"SECRET-" * 512
RACE_SECONDS = 2.0


class EchoReader:
    """Keeps the bytes each read was given (no decoding: the race is about which file was read, not its image)."""

    def __init__(self) -> None:
        self.seen: list[bytes] = []
        self._lock = threading.Lock()

    def read(self, source: bytes | str | Path, options: ReaderOptions | None = None) -> KtpResult:
        with self._lock:
            self.seen.append(bytes(source) if isinstance(source, bytes | bytearray) else b"?")
        return specimen_result()


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """``uploads/`` with a card, a card in a subfolder, and ``secret.jpg`` (and ``private/``) beside it."""
    uploads = tmp_path / "uploads"
    (uploads / "sub" / "deeper").mkdir(parents=True)
    (uploads / "card.jpg").write_bytes(image_bytes())
    (uploads / "sub" / "deeper" / "card.jpg").write_bytes(image_bytes())
    (tmp_path / "secret.jpg").write_bytes(SECRET)
    (tmp_path / "private").mkdir()
    (tmp_path / "private" / "secret.jpg").write_bytes(SECRET)
    return uploads


@pytest.fixture
def echo_client(tree: Path) -> Iterator[tuple[TestClient, EchoReader]]:
    reader = EchoReader()
    app: FastAPI = create_app(reader=reader, settings=ServiceSettings.model_validate({"uploads_dir": tree}))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, reader


def post(client: TestClient, name: str) -> tuple[int, dict[str, object]]:
    response = client.post("/ocr/ktp", json={"filename": name})
    return response.status_code, response.json()


# --- links inside the folder ----------------------------------------------------------------------------------


def test_link_to_a_file_outside_is_refused(make_client: Callable[..., TestClient], tree: Path) -> None:
    (tree / "link.jpg").symlink_to(tree.parent / "secret.jpg")
    code, body = post(make_client(uploads_dir=tree), "link.jpg")
    assert code == 400 and body["message"] == OUTSIDE
    with pytest.raises(UploadRefused):
        open_upload(tree, "link.jpg")


def test_link_to_a_folder_outside_is_refused(make_client: Callable[..., TestClient], tree: Path) -> None:
    (tree / "elsewhere").symlink_to(tree.parent / "private", target_is_directory=True)
    code, body = post(make_client(uploads_dir=tree), "elsewhere/secret.jpg")
    assert code == 400 and body["message"] == OUTSIDE
    with pytest.raises(UploadRefused):
        open_upload(tree, "elsewhere/secret.jpg")


def test_a_hard_link_to_a_file_outside_is_refused(make_client: Callable[..., TestClient], tree: Path) -> None:
    """A hard link is the file itself, wherever else it is reachable from: a file with two names is refused."""
    os.link(tree.parent / "secret.jpg", tree / "hard.jpg")
    code, body = post(make_client(uploads_dir=tree), "hard.jpg")
    assert code == 400 and body["message"] == OUTSIDE
    with pytest.raises(UploadRefused):
        open_upload(tree, "hard.jpg")
    os.unlink(tree.parent / "secret.jpg")  # the outside name gone, the file has one name again: it reads
    assert post(make_client(uploads_dir=tree), "hard.jpg")[0] != 400


def test_without_an_uploads_folder_the_route_says_which_setting_enables_it(client: TestClient) -> None:
    code, body = post(client, "card.jpg")
    assert code == 404 and "KTP_OCR_UPLOADS_DIR" in str(body["message"])


def test_link_inside_the_folder_is_refused_alike(make_client: Callable[..., TestClient], tree: Path) -> None:
    """Where a link points must not change the answer: a link to a card inside is refused like one outside."""
    (tree / "alias.jpg").symlink_to(tree / "card.jpg")
    (tree / "subalias").symlink_to(tree / "sub", target_is_directory=True)
    client = make_client(uploads_dir=tree)
    for name in ("alias.jpg", "subalias/deeper/card.jpg"):
        code, body = post(client, name)
        assert (code, body["message"]) == (400, OUTSIDE), name


@pytest.mark.parametrize("name", ["../secret.jpg", "sub/../card.jpg", "sub//deeper/card.jpg", "/etc/passwd", "a\\b"])
def test_names_that_are_not_plain_paths_are_refused(tree: Path, name: str) -> None:
    with pytest.raises(UploadRefused):
        open_upload(tree, name)


def test_a_link_swapped_back_after_the_open_is_still_refused(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The open saw a link (ELOOP); the entry is a plain file again before anything else looks at it.

    The answer must follow what the open saw: a refusal (400), not "not found" (404) from a second look.
    """
    (tree / "swap.jpg").symlink_to(tree.parent / "secret.jpg")
    real_open = os.open

    def open_then_swap_back(path: str, flags: int, *args: object, **kwargs: object) -> int:
        try:
            return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]
        except OSError:
            if path == "swap.jpg":
                (tree / ".spare").write_bytes(INSIDE)
                os.replace(tree / ".spare", tree / "swap.jpg")
            raise

    monkeypatch.setattr(os, "open", open_then_swap_back)
    with pytest.raises(UploadRefused):
        open_upload(tree, "swap.jpg")


def test_a_fifo_is_not_found_and_does_not_hang(make_client: Callable[..., TestClient], tree: Path) -> None:
    os.mkfifo(tree / "pipe.jpg")
    code, _ = post(make_client(uploads_dir=tree), "pipe.jpg")  # a blocking open would never return
    assert code == 404


def test_a_missing_file_and_a_folder_are_not_found(make_client: Callable[..., TestClient], tree: Path) -> None:
    client = make_client(uploads_dir=tree)
    assert post(client, "nope.jpg") == (404, {"status": 404, "error": True, "message": "File not found: nope.jpg"})
    assert post(client, "sub")[0] == 404


# --- what still works ---------------------------------------------------------------------------------------------


def test_a_file_in_a_subfolder_still_reads(make_client: Callable[..., TestClient], tree: Path) -> None:
    client = make_client(uploads_dir=tree)
    for name in ("card.jpg", "./card.jpg", "sub/deeper/card.jpg"):
        code, body = post(client, name)
        assert code == 200 and body["error"] is False, (name, body)
    assert _file_bytes(tree, "sub/deeper/card.jpg", 10**7) == image_bytes()


def test_the_size_limit_is_checked_on_the_opened_file(tree: Path) -> None:
    with pytest.raises(FileTooLargeError):
        _file_bytes(tree, "card.jpg", 10)


# --- the race -------------------------------------------------------------------------------------------------------


class Swapper(threading.Thread):
    """Swaps ``target`` between a regular file (INSIDE) and a link to ``outside`` (SECRET) until stopped."""

    def __init__(self, target: Path, outside: Path, seed: int) -> None:
        super().__init__(daemon=True)
        self.target, self.outside = target, outside
        self.rng = random.Random(seed)
        self.stop = threading.Event()
        self.swaps = 0

    def run(self) -> None:
        spare = self.target.with_name(".swap")
        while not self.stop.is_set():
            if self.rng.random() < 0.5:
                spare.unlink(missing_ok=True)
                spare.symlink_to(self.outside)
            else:
                spare.unlink(missing_ok=True)
                spare.write_bytes(INSIDE)
            os.replace(spare, self.target)  # atomic: the name is always either the file or the link
            self.swaps += 1
            if self.rng.random() < 0.3:
                time.sleep(self.rng.uniform(0, 0.0005))


@pytest.fixture
def swapping(tree: Path) -> Iterator[Swapper]:
    target = tree / "swap.jpg"
    target.write_bytes(INSIDE)
    swapper = Swapper(target, tree.parent / "secret.jpg", seed=1234)
    swapper.start()
    try:
        yield swapper
    finally:
        swapper.stop.set()
        swapper.join(5)


def test_a_link_swapped_in_is_never_followed_by_the_reader(tree: Path, swapping: Swapper) -> None:
    reads = refused = 0
    deadline = time.monotonic() + RACE_SECONDS / 2
    while time.monotonic() < deadline:
        try:
            data = _file_bytes(tree, "swap.jpg", 10**6)
        except (UploadRefused, OSError):
            refused += 1
            continue
        assert data == INSIDE  # never SECRET, never a mix
        reads += 1
    assert reads > 0 and refused > 0 and swapping.swaps > 0, (reads, refused, swapping.swaps)


def test_a_link_swapped_in_is_never_read_through_the_route(
    echo_client: tuple[TestClient, EchoReader], swapping: Swapper
) -> None:
    client, reader = echo_client
    codes: dict[int, int] = {}
    deadline = time.monotonic() + RACE_SECONDS / 2
    while time.monotonic() < deadline:
        code, body = post(client, "swap.jpg")
        codes[code] = codes.get(code, 0) + 1
        assert code in {200, 400}, (code, body)  # 400: refused as a link, at the check or at the read
    assert reader.seen, codes
    leaked = [data[:16] for data in reader.seen if data != INSIDE]
    assert not leaked, f"the reader got bytes other than the inside file's: {leaked[:3]} ({codes})"

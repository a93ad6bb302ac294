"""A tiny stdlib HTTP client for the service scripts: 127.0.0.1 only, multipart and JSON bodies, raw bytes.

:func:`start_server` starts ``ktp-ocr serve`` on a free 127.0.0.1 port for the scripts' ``--start`` flag.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ALLOWED_HOSTS = frozenset({"127.0.0.1", "localhost"})


@dataclass
class Reply:
    code: int
    body: bytes
    headers: dict[str, str]

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None


def check_local(base_url: str) -> tuple[str, int]:
    """These scripts fire malformed or heavy traffic: refuse anything but this machine."""
    parts = urlsplit(base_url)
    if parts.scheme != "http" or parts.hostname not in ALLOWED_HOSTS:
        raise SystemExit(f"refusing to target {base_url!r}: only http://127.0.0.1 is allowed")
    return "127.0.0.1", parts.port or 80


def multipart(
    field: str,
    data: bytes,
    filename: str = "ktp.jpg",
    content_type: str = "image/jpeg",
    boundary: str | None = None,
) -> tuple[bytes, str]:
    boundary = boundary or uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n"
    ).encode()
    return head + data + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def request(
    base_url: str,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 120.0,
) -> Reply:
    host, port = check_local(base_url)
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return Reply(response.status, response.read(), {k.lower(): v for k, v in response.getheaders()})
    finally:
        conn.close()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def raw_exchange(base_url: str, head: bytes, body: bytes = b"", timeout: float = 120.0) -> Reply:
    """Send ``head`` (request line and headers, up to the blank line) and ``body`` as they are; read the answer.

    For what http.client refuses to send: odd bytes in a header, a header line of 70,000 characters.
    """
    host, port = check_local(base_url)
    with socket.create_connection((host, port), timeout=timeout) as sock:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(head + body)  # a server that answers early and closes: its answer may still be read
        response = http.client.HTTPResponse(sock)
        response.begin()
        return Reply(response.status, response.read(), {k.lower(): v for k, v in response.getheaders()})


@dataclass
class Server:
    """A ``ktp-ocr serve`` started by :func:`start_server`: its URL, uploads folder, process and log file."""

    url: str
    uploads_dir: Path
    process: subprocess.Popen[bytes]
    log_path: Path
    timeout_s: float | None

    def alive(self) -> bool:
        return self.process.poll() is None

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@contextmanager
def start_server(
    timeout_s: float | None = None,
    workers: int | None = None,
    queue: int | None = None,
    start_timeout: float = 300.0,
    launcher: Sequence[str] = ("-m", "ktp_ocr.cli"),
    env: Mapping[str, str] | None = None,
) -> Iterator[Server]:
    """Start ``ktp-ocr serve`` on a free 127.0.0.1 port with a temporary uploads folder; stop it on exit.

    Waits until /readyz answers 200 (the models are loaded). The server's output goes to a log file in the
    temporary folder; its last lines are printed when it dies or does not get ready. ``launcher``: what follows
    ``python`` before ``serve`` (``-c CODE`` to patch something first); ``env``: added to the environment.
    """
    folder = Path(tempfile.mkdtemp(prefix="ktp-ocr-fuzz-"))
    uploads = folder / "uploads"
    uploads.mkdir()
    port = free_port()
    command = [sys.executable, *launcher, "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--uploads-dir", str(uploads)]
    if timeout_s is not None:
        command += ["--timeout", str(timeout_s)]
    if workers is not None:
        command += ["--workers", str(workers)]
    if queue is not None:
        command += ["--queue", str(queue)]
    environ = {k: v for k, v in os.environ.items() if not k.startswith("KTP_OCR_API_KEYS")}  # 127.0.0.1 only
    environ.update(env or {})
    if timeout_s is not None:
        environ["KTP_OCR_TIMEOUT_S"] = str(timeout_s)
    log_path = folder / "server.log"
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT, env=environ)
    server = Server(f"http://127.0.0.1:{port}", uploads, process, log_path, timeout_s)
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            if not server.alive():
                raise SystemExit(f"ktp-ocr serve exited with {process.returncode}:\n{server.log_tail()}")
            try:
                if request(server.url, "GET", "/readyz", timeout=5).code == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"ktp-ocr serve not ready after {start_timeout:.0f}s:\n{server.log_tail()}")
            time.sleep(0.5)
        print(f"started ktp-ocr serve (pid {process.pid}) at {server.url}, uploads {uploads}", flush=True)
        yield server
    finally:
        if server.alive():
            process.terminate()
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
        shutil.rmtree(folder, ignore_errors=True)

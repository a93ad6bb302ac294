"""One typed settings object for the service, filled from ``KTP_OCR_*`` environment variables.

Every knob of the server lives here (as OCRmyPDF keeps every option in one object), so the CLI, the app factory
and the tests build the same thing and nothing reads ``os.environ`` elsewhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from ..ocr.runtime import Backend, Precision
from ..options import ReaderOptions, threads_per_worker
from .limits import BodyPolicy
from .logs import LogFormat

LOCALHOST = "127.0.0.1"


MULTIPART_OVERHEAD = 64 * 1024
# Share of a read's time limit a PDF page may spend rendering: a scanned card renders in well under a second,
# and what is left of the limit is enough to read the rendered card, so a page killed at this budget answers
# its typed 422 (too complex) before the read itself would time out.
RENDER_SHARE = 0.5


class ServiceSettings(BaseSettings):
    """Server configuration. Without API keys the server refuses to bind anything but 127.0.0.1."""

    model_config = SettingsConfigDict(env_prefix="KTP_OCR_", frozen=True, extra="ignore")

    host: str | None = Field(default=None, description="Bind address; default 0.0.0.0 with API keys, else 127.0.0.1.")
    port: int = Field(default=8000, ge=0, le=65535)
    workers: int = Field(default=2, ge=1, le=64, description="OCR workers, each with its own reader (models).")
    backend: Backend = Field(
        default="onnxruntime",
        description="OCR runtime. A server's default is onnxruntime: its memory stays flat under load, while "
        "OpenVINO's CPU plugin keeps buffers for every input shape it has seen (measured 2026-12-08: RSS +76% after "
        "60 s of load, against +2%), for the same CPU per card on an AVX2 CPU in f32. openvino (or auto) for bf16 "
        "on CPUs that have it.",
    )
    threads: int = Field(default=0, ge=0, le=256, description="Threads per reader; 0 = cores / workers.")
    precision: Precision = Field(default="auto", description="f32 (auto) or bf16 (OpenVINO, CPUs with bf16).")
    queue: int = Field(default=8, ge=0, le=10_000, description="Requests allowed to wait for a worker before 503.")
    timeout_s: float = Field(
        default=60.0,
        gt=0,
        description="Time a read has once a worker takes it; later answers are 503 TIMEOUT. A PDF page gets half "
        "of it to render (then 422), so that a page too complex to draw answers typed while the read still can.",
    )
    retry_after_s: int = Field(default=2, ge=1, description="Retry-After seconds sent with 503 answers.")
    body_timeout_s: float = Field(
        default=60.0,
        gt=0,
        description="Time a request has to send its whole body, whatever its rate; later is 408 REQUEST_TIMEOUT.",
    )
    body_grace_s: float = Field(
        default=10.0, ge=0, description="Time a body may take before the minimum rate applies (then 408)."
    )
    body_min_rate: float = Field(
        default=1024.0,
        gt=0,
        description="Bytes a second a body must keep on average once the grace is over (Apache's MinRate); a "
        "slower one is 408 REQUEST_TIMEOUT.",
    )
    upload_budget_bytes: int = Field(
        default=0,
        ge=0,
        description="Bytes of bodies being received at once, all clients, counted as they arrive; a chunk past "
        "it is 503 BUSY. 0: (workers + queue) x the body limit.",
    )
    uploads_per_client: int = Field(
        default=16,
        ge=0,
        description="Uploads one client address may have open at once; more is 429 TOO_MANY_UPLOADS. 0: no "
        "limit (behind a proxy every client has the proxy's address).",
    )
    header_timeout_s: float = Field(
        default=10.0,
        gt=0,
        le=3600,
        description="Time a connection has to send a whole request head (line and headers); later it is closed.",
    )
    max_file_bytes: int = Field(default=20 * 1024 * 1024, gt=0, description="Largest image or PDF accepted.")
    max_pixels: int = Field(default=60_000_000, gt=0, description="Largest pixel count decoded (decompression bombs).")
    api_keys: str = Field(default="", description="Comma-separated API keys (KTP_OCR_API_KEYS).")
    api_keys_file: Path | None = Field(default=None, description="File with one API key a line; # starts a comment.")
    uploads_dir: Path | None = Field(
        default=None, description="Folder the seed-001 route /ocr/ktp reads filenames from."
    )
    low_confidence: float = Field(default=70.0, ge=0, le=100, description="The web page highlights fields below this.")
    review_error_rate: float = Field(
        default=0.005,
        ge=0,
        le=1,
        description="Target error rate of the fields accepted without review; a request may ask for another.",
    )
    log_level: str = Field(default="info")
    log_format: LogFormat = Field(
        default="text", description="text, or json: one JSON object a line (uvicorn's lines too), for collectors."
    )
    requirements: Literal["permissive", "strict"] = Field(
        default="permissive",
        description="strict: refuse files outside Nodeflux's input specification (100 KB-2 MB, 300x400 to "
        "4000x3000 px) with IMAGE_REQUIREMENT_FAILED.",
    )

    @property
    def max_body_bytes(self) -> int:
        """Largest request body: a base64 file is 4/3 of its bytes, plus room for multipart headers and JSON.

        Worst-case memory, for W workers, Q queue places and B this limit (the full formula and its terms are in
        :class:`ktp_ocr.service.pool.OcrPool`): about ``(W + Q) x 3 x B`` for bodies, as a body is read only
        after its request has a pool place, plus ``W x (decode peak + models)`` for the reads.
        """
        return self.max_file_bytes * 4 // 3 + MULTIPART_OVERHEAD

    def body_policy(self) -> BodyPolicy:
        """The limits every request body is held to (:mod:`.limits`)."""
        return BodyPolicy(
            max_bytes=self.max_body_bytes,
            timeout_s=self.body_timeout_s,
            grace_s=self.body_grace_s,
            min_rate=self.body_min_rate,
            budget_bytes=self.upload_budget_bytes or (self.workers + self.queue) * self.max_body_bytes,
            per_client=self.uploads_per_client,
        )

    def load_api_keys(self) -> frozenset[str]:
        """Keys from the variable and the file together; an unreadable key file is a startup error."""
        keys = {key.strip() for key in self.api_keys.split(",") if key.strip()}
        if self.api_keys_file is not None:
            for line in self.api_keys_file.read_text(encoding="utf-8").splitlines():
                key = line.split("#", 1)[0].strip()
                if key:
                    keys.add(key)
        return frozenset(keys)

    def bind_host(self, keys: frozenset[str]) -> str:
        """Where to listen: an open port without keys would hand every card to the network, so fall back."""
        if not keys:
            return LOCALHOST
        return self.host or "0.0.0.0"

    def reader_options(self) -> ReaderOptions:
        """The base options every request starts from; query parameters may change the read, never the limits."""
        return ReaderOptions.model_validate(
            {
                "max_file_bytes": self.max_file_bytes,
                "max_pixels": self.max_pixels,
                "requirements": self.requirements,
                "with_images": True,  # GLAIR's routes answer with the crops; they cost a few ms
                "backend": self.backend,
                "threads": self.threads or threads_per_worker(self.workers),
                "precision": self.precision,
                "render_timeout_s": self.timeout_s * RENDER_SHARE,
                "review_error_rate": self.review_error_rate,
            }
        )

"""The one typed options object every entry point (library, CLI, HTTP) fills in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .ocr.runtime import DEFAULT_BACKEND, DEFAULT_THREADS, Backend, Precision, available_cores


def threads_per_worker(workers: int, cores: int | None = None) -> int:
    """Threads per reader so that workers x threads = cores (at least one): the one rule for the HTTP service's
    workers and batch jobs alike, since readers side by side beat threads inside one read (less CPU per card)."""
    return max(1, (cores or available_cores()) // workers)


class ReaderOptions(BaseModel):
    """How one image is read: every switch of the pipeline and the OCR runtime, in one frozen object.

    Defaults suit a phone photo of a single card. The runtime fields (``engine``, ``backend``, ``threads``,
    ``precision``) are read once, when a ``KtpReader`` is built; the others may differ per ``read`` call. The CLI
    flags, the HTTP query parameters and ``KTP_OCR_*`` settings all fill this one object, so they cannot drift.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    engine: Literal["rapidocr"] = "rapidocr"
    backend: Backend = Field(
        DEFAULT_BACKEND,
        description="Inference runtime of the OCR models: openvino, onnxruntime, or auto (OpenVINO when installed, "
        "else onnxruntime). Read when the reader is built, like threads and precision.",
    )
    threads: int = Field(
        0,
        ge=0,
        description=f"Threads per OCR model call; 0 = {DEFAULT_THREADS}, the least CPU per card. Run readers side "
        "by side (service workers, batch jobs) so that readers x threads = cores.",
    )
    precision: Precision = Field(
        "auto", description="f32 (auto) or bf16: bf16 runs on OpenVINO on CPUs that have it and may change strings."
    )
    card_detect: bool = Field(True, description="Look for the card outline and warp it upright before OCR.")
    pass_card_detect: bool = Field(
        True, description="When no card outline is found, read the whole image instead of failing CARD_NOT_FOUND."
    )
    read_largest_card: bool = Field(
        False, description="With several cards in the image, read the largest instead of MULTIPLE_DOCUMENTS_DETECTED."
    )
    flip_image: bool = Field(False, description="Mirror the image horizontally before reading.")
    check_flip_image: bool = Field(True, description="When too few labels are read, also try the image mirrored.")
    with_quality: bool = Field(True, description="Judge image quality (blur, light, glare, copy, screen ...).")
    with_images: bool = Field(False, description="Cut the face photo and signature as base64 JPEG.")
    requirements: Literal["permissive", "strict"] = Field(
        "permissive",
        description="strict: refuse files outside 100 KB-2 MB or 300x400-4000x3000 px (the Nodeflux input "
        "specification) with IMAGE_REQUIREMENT_FAILED; permissive: only the limits every read has apply (file size, "
        "pixels, an aspect ratio no capture of a card has, a PDF page too complex to render in time).",
    )
    review_error_rate: float = Field(
        0.005,
        ge=0,
        le=1,
        description="Target error rate of the fields accepted without review: a field whose calibrated confidence "
        "is below the matching threshold is marked review, and the card's decision is review.",
    )
    calibrate: bool = Field(
        True, description="Calibrated confidences and review flags; False keeps the raw scores (to refit them)."
    )
    max_file_bytes: int = Field(20 * 1024 * 1024, gt=0, description="Refuse larger files (FILE_TOO_LARGE).")
    max_pixels: int = Field(60_000_000, gt=0, description="Refuse images with more pixels (decompression bombs).")
    render_timeout_s: float = Field(
        10.0,
        gt=0,
        description="Seconds a PDF page may take to render; its renderer process is then killed and the read answers "
        "IMAGE_REQUIREMENT_FAILED (a page too complex to render).",
    )


OptionsLike = ReaderOptions | Mapping[str, Any]


def as_options(options: OptionsLike | None, default: ReaderOptions | None = None) -> ReaderOptions:
    """A ``ReaderOptions`` from one or from a plain dict (validated: a wrong key or value raises at once, as
    ``ReaderOptions(**d)`` would), so ``KtpReader(options={"threads": 2})`` works; ``None`` gives ``default``."""
    if options is None:
        return default or ReaderOptions()
    if isinstance(options, ReaderOptions):
        return options
    if isinstance(options, Mapping):
        return ReaderOptions.model_validate(dict(options))
    raise TypeError(f"options must be a ReaderOptions or a dict, not {type(options).__name__}")

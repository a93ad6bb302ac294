"""The one typed options object every entry point (library, CLI, HTTP) fills in."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class ReaderOptions(BaseModel):
    """How one image is read. Defaults suit a phone photo of a single card."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    engine: Literal["rapidocr"] = "rapidocr"
    card_detect: bool = Field(True, description="Look for the card outline and warp it upright before OCR.")
    pass_card_detect: bool = Field(
        True, description="When no card outline is found, read the whole image instead of failing CARD_NOT_FOUND."
    )
    flip_image: bool = Field(False, description="Mirror the image horizontally before reading.")
    max_file_bytes: int = Field(20 * 1024 * 1024, gt=0, description="Refuse larger files (FILE_TOO_LARGE).")
    max_pixels: int = Field(60_000_000, gt=0, description="Refuse images with more pixels (decompression bombs).")

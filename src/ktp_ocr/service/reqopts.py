"""Per-request options: which parts of the answer to include, and the few read options a caller may change.

A caller may change how the card is looked for (``cardDetect``, ``passCardDetect``, ``flipImage``) but never the
server's limits, so reader options are the server's base options with only those fields replaced. Options the
reader does not know yet (``checkFlipImage``, ``validateResult``) are passed through as soon as
:class:`~ktp_ocr.options.ReaderOptions` grows a field of that name.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ..options import ReaderOptions

READER_FIELDS = ("card_detect", "pass_card_detect", "flip_image", "check_flip_image", "validate_result")


@dataclass(frozen=True)
class ReadRequest:
    """Output switches (``with_*``, ``qualities``, ``images``) and read switches (None = server default)."""

    with_raw_text: bool = False
    with_confidence: bool = True
    with_polygon: bool = False
    qualities: bool = True
    images: bool = False
    card_detect: bool | None = None
    pass_card_detect: bool | None = None
    flip_image: bool | None = None
    check_flip_image: bool | None = None
    validate_result: bool | None = None

    def reader_options(self, base: ReaderOptions) -> ReaderOptions:
        values = asdict(self)
        known = ReaderOptions.model_fields
        updates: dict[str, Any] = {
            name: values[name] for name in READER_FIELDS if values[name] is not None and name in known
        }
        updates["with_images"] = self.images
        updates["with_quality"] = self.qualities
        return base.model_copy(update=updates)

"""What one request asks for: the caller's switches as a :class:`ReadRequest`, and the reader options they make.

``/v1/ktp`` fills it from its query parameters, the Kredibel contract from its JSON body. The output switches
(``withRawText``, ``withConfidence``, ``withPolygon``, ``validateResult``) only shape the answer (:mod:`.shape`,
the Kredibel body); ``qualities`` and ``images`` also reach the reader, as ``with_quality`` and ``with_images``, so
it neither judges quality nor cuts crops that nobody asked for. The read switches (``cardDetect``,
``passCardDetect``, ``flipImage``, ``checkFlipImage``, ``reviewErrorRate``) replace the server's base option of that
name when given;
nothing else of the base options (limits, backend, threads) can be changed by a caller. Of
:data:`READER_FIELDS`, only those :class:`~ktp_ocr.options.ReaderOptions` has a field for are passed on:
``validate_result`` has none, so it never reaches the reader.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ..options import ReaderOptions

READER_FIELDS = (
    "card_detect",
    "pass_card_detect",
    "flip_image",
    "check_flip_image",
    "validate_result",
    "review_error_rate",
)


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
    review_error_rate: float | None = None

    def reader_options(self, base: ReaderOptions) -> ReaderOptions:
        values = asdict(self)
        known = ReaderOptions.model_fields
        updates: dict[str, Any] = {
            name: values[name] for name in READER_FIELDS if values[name] is not None and name in known
        }
        updates["with_images"] = self.images
        updates["with_quality"] = self.qualities
        return base.model_copy(update=updates)

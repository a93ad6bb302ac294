"""Typed outcomes of a read, each with its HTTP status and CLI exit code.

One table (``STATUS_CODES``) maps a status to its codes so the CLI and the HTTP service never disagree; the
exceptions only carry a status and an actionable message.
"""

from __future__ import annotations

import math
from enum import StrEnum
from typing import NamedTuple


class Status(StrEnum):
    """Outcome of one read, named as the commercial APIs name it."""

    SUCCESS = "SUCCESS"
    NO_FILE = "NO_FILE"
    INVALID_BASE64 = "INVALID_BASE64"
    FILE_INVALID_FORMAT = "FILE_INVALID_FORMAT"
    FILE_TOO_LARGE = "FILE_TOO_LARGE"
    IMAGE_REQUIREMENT_FAILED = "IMAGE_REQUIREMENT_FAILED"
    CARD_NOT_FOUND = "CARD_NOT_FOUND"
    TEXT_NOT_FOUND = "TEXT_NOT_FOUND"
    UNRECOGNIZED_DOCUMENT_TYPE = "UNRECOGNIZED_DOCUMENT_TYPE"
    MULTIPLE_DOCUMENTS_DETECTED = "MULTIPLE_DOCUMENTS_DETECTED"
    FAILED = "FAILED"


class StatusCodes(NamedTuple):
    http: int
    exit_code: int
    reason: str


STATUS_CODES: dict[Status, StatusCodes] = {
    Status.SUCCESS: StatusCodes(200, 0, "File Successfully Read"),
    Status.NO_FILE: StatusCodes(400, 2, "No file in request body"),
    Status.INVALID_BASE64: StatusCodes(400, 2, "Invalid base64 encoding."),
    Status.FILE_INVALID_FORMAT: StatusCodes(
        415, 3, "The file is not a supported image or PDF (JPEG, PNG, WEBP, BMP, TIFF, PDF)."
    ),
    Status.FILE_TOO_LARGE: StatusCodes(413, 3, "The file or its pixel count exceeds the configured limit."),
    Status.IMAGE_REQUIREMENT_FAILED: StatusCodes(422, 3, "The image does not meet the configured image requirements."),
    Status.CARD_NOT_FOUND: StatusCodes(422, 4, "There is no identity card found in the image."),
    Status.TEXT_NOT_FOUND: StatusCodes(422, 4, "There is no text found in the image."),
    Status.UNRECOGNIZED_DOCUMENT_TYPE: StatusCodes(200, 5, "Unrecognized document type detected."),
    Status.MULTIPLE_DOCUMENTS_DETECTED: StatusCodes(200, 5, "Multiple documents detected."),
    Status.FAILED: StatusCodes(500, 1, "System failed to process the image."),
}


# Exit code of a command-line usage error (bad flag, no such list file): EX_USAGE from sysexits.h, apart from
# every status's code above so a script can tell "you called it wrong" from "the card was not read".
USAGE_EXIT_CODE = 64


def size_text(size: int, up: bool = True) -> str:
    """A byte count as people read it in a message ("20 MB", "57.3 KB"; 1 KB = 1024 bytes, as the limits are set),
    rounded away from the limit it is compared with (``up`` for a file over a maximum), so the number shown never
    seems to meet a limit the file does not meet."""
    unit, scale = ("MB", 1024 * 1024) if size >= 1024 * 1024 else ("KB", 1024)
    tenths = (math.ceil if up else math.floor)(size * 10 / scale) / 10
    return f"{tenths:.1f}".removesuffix(".0") + f" {unit}"


class KtpOcrError(Exception):
    """Base of every error the reader reports as a status instead of a stack trace."""

    status: Status = Status.FAILED

    def __init__(self, message: str | None = None) -> None:
        self.message = message or STATUS_CODES[self.status].reason
        super().__init__(self.message)

    @property
    def http_status(self) -> int:
        return STATUS_CODES[self.status].http

    @property
    def exit_code(self) -> int:
        return STATUS_CODES[self.status].exit_code


class NoFileError(KtpOcrError):
    status = Status.NO_FILE


class InvalidBase64Error(KtpOcrError):
    status = Status.INVALID_BASE64


class InvalidFormatError(KtpOcrError):
    status = Status.FILE_INVALID_FORMAT


class FileTooLargeError(KtpOcrError):
    status = Status.FILE_TOO_LARGE


class ImageRequirementError(KtpOcrError):
    status = Status.IMAGE_REQUIREMENT_FAILED


class CardNotFoundError(KtpOcrError):
    status = Status.CARD_NOT_FOUND


class TextNotFoundError(KtpOcrError):
    status = Status.TEXT_NOT_FOUND


class MultipleDocumentsError(KtpOcrError):
    status = Status.MULTIPLE_DOCUMENTS_DETECTED

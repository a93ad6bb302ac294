"""The typed result tree: a read is a status, nineteen fields, the parsed NIK and where every value sits.

Every field carries its clean value beside the raw OCR text, a 0-100 confidence and a polygon in the input
image's pixels, so a caller can show or audit each answer (as the GLAIR contract does with ``withRawText`` and
``withPolygon``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from .errors import STATUS_CODES, KtpOcrError, Status
from .template import FIELD_NAMES as FIELD_NAMES  # re-exported: the result is where callers look for it

Polygon = list[list[int]]


class FieldResult(BaseModel):
    """One printed field. ``value`` is None when the field was not found on the card.

    ``confidence`` is the calibrated probability, in percent, that ``value`` is what the card prints
    (:mod:`ktp_ocr.confidence`); ``review`` says a person should check it at the reader's target error rate.
    """

    value: str | None = None
    raw_text: str | None = None
    confidence: float = Field(0.0, ge=0, le=100)
    weakest_char: float | None = Field(
        None, ge=0, le=1, description="The recogniser's probability of the raw text's least certain character."
    )
    polygon: Polygon | None = None
    valid: bool = False
    review: bool = True
    warnings: list[str] = Field(default_factory=list)


class KtpFields(BaseModel):
    provinsi: FieldResult = Field(default_factory=FieldResult)
    kabupaten_kota: FieldResult = Field(default_factory=FieldResult)
    nik: FieldResult = Field(default_factory=FieldResult)
    nama: FieldResult = Field(default_factory=FieldResult)
    tempat_lahir: FieldResult = Field(default_factory=FieldResult)
    tanggal_lahir: FieldResult = Field(default_factory=FieldResult)
    jenis_kelamin: FieldResult = Field(default_factory=FieldResult)
    golongan_darah: FieldResult = Field(default_factory=FieldResult)
    alamat: FieldResult = Field(default_factory=FieldResult)
    rt_rw: FieldResult = Field(default_factory=FieldResult)
    kelurahan_desa: FieldResult = Field(default_factory=FieldResult)
    kecamatan: FieldResult = Field(default_factory=FieldResult)
    agama: FieldResult = Field(default_factory=FieldResult)
    status_perkawinan: FieldResult = Field(default_factory=FieldResult)
    pekerjaan: FieldResult = Field(default_factory=FieldResult)
    kewarganegaraan: FieldResult = Field(default_factory=FieldResult)
    berlaku_hingga: FieldResult = Field(default_factory=FieldResult)
    tempat_terbit: FieldResult = Field(default_factory=FieldResult)
    tanggal_terbit: FieldResult = Field(default_factory=FieldResult)

    def get(self, name: str) -> FieldResult:
        result: FieldResult = getattr(self, name)
        return result

    def __getitem__(self, name: str) -> FieldResult:
        """``fields["nik"]`` as well as ``fields.nik``, for names held in variables; KeyError for any other name."""
        if name not in FIELD_NAMES:
            raise KeyError(name)
        return self.get(name)

    def values(self) -> dict[str, str | None]:
        """Plain ``{field: value}``, the shape of ``labels.json``."""
        return {name: self.get(name).value for name in FIELD_NAMES}


class NikDetails(BaseModel):
    """What the NIK itself encodes (PP KK CC DDMMYY SSSS), decoded with the Kemendagri list."""

    nik: str
    valid: bool
    province_code: str | None = None
    province: str | None = None
    regency_code: str | None = None
    regency: str | None = None
    district_code: str | None = None
    district: str | None = None
    gender: str | None = Field(None, description="LAKI-LAKI or PEREMPUAN (day of birth + 40 for women).")
    birth_date: str | None = Field(None, description="DD-MM-YYYY; the century is inferred.")
    serial: str | None = None
    errors: list[str] = Field(default_factory=list)


class CardInfo(BaseModel):
    """Where the card was found and how it was turned to be read."""

    detected: bool = False
    polygon: Polygon | None = Field(None, description="Card corners in input pixels: TL, TR, BR, BL.")
    tilt: float = Field(0.0, description="Degrees (0-360) the card was turned; 180 = upside down.")
    mirrored: bool = False


QUALITY_CHECKS: tuple[str, ...] = (
    "is_blurred",
    "is_dark",
    "is_bright",
    "is_flash",
    "is_copy",
    "is_taken_from_screen",
    "is_cropped",
    "is_rotated",
    "is_ktp",
)


class Quality(BaseModel):
    """Image-quality verdicts (GLAIR's nine flags) with a 0-1 score each, and Nodeflux's three derived ones.

    A flag is True when the problem is present (``is_ktp``: when the image is a KTP); ``scores`` holds how
    strongly each check fired, so a caller can pick its own threshold.
    """

    is_blurred: bool = False
    is_dark: bool = False
    is_bright: bool = False
    is_flash: bool = False
    is_copy: bool = False
    is_taken_from_screen: bool = False
    is_cropped: bool = False
    is_rotated: bool = False
    is_ktp: bool = True
    scores: dict[str, float] = Field(default_factory=dict)
    sharpness: bool = Field(True, description="Nodeflux: True when the image is sharp enough (not is_blurred).")
    brightness: bool = Field(True, description="Nodeflux: True when lighting is fine (neither dark nor bright).")
    specularity: bool = Field(True, description="Nodeflux: True when no glare spot was found (not is_flash).")


class CardImages(BaseModel):
    """Face photo and signature cut from the aligned card, as base64 JPEG."""

    photo: str | None = None
    sign: str | None = None


class KtpResult(BaseModel):
    """One read: its outcome, the nineteen fields, the decoded NIK, the card, quality, crops and stage timings."""

    status: Status = Status.SUCCESS
    reason: str = STATUS_CODES[Status.SUCCESS].reason
    fields: KtpFields = Field(default_factory=KtpFields)
    nik_details: NikDetails | None = None
    card: CardInfo = Field(default_factory=CardInfo)
    quality: Quality | None = None
    images: CardImages | None = None
    warnings: list[str] = Field(default_factory=list)
    decision: Literal["accept", "review"] = Field(
        "review", description="accept: every field reached the target error rate; review: see ``review``."
    )
    review: list[str] = Field(default_factory=list, description="The fields a person should check.")
    timing_ms: dict[str, float] = Field(default_factory=dict)

    @classmethod
    def failure(cls, status: Status, reason: str | None = None) -> KtpResult:
        return cls(status=status, reason=reason or STATUS_CODES[status].reason)

    @classmethod
    def from_error(cls, exc: BaseException) -> KtpResult:
        """The failed result of a read that raised: a ``KtpOcrError`` keeps its status and message, anything
        else (a bug) is a bare ``FAILED``, so no exception text reaches a caller."""
        if isinstance(exc, KtpOcrError):
            return cls.failure(exc.status, exc.message)
        return cls.failure(Status.FAILED)

"""Helpers for the service tests: a fake reader returning a fixed synthetic specimen, and image bytes.

The fake decodes like the real reader (so bad files give the same typed statuses) and then answers a made-up
card: no value here comes from a real person's KTP.
"""

from __future__ import annotations

import io
import sys
import threading
import warnings
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
if str(SRC) not in sys.path:  # the package may not be installed in the venv; the tests run from the tree
    sys.path.insert(0, str(SRC))

with warnings.catch_warnings():  # starlette prefers httpx2; httpx works and is what is installed
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

from PIL import Image  # noqa: E402

from ktp_ocr.decode import decode_image, read_source  # noqa: E402
from ktp_ocr.errors import KtpOcrError, Status  # noqa: E402
from ktp_ocr.options import ReaderOptions  # noqa: E402
from ktp_ocr.result import FIELD_NAMES, CardInfo, FieldResult, KtpFields, KtpResult, Quality  # noqa: E402

__all__ = ["SPECIMEN_VALUES", "FakeReader", "TestClient", "image_bytes", "specimen_result", "synthetic_card"]

SPECIMEN_VALUES: dict[str, str] = {
    "provinsi": "JAWA BARAT",
    "kabupaten_kota": "KOTA BANDUNG",
    "nik": "3273010101900001",
    "nama": "SPESIMEN CONTOH",
    "tempat_lahir": "BANDUNG",
    "tanggal_lahir": "01-01-1990",
    "jenis_kelamin": "LAKI-LAKI",
    "golongan_darah": "O",
    "alamat": "JL. CONTOH NO. 1",
    "rt_rw": "001/002",
    "kelurahan_desa": "SUKAMAJU",
    "kecamatan": "CONTOH",
    "agama": "ISLAM",
    "status_perkawinan": "BELUM KAWIN",
    "pekerjaan": "KARYAWAN SWASTA",
    "kewarganegaraan": "WNI",
    "berlaku_hingga": "SEUMUR HIDUP",
    "tempat_terbit": "KOTA BANDUNG",
    "tanggal_terbit": "01-01-2020",
}


def specimen_result() -> KtpResult:
    """A fixed synthetic read with polygons (one text line per field, stacked) and a low-confidence field, the one
    field to review (as a calibrated read marks it)."""
    fields = {}
    for row, name in enumerate(FIELD_NAMES):
        y = 20 + row * 12
        fields[name] = FieldResult(
            value=SPECIMEN_VALUES[name],
            raw_text=SPECIMEN_VALUES[name].lower(),
            confidence=45.0 if name == "golongan_darah" else 96.0,
            polygon=[[120, y], [300, y], [300, y + 10], [120, y + 10]],
            valid=name != "golongan_darah",
            review=name == "golongan_darah",
        )
    card = CardInfo(detected=True, polygon=[[5, 5], [395, 5], [395, 250], [5, 250]], tilt=0.0, mirrored=False)
    quality = Quality(is_flash=True, specularity=False, scores={"is_flash": 0.7, "is_blurred": 0.1, "is_ktp": 0.95})
    timing_ms = {"decode": 3.0, "locate": 40.0, "ocr": 250.0, "validate": 0.5, "total": 300.0}  # as the reader times
    return KtpResult(
        fields=KtpFields(**fields),
        card=card,
        quality=quality,
        timing_ms=timing_ms,
        decision="review",
        review=["golongan_darah"],
    )


class FakeReader:
    """Decodes for real, then answers the specimen, or what ``outcome`` says (a status or an exception)."""

    def __init__(self) -> None:
        self.outcome: Status | BaseException | None = None
        self.delay = threading.Event()
        self.hold = False
        self.calls: list[ReaderOptions | None] = []

    def read(self, source: bytes | str | Path, options: ReaderOptions | None = None) -> KtpResult:
        self.calls.append(options)
        if self.hold:
            self.delay.wait(10)
        try:
            decode_image(read_source(source), options or ReaderOptions.model_validate({}))
        except KtpOcrError as exc:
            return KtpResult.failure(exc.status, exc.message)
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        if isinstance(self.outcome, Status):
            return KtpResult.failure(self.outcome)
        return specimen_result()


def synthetic_card(seed: int = 3) -> tuple[bytes, str]:
    """A synthetic card JPEG and its NIK, from the project's generator (``ktp_ocr.synth.render_sample``)."""
    from ktp_ocr.synth import render_sample

    jpeg, label = render_sample(seed)
    return jpeg, str(label["fields"]["nik"])


def image_bytes(fmt: str = "JPEG", size: tuple[int, int] = (400, 256)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 210, 230)).save(buffer, format=fmt)
    return buffer.getvalue()

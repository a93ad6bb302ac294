"""``KtpReader``: the pipeline decode -> locate -> read the right way up -> layout -> normalise -> validate ->
assemble, each stage one call in ``_read``.

Build one reader and reuse it: the OCR models load once. ``read`` may be called from several threads, but one
reader runs one OCR call at a time (on ``options.threads`` cores): build one reader per worker to read in parallel.
``read`` never raises for a bad input; the result's ``status`` says what went wrong.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from . import layout
from .assemble import build_result, is_ktp, ktp_evidence
from .crops import cut_face_and_signature
from .decode import Source, check_source, load_image
from .errors import KtpOcrError, TextNotFoundError
from .locate import align_card
from .normalize import Normalized, is_foreign, normalize_card
from .ocr import OcrEngine, build_engine
from .options import OptionsLike, ReaderOptions, as_options
from .orientation import printed_corners, read_oriented
from .quality import assess_quality
from .result import KtpResult
from .validate import validate

log = logging.getLogger(__name__)


class KtpReader:
    """Reads KTP images into ``KtpResult``; build one and reuse it, since loading the OCR models is the slow part.

    ``options`` (a ``ReaderOptions`` or a dict of its fields) are the defaults of every read; its runtime fields
    (backend, threads, precision) are fixed here.
    ``engine`` replaces the OCR engine (tests pass a fake). One reader runs one OCR call at a time: to read in
    parallel, build one reader per process (``ktp_ocr.batch`` does) so that readers x threads = cores.
    """

    def __init__(self, options: OptionsLike | None = None, engine: OcrEngine | None = None) -> None:
        self.options = as_options(options)
        opts = self.options
        self.engine = engine or build_engine(opts.engine, opts.backend, opts.threads, opts.precision)

    def read(self, source: Source, options: OptionsLike | None = None) -> KtpResult:
        """Read one card: a path, encoded bytes (JPEG, PNG, WEBP, BMP, TIFF, PDF), a binary file object, a numpy
        uint8 array (BGR as OpenCV gives it, or grey, or BGRA) or a PIL image.

        A bad image never raises: the result's ``status`` says what went wrong, so one bad file in a thousand
        cannot stop a batch. A source of the wrong type is the caller's bug and raises ``TypeError`` at once.
        ``options`` replaces the reader's for this call only (the runtime fields are the reader's).
        """
        check_source(source)
        opts = as_options(options, self.options)
        timings: dict[str, float] = {}
        start = time.perf_counter()
        try:
            result = self._read(source, opts, timings)
        except Exception as exc:  # a bad image is a typed failure; a bug is logged here, never raised to a caller
            if not isinstance(exc, KtpOcrError):
                log.exception("read failed")
            result = KtpResult.from_error(exc)
        timings["total"] = round((time.perf_counter() - start) * 1000, 1)
        result.timing_ms = timings
        return result

    def read_many(self, sources: Iterable[Source], options: OptionsLike | None = None) -> Iterator[KtpResult]:
        """Read each source in turn, yielding results in the sources' order (lazily: a generator stays small).

        One reader reads one card at a time; for many cards on many cores use ``ktp_ocr.batch``.
        """
        for source in sources:
            yield self.read(source, options)

    def _read(self, source: Source, opts: ReaderOptions, timings: dict[str, float]) -> KtpResult:
        """The pipeline, one call a stage (OCRmyPDF's ``_exec_page_sync`` is the model)."""
        with _timed(timings, "decode"):
            image = load_image(source, opts)
        with _timed(timings, "locate"):
            found = align_card(image, opts, self.engine)
        with _timed(timings, "ocr"):
            reading = read_oriented(image, found, opts, self.engine)
        if not reading.lines:
            raise TextNotFoundError()
        card = reading.alignment
        with _timed(timings, "layout"):
            raw = layout.read_fields(reading.lines, card.image, self.engine)
        with _timed(timings, "normalize"):
            foreign, values = normalize_fields(raw)
        with _timed(timings, "validate"):
            checked = validate(values, foreign)
            values = checked.apply(values)
        score = ktp_evidence(reading.labels, values)
        result = build_result(raw, values, checked, card, score, opts.review_error_rate if opts.calibrate else None)
        if opts.with_quality:
            with _timed(timings, "quality"):
                result.quality = assess_quality(image, card, is_ktp(score), score, printed_corners(reading))
        if opts.with_images:
            with _timed(timings, "images"):
                result.images = cut_face_and_signature(card.image, raw)
        return result


def normalize_fields(raw: dict[str, layout.FieldText]) -> tuple[bool, dict[str, Normalized]]:
    """Whether the card is a foreigner's (KTP-el WNA, values in English), and every raw field's clean value."""
    texts = {k: v.text for k, v in raw.items()}
    foreign = is_foreign(texts)
    return foreign, normalize_card(texts, foreign)


@contextmanager
def _timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = round((time.perf_counter() - start) * 1000, 1)


__all__ = ["KtpReader"]

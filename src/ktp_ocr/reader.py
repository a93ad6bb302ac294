"""``KtpReader``: the pipeline decode -> locate/align -> OCR -> layout -> normalise -> validate.

Build one reader and reuse it: the OCR models load once. ``read`` may be called from several threads, but one
reader runs one OCR call at a time (on ``options.threads`` cores): build one reader per worker to read in parallel.
``read`` never raises for a bad input; the result's ``status`` says what went wrong.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import numpy as np

from . import layout
from .crops import cut_face_and_signature
from .decode import Source, check_source, load_image
from .errors import STATUS_CODES, KtpOcrError, Status, TextNotFoundError
from .layout.orientation import candidate_turns, reads_clearer
from .locate import RECHECK_SIDE, Alignment, align_card, reorient
from .normalize import Normalized, is_foreign, normalize_card
from .ocr import OcrEngine, TextLine, build_engine
from .options import ReaderOptions
from .quality import assess_quality
from .result import FIELD_NAMES, CardInfo, FieldResult, KtpFields, KtpResult
from .template import ROWS
from .validate import cross_check, nik_details

log = logging.getLogger(__name__)

GOOD_LABEL_COUNT = 7  # labels found on an upright card read well; fewer means try another orientation
MIN_TURN_GAIN = 2  # labels a turned or mirrored reading must add: on an unreadable card one label is noise
MAX_OCR_PASSES = 6  # two alignments (outline, text extent), each read once and in up to two other orientations
KTP_EVIDENCE = 0.4  # below: not taken for a KTP (synthetic non-KTP documents score <= 0.34)
VALUE_FIELDS_EXPECTED = 12


class KtpReader:
    """Reads KTP images into ``KtpResult``; build one and reuse it, since loading the OCR models is the slow part.

    ``options`` are the defaults of every read; its runtime fields (backend, threads, precision) are fixed here.
    ``engine`` replaces the OCR engine (tests pass a fake). One reader runs one OCR call at a time: to read in
    parallel, build one reader per process (``ktp_ocr.batch`` does) so that readers x threads = cores.
    """

    def __init__(self, options: ReaderOptions | None = None, engine: OcrEngine | None = None) -> None:
        self.options = options or ReaderOptions()
        opts = self.options
        self.engine = engine or build_engine(opts.engine, opts.backend, opts.threads, opts.precision)

    def read(self, source: Source, options: ReaderOptions | None = None) -> KtpResult:
        """Read one card: a path, encoded bytes (JPEG, PNG, WEBP, BMP, TIFF, PDF), a binary file object, a numpy
        uint8 array (BGR as OpenCV gives it, or grey, or BGRA) or a PIL image.

        A bad image never raises: the result's ``status`` says what went wrong, so one bad file in a thousand
        cannot stop a batch. A source of the wrong type is the caller's bug and raises ``TypeError`` at once.
        ``options`` replaces the reader's for this call only (the runtime fields are the reader's).
        """
        check_source(source)
        opts = options or self.options
        timings: dict[str, float] = {}
        start = time.perf_counter()
        try:
            result = self._read(source, opts, timings)
        except KtpOcrError as exc:
            result = KtpResult.failure(exc.status, exc.message)
        except Exception:  # a bug must not leak a stack trace to a caller; it is logged here
            log.exception("read failed")
            result = KtpResult.failure(Status.FAILED)
        timings["total"] = round((time.perf_counter() - start) * 1000, 1)
        result.timing_ms = timings
        return result

    def read_many(self, sources: Iterable[Source], options: ReaderOptions | None = None) -> Iterator[KtpResult]:
        """Read each source in turn, yielding results in the sources' order (lazily: a generator stays small).

        One reader reads one card at a time; for many cards on many cores use ``ktp_ocr.batch``.
        """
        for source in sources:
            yield self.read(source, options)

    def _read(self, source: Source, opts: ReaderOptions, timings: dict[str, float]) -> KtpResult:
        with _timed(timings, "decode"):
            image = load_image(source, opts)
        with _timed(timings, "locate"):
            alignment = align_card(image, opts, self.engine)
        with _timed(timings, "ocr"):
            passes = _Passes()
            alignment, lines, labels = self._read_upright(alignment, opts, passes)
            if alignment.card_found and labels < GOOD_LABEL_COUNT and passes.left:
                # The outline may have been something else (the photo, a table edge): read the text's extent,
                # found coarsely (only the extent is needed).
                again = align_card(image, opts, self.engine, outline=False, detect_side=RECHECK_SIDE)
                retry = self._read_upright(again, opts, passes)
                if retry[2] > labels or not lines:
                    alignment, lines, labels = retry
        if not lines:
            raise TextNotFoundError()
        h, w = alignment.image.shape[:2]
        with _timed(timings, "layout"):
            raw = layout.assign_fields(lines, w, h)
        with _timed(timings, "normalize"):
            texts = {k: v.text for k, v in raw.items()}
            foreign = is_foreign(texts)
            values = normalize_card(texts, foreign)
        with _timed(timings, "validate"):
            nik = values.get("nik")
            details = nik_details(nik.value) if nik and nik.valid and nik.value else None
            warnings = cross_check(values, details, foreign) if details else ["NIK not readable"]
        if alignment.other_cards:
            warnings.append(f"{alignment.other_cards} other card(s) in the image were not read")
        ktp_score = _ktp_evidence(labels, values)
        result = KtpResult(
            fields=_build_fields(raw, values, alignment),
            nik_details=details,
            card=CardInfo(
                detected=alignment.card_found,
                polygon=_polygon(alignment.card_corners),
                tilt=alignment.tilt,
                mirrored=alignment.mirrored,
            ),
            warnings=warnings,
        )
        if opts.with_quality:
            with _timed(timings, "quality"):
                result.quality = assess_quality(image, alignment, ktp_score >= KTP_EVIDENCE, ktp_score)
        if opts.with_images:
            with _timed(timings, "images"):
                result.images = cut_face_and_signature(alignment.image, raw)
        if ktp_score < KTP_EVIDENCE:
            result.status = Status.UNRECOGNIZED_DOCUMENT_TYPE
            result.reason = STATUS_CODES[Status.UNRECOGNIZED_DOCUMENT_TYPE].reason
        return result

    def _read_upright(
        self, alignment: Alignment, opts: ReaderOptions, passes: _Passes
    ) -> tuple[Alignment, list[TextLine], int]:
        """OCR the aligned card; with few labels, read it again in the orientations the evidence points to.

        Each further reading detects its lines again in its own orientation: the detector was trained on upright
        text, and its boxes around turned or mirrored glyphs split and pad lines differently (on the dev photos
        10-15% of the lines of a half-turned card, carried back, read differently), which cost turned cards fields
        that the same card read upright keeps. When no reading adds labels, the one the recogniser reads much
        more surely is kept (``orientation.reads_clearer``): a blurred card may show no label either way up.
        """
        passes.take()
        boxes = self.engine.detect(alignment.image)
        lines = self.engine.read_boxes(alignment.image, boxes)
        count = _label_count(lines, alignment.image.shape[1])
        if count >= GOOD_LABEL_COUNT or not lines or not passes.left:
            return alignment, lines, count
        width = alignment.image.shape[1]
        upside_down = self.engine.upside_down(alignment.image, boxes)
        best = alignment, lines, count
        for turn in candidate_turns(lines, width, upside_down, opts.check_flip_image, count):
            if not passes.left:
                break
            passes.take()
            turned = reorient(alignment, turn.half_turn, turn.mirror)
            turned_lines = self.engine.recognize(turned.image)
            turned_count = _label_count(turned_lines, width)
            if turned_count >= count + MIN_TURN_GAIN:
                return turned, turned_lines, turned_count
            if turned_count >= best[2] and reads_clearer(turned_lines, best[1]):
                best = turned, turned_lines, turned_count
        return best


class _Passes:
    """The hard cap on OCR passes (a detection and a reading of its lines) in one read: hard photos must not cost
    ten reads."""

    def __init__(self, limit: int = MAX_OCR_PASSES) -> None:
        self._left = limit

    @property
    def left(self) -> bool:
        return self._left > 0

    def take(self) -> None:
        self._left -= 1


def _ktp_evidence(labels: int, values: dict[str, Normalized]) -> float:
    """0-1: how much of a KTP was read. Labels alone are not enough: a blank KTP template has them too."""
    filled = sum(1 for name, v in values.items() if v.value and v.valid and name != "golongan_darah")
    nik = values.get("nik")
    label_share = min(1.0, labels / len(ROWS))
    filled_share = min(1.0, filled / VALUE_FIELDS_EXPECTED)
    bonus = 0.15 if nik and nik.valid else 0.0
    return round(min(1.0, 0.45 * label_share + 0.4 * filled_share + bonus), 3)


def _label_count(lines: list[TextLine], width: int) -> int:
    return layout.count_labels(lines, width)


@contextmanager
def _timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = round((time.perf_counter() - start) * 1000, 1)


def _polygon(points: np.ndarray) -> list[list[int]]:
    return [[round(float(x)), round(float(y))] for x, y in points]


def _region_polygon(boxes: list[np.ndarray], alignment: Alignment) -> list[list[int]] | None:
    """One line keeps its own box; a wrapped value gets the upright rectangle around its lines."""
    if not boxes:
        return None
    if len(boxes) == 1:
        return _polygon(alignment.to_input(boxes[0]))
    points = np.vstack(boxes)
    (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
    return _polygon(alignment.to_input(np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])))


def _build_fields(raw: dict[str, layout.FieldText], values: dict[str, Normalized], alignment: Alignment) -> KtpFields:
    fields = KtpFields()
    for name in FIELD_NAMES:
        text = raw.get(name)
        norm = values.get(name)
        if norm is None and text is None:
            continue
        score = text.score if text else 0.5
        quality = norm.quality if norm else 0.0
        setattr(
            fields,
            name,
            FieldResult(
                value=norm.value if norm else None,
                raw_text=text.text if text else None,
                confidence=round(max(0.0, min(1.0, score * quality)) * 100, 1),
                polygon=_region_polygon(text.boxes, alignment) if text else None,
                valid=bool(norm and norm.valid and norm.value),
                warnings=list(norm.warnings) if norm else ["not found"],
            ),
        )
    return fields


__all__ = ["KtpReader"]

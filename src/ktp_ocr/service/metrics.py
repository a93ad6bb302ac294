"""Prometheus metrics on a registry of the app's own, so two apps in one process (tests) never collide."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.metrics_core import InfoMetricFamily, Metric
from prometheus_client.registry import Collector

from .. import __version__
from ..result import KtpResult

LATENCY_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 21.0, 34.0, 60.0)
# A stage takes from a millisecond (validate) to seconds (OCR on a slow CPU): finer buckets at the low end.
STAGE_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0)


class BuildInfo(Collector):
    """``ktp_ocr_build_info{version, backend} 1``; the backend is asked at scrape time, as it is known only once
    the models have loaded (``auto`` resolves to ``openvino`` or ``onnxruntime``)."""

    def __init__(self, backend: Callable[[], str]) -> None:
        self._backend = backend

    def collect(self) -> Iterator[Metric]:
        family = InfoMetricFamily("ktp_ocr_build", "The ktp-ocr version and the runtime that runs the OCR models.")
        family.add_metric([], {"version": __version__, "backend": self._backend()})
        yield family


class Metrics:
    """Requests by route and code, reads by status, latency, per-stage read time, the pool's queue depth and busy
    workers, and the build."""

    content_type = CONTENT_TYPE_LATEST

    def __init__(self, backend: Callable[[], str] = lambda: "unknown") -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "ktp_ocr_http_requests_total",
            "HTTP requests answered, by method, route template and HTTP code.",
            ["method", "route", "code"],
            registry=self.registry,
        )
        self.statuses = Counter(
            "ktp_ocr_read_status_total",
            "Reads finished, by result status (SUCCESS, CARD_NOT_FOUND, ...).",
            ["status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "ktp_ocr_http_request_duration_seconds",
            "Time from request start to the end of the response, by route template.",
            ["route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.stages = Histogram(
            "ktp_ocr_read_stage_duration_seconds",
            "Time one read spent in each pipeline stage (decode, locate, ocr, layout, normalize, validate, quality, "
            "images; total is the whole read), as the reader timed it.",
            ["stage"],
            buckets=STAGE_BUCKETS,
            registry=self.registry,
        )
        self.queue_depth = Gauge(
            "ktp_ocr_queue_depth", "Requests admitted and waiting for an OCR worker.", registry=self.registry
        )
        self.busy_workers = Gauge("ktp_ocr_busy_workers", "OCR workers reading now.", registry=self.registry)
        self.admitted = Gauge(
            "ktp_ocr_admitted_requests",
            "Requests holding a pool place: receiving their body, waiting for a worker or reading (at most "
            "workers + queue; each holds at most one body in memory).",
            registry=self.registry,
        )
        self.registry.register(BuildInfo(backend))

    def observe(self, method: str, route: str, code: int, seconds: float) -> None:
        self.requests.labels(method, route, str(code)).inc()
        self.latency.labels(route).observe(seconds)

    def observe_read(self, result: KtpResult) -> None:
        """Count the read by status and record its stage timings (``KtpResult.timing_ms``, milliseconds)."""
        self.statuses.labels(str(result.status)).inc()
        for stage, ms in result.timing_ms.items():
            self.stages.labels(stage).observe(ms / 1000.0)

    def render(self) -> bytes:
        return generate_latest(self.registry)

"""Prometheus metrics on a registry of the app's own, so two apps in one process (tests) never collide."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

LATENCY_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 21.0, 34.0, 60.0)


class Metrics:
    """Requests by route and code, reads by status, latency, and the pool's queue depth and busy workers."""

    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
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
        self.queue_depth = Gauge(
            "ktp_ocr_queue_depth", "Requests admitted and waiting for an OCR worker.", registry=self.registry
        )
        self.busy_workers = Gauge("ktp_ocr_busy_workers", "OCR workers reading now.", registry=self.registry)

    def observe(self, method: str, route: str, code: int, seconds: float) -> None:
        self.requests.labels(method, route, str(code)).inc()
        self.latency.labels(route).observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)

"""The app factory: one FastAPI app with our contract, the five seed contracts, the page, docs and metrics."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

from .. import __version__
from .compat import routers as compat_routers
from .errors import SafeJSONResponse, install_error_handlers
from .limits import UploadGate
from .metrics import Metrics
from .middleware import ServiceMiddleware, is_public
from .openapi import install_openapi
from .pool import OcrPool
from .routes_v1 import router as v1_router
from .settings import ServiceSettings
from .state import ReaderHolder, ReaderLike, ServiceState

log = logging.getLogger("ktp_ocr.service")

DESCRIPTION = """On-premises reader for the Indonesian identity card (KTP / e-KTP).

Our contract is `POST /v1/ktp`. The compatibility routes answer the contracts of five other services with this
reader: `/ocr` (a Flask/Tesseract service), `/ocr/ktp` (a Flask/PaddleOCR service reading from an uploads folder),
`/ocr/v1/ktp` and `/ocr/v1/ktp/qualities` (GLAIR), `/v1/analytics/ocr-ktp` (Nodeflux, also at
`/v1/nodeflux/ocr-ktp`) and `/v1/ocr/id/ktp` (Kredibel). Every failure is JSON; `/v1/ktp` failures are
`{"status", "reason"}`. Every answer carries a `Request-Id` header.
"""


FAVICON = "favicon.svg"


def static_dir() -> Path:
    return Path(str(resources.files("ktp_ocr.service") / "static"))


def build_state(reader: ReaderLike | None, settings: ServiceSettings) -> ServiceState:
    base = settings.reader_options()
    holder = ReaderHolder(reader, base, settings.workers)
    state = ServiceState(
        settings=settings,
        reader=holder,
        pool=OcrPool(settings.workers, settings.queue, settings.timeout_s, settings.retry_after_s),
        metrics=Metrics(backend=lambda: holder.backend),
        api_keys=settings.load_api_keys(),
        base_options=base,
        uploads=UploadGate(settings.body_policy()),
    )
    state.metrics.queue_depth.set_function(lambda: state.pool.queued)
    state.metrics.busy_workers.set_function(lambda: state.pool.running)
    state.metrics.admitted.set_function(lambda: state.pool.admitted)
    return state


def create_app(reader: ReaderLike | None = None, settings: ServiceSettings | None = None) -> FastAPI:
    """Build the app. ``reader`` None loads :class:`ktp_ocr.reader.KtpReader` in the background at startup."""
    settings = settings or ServiceSettings()
    state = build_state(reader, settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        state.reader.start_loading()
        try:
            yield
        finally:
            state.pool.shutdown()

    offline = offline_docs_dir()
    docs_url = None if offline else "/docs"
    app = FastAPI(
        title="ktp-ocr",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        default_response_class=SafeJSONResponse,
        docs_url=docs_url,
        redoc_url=None if offline else "/redoc",
    )
    app.state.service = state
    install_error_handlers(app)
    app.include_router(v1_router)
    for router in compat_routers():
        app.include_router(router)
    _mount_page(app, settings)
    if offline:
        _mount_offline_docs(app, offline)
    install_openapi(app, keys_required=lambda: bool(state.api_keys), public=is_public)
    app.add_middleware(
        ServiceMiddleware,
        metrics=state.metrics,
        api_keys=lambda: state.api_keys,
        uploads=state.uploads,
    )
    return app


def offline_docs_dir() -> Path | None:
    """Swagger UI and ReDoc assets from the ``fastapi-offline`` package, when installed.

    FastAPI's /docs loads them from a CDN, which an on-premises server often cannot reach.
    """
    try:
        import fastapi_offline
    except ImportError:
        return None
    folder = Path(fastapi_offline.__file__).parent / "static"
    return folder if (folder / "swagger-ui-bundle.js").is_file() else None


def _html_page(app: FastAPI, path: str, html: str | bytes, headers: dict[str, str] | None = None) -> None:
    """Answer GET ``path`` with a fixed HTML page, kept out of the OpenAPI document."""

    async def page() -> HTMLResponse:
        return HTMLResponse(html, headers=headers)

    app.add_api_route(path, page, methods=["GET"], include_in_schema=False)


def _mount_offline_docs(app: FastAPI, folder: Path) -> None:
    from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html

    assets = "/docs-assets"
    app.mount(assets, StaticFiles(directory=folder), name="docs-assets")
    swagger = get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="ktp-ocr - API docs",
        swagger_js_url=f"{assets}/swagger-ui-bundle.js",
        swagger_css_url=f"{assets}/swagger-ui.css",
        swagger_favicon_url=f"{assets}/favicon.png",
    )
    redoc = get_redoc_html(
        openapi_url="/openapi.json",
        title="ktp-ocr - API reference",
        redoc_js_url=f"{assets}/redoc.standalone.js",
        redoc_favicon_url=f"{assets}/favicon.png",
        with_google_fonts=False,
    )
    _html_page(app, "/docs", bytes(swagger.body))
    _html_page(app, "/redoc", bytes(redoc.body))


def _mount_page(app: FastAPI, settings: ServiceSettings) -> None:
    """The page and its assets, from the package (no CDN, no build step)."""
    folder = static_dir()
    page = (folder / "index.html").read_text(encoding="utf-8")
    page = page.replace("__LOW_CONFIDENCE__", f"{settings.low_confidence:g}")
    app.mount("/static", StaticFiles(directory=folder), name="static")

    _html_page(app, "/", page, headers={"Cache-Control": "no-store"})

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> FileResponse:
        """Browsers ask for /favicon.ico whatever the page links; answer the SVG rather than a 404 in every log."""
        return FileResponse(folder / FAVICON, media_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"})

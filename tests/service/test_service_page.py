"""The web page in headless Chromium: upload a card, see its NIK, its polygons and the copy button.

Skips when the Debian ``chromium`` binary or the ``playwright`` package is missing (Playwright's own browser
download cannot work offline, so the system Chromium is driven instead).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from service_fakes import SPECIMEN_VALUES, FakeReader, image_bytes, synthetic_card
from service_server import running

from ktp_ocr.service.app import create_app
from ktp_ocr.service.settings import ServiceSettings

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def upload_and_read_nik(browser: Any, base_url: str, data: bytes) -> Any:
    page = browser.new_page()
    page.goto(base_url + "/")
    page.set_input_files("#file", files=[{"name": "ktp.jpg", "mimeType": "image/jpeg", "buffer": data}])
    page.wait_for_selector('#fields tr[data-field="nik"]', timeout=60_000)
    return page


def test_upload_shows_nik_and_polygons(browser: Any) -> None:
    app = create_app(reader=FakeReader(), settings=ServiceSettings())
    with running(app) as base_url:
        page = upload_and_read_nik(browser, base_url, image_bytes())
        assert page.inner_text('#fields tr[data-field="nik"] td.value') == SPECIMEN_VALUES["nik"]
        assert page.locator("#overlay polygon[data-field]").count() == 19
        assert page.locator('#fields tr.low[data-field="golongan_darah"]').count() == 1
        assert page.locator("#qualities li").count() >= 9
        assert "SUCCESS" in page.inner_text("#status")
        assert SPECIMEN_VALUES["nik"] in page.inner_text("#json")
        page.click("#copy")
        page.wait_for_function("document.getElementById('copy').textContent === 'Copied'", timeout=5000)
        page.close()


def test_drop_upload(browser: Any) -> None:
    app = create_app(reader=FakeReader(), settings=ServiceSettings())
    with running(app) as base_url:
        page = browser.new_page()
        page.goto(base_url + "/")
        payload = list(image_bytes())
        page.evaluate(
            """(bytes) => {
                const file = new File([new Uint8Array(bytes)], "drop.jpg", {type: "image/jpeg"});
                const dt = new DataTransfer();
                dt.items.add(file);
                document.getElementById("drop").dispatchEvent(new DragEvent("drop", {dataTransfer: dt}));
            }""",
            payload,
        )
        page.wait_for_selector('#fields tr[data-field="nik"]', timeout=30_000)
        assert page.inner_text('#fields tr[data-field="nik"] td.value') == SPECIMEN_VALUES["nik"]
        assert page.get_attribute("#camera", "capture") == "environment"
        page.close()


@pytest.mark.real_reader
def test_real_reader_on_a_synthetic_card(browser: Any) -> None:
    sample = synthetic_card()
    if sample is None:
        pytest.skip("the synthetic card generator (ktp_ocr.synth) is not available")
    pytest.importorskip("ktp_ocr.reader")
    from ktp_ocr.reader import KtpReader

    jpeg, nik = sample
    app = create_app(reader=KtpReader(), settings=ServiceSettings())
    with running(app) as base_url:
        page = upload_and_read_nik(browser, base_url, jpeg)
        assert page.inner_text('#fields tr[data-field="nik"] td.value') == nik
        page.close()


def test_docs_render_without_a_cdn(browser: Any) -> None:
    pytest.importorskip("fastapi_offline")
    app = create_app(reader=FakeReader(), settings=ServiceSettings())
    with running(app) as base_url:
        page = browser.new_page()
        outside: list[str] = []
        page.on("request", lambda req: outside.append(req.url) if not req.url.startswith(base_url) else None)
        page.goto(base_url + "/docs")
        page.wait_for_selector(".opblock-summary-path", timeout=30_000)
        assert "/v1/ktp" in page.inner_text(".swagger-ui")
        assert not [url for url in outside if not url.startswith("data:")]
        page.close()

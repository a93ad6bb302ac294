"""The web page in headless Chromium: upload a card, see its NIK, its polygons, its flags and the copy button, at
phone and desktop widths, and no broken image for a file that is not one. For every hand: axe-core finds no
serious or critical violation before or after a read, the upload works by keyboard alone, outlines are thin
strokes outside the values they mark (at DPR 1 and 3), and of two requests in flight the newer one is shown.

Skips when the Debian ``chromium`` binary or the ``playwright`` package is missing (Playwright's own browser
download cannot work offline, so the system Chromium is driven instead).
"""

from __future__ import annotations

import contextlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from service_fakes import SPECIMEN_VALUES, FakeReader, image_bytes, synthetic_card
from service_server import running

from ktp_ocr.options import ReaderOptions
from ktp_ocr.result import KtpResult
from ktp_ocr.service.app import create_app
from ktp_ocr.service.settings import ServiceSettings
from ktp_ocr.validate import nik_details

pytestmark = pytest.mark.browser

SERIOUS = {"serious", "critical"}
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


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, as 'rule: selectors'."""
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
    found = axe_module.Axe().run(page).response["violations"]
    return [f"{v['id']}: {[n['target'] for n in v['nodes']]}" for v in found if v["impact"] in SERIOUS]


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


@pytest.fixture(scope="module")
def card() -> tuple[bytes, str]:
    return synthetic_card()


@pytest.fixture(scope="module")
def real_server() -> Iterator[str]:
    """The real service (real reader) on a free port, shared by the tests that read a synthetic card."""
    reader_module = pytest.importorskip("ktp_ocr.reader")
    with running(create_app(reader=reader_module.KtpReader(), settings=ServiceSettings())) as base_url:
        yield base_url


@pytest.mark.real_reader
def test_real_reader_on_a_synthetic_card(browser: Any, real_server: str, card: tuple[bytes, str]) -> None:
    jpeg, nik = card
    page = upload_and_read_nik(browser, real_server, jpeg)
    assert page.inner_text('#fields tr[data-field="nik"] td.value') == nik
    page.close()


# Every field value cell that shows text, as [left, right] in CSS pixels.
VALUE_BOXES = """() => [...document.querySelectorAll('#fields td.value')].map((td) => {
    const r = td.getBoundingClientRect();
    return [r.left, r.right, r.width];
})"""
# Displayed images that failed to decode (the broken-image icon).
BROKEN_IMAGES = """() => [...document.images].filter((img) => {
    const shown = img.getClientRects().length > 0 && getComputedStyle(img).visibility !== 'hidden';
    return shown && img.naturalWidth === 0;
}).map((img) => img.id || img.alt || img.src.slice(0, 40))"""


def assert_fits_the_viewport(page: Any) -> None:
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    boxes = page.evaluate(VALUE_BOXES)
    assert len(boxes) == 19
    for left, right, box_width in boxes:
        assert box_width > 0 and left >= 0 and right <= width + 0.5


def shown_result(page: Any) -> dict[str, Any]:
    """The result the page received, from its JSON panel."""
    return dict(json.loads(page.inner_text("#json")))


@pytest.mark.real_reader
@pytest.mark.parametrize(("width", "height"), [(390, 844), (1366, 900)])
def test_page_fits_and_shows_flags_warnings_and_nik_details(
    browser: Any, real_server: str, card: tuple[bytes, str], tmp_path: Path, width: int, height: int
) -> None:
    jpeg, nik = card
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(real_server + "/")
    page.set_input_files("#file", files=[{"name": "ktp.jpg", "mimeType": "image/jpeg", "buffer": jpeg}])
    page.wait_for_selector('#fields tr[data-field="nik"]', timeout=120_000)
    page.wait_for_function("document.querySelectorAll('#overlay polygon').length > 0", timeout=10_000)
    result = shown_result(page)
    assert result["fields"]["nik"]["value"] == nik
    assert_fits_the_viewport(page)
    for name, field in result["fields"].items():
        flag = page.get_attribute(f'#fields tr[data-field="{name}"] td.valid', "data-valid")
        assert flag == str(field["valid"]).lower()
    shown = page.locator("#warnings li.warning").all_inner_texts()
    assert shown == result["warnings"]
    assert (page.locator("#warnings li.muted").count() == 1) == (not result["warnings"])
    details = page.inner_text("#nik-details")
    assert result["nik_details"]["nik"] in details and result["nik_details"]["province"] in details
    assert not page.evaluate(BROKEN_IMAGES)
    assert serious_violations(page) == []  # a real card's outlines and flags too
    shot = tmp_path / f"webpage_{width}.png"
    page.screenshot(path=str(shot), full_page=True)
    shutil.copyfile(shot, f"/tmp/webpage_{width}.png")  # a copy to look at after the run
    page.close()


class WarningReader(FakeReader):
    """The specimen with the reader's warnings, a field warning and the decoded NIK, all made up."""

    def read(self, source: bytes | str | Path, options: ReaderOptions | None = None) -> KtpResult:
        result = super().read(source, options)
        if result.status == "SUCCESS":
            result.warnings = ["tanggal_lahir disagrees with the NIK", "jenis_kelamin filled from the NIK"]
            result.fields.tanggal_lahir.warnings = ["differs from the NIK's birth date"]
            result.nik_details = nik_details(SPECIMEN_VALUES["nik"])
        return result


def test_warnings_and_nik_details_at_phone_width(browser: Any) -> None:
    app = create_app(reader=WarningReader(), settings=ServiceSettings())
    with running(app) as base_url:
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.goto(base_url + "/")
        page.set_input_files("#file", files=[{"name": "ktp.jpg", "mimeType": "image/jpeg", "buffer": image_bytes()}])
        page.wait_for_selector('#fields tr[data-field="nik"]', timeout=30_000)
        assert_fits_the_viewport(page)
        assert page.locator("#warnings li.warning").all_inner_texts() == shown_result(page)["warnings"]
        assert "differs from the NIK" in page.inner_text('#fields tr[data-field="tanggal_lahir"] td.value')
        assert page.get_attribute('#fields tr[data-field="golongan_darah"] td.valid', "data-valid") == "false"
        details = page.inner_text("#nik-details")
        assert "JAWA BARAT" in details and "KOTA BANDUNG" in details and "01-01-1990" in details
        page.close()


@pytest.mark.parametrize(
    ("name", "mime", "data"),
    [("notes.txt", "text/plain", b"just some text"), ("fake.jpg", "image/jpeg", b"not really a JPEG")],
)
def test_a_non_image_upload_shows_no_broken_image(browser: Any, name: str, mime: str, data: bytes) -> None:
    app = create_app(reader=FakeReader(), settings=ServiceSettings())
    with running(app) as base_url:
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.goto(base_url + "/")
        page.set_input_files("#file", files=[{"name": name, "mimeType": mime, "buffer": data}])
        page.wait_for_function("document.getElementById('status').textContent.includes('FILE_INVALID_FORMAT')")
        page.wait_for_function("document.getElementById('photo').hidden", timeout=10_000)
        assert not page.evaluate(BROKEN_IMAGES)
        assert page.is_visible("#no-preview")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
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


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1366, 900)])
def test_axe_finds_nothing_serious_before_and_after_a_read(browser: Any, width: int, height: int) -> None:
    app = create_app(reader=WarningReader(), settings=ServiceSettings())
    with running(app) as base_url:
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(base_url + "/")
        assert serious_violations(page) == []
        page.set_input_files("#file", files=[{"name": "ktp.jpg", "mimeType": "image/jpeg", "buffer": image_bytes()}])
        page.wait_for_selector('#fields tr[data-field="nik"]', timeout=30_000)
        page.wait_for_function("document.querySelectorAll('#overlay polygon').length > 0", timeout=10_000)
        assert serious_violations(page) == []
        page.close()


def _tab_to(page: Any, element_id: str, most: int = 10) -> list[str]:
    """Press Tab until ``element_id`` has the focus; the ids focused on the way."""
    seen: list[str] = []
    while len(seen) < most and element_id not in seen:
        page.keyboard.press("Tab")
        seen.append(page.evaluate("document.activeElement.id"))
    return seen


def test_keyboard_alone_uploads_a_card(browser: Any) -> None:
    """Tab reaches the named buttons with a visible focus ring; Enter opens the file chooser; the card is read.

    The chooser listener is on from the start: Playwright turns Chromium's file-chooser interception on when a
    listener is added, without waiting, and a listener added just before Enter (``expect_file_chooser``) lost
    that race now and then under load (the dialog opened unintercepted and no event came)."""
    app = create_app(reader=FakeReader(), settings=ServiceSettings())
    with running(app) as base_url:
        page = browser.new_page(viewport={"width": 390, "height": 844})
        choosers: list[Any] = []
        page.on("filechooser", lambda chooser: choosers.append(chooser))
        page.goto(base_url + "/")
        assert page.get_by_role("button", name="Choose a file").count() == 1
        assert page.get_by_role("button", name="Take a photo").count() == 1
        assert _tab_to(page, "choose") == ["choose"]  # the first stop
        assert _tab_to(page, "take") == ["take"]
        page.keyboard.press("Shift+Tab")
        assert page.evaluate("document.activeElement.id") == "choose"
        assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
        page.keyboard.press("Enter")
        for _ in range(100):  # up to 10 s for the chooser event
            if choosers:
                break
            page.wait_for_timeout(100)
        assert len(choosers) == 1
        choosers[0].set_files(files=[{"name": "ktp.jpg", "mimeType": "image/jpeg", "buffer": image_bytes()}])
        page.wait_for_selector('#fields tr[data-field="nik"]', timeout=30_000)
        assert page.inner_text('#fields tr[data-field="nik"] td.value') == SPECIMEN_VALUES["nik"]
        page.close()


def test_of_two_requests_in_flight_the_newer_is_shown(browser: Any) -> None:
    """A card whose answer is held back, then a text file: the card's request is aborted, the text file's shown."""
    app = create_app(reader=FakeReader(), settings=ServiceSettings())
    with running(app) as base_url:
        page = browser.new_page(viewport={"width": 390, "height": 844})
        held: list[Any] = []
        failed: list[str] = []
        page.on("requestfailed", lambda request: failed.append(request.failure or ""))
        page.route("**/v1/ktp*", lambda route: held.append(route) if not held else route.continue_())
        page.goto(base_url + "/")
        page.set_input_files("#file", files=[{"name": "ktp.jpg", "mimeType": "image/jpeg", "buffer": image_bytes()}])
        page.wait_for_function("document.getElementById('status').textContent.startsWith('Reading')")
        page.set_input_files("#file", files=[{"name": "notes.txt", "mimeType": "text/plain", "buffer": b"text"}])
        page.wait_for_function("document.getElementById('status').textContent.includes('FILE_INVALID_FORMAT')")
        assert len(held) == 1 and failed and "ABORTED" in failed[0].upper()
        with contextlib.suppress(Exception):  # the browser dropped it: there is nothing left to answer
            held[0].continue_()
        page.wait_for_function("document.getElementById('photo').hidden", timeout=10_000)
        assert "FILE_INVALID_FORMAT" in page.inner_text("#status")
        assert SPECIMEN_VALUES["nik"] not in page.inner_text("#output")  # nothing of the held-back card
        assert page.is_visible("#no-preview")
        page.close()


# Per field outline: its fill, its stroke width in CSS px, the field's box (from the result) and the outline's
# box, both in CSS px relative to the image.
OUTLINES = """() => {
    const img = document.getElementById('photo');
    const scale = img.clientWidth / img.naturalWidth;
    const result = JSON.parse(document.getElementById('json').textContent);
    return [...document.querySelectorAll('#overlay polygon[data-field]')].map((poly) => {
        const style = getComputedStyle(poly);
        const pts = result.fields[poly.dataset.field].polygon;
        const xs = pts.map((p) => p[0] * scale), ys = pts.map((p) => p[1] * scale);
        const b = poly.getBBox();
        return {
            fill: style.fill, stroke: parseFloat(style.strokeWidth),
            box: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)],
            outline: [b.x * scale, b.y * scale, (b.x + b.width) * scale, (b.y + b.height) * scale],
        };
    });
}"""


@pytest.mark.parametrize(("width", "scale"), [(390, 1), (390, 3), (1366, 1)])
def test_outlines_are_thin_strokes_outside_the_values(browser: Any, width: int, scale: int) -> None:
    """No fill, a stroke of at most 2.5 CSS px whose inner edge stays outside the value's box, at DPR 1 and 3."""
    app = create_app(reader=FakeReader(), settings=ServiceSettings())
    with running(app) as base_url:
        context = browser.new_context(viewport={"width": width, "height": 844}, device_scale_factor=scale)
        page = context.new_page()
        page.goto(base_url + "/")
        page.set_input_files("#file", files=[{"name": "ktp.jpg", "mimeType": "image/jpeg", "buffer": image_bytes()}])
        page.wait_for_function("document.querySelectorAll('#overlay polygon[data-field]').length === 19")
        for outline in page.evaluate(OUTLINES):
            assert outline["fill"] == "none" and 0 < outline["stroke"] <= 2.5
            half = outline["stroke"] / 2
            (x0, y0, x1, y1), (ox0, oy0, ox1, oy1) = outline["box"], outline["outline"]
            assert ox0 + half <= x0 and oy0 + half <= y0 and ox1 - half >= x1 and oy1 - half >= y1, outline
        context.close()


def test_the_field_under_the_pointer_is_highlighted_on_the_card_and_in_the_list(browser: Any) -> None:
    app = create_app(reader=FakeReader(), settings=ServiceSettings())
    with running(app) as base_url:
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto(base_url + "/")
        page.set_input_files("#file", files=[{"name": "ktp.jpg", "mimeType": "image/jpeg", "buffer": image_bytes()}])
        page.wait_for_function("document.querySelectorAll('#overlay polygon[data-field]').length === 19")
        page.hover('#fields tr[data-field="nama"]')
        assert page.locator("#overlay polygon.active").evaluate_all("ps => ps.map(p => p.dataset.field)") == ["nama"]
        box = page.locator('#overlay polygon[data-field="alamat"]').bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        assert page.locator("#fields tr.active").evaluate_all("rs => rs.map(r => r.dataset.field)") == ["alamat"]
        assert page.locator('#overlay polygon.active[data-field="alamat"]').count() == 1
        page.close()


def test_fields_to_review_are_shown_as_such_when_the_result_has_them(browser: Any) -> None:
    """``review`` per field and ``decision``: the page marks the fields to check and says the decision."""

    def accepted(route: Any) -> None:
        body = route.fetch().json()
        body["decision"], body["review"] = "accept", []
        for field in body["fields"].values():
            field["review"] = False
        route.fulfill(json=body)

    app = create_app(reader=FakeReader(), settings=ServiceSettings())  # the specimen: golongan_darah to review
    with running(app) as base_url:
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.goto(base_url + "/")
        page.set_input_files("#file", files=[{"name": "ktp.jpg", "mimeType": "image/jpeg", "buffer": image_bytes()}])
        page.wait_for_selector("#fields tr.review", timeout=30_000)
        rows = page.locator("#fields tr.review").evaluate_all("rs => rs.map(r => r.dataset.field)")
        assert rows == ["golongan_darah"]
        assert "Decision: review" in page.inner_text("#decision")
        assert page.locator('#overlay polygon.review[data-field="golongan_darah"]').count() == 1
        assert serious_violations(page) == []
        page.route("**/v1/ktp*", accepted)
        page.set_input_files("#file", files=[{"name": "ktp.jpg", "mimeType": "image/jpeg", "buffer": image_bytes()}])
        page.wait_for_function("document.querySelector('#decision').textContent.includes('accept')", timeout=30_000)
        assert page.locator("#fields tr.review").count() == 0
        assert "no field to check" in page.inner_text("#decision")
        page.close()

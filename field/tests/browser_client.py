"""What the field client's browser tests share: Chromium with a fake camera, a day of three stops,
and the steps every test takes (log in and open the client until it can work offline, load a day)."""

import io

import pytest
from playwright.sync_api import expect

from core.tests.browser import CHROMIUM, CHROMIUM_ARGS
from field.tests.factories import published_trip, scheduled_request

SYNC_TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def browser():
    """Chromium as core.tests.browser starts it, plus a fake camera that needs no permission prompt."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            *CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"])
        yield browser
        browser.close()


def jpeg(color, size=(64, 48)):
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG", quality=80)
    return out.getvalue()


def photo(name, color):
    return {"name": name, "mimeType": "image/jpeg", "buffer": jpeg(color)}


def by(page, testid):
    return page.get_by_test_id(testid)


def until(page, js, timeout_ms=10_000):
    """Wait for a JS expression to be true. `page.wait_for_function` evals a string, which the
    strict CSP forbids; `page.evaluate` goes through the debugger and is not blocked."""
    waited = 0
    while not page.evaluate(js):
        if waited >= timeout_ms:
            raise AssertionError(f"still false after {timeout_ms} ms: {js}")
        page.wait_for_timeout(100)
        waited += 100


def open_client(page, staff_login, user):
    """Log in, open /field/ and wait until the service worker controls the page (offline-ready)."""
    staff_login(page, user)
    page.goto("/field/")
    page.wait_for_selector("[data-testid=app][data-ready='1']")
    until(page, "navigator.serviceWorker.ready.then(() => true)")
    # The first load is not controlled yet; a reload is (clients.claim makes it quicker).
    page.reload()
    until(page, "!!navigator.serviceWorker.controller")
    page.wait_for_selector("[data-testid=app][data-ready='1']")
    # What the administrator checks before leaving the office.
    page.wait_for_selector("[data-testid=offline-ready][data-ready='1']")
    expect(by(page, "offline-ready")).to_contain_text("можна відкрити й без інтернету")


def go_offline(page):
    page.context.set_offline(True)
    until(page, "!navigator.onLine")


@pytest.fixture
def field_day(live_world):
    w = live_world
    provider = w.svc_reg.provider
    provider.iban, provider.edrpou = "UA213223130000026007233566001", "12345678"
    provider.payment_recipient = "Відділ реєстрації громади"
    provider.save()
    reqs = [
        scheduled_request(w, services=[w.svc_reg, w.svc_cert], docs={w.doc_passport.pk}, intercom="15К",
                          access_notes="Хвіртка праворуч"),
        scheduled_request(w, services=[w.svc_reg]),
        scheduled_request(w, services=[w.svc_cert]),
    ]
    trip = published_trip(w, requests=reqs)
    return w, trip, reqs


def load_first_stop(page, staff_login, w):
    """Load the day online, then start the first visit offline (nothing is sent yet)."""
    open_client(page, staff_login, w.users["field_admin"])
    by(page, "load-day").click()
    by(page, "stop-1").wait_for()
    go_offline(page)
    by(page, "open-stop-1").click()
    by(page, "visit-start").click()
    by(page, "visit-started").wait_for()

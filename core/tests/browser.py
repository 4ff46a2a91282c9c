"""Browser fixtures for every app's browser tests: Debian's chromium driven by Playwright against
pytest-django's live server. The root conftest.py loads this module as a plugin (`pytest_plugins`).

The browser is started once per module; every test gets a fresh context (no cookies) and page.
Playwright never downloads a browser here: `make browser` installs the system chromium.
"""

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
TIMEOUT_MS = 10_000


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_world(transactional_db):
    """The personas, committed so the live server's thread sees them."""
    from conftest import build_world

    return build_world()


class PageProblems(list):
    """Console errors, uncaught script errors and failed or missing requests seen by the page."""


def block(page, url_glob, expected_prefix):
    """Make every request matching `url_glob` fail, as a dead network would, and accept the
    failures of requests starting with `expected_prefix` as part of the test, not a fault."""
    page.expected_failures.append(expected_prefix)
    page.context.route(url_glob, lambda route: route.abort("internetdisconnected"))


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="uk-UA", timezone_id="Europe/Kyiv")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems = PageProblems()

    def on_console(msg):
        # "Failed to load resource" carries no address; the response handler reports it with one.
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            problems.append(f"console: {msg.text}")

    def on_response(resp):
        # Pages may answer 4xx on purpose (429); scripts, styles and htmx fragments may not.
        # The favicon is the browser's own guess, not something a page asks for.
        if resp.status >= 400 and resp.request.resource_type != "document" and not resp.url.endswith("/favicon.ico"):
            problems.append(f"HTTP {resp.status}: {resp.request.method} {resp.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))

    def on_request_failed(req):
        # A request cut short by leaving the page (an htmx check as the form is sent) is no fault,
        # nor one the test itself blocked (see `block`).
        if any(req.url.startswith(prefix) for prefix in page.expected_failures):
            return
        if "ERR_ABORTED" not in (req.failure or ""):
            problems.append(f"request failed: {req.url} {req.failure}")

    page.on("requestfailed", on_request_failed)
    page.on("response", on_response)
    page.problems = problems
    page.expected_failures = []
    yield page
    context.close()
    # A blocked script (CSP), a missing static file or a script error breaks the page quietly:
    # every browser test fails on one.
    assert not problems, "\n".join(problems)


@pytest.fixture
def staff_login(live_server):
    """Log a member of staff in by handing the browser a real session cookie."""
    from django.conf import settings
    from django.test import Client

    def _login(page, user):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])

    return _login

"""Fixtures shared by the field tests."""

from urllib.parse import urlsplit

import pytest
from django.test import Client

from field import tasks
from field.tests import openapi
from field.tests.browser_client import browser, field_day  # noqa: F401 - fixtures of the browser tests
from field.tests.factories import published_trip


@pytest.fixture(autouse=True)
def _answers_match_the_published_schema(monkeypatch):
    """Every answer of /api/v1/field/… that a test client gets here is checked against the published
    OpenAPI schema (field/tests/openapi.py): a mismatch fails the test that got it."""
    request = Client.request

    def checked(self, **environ):
        response = request(self, **environ)
        path = environ.get("PATH_INFO", "")
        if path.startswith(openapi.PREFIX):
            openapi.check_response(environ.get("REQUEST_METHOD", "GET"), path, response)
        return response

    monkeypatch.setattr(Client, "request", checked)


@pytest.fixture
def page(page):
    """The browser tests' page (core.tests.browser), whose API answers are checked against the published
    schema too: what the real client receives is what the schema says. A mismatch is a page problem."""
    from playwright.sync_api import Error as PlaywrightError

    def on_response(response):
        path = urlsplit(response.url).path
        if not path.startswith(openapi.PREFIX):
            return
        try:
            body = response.body()
        except PlaywrightError:
            return  # the page went away or cut the request: nothing to check
        try:
            openapi.check(response.request.method, path, response.status, response.header_value("content-type"), body)
        except openapi.SchemaMismatch as exc:
            page.problems.append(f"schema: {exc}")

    page.on("response", on_response)
    return page


@pytest.fixture
def no_case_files(monkeypatch):
    """Case files are the worker's business; tests of the sync rules leave them out."""
    monkeypatch.setattr(tasks, "schedule_case_files", lambda ids: None)


@pytest.fixture
def first_stop(world):
    """The first stop of a published trip of today with two accepted requests."""
    return published_trip(world).stops.order_by("position").first()

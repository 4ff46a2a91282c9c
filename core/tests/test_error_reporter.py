"""With VALIZA_SENTRY_DSN set, a server error reaches the error reporter — and the name, phone, address
and cookies of the request it happened in do not. A tiny HTTP server on 127.0.0.1 plays Sentry and
receives the envelope; the site runs in its own process so the SDK's hooks never touch this one."""

import gzip
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PHONE, NAME, STREET = "+380671234567", "Коваленко Марія Іванівна", "вул. Садова, 7"
COOKIE = "cookie-secret-9f8e7d6c"

# One web process with the reporter on, behind a real WSGI server (the SDK hooks into WSGI): a form
# posted, with cookies, to a page that fails.
SITE = f"""
import threading, urllib.error, urllib.parse, urllib.request
from wsgiref.simple_server import WSGIRequestHandler, make_server
import django
django.setup()
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.test.utils import override_settings
import sentry_sdk

class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass

# The failing page is not declared to the access rules (it exists only here); they are not under test
# (nor is the second factor, which would read the session from this process's empty database).
middleware = [m for m in settings.MIDDLEWARE if not m.endswith((".AccessMiddleware", ".SecondFactorMiddleware"))]
with override_settings(ROOT_URLCONF="core.tests.error_urls", MIDDLEWARE=middleware):
    server = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=Quiet)
    threading.Thread(target=server.handle_request, daemon=True).start()
    form = urllib.parse.urlencode({{"applicant_name": "{NAME}", "phone": "{PHONE}", "street": "{STREET}"}})
    query = urllib.parse.urlencode({{"phone": "{PHONE}", "q": "Коваленко"}})
    request = urllib.request.Request(
        f"http://127.0.0.1:{{server.server_port}}/fail/?{{query}}", data=form.encode(),
        headers={{"Cookie": "sessionid={COOKIE}; csrftoken={COOKIE}-csrf", "X-Request-ID": "req-0123456789",
                 "Content-Type": "application/x-www-form-urlencoded"}})
    try:
        urllib.request.urlopen(request, timeout=30)
    except urllib.error.HTTPError as answer:
        print(answer.code, answer.headers["X-Request-ID"])
sentry_sdk.flush(timeout=10)
"""


class _Sentry(BaseHTTPRequestHandler):
    received = []

    def do_POST(self):  # noqa: N802 - the name http.server calls
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        elif self.headers.get("Content-Encoding") == "br":
            import brotli

            body = brotli.decompress(body)
        self.received.append((self.path, body))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry():
    _Sentry.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Sentry)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _events(received):
    events = []
    for _path, body in received:
        lines = body.split(b"\n")
        for header, payload in zip(lines[1::2], lines[2::2], strict=False):
            if json.loads(header).get("type") == "event":
                events.append(json.loads(payload))
    return events


def test_an_error_reaches_the_reporter_without_the_persons_data(sentry, tmp_path):
    port = sentry.server_address[1]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "valiza.settings", "VALIZA_DEBUG": "false",
           "VALIZA_SENTRY_DSN": f"http://public@127.0.0.1:{port}/1",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}"}
    env.pop("VALIZA_TEST_DB_NAME", None)
    site = subprocess.run([sys.executable, "-c", SITE], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert site.returncode == 0, site.stderr
    assert site.stdout.split()[:2] == ["500", "req-0123456789"]

    assert all(path == "/api/1/envelope/" for path, _body in _Sentry.received)
    events = _events(_Sentry.received)
    assert len(events) == 1, _Sentry.received
    event = events[0]
    exception = event["exception"]["values"][-1]
    assert exception["type"] == "RuntimeError" and "could not save the request of" in exception["value"]
    assert exception["stacktrace"]["frames"][-1]["function"] == "fail"
    assert all("vars" not in frame for frame in exception["stacktrace"]["frames"])
    assert event["request"] == {"method": "POST", "url": f"http://127.0.0.1:{event_port(event)}/fail/"}
    assert event["tags"]["request_id"] == "req-0123456789"
    assert any("calling" in crumb.get("message", "") for crumb in event["breadcrumbs"]["values"])

    everything = b"".join(body for _path, body in _Sentry.received).decode()
    for secret in (PHONE, "671234567", "67 123", NAME, "Коваленко", "Шевчук", "ivan.shevchuk", "050 999 88 77",
                   "Садова", COOKIE, "sessionid", "csrftoken"):
        assert secret not in everything, secret


def event_port(event):
    return event["request"]["url"].split(":")[2].split("/")[0]


def test_without_a_dsn_no_reporter_is_started():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "valiza.settings"}
    env.pop("VALIZA_SENTRY_DSN", None)
    probe = "import django; django.setup(); import sentry_sdk; print(sentry_sdk.get_client().is_active())"
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.stdout.strip() == "False", result.stderr

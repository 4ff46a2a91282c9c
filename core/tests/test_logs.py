"""Logs are one JSON line per event with the request id (also on the response), the user id and the
task id, and never personal data: string arguments of our own log calls, exception messages, query
strings and phone numbers stay out."""

import io
import json
import logging
import signal
import sys

import pytest
from django.core.management import call_command
from django.test import Client

from core import logs

PHONE, NAME = "+380671234567", "Коваленко Марія Іванівна"


@pytest.fixture
def lines():
    """What the configured JSON handler writes, as parsed lines (the real formatter, a buffer)."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logs.JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(logging.INFO)

    def read():
        text = buffer.getvalue()
        assert text.endswith("\n") or not text
        return [json.loads(line) for line in text.splitlines()]

    yield read
    root.removeHandler(handler)
    root.setLevel(level)


def test_the_settings_log_json_through_our_formatter():
    handler = next(h for h in logging.getLogger().handlers if h.name == "console")
    assert isinstance(handler.formatter, logs.JsonFormatter)


def test_a_request_logs_json_lines_carrying_the_id_it_answers_with(world, lines):
    client = Client()
    coordinator = world.users["coordinator"]
    client.force_login(coordinator)
    response = client.get("/staff/requests/999999999/")
    assert response.status_code == 404
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    logged = [line for line in lines() if line["request_id"] == request_id]
    assert logged, lines()
    line = logged[-1]
    assert line["level"] == "WARNING" and line["logger"] == "django.request"
    assert line["message"] == "Not Found: /staff/requests/999999999/"
    assert line["user_id"] == coordinator.pk and line["time"].endswith("+00:00")
    assert set(line) <= set(logs.JsonFormatter.FIELDS)


def test_a_proxys_request_id_is_kept_and_a_strange_one_replaced(db):
    client = Client()
    assert client.get("/", HTTP_X_REQUEST_ID="f3a9c2e1-proxy-01")["X-Request-ID"] == "f3a9c2e1-proxy-01"
    for strange in ("short", "id with spaces and more", "x" * 300, "new\nline-injected-1", "<script>aaaa"):
        answered = client.get("/", HTTP_X_REQUEST_ID=strange)["X-Request-ID"]
        assert answered != strange and len(answered) == 32


def test_after_the_response_lines_carry_no_request_id(db, lines):
    Client().get("/")
    logging.getLogger(__name__).warning("between requests")
    assert lines()[-1]["request_id"] is None


def test_string_arguments_of_our_own_calls_never_reach_the_log(lines):
    log = logging.getLogger("visits.actions")
    log.warning("SMS to %s for %s about request %s via %s", PHONE, NAME, 42, logs.Safe("turbosms"))
    log.info("%(who)s called", {"who": NAME})
    log.warning("with extra", extra={"phone": PHONE, "applicant_name": NAME})
    try:
        raise ValueError(f"duplicate key value: {NAME}, {PHONE}")
    except ValueError:
        log.exception("request %s could not be saved", 7)
    out = lines()
    assert out[0]["message"] == "SMS to ‹…› for ‹…› about request 42 via turbosms"
    assert out[1]["message"] == "‹…› called"
    assert "phone" not in out[2] and "applicant_name" not in out[2]
    assert out[3]["message"] == "request 7 could not be saved"
    assert out[3]["exc_info"][0].startswith("ValueError (message withheld")
    assert any("test_logs.py" in frame for frame in out[3]["exc_info"])
    text = json.dumps(out, ensure_ascii=False)
    assert PHONE not in text and NAME not in text and "Коваленко" not in text


def test_a_librarys_message_loses_query_strings_and_phone_numbers(lines):
    record = logging.LogRecord("django.request", logging.WARNING,
                               f"{sys.prefix}/lib/python3/site-packages/django/core/handlers/base.py", 1,
                               "Not Found: %s (caller %s)", ("/staff/requests/?q=Коваленко&page=2", "067 123 45 67"),
                               None)
    logging.getLogger("django.request").handle(record)
    assert lines()[-1]["message"] == "Not Found: /staff/requests/?‹…› (caller ‹phone›)"


@pytest.mark.django_db(transaction=True)
def test_the_workers_task_lines_carry_the_task_id(settings, lines):
    from core.tests.tasks_that_log import log_a_step

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    result = log_a_step.enqueue(3)
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", batch=True, startup_delay=False, reload=False, interval=0, stdout=io.StringIO())
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    step = next(line for line in lines() if line["logger"] == "core.tests.tasks_that_log")
    assert step["message"] == "step 3 of a task for ‹…›"
    assert step["task_id"] == str(result.id) and step["request_id"] is None
    finished = [line for line in lines() if line["logger"] == "django_tasks" and "SUCCESSFUL" in line["message"]]
    assert finished and finished[-1]["task_id"] == str(result.id)
    logging.getLogger(__name__).warning("after the task")
    assert lines()[-1]["task_id"] is None


def test_a_refusal_is_one_line_without_a_stack(world, lines):
    """A 403 (a role without the capability, a deny-by-default view, the API) or a 404 is the client's
    fault, not ours: one line saying so, never a traceback."""
    technician = Client()
    technician.force_login(world.users["technician"])
    assert technician.get("/staff/requests/").status_code == 403
    assert technician.get("/api/v1/requests/").status_code == 403
    assert technician.get("/staff/requests/999999999/").status_code == 403
    coordinator = Client()
    coordinator.force_login(world.users["coordinator"])
    assert coordinator.get("/staff/requests/999999999/").status_code == 404
    refused = [line for line in lines() if line["logger"] == "django.request"]
    assert [line["message"] for line in refused] == [
        "Forbidden (Permission denied): /staff/requests/", "Forbidden: /api/v1/requests/",
        "Forbidden (Permission denied): /staff/requests/999999999/", "Not Found: /staff/requests/999999999/"]
    for line in refused:
        assert line["level"] == "WARNING" and "exc_info" not in line and "stack_info" not in line, line


def test_a_server_error_keeps_its_stack(lines):
    log = logging.getLogger("django.request")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        log.error("Internal Server Error: /x/", exc_info=True, extra={"status_code": 500})
    assert lines()[-1]["exc_info"][0].startswith("RuntimeError")

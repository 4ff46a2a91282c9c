"""Logs: one JSON line per event, from the web processes and the worker alike, carrying the request id,
the user id and the task id — and never the personal data Valiza holds.

What a line may say (README "Logs"):
- time, level, logger, message, request_id, user_id, task_id; an exception's type and stack. Nothing
  else of the record (`extra=`) is printed.
- A record from our own code prints numbers, UUIDs, dates and booleans passed as arguments; a string
  argument is printed as ‹…› unless the call wraps it in `Safe(...)`. Names, phones, addresses and
  anything a person typed are strings, so they cannot reach a log by accident.
- A record from a library (Django, django-tasks) keeps its own message, with query strings and
  phone-like numbers blanked out: Django logs paths ("Not Found: /staff/requests/12/"), and a path
  with a search query could carry a name.
- A refused request (a 4xx Django logs with its exception: PermissionDenied, Http404) is one line, no
  stack.
- An exception prints its type and its stack, never its message: a database error quotes the values
  of the row it refused. The error reporter (core/errors.py), when configured, gets the full error
  with personal data scrubbed.
"""

import contextvars
import copy
import datetime
import decimal
import re
import traceback
import uuid
from pathlib import Path

from pythonjsonlogger.json import JsonFormatter as _LibraryJsonFormatter

WITHHELD = "‹…›"
PROJECT_ROOT = str(Path(__file__).resolve().parent.parent)

_request = contextvars.ContextVar("valiza_request", default=None)
_task_id = contextvars.ContextVar("valiza_task_id", default=None)

# Request ids from a proxy (nginx's $request_id, a UUID) are taken as they are; anything else is
# replaced, so a client cannot write arbitrary text into our logs.
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,127}")
_SAFE_ARGS = (int, float, decimal.Decimal, uuid.UUID, datetime.date, datetime.time, datetime.timedelta,
              type(None))
# Ukrainian numbers as people and our code write them (+380…, 380…, 0XX XXX XX XX), and any E.164.
PHONE = re.compile(r"(?<![\w+])(?:\+?38)?0\d{2}[\s-]?\d{3}[\s-]?\d{2}[\s-]?\d{2}(?!\d)|\+\d{10,15}(?!\d)")
_QUERY = re.compile(r"(/[^\s?\"']*)\?[^\s\"']*")


class Safe(str):
    """A string argument that may be printed as it is: an id, a file name, a gateway's name."""


def current_request():
    """The request being answered in this thread (set by RequestIdMiddleware), or None."""
    return _request.get()


def current_request_id():
    request = _request.get()
    return getattr(request, "request_id", None)


def current_user_id():
    # Only a user the request has already loaded: a log line must never cost a database query.
    user = getattr(_request.get(), "_cached_user", None)
    return user.pk if user is not None and user.is_authenticated else None


def is_ours(record):
    path = record.pathname or ""
    return path.startswith(PROJECT_ROOT) and "site-packages" not in path


def blank_out(text):
    """A library's message without query strings and phone-like numbers."""
    return PHONE.sub("‹phone›", _QUERY.sub(r"\1?" + WITHHELD, text))


def _shown(value):
    if isinstance(value, Safe) or (isinstance(value, _SAFE_ARGS) and not isinstance(value, str)):
        return value
    return WITHHELD


def safe_message(record):
    """The record's message as a log line (and the error reporter's breadcrumbs) may show it."""
    if not is_ours(record):
        try:
            return blank_out(record.getMessage())
        except Exception:  # noqa: BLE001 - a broken log call must not break the request
            return blank_out(str(record.msg))
    if not isinstance(record.msg, str):
        return WITHHELD
    args = record.args
    if not args:
        return record.msg
    try:
        if isinstance(args, dict):
            return record.msg % {key: _shown(value) for key, value in args.items()}
        return record.msg % tuple(_shown(value) for value in args)
    except (TypeError, ValueError, KeyError):
        return record.msg


class JsonFormatter(_LibraryJsonFormatter):
    """python-json-logger's formatter, told which fields to print and how to keep them clean."""

    FIELDS = ("time", "level", "logger", "message", "request_id", "user_id", "task_id", "exc_info", "stack_info")

    def __init__(self, *args, **kwargs):
        super().__init__(
            ["levelname", "name", "message", "request_id", "user_id", "task_id"],
            rename_fields={"levelname": "level", "name": "logger"}, timestamp="time", exc_info_as_array=True,
            json_ensure_ascii=False,
        )

    def format(self, record):
        # A copy: the record is shared with other handlers (the error reporter's among them).
        clean = copy.copy(record)
        clean.msg, clean.args = safe_message(record), None
        clean.exc_text = None
        # A refusal (403, 404, 400) is the client's doing, not a fault: Django logs it with the exception
        # that made it, and the line would carry a stack that says nothing. One line, no stack.
        if getattr(record, "status_code", 500) < 500:
            clean.exc_info = clean.stack_info = None
        clean.request_id, clean.user_id, clean.task_id = current_request_id(), current_user_id(), _task_id.get()
        return super().format(clean)

    def formatException(self, ei):
        kind, _value, tb = ei
        name = kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
        frames = [line for chunk in traceback.format_tb(tb) for line in chunk.rstrip("\n").split("\n")]
        return [f"{name} (message withheld: it may quote personal data)", *frames]

    def process_log_record(self, log_data):
        return {key: value for key, value in log_data.items() if key in self.FIELDS}


class RequestIdMiddleware:
    """Gives every request an id — the proxy's X-Request-ID when it is a plain token, else a new one —
    puts it on the response and on every log line written while the request is answered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _SAFE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        # Cleared when the response is closed (request_finished), not here: Django logs a 4xx/5xx
        # after the middleware has returned, and that line needs the id too.
        _request.set(request)
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


def request_finished(**kwargs):
    _request.set(None)


def task_started(sender, task_result, **kwargs):
    _task_id.set(str(task_result.id))


def task_finished(sender, task_result, **kwargs):
    _task_id.set(None)


def connect_signals():
    """Called from CoreConfig.ready(): the request id ends with the response, the task id with the task.
    Connected after django-tasks' own receivers, so its "task failed" line still carries the id."""
    from django.core.signals import request_finished as finished
    from django_tasks.signals import task_finished as task_done
    from django_tasks.signals import task_started as task_begun

    finished.connect(request_finished, dispatch_uid="valiza-logs-request-finished")
    task_begun.connect(task_started, dispatch_uid="valiza-logs-task-started")
    task_done.connect(task_finished, dispatch_uid="valiza-logs-task-finished")

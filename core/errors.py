"""The error reporter: Sentry's SDK (sentry-sdk, which GlitchTip and other compatible services accept),
started only when VALIZA_SENTRY_DSN is set (valiza/settings.py).

Nothing personal leaves the server. The SDK is told to send no personal data, no local variables and
no request bodies, and every event and breadcrumb passes `before_send` / `before_breadcrumb`, which
keep the request's method and path but not its query, headers, cookies or body; keep the user's id
only; drop frame variables, `extra` and log arguments; and blank out, in every message that remains,
whatever the person typed into this request, phone numbers, e-mail addresses and words that look like a
Ukrainian full name.
"""

import json
import re

from . import logs

# Two or three capitalised Cyrillic words: "Коваленко Марія Іванівна", "Шевчук Іван".
NAME = re.compile(r"\b[А-ЯІЇЄҐ][а-яіїєґ'’ʼ-]+(?:\s+[А-ЯІЇЄҐ][а-яіїєґ'’ʼ-]+){1,2}\b")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_CONTEXTS_KEPT = {"runtime", "os", "trace", "app", "device", "culture"}
_MIN_TYPED = 3  # shorter values ("1", "on") are not anyone's data and are everywhere


def start_error_reporter(dsn, *, environment="production"):
    import sentry_sdk

    sentry_sdk.init(
        dsn=dsn, environment=environment, send_default_pii=False, include_local_variables=False,
        max_request_body_size="never", before_send=before_send, before_breadcrumb=before_breadcrumb,
    )


def _typed_values():
    """Every value the person sent with the current request: the query, a form, a JSON body."""
    request = logs.current_request()
    if request is None:
        return []
    values = []
    try:
        for source in (request.GET, request.POST if request.content_type in (
                "application/x-www-form-urlencoded", "multipart/form-data") else {}):
            for key in source:
                values += source.getlist(key)
        if request.content_type == "application/json" and hasattr(request, "_body"):
            values += _strings(json.loads(request._body[:1_000_000] or b"null"))
    except Exception:  # noqa: BLE001 - an unreadable body has nothing more to hide
        pass
    return sorted({v.strip() for v in values if isinstance(v, str) and len(v.strip()) >= _MIN_TYPED},
                  key=len, reverse=True)


def _strings(value):
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def scrub(text, typed=()):
    if not isinstance(text, str):
        return text
    for value in typed:
        text = text.replace(value, logs.WITHHELD)
    text = logs.PHONE.sub("‹phone›", text)
    text = EMAIL.sub("‹email›", text)
    return NAME.sub("‹name›", text)


def _clean_breadcrumb(crumb, typed, record=None):
    crumb.pop("data", None)
    if record is not None:
        crumb["message"] = logs.safe_message(record)
    crumb["message"] = scrub(crumb.get("message"), typed)
    return crumb


def _clean_frames(container):
    for frame in (container or {}).get("stacktrace", {}).get("frames", []) or []:
        frame.pop("vars", None)


def before_breadcrumb(crumb, hint):
    return _clean_breadcrumb(crumb, _typed_values(), (hint or {}).get("log_record"))


def before_send(event, hint):
    typed = _typed_values()
    request = event.get("request") or {}
    event["request"] = {key: request[key] for key in ("method",) if key in request}
    if request.get("url"):
        event["request"]["url"] = request["url"].split("?", 1)[0]
    user_id = (event.get("user") or {}).get("id")
    event["user"] = {"id": user_id} if user_id is not None else {}
    event.pop("extra", None)
    event["contexts"] = {k: v for k, v in (event.get("contexts") or {}).items() if k in _CONTEXTS_KEPT}
    if logs.current_request_id():
        event.setdefault("tags", {})["request_id"] = logs.current_request_id()

    for exception in (event.get("exception") or {}).get("values", []) or []:
        exception["value"] = scrub(exception.get("value"), typed)
        _clean_frames(exception)
    for thread in (event.get("threads") or {}).get("values", []) or []:
        _clean_frames(thread)
    record = (hint or {}).get("log_record")
    entry = event.get("logentry")
    if entry:
        entry.pop("params", None)
        entry["formatted"] = scrub(logs.safe_message(record) if record is not None else entry.get("message"), typed)
        entry["message"] = scrub(entry.get("message"), typed)
    if isinstance(event.get("message"), str):
        event["message"] = scrub(event["message"], typed)
    crumbs = event.get("breadcrumbs")
    if isinstance(crumbs, dict):
        crumbs["values"] = [_clean_breadcrumb(c, typed) for c in crumbs.get("values", [])]
    return event

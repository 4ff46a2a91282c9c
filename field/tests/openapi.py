"""The field API's answers checked against its published OpenAPI schema (Zulip's habit).

`check(method, path, status, content_type, body)` fails when the schema does not describe an answer:
an undeclared path, method or status, another content type, a missing or an undeclared field, a
value outside an enum. field/tests/conftest.py runs it on every answer a Django test client gets
from `/api/v1/field/…` in the field tests, so a mismatch between the code and the schema the
laptop's client is written against fails the suite.
"""

import copy
import functools
import json
import re

import jsonschema

PREFIX = "/api/v1/field/"


class SchemaMismatch(AssertionError):
    pass


@functools.cache
def published():
    """The schema as a member of staff downloads it (served to staff only: core/tests/test_api_docs.py
    checks that what /api/v1/openapi.json serves is exactly this)."""
    from ninja.responses import NinjaJSONEncoder

    from valiza.api import api

    return _closed(json.loads(json.dumps(api.get_openapi_schema(), cls=NinjaJSONEncoder)))


def _closed(document):
    """Objects in the schema admit no field they do not name: an answer with an undeclared field is
    a field the client cannot know about (ninja leaves objects open by default)."""
    document = copy.deepcopy(document)

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" in node and "additionalProperties" not in node:
                node["additionalProperties"] = False
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document.get("components", {}))
    walk(document.get("paths", {}))
    return document


@functools.cache
def _templates():
    out = []
    for template in published()["paths"]:
        pattern = "[^/]+".join(re.escape(part) for part in re.split(r"\{[^/]+?\}", template))
        out.append((re.compile(f"^{pattern}$"), template))
    return out


def operation(method, path):
    for pattern, template in _templates():
        if pattern.match(path):
            operations = published()["paths"][template]
            if method.lower() not in operations:
                raise SchemaMismatch(f"{method} {path}: the schema has no {method} for {template}")
            return template, operations[method.lower()]
    raise SchemaMismatch(f"{method} {path}: no such path in the published schema")


def check(method, path, status, content_type, body):
    """Raise SchemaMismatch unless the schema describes this answer; `body` is bytes (None: not read)."""
    template, op = operation(method, path)
    responses = op.get("responses", {})
    declared = responses.get(str(status)) or responses.get(status)
    if declared is None:
        raise SchemaMismatch(f"{method} {template} answered {status}, which the schema does not declare "
                             f"(declared: {sorted(str(s) for s in responses)}): {body[:300]!r}")
    content = declared.get("content") or {}
    media = (content_type or "").split(";")[0].strip()
    if not content:
        return
    if media not in content:
        raise SchemaMismatch(f"{method} {template} {status}: answered {media or 'no content type'}, the schema says "
                             f"{sorted(content)}: {body[:300]!r}")
    if media != "application/json" or body is None:
        return
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise SchemaMismatch(f"{method} {template} {status}: not JSON ({exc}): {body[:300]!r}") from None
    schema = {"components": published().get("components", {}), **content[media]["schema"]}
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        lines = [f"  at {'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message[:300]}" for e in errors[:10]]
        raise SchemaMismatch(f"{method} {template} {status} does not match the published schema:\n" + "\n".join(lines))


def check_response(method, path, response):
    """`check` for a Django test client's response."""
    # A streamed body is left for the test to read: its status and type are still checked.
    body = None if getattr(response, "streaming", False) else response.content
    check(method, path, response.status_code, response.get("Content-Type", ""), body)

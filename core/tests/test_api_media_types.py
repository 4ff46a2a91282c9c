"""Issue 9, finding 10 ("bad input"): every endpoint that takes a body refuses one in another media type
with 415 and a Ukrainian reason, before anything reads it; the 415 is in the published schema (and the
answers here are checked against it)."""

import json
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from field.models import Attachment, Device, SyncItem
from field.tests import openapi
from field.tests.attachment_helpers import declare, files, jpeg_bytes, make_device, visit_with_cases  # noqa: F401
from field.tests.factories import published_trip
from field.tests.syncing import DEVICE, device_id_of, item, laptop
from visits.models import Status, StatusChange

WRONG = ["text/plain", "application/x-www-form-urlencoded", "application/xml", "text/html; charset=utf-8",
         "application/json-patch+json", ""]


def _send(client, method, url, body, content_type, device=DEVICE):
    """The body as it is, with this Content-Type ("": none at all); the answer checked against the schema."""
    response = client.generic(method.upper(), url, body, content_type=content_type,
                              headers={"X-Valiza-Device": str(device)})
    openapi.check_response(method.upper(), url.split("?")[0], response)
    return response


def _refused(response):
    assert response.status_code == 415, (response.status_code, response.content[:300])
    assert "формат" in response.json()["detail"]


@pytest.fixture
def coordinator(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.users["coordinator"])
    return client


@pytest.fixture
def field_admin(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.users["field_admin"])
    laptop(client)  # the device token the first day's load issues; the client shows it from then on
    return client


@pytest.mark.parametrize("content_type", WRONG)
def test_the_decision_refuses_a_body_that_is_not_json(world, coordinator, content_type):
    url = f"/api/v1/requests/{world.req.pk}/decision"
    _refused(_send(coordinator, "post", url, json.dumps({"status": Status.ACCEPTED}), content_type))
    world.req.refresh_from_db()
    assert world.req.status == Status.NEW and StatusChange.objects.filter(request=world.req).count() == 1
    ok = _send(coordinator, "post", url, json.dumps({"status": Status.ACCEPTED}), "application/json; charset=utf-8")
    assert ok.status_code == 200


@pytest.mark.parametrize("content_type", [*WRONG, "multipart/form-data; boundary=x"])
def test_the_sync_refuses_a_body_that_is_not_json(world, field_admin, content_type):
    stop = published_trip(world).stops.first()
    body = json.dumps({"device_id": str(device_id_of(field_admin)), "sent_at": timezone.now().isoformat(),
                       "items": [item("visit.start", stop)]})
    _refused(_send(field_admin, "post", "/api/v1/field/sync", body, content_type))
    assert not SyncItem.objects.exists()
    assert _send(field_admin, "post", "/api/v1/field/sync", body, "application/json").status_code == 200


@pytest.mark.parametrize("content_type", ["application/json", "image/jpeg", "text/plain", ""])
def test_an_upload_chunk_is_taken_as_raw_bytes_only(world, files, field_admin, content_type):  # noqa: F811
    visit, _cases = visit_with_cases(world)
    device = Device.objects.get(pk=field_admin.field_device_id)
    body = jpeg_bytes()
    att = declare(visit, body, device=device)
    url = f"/api/v1/field/attachments/{att.pk}?offset=0"
    _refused(_send(field_admin, "put", url, body, content_type, device=device.pk))
    assert Attachment.objects.get(pk=att.pk).received == 0
    ok = _send(field_admin, "put", url, body, "application/octet-stream", device=device.pk)
    assert ok.status_code == 200, ok.content[:300]


def test_an_anonymous_sender_gets_401_whatever_the_format(world):
    client = Client(raise_request_exception=False)
    assert client.post(f"/api/v1/requests/{world.req.pk}/decision", "x", content_type="text/plain").status_code == 401
    assert client.post("/api/v1/field/sync", "x", content_type="text/plain").status_code == 401
    assert client.put(f"/api/v1/field/attachments/{uuid.uuid4()}?offset=0", "x",
                      content_type="text/plain").status_code == 401


def test_a_request_without_a_body_needs_no_media_type(world, field_admin):
    att_id = uuid.uuid4()
    response = field_admin.get(f"/api/v1/field/attachments/{att_id}", headers={"X-Valiza-Device": str(DEVICE)})
    assert response.status_code != 415


def test_every_endpoint_that_takes_a_body_declares_its_415():
    paths = openapi.published()["paths"]
    with_body = [(path, method) for path, ops in paths.items() for method, op in ops.items() if "requestBody" in op]
    assert len(with_body) >= 3, with_body
    for path, method in with_body:
        assert "415" in paths[path][method]["responses"], (path, method)

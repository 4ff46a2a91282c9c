"""Helpers of the sync tests: items as the field client makes them, a batch to send them in, and a
laptop's device token obtained the real way (the first load of a day)."""

import datetime
import json
import uuid

from django.utils import timezone

from field.models import Device
from field.sync import batch
from field.sync.devices import TOKEN_HEADER, hash_token

DEVICE = uuid.UUID("11111111-2222-4333-8444-555555555555")
OTHER_DEVICE = uuid.UUID("99999999-2222-4333-8444-555555555555")


def item(kind, stop, data=None, *, seq=1, at=None, id=None):
    at = at or timezone.now()
    return {"id": str(id or uuid.uuid4()), "seq": seq, "kind": kind, "stop_id": getattr(stop, "pk", stop),
            "at": at.isoformat(), "data": data if data is not None else {}}


def accept(world, stop, *, seq=1, services=None, at=None, id=None):
    services = services if services is not None else [{
        "service_id": world.svc_reg.pk, "provisional_number": f"T-{uuid.uuid4().hex[:8]}", "delivery": "post",
        "documents": [{"document_id": world.doc_passport.pk, "present": True, "sheets": 2},
                      {"document_id": world.doc_receipt.pk, "present": False, "sheets": 0}]}]
    return item("visit.accept", stop, {"services": services}, seq=seq, at=at, id=id)


def outcome(stop, value="served", *, seq=1, note="", at=None, id=None):
    return item("visit.outcome", stop, {"outcome": value, "note": note, "video_consent": False}, seq=seq, at=at, id=id)


def payment(world, stop, *, seq=1, method="terminal", amount="25.50", receipt="R-1", id=None):
    return item("visit.payment", stop, {"service_id": world.svc_reg.pk, "method": method, "amount": amount,
                                        "receipt": receipt}, seq=seq, id=id)


def device_row(user, pk=DEVICE):
    """An admitted device of `user` with this id, as the API hands it to the sync (no token needed
    where the tests call `process_batch` directly)."""
    if isinstance(pk, Device):
        return pk
    now = timezone.now()
    device, _created = Device.objects.get_or_create(pk=pk, defaults={
        "community_id": user.community_id, "user": user, "first_seen": now, "last_seen": now, "approved_at": now,
        "token_hash": hash_token(f"test-{pk}")})
    return device


def send(user, items, *, device=DEVICE, sent_at=None, received_at=None):
    """process_batch as the API calls it; returns (answer, status)."""
    received_at = received_at or timezone.now()
    return batch.process_batch(user, device_row(user, device), sent_at or received_at, items, received_at=received_at)


TOKEN_META = f"HTTP_{TOKEN_HEADER.upper().replace('-', '_')}"


def laptop(client, **params):
    """Load the day with no token, as a new laptop does: the client then shows the token it was
    issued on every request. Returns the response."""
    client.defaults.pop(TOKEN_META, None)
    response = client.get("/api/v1/field/day", params)
    device = response.json().get("device") or {}
    if device.get("token"):
        client.defaults[TOKEN_META] = device["token"]
        client.field_device_id = device["id"]
    return response


def day(client, **params):
    """GET /day as the laptop does: the first one issues the token, every later one shows it."""
    if TOKEN_META not in client.defaults:
        return laptop(client, **params)
    return client.get("/api/v1/field/day", params)


def device_id_of(client):
    if not hasattr(client, "field_device_id"):
        laptop(client)
    return client.field_device_id


def post(client, items, *, sent_at=None, raw=None, device_id=None):
    """The HTTP sync as the browser sends it, with the laptop's token (issued first if needed)."""
    device_id = device_id or device_id_of(client)
    body = raw if raw is not None else json.dumps({
        "device_id": str(device_id), "sent_at": (sent_at or timezone.now()).isoformat(), "items": items})
    return client.post("/api/v1/field/sync", body, content_type="application/json")


def one(answer):
    [result] = answer["results"]
    return result


def hours(n):
    return datetime.timedelta(hours=n)

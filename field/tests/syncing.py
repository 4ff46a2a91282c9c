"""Helpers of the sync tests: items as the field client makes them, and a batch to send them in."""

import datetime
import json
import uuid

from django.utils import timezone

from field.sync import batch

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


def send(user, items, *, device=DEVICE, sent_at=None, received_at=None):
    """process_batch as the API calls it; returns (answer, status)."""
    received_at = received_at or timezone.now()
    return batch.process_batch(user, device, sent_at or received_at, items, received_at=received_at)


def post(client, items, *, device=DEVICE, sent_at=None, header=None, raw=None):
    """The HTTP sync as the browser sends it."""
    body = raw if raw is not None else json.dumps({
        "device_id": str(device), "sent_at": (sent_at or timezone.now()).isoformat(), "items": items})
    return client.post("/api/v1/field/sync", body, content_type="application/json",
                       headers={"X-Valiza-Device": str(header or device)})


def one(answer):
    [result] = answer["results"]
    return result


def hours(n):
    return datetime.timedelta(hours=n)

"""Visits with cases, devices, and real image/video bytes for the attachment and document tests.

The sync API is built elsewhere: visits and cases are made here directly, as sync would."""

import hashlib
import io
import uuid

import pytest
from django.utils import timezone
from PIL import Image

from field import attachments
from field.models import AcceptedService, Device, Visit
from field.tests.factories import published_trip, scheduled_request
from journal import actions as journal_actions


@pytest.fixture
def files(settings, tmp_path):
    """Media and partial uploads in a temporary folder; tasks run inside the caller."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VALIZA_UPLOAD_TMP = tmp_path / "uploads"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    return tmp_path


def make_device(world, user=None, **fields):
    user = user or world.users["field_admin"]
    now = timezone.now()
    return Device.objects.create(id=uuid.uuid4(), community=user.community, user=user, first_seen=now,
                                 last_seen=now, **fields)


def visit_with_cases(world, *, day=None, services=None, delivery="post"):
    """A visit at the first stop of a published trip, its services accepted and registered."""
    services = services or [world.svc_reg, world.svc_cert]
    req = scheduled_request(world, applicant_name="Петренко Ганна Степанівна", services=services,
                            docs={world.doc_passport.pk})
    trip = published_trip(world, day=day, requests=[req])
    stop = trip.stops.get()
    admin = world.users["field_admin"]
    admin.first_name, admin.last_name = "Олена", "Виїзна"
    admin.save()
    visit = Visit.objects.create(stop=stop, community=world.a, request=req, started_at=timezone.now(),
                                 recorded_by=admin)
    cases = journal_actions.register_cases(req, services, by=admin, preferred_delivery=delivery,
                                           provisional_numbers=[f"T-{uuid.uuid4().hex[:6]}" for _ in services])
    for case, service in zip(cases, services, strict=True):
        documents = [{"document_id": d.pk, "present": d.pk == world.doc_passport.pk, "sheets": 2 if
                      d.pk == world.doc_passport.pk else 0} for d in service.documents.order_by("order")]
        AcceptedService.objects.create(visit=visit, service=service, case=case, documents=documents)
    return visit, cases


def jpeg_bytes(size=(640, 480), color=(200, 30, 30), orientation=None, fmt="JPEG"):
    img = Image.new("RGB", size, color)
    out = io.BytesIO()
    kwargs = {}
    if orientation:
        exif = Image.Exif()
        exif[0x0112] = orientation
        kwargs["exif"] = exif.tobytes()
    img.save(out, fmt, **kwargs)
    return out.getvalue()


def webm_bytes(n=3000):
    # The EBML magic and then anything: the server checks the container, not the codec.
    return b"\x1a\x45\xdf\xa3" + bytes(range(256)) * (n // 256)


def declare(visit, body, *, kind="photo", content_type="image/jpeg", service=None, device=None, user=None,
            taken_at=None, sha256=None):
    user = user or visit.recorded_by
    return attachments.declare(visit, {
        "attachment_id": str(uuid.uuid4()), "kind": kind, "content_type": content_type, "size": len(body),
        "sha256": sha256 or hashlib.sha256(body).hexdigest(),
    }, user=user, device=device, service=service, taken_at=taken_at)


def upload_all(att, body, chunk=1024):
    """Upload straight through the functions (no HTTP), chunk by chunk."""
    for offset in range(0, len(body), chunk):
        att = attachments.receive_chunk(att, offset, body[offset:offset + chunk])
    return att

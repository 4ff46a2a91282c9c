"""Resumable chunked upload of photos and videos (ADR 7): PUT/GET /api/v1/field/attachments/{id}."""

import hashlib
import os
import uuid

import pytest
from django.utils import timezone

from field import attachments, storage
from field.models import Attachment, Device
from field.sync import devices
from field.tests.attachment_helpers import declare, files, jpeg_bytes, visit_with_cases, webm_bytes  # noqa: F401
from field.tests.syncing import TOKEN_HEADER, laptop
from journal.models import CaseFile

URL = "/api/v1/field/attachments/{}"


@pytest.fixture
def field(world, files, login):  # noqa: F811
    visit, cases = visit_with_cases(world)
    client = login(world.users["field_admin"])
    laptop(client)  # the device token, as the first load of the day issues it; the client shows it from then on
    device = Device.objects.get(pk=client.field_device_id)
    return visit, cases, device, client


def put(client, att, offset, body):
    return client.put(f"{URL.format(att.pk)}?offset={offset}", data=body, content_type="application/octet-stream")


def get(client, att):
    return client.get(URL.format(att.pk))


def test_a_photo_arrives_in_chunks_survives_a_crash_and_resumes(field, django_capture_on_commit_callbacks):
    visit, cases, device, client = field
    body = jpeg_bytes((900, 700))
    att = declare(visit, body, service=cases[0].service, device=device)
    third = len(body) // 3

    first = put(client, att, 0, body[:third])
    assert first.status_code == 200
    assert first.json() == {"received": third, "size": len(body), "state": "uploading", "reason": ""}

    # The server wrote half of the next chunk, then "crashed" before it could answer.
    half = third + third // 2
    with open(storage.part_path(att.pk), "ab") as part:
        part.write(body[third:half])
    assert get(client, att).json()["received"] == half
    # The client never got an answer and sends the same chunk again: told where the server is, no
    # byte is duplicated, and it goes on from there.
    again = put(client, att, third, body[third:2 * third])
    assert again.status_code == 409 and again.json()["received"] == half
    assert os.path.getsize(storage.part_path(att.pk)) == half
    rest = put(client, att, half, body[half:2 * third])
    assert rest.status_code == 200 and rest.json()["received"] == 2 * third

    # A retry of a chunk the server already has: 409 with where to resume.
    behind = put(client, att, third, body[third:2 * third])
    assert behind.status_code == 409
    assert behind.json()["received"] == 2 * third and str(2 * third) in behind.json()["detail"]
    ahead = put(client, att, len(body) - 5, body[-5:])
    assert ahead.status_code == 409 and ahead.json()["received"] == 2 * third

    resume_at = get(client, att).json()["received"]
    with django_capture_on_commit_callbacks(execute=True):
        done = put(client, att, resume_at, body[resume_at:])
    assert done.status_code == 200
    assert done.json() == {"received": len(body), "size": len(body), "state": "complete", "reason": ""}
    att.refresh_from_db()
    assert att.completed_at is not None and att.keep_until is None
    with att.file.open("rb") as f:
        assert hashlib.sha256(f.read()).hexdigest() == att.sha256
    assert not storage.part_path(att.pk).exists()
    # The photo went into its case's photos PDF (and the inventory was built too).
    kinds = set(cases[0].files.values_list("kind", flat=True))
    assert kinds == {CaseFile.Kind.INVENTORY, CaseFile.Kind.PHOTOS}
    assert not cases[1].files.filter(kind=CaseFile.Kind.PHOTOS).exists()  # another service's case

    # A replay of the finished upload changes nothing.
    replay = put(client, att, 0, body[:third])
    assert replay.status_code == 200 and replay.json()["state"] == "complete"
    att2 = Attachment.objects.get(pk=att.pk)
    assert (att2.file.name, att2.completed_at) == (att.file.name, att.completed_at)


def test_a_chunk_of_a_megabyte_is_taken_though_ordinary_bodies_are_limited(field, settings):
    visit, cases, device, client = field
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE < settings.VALIZA_FIELD_CHUNK_BYTES
    body = webm_bytes(3 * 1024 * 1024)
    att = declare(visit, body, kind="video", content_type="video/webm;codecs=vp8,opus", device=device)
    chunk = settings.VALIZA_FIELD_CHUNK_BYTES
    for offset in range(0, len(body), chunk):
        response = put(client, att, offset, body[offset:offset + chunk])
        assert response.status_code == 200, response.content
    assert response.json()["state"] == "complete"
    att.refresh_from_db()
    assert att.keep_until == visit.stop.trip.day + timezone.timedelta(days=settings.VALIZA_VIDEO_KEEP_DAYS)
    assert att.file.name.endswith(".webm")


def test_a_chunk_larger_than_allowed_is_refused_before_it_is_read(field, settings):
    visit, cases, device, client = field
    body = webm_bytes(3 * 1024 * 1024)
    att = declare(visit, body, kind="video", content_type="video/webm", device=device)
    response = put(client, att, 0, body[:settings.VALIZA_FIELD_CHUNK_BYTES + 1])
    assert response.status_code == 413
    att.refresh_from_db()
    assert att.received == 0


def test_a_file_whose_hash_does_not_match_is_discarded_and_can_be_sent_again(field):
    visit, cases, device, client = field
    body = jpeg_bytes()
    att = declare(visit, body, device=device, sha256="0" * 64)
    response = put(client, att, 0, body)
    assert response.status_code == 200
    data = response.json()
    assert data["state"] == "rejected" and data["received"] == 0 and "контрольна сума" in data["reason"]
    assert os.path.getsize(storage.part_path(att.pk)) == 0
    att.refresh_from_db()
    assert not att.file
    # The client may start again from 0 (here with the same wrong bytes: rejected again).
    assert put(client, att, 0, body[:10]).json() == {
        "received": 10, "size": len(body), "state": "uploading", "reason": ""}


def test_a_photo_that_is_not_an_image_is_rejected(field):
    visit, cases, device, client = field
    body = b"%PDF-1.4 this is not a photo at all" * 20
    att = declare(visit, body, device=device)
    data = put(client, att, 0, body).json()
    assert data["state"] == "rejected" and "не фото" in data["reason"]


def test_a_photo_of_another_type_than_declared_is_rejected(field):
    visit, cases, device, client = field
    body = jpeg_bytes(fmt="PNG")
    att = declare(visit, body, device=device, content_type="image/jpeg")
    data = put(client, att, 0, body).json()
    assert data["state"] == "rejected" and "PNG" in data["reason"]


def test_a_video_that_is_not_a_video_is_rejected(field):
    visit, cases, device, client = field
    body = jpeg_bytes()
    att = declare(visit, body, kind="video", content_type="video/mp4", device=device)
    data = put(client, att, 0, body).json()
    assert data["state"] == "rejected" and "не відеозапис" in data["reason"]


def test_an_mp4_video_is_taken(field):
    visit, cases, device, client = field
    body = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 500
    att = declare(visit, body, kind="video", content_type="video/mp4", device=device)
    assert put(client, att, 0, body).json()["state"] == "complete"


def test_more_bytes_than_declared_are_refused(field):
    visit, cases, device, client = field
    body = jpeg_bytes()
    att = declare(visit, body, device=device)
    response = put(client, att, 0, body + b"extra")
    assert response.status_code == 400 and "більший" in response.json()["detail"]
    att.refresh_from_db()
    assert att.received == 0


def test_a_file_declared_too_large_is_refused_at_declaration(field, settings):
    visit, cases, device, client = field
    with pytest.raises(attachments.AttachmentError, match="завеликий"):
        attachments.declare(visit, {"attachment_id": str(uuid.uuid4()), "kind": "photo", "content_type": "image/jpeg",
                                    "size": settings.VALIZA_FIELD_PHOTO_MAX_BYTES + 1, "sha256": "a" * 64},
                            user=world_user(visit), device=device)


@pytest.mark.parametrize(("data", "message"), [
    ({"kind": "audio"}, "Невідомий вид"),
    ({"size": 0}, "порожній"),
    ({"sha256": "xyz"}, "Контрольну суму"),
    ({"content_type": "application/pdf"}, "Тип файлу"),
])
def test_bad_declarations_are_refused_with_a_reason(field, data, message):
    visit, cases, device, client = field
    values = {"attachment_id": str(uuid.uuid4()), "kind": "photo", "content_type": "image/jpeg", "size": 10,
              "sha256": "a" * 64, **data}
    with pytest.raises(attachments.AttachmentError, match=message):
        attachments.declare(visit, values, user=world_user(visit), device=device)
    assert not Attachment.objects.exists()


def world_user(visit):
    return visit.recorded_by


def test_a_revoked_device_may_not_upload(field, world):
    from django.test import Client

    visit, cases, device, client = field
    body = jpeg_bytes()
    att = declare(visit, body, device=device)
    devices.revoke_device(device, world.users["coordinator"], "Ноутбук загублено")
    assert put(client, att, 0, body).status_code == 401  # its login was ended
    client.force_login(world.users["field_admin"])  # a new login, the laptop's token is still the revoked one
    response = put(client, att, 0, body)
    assert response.status_code == 403 and response.json()["device"]["state"] == "revoked"
    assert "відкликав" in response.json()["detail"] and "Ноутбук загублено" in response.json()["detail"]
    assert get(client, att).status_code == 403
    # Another laptop of the same person does not reopen the door: the file was declared by the revoked one.
    other = Client()
    other.force_login(world.users["field_admin"])
    laptop(other)
    assert other.field_device_id != str(device.pk)
    refused = put(other, att, 0, body)
    assert refused.status_code == 403 and "відкликав" in refused.json()["detail"]
    att.refresh_from_db()
    assert att.received == 0


def test_another_communitys_or_another_users_attachment_is_not_found(field, world, login):
    visit, cases, device, client = field
    body = jpeg_bytes()
    att = declare(visit, body, device=device)
    # Moved to community B: the id exists, but not for this user.
    Attachment.objects.filter(pk=att.pk).update(community=world.b)
    response = put(client, att, 0, body)
    assert response.status_code == 404 and "немає" in response.json()["detail"]
    assert get(client, att).status_code == 404
    Attachment.objects.filter(pk=att.pk).update(community=world.a, uploaded_by=world.users["coordinator"])
    assert put(client, att, 0, body).status_code == 404
    assert client.get(URL.format(uuid.uuid4())).status_code == 404
    assert client.get(URL.format("not-a-uuid")).status_code == 404


def test_without_a_device_token_or_offset_the_answer_says_what_is_missing(field):
    visit, cases, device, client = field
    att = declare(visit, jpeg_bytes(), device=device)
    response = client.get(URL.format(att.pk), headers={TOKEN_HEADER: ""})
    assert response.status_code == 403 and "Завантажити виїзди" in response.json()["detail"]
    assert response.json()["device"]["state"] == "missing"
    unknown = client.get(URL.format(att.pk), headers={TOKEN_HEADER: "вигаданий"})
    assert unknown.status_code == 403 and unknown.json()["device"]["state"] == "unknown"
    response = client.put(URL.format(att.pk), data=b"x", content_type="application/octet-stream")
    assert response.status_code == 400 and "offset" in response.json()["detail"]


def test_other_roles_and_visitors_cannot_upload(field, world, client):
    visit, cases, device, field_client = field
    att = declare(visit, jpeg_bytes(), device=device)
    field_client.logout()
    assert client.get(URL.format(att.pk)).status_code == 401
    client.force_login(world.users["coordinator"])
    assert client.get(URL.format(att.pk)).status_code == 403


def test_a_lost_temporary_file_restarts_the_upload_from_zero(field):
    visit, cases, device, client = field
    body = jpeg_bytes()
    att = declare(visit, body, device=device)
    put(client, att, 0, body[:100])
    storage.part_path(att.pk).unlink()
    response = put(client, att, 100, body[100:])
    assert response.status_code == 409 and response.json()["received"] == 0
    assert put(client, att, 0, body).json()["state"] == "complete"


def test_a_crash_after_the_last_byte_but_before_the_check_finishes_on_the_next_request(field):
    visit, cases, device, client = field
    body = jpeg_bytes()
    att = declare(visit, body, device=device)
    storage.part_path(att.pk).parent.mkdir(parents=True, exist_ok=True)
    storage.part_path(att.pk).write_bytes(body)
    Attachment.objects.filter(pk=att.pk).update(received=len(body))
    # The client's retry of its last chunk now completes the file instead of a bare 409.
    response = put(client, att, len(body) - 10, body[-10:])
    assert response.status_code == 200 and response.json()["state"] == "complete"


def test_a_replay_after_completion_leaves_no_temporary_file(field):
    visit, cases, device, client = field
    body = jpeg_bytes()
    att = declare(visit, body, device=device)
    assert put(client, att, 0, body).json()["state"] == "complete"
    assert put(client, att, 0, body).json()["state"] == "complete"
    assert not storage.part_path(att.pk).exists()

"""Devices are issued by the server (issue 9, finding 1): the first load of a day from a laptop with no
token issues one, bound to the person and the login; the day, the sync and the uploads need it; a
revoked laptop is logged out, gets nothing more, and what it still sends waits for the coordinator."""

import json
import uuid

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from accounts import roles
from accounts.models import User
from field.models import Device, SyncItem, Visit
from field.sync import devices
from field.tests.syncing import TOKEN_HEADER, TOKEN_META, accept, day, item, laptop, outcome, post
from journal.models import Case

pytestmark = pytest.mark.usefixtures("no_case_files")


@pytest.fixture
def stop(first_stop):
    return first_stop


@pytest.fixture
def trip(stop):
    return stop.trip


def new_laptop(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _names(trip):
    return [s.request.applicant_name for s in trip.stops.all()]


def _shows_nobody(response, trip):
    text = response.content.decode()
    return not any(name in text for name in _names(trip))


def test_finding_1_a_revoked_laptops_login_reads_and_applies_nothing(world, trip, stop):
    """The tester's finding: after the coordinator revoked device D, the same login session read the
    day and sent items under a new random X-Valiza-Device, or with no device header at all."""
    admin = world.users["field_admin"]
    client = new_laptop(admin)
    assert laptop(client).status_code == 200
    devices.revoke_device(Device.objects.get(), world.users["coordinator"], "Вкрали")
    for headers in ({}, {"X-Valiza-Device": str(uuid.uuid4())}, {TOKEN_HEADER: ""},
                    {TOKEN_HEADER: "", "X-Valiza-Device": str(uuid.uuid4())}):
        response = client.get("/api/v1/field/day", headers=headers)
        assert response.status_code == 401 and _shows_nobody(response, trip), headers
        body = json.dumps({"device_id": str(uuid.uuid4()), "sent_at": timezone.now().isoformat(),
                           "items": [accept(world, stop)]})
        sent = client.post("/api/v1/field/sync", body, content_type="application/json", headers=headers)
        assert sent.status_code == 401, headers
    assert not Case.objects.exists() and not SyncItem.objects.exists() and Device.objects.count() == 1


def test_the_first_day_issues_a_token_of_which_only_the_hash_is_kept(world, trip):
    client = new_laptop(world.users["field_admin"])
    answer = laptop(client).json()
    token = answer["device"]["token"]
    device = Device.objects.get()
    assert len(token) >= 40 and device.token_hash == devices.hash_token(token)
    assert not Device.objects.filter(token_hash=token).exists()
    assert device.user == world.users["field_admin"] and device.session_key == client.session.session_key
    assert not device.pending and device.approved_at
    # From then on the laptop shows it, and is never given another one.
    again = day(client).json()
    assert again["device"] == {"id": str(device.pk), "state": "active", "user_id": device.user_id, "token": "",
                               "message": ""}
    assert again["trips"][0]["id"] == trip.pk


def test_a_login_that_already_showed_a_token_gets_no_second_one(world, trip):
    client = new_laptop(world.users["field_admin"])
    laptop(client)
    response = client.get("/api/v1/field/day", headers={TOKEN_HEADER: ""})
    assert response.status_code == 403 and _shows_nobody(response, trip)
    assert response.json()["device"]["state"] == "missing" and "увійдіть знову" in response.json()["detail"]
    assert Device.objects.count() == 1


def test_sync_and_uploads_need_the_token_and_say_what_to_do(world, stop):
    client = new_laptop(world.users["field_admin"])
    body = json.dumps({"device_id": str(uuid.uuid4()), "sent_at": timezone.now().isoformat(),
                       "items": [item("visit.start", stop)]})
    response = client.post("/api/v1/field/sync", body, content_type="application/json")
    assert response.status_code == 403 and "Завантажити виїзди" in response.json()["detail"]
    assert response.json()["device"]["state"] == "missing"
    upload = client.get(f"/api/v1/field/attachments/{uuid.uuid4()}")
    assert upload.status_code == 403 and upload.json()["device"]["state"] == "missing"
    # Only the day's load issues a token: neither of these did.
    assert not Device.objects.exists() and not SyncItem.objects.exists() and not Visit.objects.exists()


def test_an_unknown_token_is_refused(world, trip):
    client = new_laptop(world.users["field_admin"])
    response = client.get("/api/v1/field/day", headers={TOKEN_HEADER: "вигаданий-допуск"})
    assert response.status_code == 403 and _shows_nobody(response, trip)
    assert response.json()["device"]["state"] == "unknown" and "Завантажити виїзди" in response.json()["detail"]
    assert not Device.objects.exists()


def test_a_token_shown_by_another_person_is_refused(world, trip, stop):
    owner = new_laptop(world.users["field_admin"])
    laptop(owner)
    colleague = User.objects.create_user(username="field-2", password="x", role=roles.FIELD_ADMIN,
                                         community=world.a)
    trip.team.members.add(colleague)
    other = new_laptop(colleague)
    other.defaults[TOKEN_META] = owner.defaults[TOKEN_META]
    response = other.get("/api/v1/field/day")
    assert response.status_code == 403 and _shows_nobody(response, trip)
    assert response.json()["device"] == {"id": "", "state": "other_user", "user_id": colleague.pk, "token": "",
                                         "message": response.json()["detail"]}
    sent = post(other, [item("visit.start", stop)], device_id=owner.field_device_id)
    assert sent.status_code == 403 and not SyncItem.objects.exists()
    # On a laptop the team shares, the colleague's own first load gets a token of their own.
    assert laptop(other).status_code == 200
    assert Device.objects.filter(user=colleague).count() == 1


def test_a_copied_token_is_refused_while_its_login_lives_and_follows_a_new_login(world, trip):
    admin = world.users["field_admin"]
    client = new_laptop(admin)
    laptop(client)
    token = client.defaults[TOKEN_META]
    copy = new_laptop(admin)
    copy.defaults[TOKEN_META] = token
    response = copy.get("/api/v1/field/day")
    assert response.status_code == 403 and response.json()["device"]["state"] == "other_session"
    assert _shows_nobody(response, trip)
    # The laptop logs out and in again: the same token now works in the new login (and not in the old).
    client.logout()
    client.force_login(admin)
    client.defaults[TOKEN_META] = token
    assert client.get("/api/v1/field/day").status_code == 200
    assert Device.objects.get().session_key == client.session.session_key
    assert copy.get("/api/v1/field/day").status_code == 403


def test_a_new_laptop_waits_for_the_coordinators_approval_where_the_community_wants_it(world, trip, stop, login):
    world.a.field_devices_need_approval = True
    world.a.save(update_fields=["field_devices_need_approval"])
    client = new_laptop(world.users["field_admin"])
    response = laptop(client)
    assert response.status_code == 403 and _shows_nobody(response, trip)
    refused = response.json()
    assert refused["device"]["state"] == "pending" and refused["device"]["token"]  # kept by the laptop
    assert "ще не підтвердив координатор" in refused["detail"] and "0 800 111 111" in refused["detail"]
    device = Device.objects.get()
    assert device.pending and device.approved_at is None
    assert day(client).status_code == 403
    sent = post(client, [item("visit.start", stop)])
    assert sent.status_code == 403 and sent.json()["device"]["state"] == "pending"
    assert not SyncItem.objects.exists()  # nothing is stored: the laptop keeps it and sends it once approved

    coordinator = login(world.users["coordinator"])
    page = coordinator.get("/staff/field/devices/").content.decode()
    assert "Чекає вашого підтвердження" in page and "Підтвердити ноутбук" in page
    coordinator.post(f"/staff/field/devices/{device.pk}/approve/")
    device.refresh_from_db()
    assert not device.pending and device.approved_by == world.users["coordinator"]
    assert day(client).status_code == 200
    assert post(client, [item("visit.start", stop)]).status_code == 200


def test_approving_is_for_pending_devices_of_the_own_community(world, trip, login):
    client = new_laptop(world.users["field_admin"])
    laptop(client)
    device = Device.objects.get()
    with pytest.raises(devices.ReviewError):
        devices.approve_device(device, world.users["coordinator"])  # already works
    world.a.field_devices_need_approval = True
    world.a.save(update_fields=["field_devices_need_approval"])
    other = new_laptop(world.users["field_admin"])
    laptop(other)
    pending = Device.objects.get(pending=True)
    assert login(world.b_coordinator).post(f"/staff/field/devices/{pending.pk}/approve/").status_code == 404
    pending.refresh_from_db()
    assert pending.pending


def test_the_coordinator_sets_the_rules_for_laptops(world, login):
    client = login(world.users["coordinator"])
    response = client.post("/staff/field/devices/settings/", {
        "field_devices_need_approval": "on", "field_clock_before_hours": "3", "field_clock_after_hours": "8"},
        follow=True)
    assert "збережено" in response.content.decode()
    world.a.refresh_from_db()
    assert world.a.field_devices_need_approval and (world.a.field_clock_before_hours,
                                                    world.a.field_clock_after_hours) == (3, 8)
    response = client.post("/staff/field/devices/settings/", {"field_clock_before_hours": "999",
                                                              "field_clock_after_hours": "-1"}, follow=True)
    assert "не збережено" in response.content.decode()
    world.a.refresh_from_db()
    assert world.a.field_devices_need_approval and world.a.field_clock_before_hours == 3
    assert login(world.users["field_admin"]).post("/staff/field/devices/settings/", {}).status_code == 403


def test_revoked_mid_day_the_laptops_work_still_reaches_the_coordinator(world, trip, stop, login):
    """Revoke mid-day → the next sync is logged out → a new login → the outbox still sends with the
    old (revoked) token → held for review, day refused; a new laptop of the same person is a new device."""
    admin = world.users["field_admin"]
    client = new_laptop(admin)
    laptop(client)
    session_key = client.session.session_key
    assert post(client, [item("visit.start", stop, seq=1)]).status_code == 200
    device = Device.objects.get()
    devices.revoke_device(device, world.users["coordinator"], "Ноутбук залишили в автобусі")
    assert not Session.objects.filter(session_key=session_key).exists()  # its login is over

    waiting = [accept(world, stop, seq=2), outcome(stop, "served", seq=3)]
    assert post(client, waiting).status_code == 401  # logged out: the outbox keeps the items
    client.force_login(admin)  # the person logs in again on the same laptop
    sent = post(client, waiting)
    assert sent.status_code == 403
    answer = sent.json()
    assert answer["device"]["revoked"] and "Ноутбук залишили в автобусі" in answer["device"]["message"]
    assert [r["code"] for r in answer["results"]] == ["device_revoked", "device_revoked"]
    assert not Case.objects.exists() and Visit.objects.get().outcome == ""  # never applied
    held = SyncItem.objects.filter(state="refused", code="device_revoked")
    assert held.count() == 2 and {h.device_id for h in held} == {device.pk}
    refused_day = day(client)
    assert refused_day.status_code == 403 and refused_day.json()["device"]["state"] == "revoked"
    assert _shows_nobody(refused_day, trip)
    review = login(world.users["coordinator"]).get("/staff/field/").content.decode()
    assert "device_revoked" in review and stop.request.number in review

    # A brand-new laptop (no token) of the same person: a new device, pending where approval is on.
    world.a.field_devices_need_approval = True
    world.a.save(update_fields=["field_devices_need_approval"])
    fresh = new_laptop(admin)
    response = laptop(fresh)
    assert response.status_code == 403 and response.json()["device"]["state"] == "pending"
    assert Device.objects.filter(user=admin).count() == 2


def test_revoking_ends_only_the_login_on_that_laptop(world, trip):
    admin = world.users["field_admin"]
    lost, kept = new_laptop(admin), new_laptop(admin)
    laptop(lost)
    laptop(kept)
    devices.revoke_device(Device.objects.get(pk=lost.field_device_id), world.users["coordinator"], "Загубили")
    assert day(lost).status_code == 401
    assert day(kept).status_code == 200


FIELD_ANSWERS = [
    ("get", "/api/v1/field/day", {}),
    ("get", "/api/v1/field/day?date=2026-02-30", {}),
    ("post", "/api/v1/field/sync", {"data": "{}", "content_type": "application/json"}),
    ("post", "/api/v1/field/sync", {"data": "x" * 100, "content_type": "application/json",
                                    "CONTENT_LENGTH": str(50 * 2**20)}),
    ("get", f"/api/v1/field/attachments/{uuid.uuid4()}", {}),
    ("put", f"/api/v1/field/attachments/{uuid.uuid4()}?offset=0", {"data": b"", "content_type": "application/octet-stream"}),
]


@pytest.mark.parametrize("who", ["anonymous", "field_admin", "field_admin with token", "operator"])
def test_no_field_api_answer_may_be_cached(world, trip, who):
    client = Client(raise_request_exception=False)
    if who != "anonymous":
        client.force_login(world.users[who.split()[0]])
    if who.endswith("token"):
        laptop(client)
    statuses = set()
    for method, url, kwargs in FIELD_ANSWERS:
        response = getattr(client, method)(url, **kwargs)
        statuses.add(response.status_code)
        cache_control = response.get("Cache-Control", "")
        assert "no-store" in cache_control and "private" in cache_control, (who, method, url, response.status_code)
    if who == "field_admin with token":
        assert {200, 400, 404, 413} <= statuses  # answers and errors alike

"""The coordinator's pages: what waits for a decision, apply anyway / close with a note, devices."""

import pytest

from audit.models import AccessLog
from field.models import Device, SyncItem
from field.tests.factories import published_trip
from field.tests.syncing import accept, item, send
from journal.models import Case
from visits import actions as visit_actions
from visits.models import RejectReason

pytestmark = pytest.mark.usefixtures("no_case_files")


@pytest.fixture
def held(world):
    """An acceptance held because the request was withdrawn meanwhile, and a quarantined item."""
    stop = published_trip(world).stops.order_by("position").first()
    visit_actions.reject(stop.request, by=world.users["coordinator"], reason=RejectReason.WITHDRAWN)
    send(world.users["field_admin"], [accept(world, stop, seq=1),
                                      item("visit.payment", stop, {"amount": "-1"}, seq=2)])
    return stop


def test_the_coordinator_sees_what_waits_with_what_was_sent(world, held, login):
    response = login(world.users["coordinator"]).get("/staff/field/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Зареєструвати попри конфлікт" in html and "Закрити з приміткою" in html
    assert held.request.number in html and held.request.applicant_name in html
    assert "request_withdrawn" in html and "Що надіслав ноутбук" in html and "provisional_number" in html
    assert "Дії з виїзду" in html  # the navigation link
    assert AccessLog.objects.filter(user=world.users["coordinator"], object_id=str(held.request.pk)).exists()


def test_register_anyway(world, held, login):
    conflict = SyncItem.objects.get(state="conflict")
    client = login(world.users["coordinator"])
    response = client.post(f"/staff/field/items/{conflict.pk}/apply/", follow=True)
    assert "Дію застосовано" in response.content.decode()
    conflict.refresh_from_db()
    assert conflict.state == "resolved" and Case.objects.count() == 1
    assert "Вирішені" in client.get("/staff/field/?show=resolved").content.decode()


def test_applying_bad_data_says_why(world, held, login):
    bad = SyncItem.objects.get(state="quarantined")
    response = login(world.users["coordinator"]).post(f"/staff/field/items/{bad.pk}/apply/", follow=True)
    assert "неправильні" in response.content.decode()
    bad.refresh_from_db()
    assert bad.state == "quarantined"


def test_close_with_a_note(world, held, login):
    bad = SyncItem.objects.get(state="quarantined")
    client = login(world.users["coordinator"])
    response = client.post(f"/staff/field/items/{bad.pk}/close/", {"note": ""}, follow=True)
    assert "Напишіть" in response.content.decode()
    client.post(f"/staff/field/items/{bad.pk}/close/", {"note": "Помилка ноутбука, оплату внесено вручну"})
    bad.refresh_from_db()
    assert bad.state == "resolved" and bad.resolution == "Помилка ноутбука, оплату внесено вручну"


def test_another_community_gets_404_and_sees_nothing(world, held, login):
    client = login(world.b_coordinator)
    conflict = SyncItem.objects.get(state="conflict")
    assert held.request.applicant_name not in client.get("/staff/field/").content.decode()
    assert client.post(f"/staff/field/items/{conflict.pk}/apply/").status_code == 404
    assert client.post(f"/staff/field/items/{conflict.pk}/close/", {"note": "x"}).status_code == 404
    device = Device.objects.get()
    assert client.post(f"/staff/field/devices/{device.pk}/revoke/", {"reason": "x"}).status_code == 404
    conflict.refresh_from_db()
    device.refresh_from_db()
    assert conflict.state == "conflict" and device.revoked_at is None


def test_devices_and_revoke(world, held, login):
    device = Device.objects.get()
    client = login(world.users["coordinator"])
    page = client.get("/staff/field/devices/").content.decode()
    assert "Працює" in page and "Відкликати доступ" in page
    response = client.post(f"/staff/field/devices/{device.pk}/revoke/", {"reason": ""}, follow=True)
    assert "Напишіть, чому" in response.content.decode()
    client.post(f"/staff/field/devices/{device.pk}/revoke/", {"reason": "Ноутбук загубили"})
    device.refresh_from_db()
    assert device.revoked_at and device.revoked_by == world.users["coordinator"]
    assert "Ноутбук загубили" in client.get("/staff/field/devices/").content.decode()


@pytest.mark.parametrize("role", ["field_admin", "operator"])
def test_others_may_not_review(world, held, login, role):
    client = login(world.users[role])
    assert client.get("/staff/field/").status_code == 403
    conflict = SyncItem.objects.get(state="conflict")
    assert client.post(f"/staff/field/items/{conflict.pk}/apply/").status_code == 403

"""The request page's map and the operator's pin (POST /staff/requests/<pk>/location/)."""

import json
from decimal import Decimal

import pytest

from addresses.models import LocationSource
from audit.models import AccessLog
from conftest import make_request
from visits import actions
from visits.models import Status, VisitRequest

pytestmark = pytest.mark.django_db


def url(req):
    return f"/staff/requests/{req.pk}/location/"


@pytest.fixture
def approximate(world):
    # An unknown house: at the settlement's centre, approximate.
    return make_request(world, street="вул. Невідома", building="1", latitude=None, longitude=None)


def test_the_page_shows_the_map_the_flag_and_the_form(world, approximate, client, login):
    login(world.users["operator"])
    page = client.get(f"/staff/requests/{approximate.pk}/").content.decode()
    assert 'id="request-map"' in page and 'id="pin-form"' in page and "request-map.js" in page
    assert "приблизно" in page and "у центрі населеного пункту" in page
    start = page.index('id="request-map-data"')
    data = json.loads(page[page.index(">", start) + 1:page.index("</script>", start)])
    assert data["at"] == [48.5, 35.0] and data["approximate"] is True


def test_the_pin_is_saved_as_manual_with_history(world, approximate, client, login):
    login(world.users["operator"])
    answer = client.post(url(approximate), {"latitude": "48.5123456789", "longitude": "35.0123456"})
    assert answer.status_code == 302 and answer["Location"].endswith(f"/staff/requests/{approximate.pk}/#location")
    req = VisitRequest.objects.get(pk=approximate.pk)
    assert (req.latitude, req.longitude) == (Decimal("48.512346"), Decimal("35.012346"))
    assert (req.location_source, req.location_approximate) == (LocationSource.MANUAL, False)
    assert req.version == approximate.version + 1
    last = req.history.last()
    assert last.by == world.users["operator"] and "перенесено вручну: 48.512346, 35.012346" in last.comment
    assert last.to_status == last.from_status == req.status
    assert AccessLog.objects.filter(user=world.users["operator"], object_id=str(req.pk)).exists()


@pytest.mark.parametrize(("lat", "lon", "message"), [
    ("35.0", "48.5", "переплутано"),
    ("55.75", "37.61", "поза Україною"),
    ("north", "35.0", "Широта — це число"),
    ("", "35.0", "Поставте позначку"),
])
def test_bad_points_change_nothing(world, approximate, client, login, lat, lon, message):
    login(world.users["operator"])
    answer = client.post(url(approximate), {"latitude": lat, "longitude": lon}, follow=True)
    assert message in answer.content.decode()
    req = VisitRequest.objects.get(pk=approximate.pk)
    assert (req.latitude, req.location_source, req.version) == (Decimal("48.5"), LocationSource.SETTLEMENT,
                                                               approximate.version)


def test_only_staff_who_take_requests_may_pin(world, approximate, client, login):
    login(world.users["partner"])
    assert client.post(url(approximate), {"latitude": "48.51", "longitude": "35.01"}).status_code == 403
    login(world.b_coordinator)
    assert client.post(url(approximate), {"latitude": "48.51", "longitude": "35.01"}).status_code == 404
    client.logout()
    assert client.post(url(approximate), {"latitude": "48.51", "longitude": "35.01"}).status_code == 302
    assert VisitRequest.objects.get(pk=approximate.pk).location_source == LocationSource.SETTLEMENT


def test_a_get_is_not_allowed(world, approximate, client, login):
    login(world.users["operator"])
    assert client.get(url(approximate)).status_code == 405


def test_a_rejected_request_is_not_pinned(world, approximate, client, login):
    actions.reject(approximate, by=world.users["coordinator"], reason="duplicate")
    login(world.users["operator"])
    client.post(url(approximate), {"latitude": "48.51", "longitude": "35.01"})
    assert VisitRequest.objects.get(pk=approximate.pk).status == Status.REJECTED
    assert VisitRequest.objects.get(pk=approximate.pk).location_source == LocationSource.SETTLEMENT


def test_an_edit_form_opened_before_the_pin_cannot_put_the_old_point_back(world, approximate, client, login):
    from conftest import intake_post_data

    login(world.users["operator"])
    old_version = VisitRequest.objects.get(pk=approximate.pk).version
    client.post(url(approximate), {"latitude": "48.51", "longitude": "35.01"})
    answer = client.post(f"/staff/requests/{approximate.pk}/edit/", intake_post_data(
        world, version=str(old_version), latitude="48.5", longitude="35.0"))
    assert "Ваші зміни не збережено" in answer.content.decode()
    assert VisitRequest.objects.get(pk=approximate.pk).latitude == Decimal("48.510000")

"""Impossible dates from a query string or a form (issue 9, finding 7): a clear 400 or a message on
the page, never a 500. Every view that reads a date from what a person sent is here; the lists that
read none must ignore a date parameter just as calmly."""

import re

import pytest
from django.test import Client

from core.dates import iso_date
from field.tests.syncing import laptop
from planning.tests.conftest import fixed_point, session  # noqa: F401 - fixtures

JUNK = ["2026-02-30", "2026-13-01", "2026-00-10", "0", "-1", "2026-W07-1", "20260212", "2026-2-3",
        "２０２６-０２-１２", "0000-01-01", "x" * 5000, "2026-02-12" * 400, "'; DROP TABLE--", "\x00"]
FAR = "9999-12-31"  # a real date: the field day has no trips then; no planning week can be that far
CYRILLIC = re.compile("[а-яіїєґ]", re.IGNORECASE)


def test_iso_date_reads_only_real_dates_written_as_yyyy_mm_dd():
    assert iso_date("2028-02-29").isoformat() == "2028-02-29"
    for value in [*JUNK, "", None, 20260212, "2027-02-29"]:
        assert iso_date(value) is None, value
    assert iso_date(FAR) is not None  # a real date; a caller bounds the years it can use


@pytest.fixture
def field_admin(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.users["field_admin"])
    laptop(client)
    return client


@pytest.fixture
def coordinator(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.users["coordinator"])
    return client


@pytest.mark.parametrize("value", JUNK, ids=lambda v: v[:20])
def test_the_field_day_of_an_impossible_date_is_400_with_a_message(world, field_admin, value):
    response = field_admin.get("/api/v1/field/day", {"date": value})
    assert response.status_code == 400, response.content[:200]
    assert "Такої дати немає" in response.json()["detail"] and "РРРР-ММ-ДД" in response.json()["detail"]


def test_the_field_day_without_a_date_is_today_and_a_far_one_has_no_trips(world, field_admin):
    assert field_admin.get("/api/v1/field/day", {"date": ""}).status_code == 200
    far = field_admin.get("/api/v1/field/day", {"date": FAR})
    assert far.status_code == 200 and far.json()["trips"] == []


@pytest.mark.parametrize("value", [*JUNK, FAR, "1999-12-27"], ids=lambda v: v[:20])
def test_the_planning_board_of_an_impossible_week_is_400_with_a_message(world, coordinator, value):
    response = coordinator.get("/staff/planning/", {"week": value})
    assert response.status_code == 400
    assert "Такого тижня немає" in response.content.decode()


def test_the_planning_board_without_a_week_is_next_week(world, coordinator):
    assert coordinator.get("/staff/planning/", {"week": ""}).status_code == 200
    assert coordinator.get("/staff/planning/", {"week": "2026-02-12"}).status_code == 200


@pytest.mark.parametrize("value", JUNK, ids=lambda v: v[:20])
def test_a_booking_link_with_an_impossible_date_explains_on_the_page(world, session, value):  # noqa: F811
    response = Client().get("/gromada-a/points/book/", {"session": session.pk, "date": value, "start": "10:00"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="slot-problem"' in html and 'name="applicant_name"' not in html


@pytest.mark.parametrize("value", JUNK, ids=lambda v: v[:20])
def test_a_booking_form_posted_with_an_impossible_date_is_a_form_error(world, session, value):  # noqa: F811
    response = Client().post("/gromada-a/points/book/", {
        "session": str(session.pk), "date": value, "start": "10:00", "applicant_name": "Мельник Ніна Петрівна",
        "applicant_birth_date": "05.03.1941", "phone": "067 123 45 67", "consent": "on",
        "warning_acknowledged": "on"})
    assert response.status_code == 200 and CYRILLIC.search(response.content.decode())
    assert 'id="slot-problem"' in response.content.decode() or "error" in response.content.decode()


@pytest.mark.parametrize("url", ["/staff/requests/", "/staff/journal/", "/staff/access-log/", "/staff/outbox/",
                                 "/staff/field/", "/staff/field/devices/"])
def test_the_lists_ignore_a_date_they_do_not_read(world, coordinator, url):
    for value in JUNK:
        response = coordinator.get(url, {"date": value, "week": value, "from": value, "to": value})
        assert response.status_code == 200, (url, value[:20], response.status_code)

"""Issue 12: the public schedule per community and per settlement — days of published plans (never a
name or an address), fixed-point sessions with their free slots, how to order, what to prepare — and
its printable A4 notice with a QR code to the request form. Rate-limited like the other public pages."""

import datetime

import pytest
from django.test import Client

from conftest import make_request
from demo.trips import published_trip
from field.tests.factories import field_team
from planning import actions, slots
from planning.models import Plan
from planning.schedule_views import notice_html
from visits import actions as visit_actions


@pytest.fixture
def visit_day(world):
    req = make_request(
        world, settlement=world.village, applicant_name="Мельник Ніна Петрівна", street="вул. Вишнева", building="17"
    )
    visit_actions.accept(req, by=world.users["coordinator"])
    day = actions.next_monday() + datetime.timedelta(days=3)
    published_trip(field_team(world), day, [req], by=world.users["coordinator"])
    return day


def test_the_settlement_page_shows_the_published_days_and_never_a_person(client, world, visit_day, session):
    response = client.get(f"/{world.a.slug}/schedule/{world.village.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert visit_day.strftime("%d.%m.%Y") in html
    for private in ("Мельник", "Ніна", "Вишнева", world.req.applicant_name, "Шевченка"):
        assert private not in html
    # The fixed point's session with its free slots, and a way to book.
    first = slots.session_dates(session, weeks=4)[0]
    assert first.strftime("%d.%m.%Y") in html and "вільних місць — 9" in html
    assert f"/{world.a.slug}/points/{session.fixed_point.pk}/" in html
    # How to order and what to prepare.
    assert f"/{world.a.slug}/request/" in html and "Що підготувати" in html and world.a.phone in html
    assert f"/{world.a.slug}/schedule/{world.village.pk}/notice.pdf" in html


def test_a_draft_or_superseded_plan_is_never_shown(client, world, visit_day):
    Plan.objects.filter(week__community=world.a).update(state=Plan.State.APPROVED)
    html = client.get(f"/{world.a.slug}/schedule/{world.village.pk}/").content.decode()
    assert visit_day.strftime("%d.%m.%Y") not in html
    Plan.objects.filter(week__community=world.a).update(state=Plan.State.SUPERSEDED)
    assert visit_day.strftime("%d.%m.%Y") not in client.get(f"/{world.a.slug}/schedule/").content.decode()


def test_the_community_page_lists_every_settlement(client, world, visit_day):
    html = client.get(f"/{world.a.slug}/schedule/").content.decode()
    assert "Далеке" in html and "Місто" in html and visit_day.strftime("%d.%m.%Y") in html
    assert "Інше місто" not in html
    assert f"/{world.a.slug}/schedule/{world.village.pk}/" in html


def test_another_communitys_settlement_is_not_found(client, world):
    assert client.get(f"/{world.a.slug}/schedule/{world.b_city.pk}/").status_code == 404
    assert client.get(f"/{world.a.slug}/schedule/{world.b_city.pk}/notice.pdf").status_code == 404
    assert client.get("/no-such-community/schedule/").status_code == 404
    assert client.get(f"/{world.a.slug}/schedule/99999999999999999999/").status_code == 404


def test_a_post_is_refused(client, world):
    assert client.post(f"/{world.a.slug}/schedule/").status_code == 405


def test_the_pages_are_rate_limited_per_address(world, settings):
    settings.VALIZA_PUBLIC_SCHEDULE_LIMIT = 3
    client = Client(REMOTE_ADDR="203.0.113.7")
    codes = [client.get(f"/{world.a.slug}/schedule/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert Client(REMOTE_ADDR="203.0.113.8").get(f"/{world.a.slug}/schedule/").status_code == 200


def test_the_notice_is_an_a4_pdf_with_a_qr_code_to_the_request_form(client, world, visit_day, settings):
    settings.VALIZA_PUBLIC_URL = "https://valiza.example.org"
    html = notice_html(world.a, world.village)
    assert "<svg" in html and "https://valiza.example.org/gromada-a/request/" in html
    assert world.a.phone in html and visit_day.strftime("%d.%m.%Y") in html and "size: A4" in html
    assert "Мельник" not in html and "Вишнева" not in html
    response = client.get(f"/{world.a.slug}/schedule/{world.village.pk}/notice.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_notice_is_rate_limited_more_strictly(world, settings):
    settings.VALIZA_PUBLIC_NOTICE_LIMIT = 1
    client = Client(REMOTE_ADDR="203.0.113.9")
    url = f"/{world.a.slug}/schedule/{world.village.pk}/notice.pdf"
    assert [client.get(url).status_code for _ in range(2)] == [200, 429]

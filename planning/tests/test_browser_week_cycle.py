"""Issue 10, "Done when", in a real browser: a request typed on the public form with only a street
address lands on the map at its house from the demo register, is planned, published once, served on
the laptop, and does not come back in the next week's plan.

The story spans two weeks, so the clock is moved (not frozen: time-machine ticks, and the live server's
thread shares it; the browser's clock is moved with Playwright's) to fixed moments of an ordinary week,
never today: the citizen writes on a Wednesday, the coordinator plans the coming week before Friday's
cut-off, the team works the visit day, and on the following Friday the next week is planned.
"""

import datetime
import json
import zoneinfo
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from playwright.sync_api import expect

from addresses.register import import_rows, read_rows
from communities.models import Settlement
from field.tests.browser_client import SYNC_TIMEOUT_MS, by, open_client
from notifications.models import OutboxMessage
from planning import actions
from planning.models import Plan, Stop, Unplanned
from teams.models import Suitcase, Team, TeamShift, Vehicle
from visits.models import Status, VisitRequest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.solver]

KYIV = zoneinfo.ZoneInfo("Europe/Kyiv")
# An ordinary week in February: no public holiday, no clock change, the cut-off on Friday the 12th.
MONDAY = datetime.date(2027, 2, 15)
WRITES = datetime.datetime(2027, 2, 10, 9, 0, tzinfo=KYIV)  # the Wednesday before
NEXT_FRIDAY = datetime.datetime.combine(MONDAY + datetime.timedelta(days=4), datetime.time(11), tzinfo=KYIV)
# The demo register (what `load_demo` imports): its house of вулиця Соборна, 7 in м. Вербівка.
REGISTER = Path(django_settings.BASE_DIR) / "demo" / "data" / "verbivka-addresses.csv"
HOUSE = (Decimal("48.507230"), Decimal("34.990682"))


class Clock:
    """The server's clock at a fixed moment, ticking; moved forward as the story goes."""

    def __init__(self):
        self.traveller = None

    def go(self, moment):
        self.stop()
        self.traveller = time_machine.travel(moment, tick=True)
        self.traveller.start()

    def stop(self):
        if self.traveller is not None:
            self.traveller.stop()
            self.traveller = None


@pytest.fixture
def clock():
    c = Clock()
    yield c
    c.stop()


@pytest.fixture
def verbivka(live_world):
    """The test community with the demo register's town and its houses, and one team with a car."""
    w = live_world
    town = Settlement.objects.create(community=w.a, name="м. Вербівка", latitude=Decimal("48.5068"),
                                     longitude=Decimal("34.9895"))
    # The demo register holds three settlements; this community has only the town: the rest is refused.
    report = import_rows(w.a, read_rows(REGISTER.read_bytes(), REGISTER.name), source=REGISTER.name, skip_bad=True)
    assert report.taken >= 900
    office = w.a.offices.get()
    team = Team.objects.create(community=w.a, name="Команда Вербівка", office=office,
                               vehicle=Vehicle.objects.create(community=w.a, name="Рено", plate="АЕ 1234 КК"),
                               suitcase=Suitcase.objects.create(community=w.a, name="Валіза 1"))
    team.members.set([w.users["field_admin"]])
    for weekday in range(5):
        TeamShift.objects.create(team=team, weekday=weekday, start=datetime.time(9), end=datetime.time(17))
    return w, town, team


def test_a_web_request_is_placed_planned_published_once_served_and_not_planned_again(
        verbivka, page, staff_login, clock, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    w, town, team = verbivka
    coordinator = w.users["coordinator"]

    # Wednesday: a neighbour's request on the public form, with a street and a house, no coordinates.
    clock.go(WRITES)
    page.goto("/gromada-a/request/")
    page.get_by_label("Прізвище, ім'я, по батькові").fill("Коваль Петро Миколайович")
    page.get_by_label("Дата народження").fill("01.02.1941")
    page.get_by_label("Особа з інвалідністю I групи").check()
    page.get_by_label("Є документ, що підтверджує категорію").check()
    page.get_by_label("Телефон", exact=True).fill("067 555 12 34")
    page.get_by_label("Населений пункт").select_option(label="м. Вербівка")
    page.get_by_label("Вулиця").fill("Соборна")
    page.get_by_label("Будинок").fill("7")
    page.get_by_role("checkbox", name="Довідка про зареєстрованих").check()
    page.get_by_label("Я згоден (згодна)").check()
    page.get_by_label("Мене попереджено").check()
    page.get_by_role("button", name="Надіслати заявку").click()
    number = page.locator("#request-number").inner_text().strip()
    req = VisitRequest.objects.get(number=number)
    assert (req.latitude, req.longitude) == HOUSE
    assert req.location_source == "register" and not req.location_approximate

    # The coordinator sees it on the request's map at the house, and accepts it.
    staff_login(page, coordinator)
    page.goto(f"/staff/requests/{req.pk}/")
    expect(page.locator("#request-map")).to_be_visible()
    expect(page.locator("#request-map .leaflet-marker-icon")).to_have_count(1)
    at = json.loads(page.locator("#request-map-data").text_content())["at"]
    assert [Decimal(str(x)).quantize(Decimal("0.000001")) for x in at] == list(HOUSE)
    page.locator("#action-accepted").check()
    page.get_by_role("button", name="Зберегти рішення").click()
    req.refresh_from_db()
    assert req.status == Status.ACCEPTED

    # Planned on the board for the coming week, at the house on the board's map, then published.
    page.goto(f"/staff/planning/?week={MONDAY.isoformat()}")
    page.get_by_label("Скільки секунд шукати найкращі маршрути").fill("1")
    page.get_by_role("button", name="Спланувати тиждень").click()
    page.wait_for_selector('[data-plan-state="draft"]', timeout=30_000)
    expect(page.locator(f'tr[data-request="{req.pk}"]')).to_have_count(1)
    board = json.loads(page.locator("#board-map-data").text_content())
    stops = [s for trip in board["trips"] for s in trip["stops"]]
    assert any([Decimal(str(x)).quantize(Decimal("0.000001")) for x in s["at"]] == list(HOUSE) for s in stops)
    page.get_by_role("button", name="Затвердити план").click()
    page.wait_for_selector('[data-plan-state="approved"]')
    page.get_by_role("button", name="Оприлюднити і надіслати SMS").click()
    expect(page.locator('#publish-counts [data-count="schedule"]')).to_contain_text("1")
    page.get_by_role("button", name="Так, оприлюднити і надіслати SMS").click()
    page.wait_for_selector('[data-plan-state="published"]')
    stop = Stop.objects.select_related("trip").get(request=req, trip__plan__state=Plan.State.PUBLISHED)
    schedule = OutboxMessage.objects.filter(kind="schedule", recipient="+380675551234")
    assert schedule.count() == 1
    assert "Петро К." in schedule.get().text

    # The visit day: the field administrator loads the day on the laptop and serves the person.
    visit_at = datetime.datetime.combine(stop.trip.day, datetime.time(12), tzinfo=KYIV)
    clock.go(visit_at)
    page.context.clear_cookies()
    page.clock.install(time=visit_at)
    open_client(page, staff_login, w.users["field_admin"])
    by(page, "load-day").click()
    expect(by(page, "stop-1")).to_contain_text("Соборна")
    by(page, "open-stop-1").click()
    by(page, "visit-start").click()
    by(page, "visit-started").wait_for()
    by(page, f"accept-{w.svc_cert.pk}").click()
    by(page, f"number-{w.svc_cert.pk}").wait_for()
    by(page, "outcome-served").check()
    by(page, "outcome-save").click()
    page.wait_for_selector("[data-testid=stop-status-1]:has-text('Обслуговано')")
    by(page, "nav-outbox").click()
    by(page, "sync-now").click()
    expect(page.locator("[data-testid=outbox-item]:not([data-state=sent])")).to_have_count(0,
                                                                                             timeout=SYNC_TIMEOUT_MS)
    req.refresh_from_db()
    assert req.status == Status.SERVED

    # The next Friday, after the cut-off: the following week is planned without it, and no new SMS.
    clock.go(NEXT_FRIDAY)
    page.context.clear_cookies()
    staff_login(page, coordinator)
    following = MONDAY + datetime.timedelta(days=7)
    page.goto(f"/staff/planning/?week={following.isoformat()}")
    expect(page.locator(f'[data-request="{req.pk}"]')).to_have_count(0)
    page.get_by_label("Скільки секунд шукати найкращі маршрути").fill("1")
    page.get_by_role("button", name="Спланувати тиждень").click()
    page.wait_for_selector('[data-plan-state="draft"]', timeout=30_000)
    plan = Plan.objects.get(week=actions.week_for(w.a, following), state=Plan.State.DRAFT)
    assert not Stop.objects.filter(trip__plan=plan, request=req).exists()
    assert not Unplanned.objects.filter(plan=plan, request=req).exists()
    assert schedule.count() == 1
    assert Stop.objects.filter(request=req).count() == 1

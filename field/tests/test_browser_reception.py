"""Issue 12, "Done when" (the fixed-point part), in a real browser: a citizen books a slot on the web,
another books and then cancels by number and phone (the slot is free again), the coordinator plans
and publishes the week, and on the day the laptop works the session OFFLINE — the booked person and a
walk-in served — syncs, and both have journal cases.

The clock is moved to fixed moments of an ordinary week (as planning/tests/test_browser_week_cycle.py).
"""

import datetime
import re
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from playwright.sync_api import expect

from field.models import Attendee
from field.tests.browser_client import SYNC_TIMEOUT_MS, by, go_offline, open_client
from journal.models import Case
from planning.models import FixedPoint, Plan, Session, SessionBooking, Stop
from teams.models import Suitcase, Team, TeamShift, Vehicle
from visits.models import Channel, Status
from visits.tests.test_browser import assert_accessible

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.solver]

KYIV = zoneinfo.ZoneInfo("Europe/Kyiv")
MONDAY = datetime.date(2027, 2, 15)  # an ordinary week: no holiday, no clock change
TUESDAY = MONDAY + datetime.timedelta(days=1)
BOOKS = datetime.datetime(2027, 2, 10, 9, 0, tzinfo=KYIV)  # the Wednesday before
SESSION_DAY = datetime.datetime.combine(TUESDAY, datetime.time(10, 5), tzinfo=KYIV)
SLUG = "gromada-a"


class Clock:
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
def reception(live_world):
    w = live_world
    team = Team.objects.create(community=w.a, name="Команда Далеке", office=w.a.offices.get(),
                               vehicle=Vehicle.objects.create(community=w.a, name="Рено", plate="АЕ 1234 КК"),
                               suitcase=Suitcase.objects.create(community=w.a, name="Валіза 1"))
    team.members.set([w.users["field_admin"]])
    for weekday in range(5):
        TeamShift.objects.create(team=team, weekday=weekday, start=datetime.time(9), end=datetime.time(17))
    point = FixedPoint.objects.create(community=w.a, settlement=w.village, name="Будинок культури с. Далеке",
                                      address="вул. Центральна, 12", latitude=Decimal("48.46"),
                                      longitude=Decimal("35.06"))
    session = Session.objects.create(fixed_point=point, weekday=TUESDAY.weekday(), start=datetime.time(10),
                                     end=datetime.time(12), slot_minutes=20, team=team)
    return w, point, session


def book(page, point, start, name, phone, service=None):
    page.goto(f"/{SLUG}/points/{point.pk}/")
    page.locator(f"#session-{point.sessions.get().pk} ul.slots").first.get_by_role(
        "link", name=re.compile(f"^{start}")).click()
    page.get_by_label("Прізвище, ім'я, по батькові").fill(name)
    page.get_by_label("Дата народження").fill("05.03.1941")
    page.get_by_label("Телефон").fill(phone)
    if service:
        page.get_by_label("Яка послуга потрібна").select_option(label=service)
    page.get_by_label("Я згоден (згодна)").check()
    page.get_by_label("Мене попереджено").check()
    page.get_by_role("button", name="Записатися").click()
    expect(page).to_have_url(re.compile(rf"/{SLUG}/points/booked/$"))
    return page.locator("#booking-number").inner_text().strip()


def test_a_booked_person_and_a_walk_in_are_served_offline_at_a_fixed_point(reception, page, staff_login, clock,
                                                                            settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    w, point, session = reception

    # The Wednesday before: two citizens book on the web; the second cancels by number and phone.
    clock.go(BOOKS)
    first = book(page, point, "10:00", "Мельник Ніна Петрівна", "067 123 45 67", service=w.svc_cert.name)
    second = book(page, point, "10:20", "Шевчук Іван Петрович", "050 111 22 33")
    assert first.startswith("З-") and second.startswith("З-")
    page.goto(f"/{SLUG}/points/{point.pk}/")
    expect(page.locator(f"#session-{session.pk} ul.slots").first.get_by_role("link", name=re.compile("^10:20"))) \
        .to_have_count(0)  # taken
    page.goto(f"/{SLUG}/points/my/?n={second[2:]}")
    expect(page.get_by_label("Номер запису")).to_have_value(second[2:])
    page.get_by_label("Номер телефону, з яким ви записувалися").fill("050 999 99 99")  # a wrong phone first
    page.get_by_role("button", name="Знайти запис").click()
    expect(page.locator("#booking-problem")).to_contain_text("не знайдено")
    assert_accessible(page, "booking not found")
    page.get_by_label("Номер запису").fill(second)
    page.get_by_label("Номер телефону, з яким ви записувалися").fill("050 111 22 33")
    page.get_by_role("button", name="Знайти запис").click()
    assert_accessible(page, "my booking")
    page.get_by_role("button", name="Скасувати запис").click()
    expect(page.locator("#booking-done")).to_contain_text("Запис скасовано")
    # The status page finds the booking by its number and phone too.
    page.goto(f"/{SLUG}/status/")
    page.get_by_label("Номер заявки або запису").fill(second)
    page.get_by_label("Номер телефону").fill("050 111 22 33")
    page.get_by_role("button", name="Перевірити").click()
    expect(page.locator("#status-result")).to_contain_text("Скасовано")
    assert_accessible(page, "status of a booking")
    assert SessionBooking.objects.get(number=second).cancelled
    page.goto(f"/{SLUG}/points/{point.pk}/")
    expect(page.locator(f"#session-{session.pk} ul.slots").first.get_by_role("link", name=re.compile("^10:20"))) \
        .to_have_count(1)  # the slot is free again

    # The coordinator plans and publishes the week: the session is a stop of the team's Tuesday.
    staff_login(page, w.users["coordinator"])
    page.goto(f"/staff/planning/?week={MONDAY.isoformat()}")
    page.get_by_label("Скільки секунд шукати найкращі маршрути").fill("1")
    page.get_by_role("button", name="Спланувати тиждень").click()
    page.wait_for_selector('[data-plan-state="draft"]', timeout=30_000)
    expect(page.locator(f'tr[data-session="{session.pk}"]')).to_contain_text("записано: 1")
    page.get_by_role("button", name="Затвердити план").click()
    page.wait_for_selector('[data-plan-state="approved"]')
    page.get_by_role("button", name="Оприлюднити і надіслати SMS").click()
    page.get_by_role("button", name="Так, оприлюднити і надіслати SMS").click()
    page.wait_for_selector('[data-plan-state="published"]')
    stop = Stop.objects.get(session=session, trip__day=TUESDAY, trip__plan__state=Plan.State.PUBLISHED)
    n = stop.position

    # The Tuesday: the laptop loads the day online, then works the reception with no network.
    clock.go(SESSION_DAY)
    page.context.clear_cookies()
    page.clock.install(time=SESSION_DAY)
    open_client(page, staff_login, w.users["field_admin"])
    by(page, "load-day").click()
    expect(by(page, f"stop-{n}")).to_contain_text("Будинок культури")
    go_offline(page)
    by(page, f"open-stop-{n}").click()
    expect(by(page, "people").locator("li")).to_have_count(1)  # the cancelled booking is not awaited
    expect(by(page, "person-1")).to_contain_text("Мельник Ніна Петрівна")

    # The booked person: the service she booked, accepted; served.
    by(page, "open-person-1").click()
    by(page, "visit-start").click()
    by(page, "visit-started").wait_for()
    cert = w.svc_cert.pk
    by(page, f"accept-{cert}").click()
    by(page, f"number-{cert}").wait_for()
    by(page, "outcome-served").check()
    by(page, "outcome-save").click()
    page.wait_for_selector("[data-testid=person-status-1]:has-text('Обслуговано')")

    # A walk-in: a birth date in the future is refused on the laptop; then registered and served.
    walk_in = by(page, "walk-in")
    walk_in.locator("summary").click()
    by(page, "walkin-name").fill("Коваль Ганна Іванівна")
    by(page, "walkin-birth").fill("2030-01-01")
    by(page, "walkin-consent-laptop").check()
    by(page, "walkin-save").click()
    expect(by(page, "notice")).to_contain_text("ще не настала")
    by(page, "walkin-birth").fill("1940-07-08")
    by(page, "walkin-phone").fill("067 777 66 55")
    by(page, "walkin-save").click()
    expect(by(page, "stop-title")).to_contain_text("Коваль Ганна Іванівна")
    by(page, "extra-service").locator("..").locator("..").locator("summary").click()
    by(page, "extra-service").select_option(str(cert))
    by(page, "extra-service-add").click()
    by(page, f"accept-{cert}").click()
    by(page, f"number-{cert}").wait_for()
    by(page, "outcome-served").check()
    by(page, "outcome-save").click()
    page.wait_for_selector("[data-testid=person-status-2]:has-text('Обслуговано')")

    # Back online: everything goes; both people have their cases in the journal.
    page.context.set_offline(False)
    by(page, "nav-outbox").click()
    by(page, "sync-now").click()
    expect(page.locator("[data-testid=outbox-item]:not([data-state=sent])")).to_have_count(0, timeout=SYNC_TIMEOUT_MS)
    booked = Attendee.objects.get(booking__number=first)
    walked = Attendee.objects.get(walk_in=True)
    for attendee in (booked, walked):
        req = attendee.request
        assert req.channel == Channel.POINT and req.status == Status.SERVED
        assert Case.objects.filter(request=req, service=w.svc_cert).count() == 1
    assert walked.request.applicant_name == "Коваль Ганна Іванівна"
    assert walked.request.applicant_phone == "+380677776655"
    assert booked.request.applicant_name == "Мельник Ніна Петрівна"

"""Real browser: a citizen finds a fixed point, picks a free slot, fixes a mistake and books it.
Every page is checked with axe-core."""

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from planning import slots
from planning.models import FixedPoint, Session, SessionBooking
from visits.tests.test_browser import assert_accessible

SLUG = "gromada-a"


@pytest.fixture
def live_session(live_world):  # noqa: F811
    point = FixedPoint.objects.create(
        community=live_world.a, settlement=live_world.village, name="Будинок культури с. Далеке",
        address="вул. Центральна, 12", latitude=Decimal("48.46"), longitude=Decimal("35.06"),
    )
    return Session.objects.create(fixed_point=point, weekday=1, start=datetime.time(10), end=datetime.time(13))


def test_citizen_books_a_slot_at_a_fixed_point(page, live_session):  # noqa: F811
    slot = slots.free_slots(live_session, weeks=4)[0]
    page.goto(f"/{SLUG}/")
    page.get_by_role("link", name="Пункти прийому", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/{SLUG}/points/$"))
    assert_accessible(page, "fixed points")
    page.get_by_role("link", name=re.compile("Вільний час і запис")).click()
    assert_accessible(page, "free slots")
    page.locator("ul.slots").first.get_by_role("link", name=re.compile(f"^{slot.start:%H:%M}")).click()
    expect(page.locator("#slot-summary")).to_contain_text(f"{slot.start:%H:%M}–{slot.end:%H:%M}")
    assert_accessible(page, "booking form")

    page.get_by_label("Прізвище, ім'я, по батькові").fill("Мельник Ніна Петрівна")
    page.get_by_label("Дата народження").fill("01.01.2090")
    page.get_by_label("Телефон").fill("067 123 45 67")
    page.get_by_label("Мене попереджено").check()
    page.get_by_role("button", name="Записатися").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Дата народження не може бути в майбутньому.")
    expect(page.locator("#id_consent-error")).to_contain_text("Без згоди")
    expect(page.get_by_label("Прізвище, ім'я, по батькові")).to_have_value("Мельник Ніна Петрівна")
    assert_accessible(page, "booking form with errors")
    assert not SessionBooking.objects.exists()

    page.get_by_label("Дата народження").fill("05.03.1941")
    page.get_by_label("Я згоден (згодна)").check()
    page.get_by_role("button", name="Записатися").click()
    expect(page).to_have_url(re.compile(rf"/{SLUG}/points/booked/$"))
    booking = SessionBooking.objects.get()
    expect(page.locator("#booking-number")).to_have_text(booking.number)
    expect(page.locator("#booking-details")).to_contain_text(slot.date.strftime("%d.%m.%Y"))
    assert_accessible(page, "booked")
    assert (booking.date, booking.start, booking.phone) == (slot.date, slot.start, "+380671234567")

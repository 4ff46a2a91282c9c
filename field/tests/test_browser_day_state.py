"""The field client in a real browser (issue 10): a stop another laptop already finished shows by
whom and when, with its actions off; times are the community's (Europe/Kyiv) even on a laptop whose
clock is set to UTC."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from field.tests.browser_client import by, field_day, open_client  # noqa: F401 (fixture)
from field.tests.syncing import OTHER_DEVICE, item, outcome, send

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_stop_finished_on_another_laptop_shows_who_and_invites_no_second_entry(field_day, page,  # noqa: F811
                                                                                  staff_login):
    w, trip, reqs = field_day
    first = trip.stops.get(position=1)
    at = timezone.now()
    send(w.users["field_admin"], [item("visit.start", first, seq=1, at=at), outcome(first, seq=2, at=at)],
         device=OTHER_DEVICE)
    open_client(page, staff_login, w.users["field_admin"])
    by(page, "load-day").click()
    by(page, "stop-1").wait_for()
    local = timezone.localtime(at).strftime("%H:%M")
    expect(by(page, "stop-status-1")).to_have_text(f"Уже завершено, Field_Admin о {local}: Обслуговано.")
    expect(by(page, "stop-status-2")).to_have_text("Ще не розпочато")
    by(page, "open-stop-1").click()
    expect(by(page, "finished-elsewhere")).to_contain_text("Уже завершено, Field_Admin")
    expect(by(page, "visit-start")).to_have_count(0)
    expect(by(page, "outcome-save")).to_be_disabled()
    expect(by(page, f"accept-{w.svc_reg.pk}")).to_be_disabled()
    # The next stop is open to work as usual.
    by(page, "back").click()
    by(page, "open-stop-2").click()
    expect(by(page, "visit-start")).to_be_enabled()
    expect(by(page, "finished-elsewhere")).to_have_count(0)


@pytest.fixture
def utc_page(browser, live_server):
    """A laptop whose clock is set to UTC (the page fixture's is Kyiv's)."""
    context = browser.new_context(base_url=live_server.url, locale="uk-UA", timezone_id="UTC")
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, errors


def test_a_laptop_set_to_utc_shows_the_stops_window_in_kyiv_time(field_day, utc_page, staff_login):  # noqa: F811
    w, trip, reqs = field_day
    first = trip.stops.get(position=1)
    kyiv = f"{timezone.localtime(first.window_start):%H:%M}–{timezone.localtime(first.window_end):%H:%M}"
    utc = f"{first.window_start.astimezone(datetime.UTC):%H:%M}–{first.window_end.astimezone(datetime.UTC):%H:%M}"
    assert kyiv != utc  # Kyiv is two or three hours ahead of UTC all year
    open_client(utc_page, staff_login, w.users["field_admin"])
    assert utc_page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone") in ("UTC", "Etc/UTC")
    by(utc_page, "load-day").click()
    card = by(utc_page, "stop-1")
    expect(card.locator(".window")).to_contain_text("Час: " + kyiv)
    by(utc_page, "open-stop-1").click()
    # The stop's own screen, once drawn (the day's list, with every stop's window, is replaced).
    utc_page.wait_for_selector(f"[data-testid=app][data-route='stop/{first.pk}']")
    expect(utc_page.locator("p.window")).to_have_text("Час: " + kyiv)

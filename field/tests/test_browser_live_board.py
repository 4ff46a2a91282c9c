"""In a real browser: the planning board updates a stop of today's trip when the laptop syncs its
outcome, by a small htmx poll, without reloading the page."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from field.tests.factories import published_trip
from field.tests.syncing import item, outcome, send

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_board_shows_a_stops_outcome_as_soon_as_the_laptop_syncs(live_world, page, staff_login, settings):
    settings.VALIZA_BOARD_LIVE_SECONDS = 1
    trip = published_trip(live_world)
    first, second = trip.stops.order_by("position")
    staff_login(page, live_world.users["coordinator"])
    monday = trip.day - datetime.timedelta(days=trip.day.weekday())
    page.goto(f"/staff/planning/?week={monday.isoformat()}&plan={trip.plan.pk}")
    row = page.locator(f'#live-today tr[data-stop="{first.pk}"]')
    expect(row).to_have_attribute("data-state", "waiting")
    assert row.locator("td").first.inner_text() == "1"
    # The board's own list numbers the stop the same way.
    assert page.locator(f'tr[data-request="{first.request_id}"] td').first.inner_text() == "1"
    page.evaluate("window.notReloaded = true")
    now = timezone.now()
    send(live_world.users["field_admin"], [item("visit.start", first, seq=1, at=now), outcome(first, seq=2, at=now)])
    expect(row).to_have_attribute("data-state", "served")
    expect(row.locator(".live-state")).to_contain_text("Обслуговано о")
    expect(page.locator(f'#live-today tr[data-stop="{second.pk}"]')).to_have_attribute("data-state", "waiting")
    assert page.evaluate("window.notReloaded") is True

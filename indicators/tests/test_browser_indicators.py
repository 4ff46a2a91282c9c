"""Issue 14 in a real browser: the coordinator opens the dashboard, chooses a period with the form, reads
a figure, its definition and its chart's table; a citizen opens the public statistics. Both pages pass
axe without a serious violation, and no script or style is blocked."""

import pytest
from playwright.sync_api import expect

from indicators.tests import dataset
from visits.tests.test_browser import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_coordinator_reads_the_dashboard_for_a_chosen_period(page, live_world, staff_login):
    w = live_world
    data = dataset.build(w)
    staff_login(page, w.users["coordinator"])
    page.goto("/staff/")
    page.get_by_role("link", name="Показники").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Показники: Громада А")
    page.get_by_label("З", exact=True).fill(data.start.isoformat())
    page.get_by_label("По", exact=True).fill(data.end.isoformat())
    page.get_by_role("button", name="Показати").click()
    expect(page.locator("#late_handover-value")).to_have_text("40,0 %")
    expect(page.locator("#satisfaction-value")).to_have_text("60,0 %")
    section = page.locator("#late_handover")
    section.get_by_text("Як рахується").click()
    expect(section.get_by_text("Що відносить до періоду")).to_be_visible()
    # The chart is a picture named by its heading; its numbers are in the table that follows.
    expect(page.get_by_role("img", name="Скільки разів замовили")).to_be_visible()
    expect(page.get_by_role("table", name="Рейтинг послуг")).to_contain_text("Довідка про зареєстрованих")
    assert_accessible(page, "indicators dashboard")

    page.get_by_label("З", exact=True).fill(data.end.isoformat())
    page.get_by_label("По", exact=True).fill(data.start.isoformat())
    page.get_by_role("button", name="Показати").click()
    expect(page.locator("#error-summary")).to_contain_text("Кінець періоду раніше за його початок")
    assert_accessible(page, "indicators dashboard with a wrong period")


def test_a_citizen_reads_the_public_statistics(page, live_world):
    data = dataset.build(live_world)
    page.goto(f"/{live_world.a.slug}/stats/?start={data.start.isoformat()}&end={data.end.isoformat()}")
    expect(page.locator("#h-services")).to_have_text("6")
    expect(page.locator("#h-visits")).to_have_text("менше 5")
    expect(page.get_by_role("link", name="CSV")).to_be_visible()
    assert_accessible(page, "public statistics")

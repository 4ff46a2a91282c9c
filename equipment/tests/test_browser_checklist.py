"""Issue 16, "Done when", in a real browser: the technician works the pre-trip checklist of a team's
suitcase (paper missing: not ready), checks again once paper is packed, then the vehicle; every page
passes axe-core. The team works every weekday, so the test holds on any day it runs."""

import datetime
import re

from playwright.sync_api import expect

from equipment.models import Checklist, Device
from equipment.readiness import SUITCASE_ITEMS, VEHICLE_ITEMS
from teams.models import Suitcase, Team, TeamShift, Vehicle
from visits.tests.test_browser import assert_accessible


def test_the_technician_runs_the_pre_trip_checklist(live_world, page, staff_login):
    w = live_world
    suitcase = Suitcase.objects.create(community=w.a, name="Валіза Північ")
    vehicle = Vehicle.objects.create(community=w.a, name="Renault Kangoo", plate="АЕ 1234 КА")
    team = Team.objects.create(community=w.a, name="Команда Північ", office=w.a.offices.get(), suitcase=suitcase, vehicle=vehicle)
    for weekday in range(7):
        TeamShift.objects.create(team=team, weekday=weekday, start=datetime.time(9), end=datetime.time(17))
    Device.objects.create(community=w.a, suitcase=suitcase, kind="printer", serial="PR-1")
    staff_login(page, w.users["technician"])

    page.goto("/staff/")
    page.get_by_role("link", name="Перевірки").click()
    section = page.locator(f'section[data-team="{team.pk}"]')
    expect(section).to_contain_text("Команда Північ")
    assert_accessible(page, "checks of the day")
    section.locator('tr[data-subject="suitcase"] td[data-stage="before"]').get_by_role("link", name="Перевірити").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Валіза «Валіза Північ»: перевірка перед виїздом")
    assert_accessible(page, "suitcase checklist")
    for _key, label in SUITCASE_ITEMS:
        if str(label) != "Папір є":
            page.get_by_label(str(label)).check()
    page.get_by_label("залишок на рахунку мобільного інтернету, грн").fill("87,50")
    page.get_by_role("button", name="Записати перевірку").click()
    expect(page.locator(".messages")).to_contain_text("Не гаразд: Папір є")
    suitcase_cell = page.locator(f'section[data-team="{team.pk}"] tr[data-subject="suitcase"] td[data-stage="before"]')
    expect(suitcase_cell).to_contain_text("не гаразд")

    # Paper packed: the technician checks again; the latest check of the day counts.
    suitcase_cell.get_by_role("link", name="Перевірити ще раз").click()
    expect(page.get_by_text(re.compile(r"Остання перевірка цього дня: .*не гаразд"))).to_be_visible()
    for _key, label in SUITCASE_ITEMS:
        page.get_by_label(str(label)).check()
    page.get_by_role("button", name="Записати перевірку").click()
    expect(page.locator(".messages")).to_contain_text("усе гаразд")
    expect(suitcase_cell).to_contain_text("усе гаразд ✓")

    page.locator(f'section[data-team="{team.pk}"] tr[data-subject="vehicle"] td[data-stage="before"]').get_by_role(
        "link", name="Перевірити"
    ).click()
    for _key, label in VEHICLE_ITEMS:
        page.get_by_label(str(label)).check()
    page.get_by_role("button", name="Записати перевірку").click()
    expect(page.locator(f'section[data-team="{team.pk}"] tr[data-subject="vehicle"] td[data-stage="before"]')).to_contain_text(
        "усе гаразд ✓"
    )

    checks = list(Checklist.objects.order_by("pk"))
    assert [(c.subject, c.passed) for c in checks] == [("suitcase", False), ("suitcase", True), ("vehicle", True)]
    assert checks[0].items["paper"] is False and str(checks[0].internet_balance) == "87.50"
    assert all(c.by == w.users["technician"] and c.team == team for c in checks)

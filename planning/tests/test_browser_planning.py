"""The coordinator plans, approves and publishes a week in a real browser, then sees the SMS."""

import datetime
from decimal import Decimal

import pytest

from conftest import before_cutoff, make_request
from notifications.models import OutboxMessage
from planning import actions
from teams.models import Suitcase, Team, TeamShift
from visits import actions as visit_actions

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.solver]


@pytest.fixture
def week_pool(live_world):
    w = live_world
    office = w.a.offices.get()
    team = Team.objects.create(community=w.a, name="Команда Схід", office=office,
                               suitcase=Suitcase.objects.create(community=w.a, name="Валіза А"))
    for weekday in range(5):
        TeamShift.objects.create(team=team, weekday=weekday, start=datetime.time(9), end=datetime.time(17))
    reqs = []
    for n in range(3):
        req = make_request(w, applicant_name=f"Мешканка {n}", applicant_phone=f"+38067300000{n}",
                           street=f"Садова {n}", building=str(n + 1),
                           latitude=Decimal("48.5") + Decimal(n) / 100, longitude=Decimal("35.02"))
        visit_actions.accept(req, by=w.users["coordinator"])
        # Accepted well before any cut-off of the weeks a test plans, whatever day the run is.
        before_cutoff(req)
        reqs.append(req)
    return w, reqs


def test_coordinator_plans_approves_publishes_and_sees_the_sms(week_pool, page, staff_login, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    w, reqs = week_pool
    staff_login(page, w.users["coordinator"])
    page.goto(f"/staff/planning/?week={actions.next_monday().isoformat()}")
    assert page.locator("#pool-count").inner_text() == "3"
    page.get_by_label("Скільки секунд шукати найкращі маршрути").fill("1")
    page.get_by_role("button", name="Спланувати тиждень").click()
    page.wait_for_selector('[data-plan-state="draft"]', timeout=30_000)
    for req in reqs:
        assert page.locator(f'tr[data-request="{req.pk}"]').count() == 1
    assert page.locator("#totals").inner_text().startswith("Візитів")
    page.get_by_role("button", name="Затвердити план").click()
    page.wait_for_selector('[data-plan-state="approved"]')
    page.get_by_role("button", name="Оприлюднити і надіслати SMS").click()
    # The confirmation says how many SMS go to whom.
    assert "дата і час візиту — 3 людям" in page.locator("#publish-counts").inner_text()
    page.get_by_role("button", name="Так, оприлюднити і надіслати SMS").click()
    page.wait_for_selector('[data-plan-state="published"]')
    assert "План оприлюднено" in page.locator(".messages").inner_text()
    page.goto("/staff/outbox/")
    body = page.locator("main").inner_text()
    for req in reqs:
        assert req.number in body
    assert OutboxMessage.objects.filter(kind="schedule").count() == 3
    for req in reqs:
        req.refresh_from_db()
        assert req.status == "scheduled"

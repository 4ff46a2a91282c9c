import datetime

import pytest

from audit.models import AccessLog
from planning.models import Pin, Plan
from planning.tests.test_plan_week import MONDAY, accepted, team  # noqa: F401 (fixture)

BOARD = f"/staff/planning/?week={MONDAY.isoformat()}"


@pytest.mark.solver
def test_coordinator_plans_the_week_from_the_board(world, team, login, django_capture_on_commit_callbacks,  # noqa: F811
                                                   settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    req = accepted(world, preferred_weekdays=[2])
    client = login(world.users["coordinator"])
    page = client.get(BOARD)
    assert page.status_code == 200 and "Спланувати тиждень" in page.content.decode()
    week = page.context["week"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/staff/planning/week/{week.pk}/plan/", {"time_limit_s": "1"})
    assert response.status_code == 302
    plan = Plan.objects.get(week=week)
    assert plan.state == Plan.State.DRAFT
    html = client.get(response["Location"]).content.decode()
    assert req.number in html and 'data-plan-state="draft"' in html
    # Each person the board showed is in the access log.
    logged = AccessLog.objects.filter(object_type="visits.visitrequest", action="view", user=world.users["coordinator"])
    assert str(req.pk) in set(logged.values_list("object_id", flat=True))


def test_bad_time_limit_is_refused_with_a_message(world, team, login):  # noqa: F811
    client = login(world.users["coordinator"])
    week = client.get(BOARD).context["week"]
    response = client.post(f"/staff/planning/week/{week.pk}/plan/", {"time_limit_s": "100000"}, follow=True)
    assert "Не більше 600 секунд." in response.content.decode()
    assert not Plan.objects.exists()


def test_operator_sees_the_board_but_cannot_plan(world, team, login):  # noqa: F811
    client = login(world.users["operator"])
    page = client.get(BOARD)
    assert page.status_code == 200 and "Спланувати тиждень" not in page.content.decode()
    week = page.context["week"]
    assert client.post(f"/staff/planning/week/{week.pk}/plan/", {"time_limit_s": "1"}).status_code == 403


def test_pin_is_saved_and_bad_pin_changes_nothing(world, team, login):  # noqa: F811
    req = accepted(world)
    client = login(world.users["coordinator"])
    week = client.get(BOARD).context["week"]
    url = f"/staff/planning/week/{week.pk}/pin/{req.pk}/"
    client.post(url, {"team": team.pk, "day": "2031-01-01"})
    assert not Pin.objects.exists()
    client.post(url, {"team": team.pk, "day": (MONDAY + datetime.timedelta(days=2)).isoformat(), "start": "11:00"})
    pin = Pin.objects.get()
    assert pin.day.weekday() == 2 and pin.start == datetime.time(11)
    client.post(url, {"remove": "1"})
    assert not Pin.objects.exists()


def test_other_communitys_week_and_plan_answer_404(world, team, login):  # noqa: F811
    from planning import actions

    week_b = actions.week_for(world.b, MONDAY)
    plan_b = actions.start_planning(week_b, by=world.b_coordinator, time_limit_s=1)
    client = login(world.users["coordinator"])
    assert client.post(f"/staff/planning/week/{week_b.pk}/plan/", {"time_limit_s": "1"}).status_code == 404
    assert client.post(f"/staff/planning/plan/{plan_b.pk}/approve/").status_code == 404
    assert client.get(f"/staff/planning/plan/{plan_b.pk}/progress/").status_code == 404
    assert client.post(f"/staff/planning/week/{week_b.pk}/pin/{world.req.pk}/", {"remove": "1"}).status_code == 404


def test_progress_polls_while_planning_and_asks_to_refresh_when_done(world, team, login):  # noqa: F811
    from planning import actions

    week = actions.week_for(world.a, MONDAY)
    plan = actions.start_planning(week, by=world.users["coordinator"], time_limit_s=5)
    client = login(world.users["operator"])
    response = client.get(f"/staff/planning/plan/{plan.pk}/progress/")
    assert response.status_code == 200 and 'hx-trigger="every 1s"' in response.content.decode()
    actions.run_planning(plan.pk)
    response = client.get(f"/staff/planning/plan/{plan.pk}/progress/")
    assert response["HX-Refresh"] == "true"

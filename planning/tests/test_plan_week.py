import datetime
import time
from decimal import Decimal

import pytest
from django.utils import timezone

from conftest import before_cutoff, make_request
from planning import actions, build
from planning.models import Pin, Plan, Stop, Unplanned
from teams.models import Suitcase, Team, TeamDayOff, TeamShift, Vehicle
from visits import actions as visit_actions

# Next week, whatever day the suite runs (plans are for the future; reminders go out the day before).
MONDAY = actions.next_monday()


@pytest.fixture
def team(world):
    return make_team(world)


def make_team(world):
    office = world.a.offices.get()
    suitcase = Suitcase.objects.create(community=world.a, name="Валіза 1", autonomy_minutes=360)
    # A car: a team on foot only gets stops within the walking radius (tested in test_walking_radius).
    vehicle = Vehicle.objects.create(community=world.a, name="Авто 1")
    team = Team.objects.create(community=world.a, name="Команда 1", office=office, suitcase=suitcase, vehicle=vehicle)
    for weekday in range(5):
        TeamShift.objects.create(team=team, weekday=weekday, start=datetime.time(9), end=datetime.time(17))
    return team


def accepted(world, **fields):
    n = accepted.counter = getattr(accepted, "counter", 0) + 1
    defaults = dict(applicant_name=f"Людина {n}", applicant_phone=f"+38067{2000000 + n}", street=f"Вулиця {n}",
                    building=str(n), latitude=Decimal("48.5") + Decimal(n) / 500, longitude=Decimal("35.0"))
    defaults.update(fields)
    req = make_request(world, **defaults)
    visit_actions.accept(req, by=world.users["coordinator"])
    # Accepted well before any cut-off of the weeks a test plans, whatever day the run is.
    before_cutoff(req)
    return req


def plan_now(world, time_limit=1):
    week = actions.week_for(world.a, MONDAY)
    plan = actions.start_planning(week, by=world.users["coordinator"], time_limit_s=time_limit)
    return actions.run_planning(plan.pk)


def test_week_has_cutoff_and_deadline_on_the_last_working_day_before(world):
    week = actions.week_for(world.a, MONDAY)
    local = timezone.localtime(week.cutoff_at)
    assert local.date() == actions.last_working_day_before(week) and local.date() < MONDAY and local.hour == 10
    assert week.publish_by.astimezone(local.tzinfo).hour == 14


@pytest.mark.solver
def test_plan_puts_accepted_requests_into_trips_within_their_windows(world, team):
    reqs = [accepted(world, preferred_weekdays=[1], window_start=datetime.time(10), window_end=datetime.time(13))
            for _ in range(3)]
    plan = plan_now(world)
    assert plan.state == Plan.State.DRAFT, plan.message
    stops = list(Stop.objects.filter(trip__plan=plan).select_related("trip"))
    assert {s.request_id for s in stops} == {r.pk for r in reqs}
    for stop in stops:
        assert stop.trip.day == MONDAY + datetime.timedelta(days=1)
        local_start = timezone.localtime(stop.start)
        local_end = timezone.localtime(stop.end)
        assert local_start.time() >= datetime.time(10) and local_end.time() <= datetime.time(13)
        assert stop.window_start <= stop.start <= stop.window_end
    assert plan.totals["visits"] == 3


@pytest.mark.solver
def test_a_planning_run_stops_once_converged_when_the_setting_asks(world, team, settings):
    settings.VALIZA_SOLVER_NO_IMPROVEMENT = 300
    accepted(world)
    started = time.monotonic()
    plan = plan_now(world, time_limit=60)
    assert plan.state == Plan.State.DRAFT, plan.message
    assert time.monotonic() - started < 20 and plan.totals["visits"] == 1


def test_request_without_coordinates_is_listed_as_needing_location(world, team):
    # A village with no centre known and a house the register does not have: nowhere to put it.
    req = accepted(world, settlement=world.village, latitude=None, longitude=None)
    plan = plan_now(world)
    assert Unplanned.objects.get(plan=plan).request == req
    assert Unplanned.objects.get(plan=plan).reason == "no_coordinates"


@pytest.mark.solver
def test_day_off_and_pins_are_respected(world, team):
    TeamDayOff.objects.create(team=team, date=MONDAY, note="Навчання")
    req = accepted(world)
    other = accepted(world)
    week = actions.week_for(world.a, MONDAY)
    Pin.objects.create(week=week, request=req, team=team, day=MONDAY + datetime.timedelta(days=3),
                       start=datetime.time(11, 30))
    plan = plan_now(world)
    stop = Stop.objects.get(trip__plan=plan, request=req)
    assert stop.trip.day == MONDAY + datetime.timedelta(days=3)
    assert timezone.localtime(stop.start).time() == datetime.time(11, 30)
    assert stop.pinned
    assert not Stop.objects.filter(trip__plan=plan, trip__day=MONDAY).exists()
    assert Stop.objects.filter(trip__plan=plan, request=other).exists()


@pytest.mark.solver
def test_service_needing_a_partner_is_unplanned_without_such_team(world, team):
    world.svc_cert.needs_partner = True
    world.svc_cert.save()
    req = accepted(world)
    plan = plan_now(world)
    assert Unplanned.objects.get(plan=plan, request=req).reason == "no_skill"
    team.partner_providers.add(world.svc_cert.provider)
    plan = plan_now(world)
    assert Stop.objects.filter(trip__plan=plan, request=req).exists()


def test_no_team_hours_gives_a_clear_message_and_no_trips(world):
    accepted(world)
    plan = plan_now(world)
    assert plan.state == Plan.State.FAILED
    assert "немає жодної команди" in plan.message
    assert not plan.trips.exists()


def test_empty_pool_makes_an_empty_draft_with_a_message(world, team):
    plan = plan_now(world)
    assert plan.state == Plan.State.DRAFT and "немає прийнятих заявок" in plan.message


def test_the_same_week_cannot_be_planned_twice_at_once(world, team):
    week = actions.week_for(world.a, MONDAY)
    actions.start_planning(week, by=world.users["coordinator"], time_limit_s=1)
    with pytest.raises(actions.PlanningError, match="уже плануються"):
        actions.start_planning(week, by=world.users["coordinator"], time_limit_s=1)


@pytest.mark.solver
def test_approving_after_a_request_was_withdrawn_asks_to_replan(world, team):
    req = accepted(world)
    plan = plan_now(world)
    visit_actions.reject(req, by=world.users["coordinator"], reason="withdrawn")
    with pytest.raises(actions.PlanningError, match="Сплануйте тиждень заново"):
        actions.approve(plan, by=world.users["coordinator"])
    plan.refresh_from_db()
    assert plan.state == Plan.State.DRAFT


def test_versions_grow_and_minutes_map_to_local_time(world, team):
    assert plan_now(world).version == 1
    assert plan_now(world).version == 2
    week = actions.week_for(world.a, MONDAY)
    assert build.minute_of_week(week, MONDAY + datetime.timedelta(days=1), datetime.time(9, 30)) == 24 * 60 + 570
    assert build.at_minute(week, 24 * 60 + 570).hour in (7, 9)  # UTC or local, never shifted by a day


def _messages(kind=None):
    from notifications.models import OutboxMessage

    qs = OutboxMessage.objects.all()
    return list(qs.filter(kind=kind) if kind else qs)


@pytest.mark.solver
def test_publish_schedules_requests_and_queues_one_sms_and_one_reminder_each(world, team):
    reqs = [accepted(world) for _ in range(2)]
    plan = plan_now(world)
    with pytest.raises(actions.PlanningError, match="затверджений"):
        actions.publish(plan, by=world.users["coordinator"])
    actions.approve(plan, by=world.users["coordinator"])
    actions.publish(plan, by=world.users["coordinator"])
    for req in reqs:
        req.refresh_from_db()
        assert req.status == "scheduled"
        assert req.history.last().to_status == "scheduled"
    schedule = _messages("schedule")
    assert sorted(m.recipient for m in schedule) == sorted(r.applicant_phone for r in reqs)
    stop = Stop.objects.get(trip__plan=plan, request=reqs[0])
    text = next(m.text for m in schedule if m.recipient == reqs[0].applicant_phone)
    local = timezone.localtime(stop.window_start)
    assert local.strftime("%d.%m") in text and local.strftime("%H:%M") in text and reqs[0].number in text
    reminders = _messages("reminder")
    assert len(reminders) == 2
    assert all(timezone.localtime(m.next_attempt_at).date() < stop.trip.day for m in reminders)


@pytest.mark.solver
def test_revision_sends_corrections_only_for_changed_visits_and_cancels_old_reminders(world, team):
    moved = accepted(world)
    kept = accepted(world)
    plan = plan_now(world)
    actions.approve(plan, by=world.users["coordinator"])
    actions.publish(plan, by=world.users["coordinator"])
    stop = Stop.objects.get(trip__plan=plan, request=moved)
    week = plan.week
    other_day = MONDAY + datetime.timedelta(days=4 if stop.trip.day.weekday() != 4 else 3)
    Pin.objects.create(week=week, request=moved, team=team, day=other_day, start=datetime.time(15))
    kept_stop = Stop.objects.get(trip__plan=plan, request=kept)
    kept_local = timezone.localtime(kept_stop.start)
    Pin.objects.create(week=week, request=kept, team=team, day=kept_stop.trip.day, start=kept_local.time())
    revised = plan_now(world)
    actions.approve(revised, by=world.users["coordinator"])
    actions.publish(revised, by=world.users["coordinator"])
    plan.refresh_from_db()
    assert plan.state == Plan.State.SUPERSEDED and revised.version == 2
    corrections = _messages("correction")
    assert [m.recipient for m in corrections] == [moved.applicant_phone]
    old_reminders = [m for m in _messages("reminder") if m.dedup_key.startswith(f"plan:{plan.pk}:")]
    assert old_reminders and all(m.state == "cancelled" for m in old_reminders)
    # Publishing is not repeatable and sends nothing twice.
    count = len(_messages())
    with pytest.raises(actions.PlanningError):
        actions.publish(revised, by=world.users["coordinator"])
    assert len(_messages()) == count


def test_suitcase_shorter_than_one_visit_leaves_it_out_with_the_reason(world, team):
    team.suitcase.autonomy_minutes = 30
    team.suitcase.save()
    req = accepted(world, services=[world.svc_reg, world.svc_cert])  # 15 set-up + 20 + 10 minutes
    plan = plan_now(world)
    assert plan.state == Plan.State.DRAFT
    assert Unplanned.objects.get(plan=plan, request=req).reason == "beyond_autonomy"


def test_window_outside_the_teams_hours_cannot_be_met(world, team):
    req = accepted(world, preferred_weekdays=[5], window_start=datetime.time(18), window_end=datetime.time(20))
    plan = plan_now(world)
    assert Unplanned.objects.get(plan=plan, request=req).reason == "no_window_fits"

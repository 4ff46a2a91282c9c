"""A fixed-point session in the planning week becomes one long stop, pinned to its hours."""

import datetime

import pytest
from django.utils import timezone

from planning import actions, build
from planning.models import Plan, Session, Stop, Unplanned
from planning.tests.test_plan_week import MONDAY, accepted, plan_now, team  # noqa: F401 (fixture)
from planning.tests.test_slots import book
from teams.models import Team, TeamDayOff, TeamShift, Vehicle

TUESDAY = MONDAY + datetime.timedelta(days=1)


def local(dt):
    return timezone.localtime(dt)


def second_team(world):
    other = Team.objects.create(community=world.a, name="Команда 2", office=world.a.offices.get(),
                                vehicle=Vehicle.objects.create(community=world.a, name="Авто 2"))
    for weekday in range(5):
        TeamShift.objects.create(team=other, weekday=weekday, start=datetime.time(8), end=datetime.time(18))
    return other


def test_build_adds_each_session_day_as_a_required_visit_pinned_to_its_start(world, team, session):  # noqa: F811
    session.team = team
    session.save()
    week = actions.week_for(world.a, MONDAY)
    built = build.build_problem(week)
    visit_id = f"session:{session.pk}:{TUESDAY.isoformat()}"
    assert list(built.sessions) == [visit_id]
    visit = next(v for v in built.problem.visits if v.id == visit_id)
    start = build.minute_of_week(week, TUESDAY, datetime.time(10))
    assert visit.pinned_start == start and visit.windows == ((start, start),)
    assert visit.service == 180 and visit.required
    assert visit.pinned_shift == f"{team.pk}:{TUESDAY.isoformat()}"
    assert visit.area == "village" and visit.coords == (48.46, 35.06)


@pytest.mark.solver
def test_session_is_one_long_stop_at_its_hours_in_its_teams_trip(world, team, session):  # noqa: F811
    other = second_team(world)
    session.team = other
    session.save()
    req = accepted(world, preferred_weekdays=[1])
    plan = plan_now(world)
    assert plan.state == Plan.State.DRAFT, plan.message
    stop = Stop.objects.select_related("trip").get(trip__plan=plan, session=session)
    assert stop.request is None
    assert stop.trip.team == other and stop.trip.day == TUESDAY
    assert local(stop.start).time() == datetime.time(10) and local(stop.end).time() == datetime.time(13)
    assert (stop.window_start, stop.window_end) == (stop.start, stop.end)
    assert Stop.objects.filter(trip__plan=plan, session__isnull=False).count() == 1
    assert Stop.objects.filter(trip__plan=plan, request=req).exists()
    assert plan.totals["sessions"] == 1 and plan.totals["visits"] == 1


@pytest.mark.solver
def test_session_without_a_team_goes_to_any_team_that_day(world, team, session):  # noqa: F811
    plan = plan_now(world)
    stop = Stop.objects.select_related("trip").get(trip__plan=plan, session=session)
    assert stop.trip.team == team and stop.trip.day == TUESDAY
    assert local(stop.start).time() == datetime.time(10)


def test_session_on_its_teams_day_off_is_reported_unplanned(world, team, session):  # noqa: F811
    session.team = team
    session.save()
    TeamDayOff.objects.create(team=team, date=TUESDAY, note="Навчання")
    plan = plan_now(world)
    assert plan.state == Plan.State.DRAFT, plan.message
    assert not Stop.objects.filter(trip__plan=plan, session=session).exists()
    unplanned = Unplanned.objects.get(plan=plan)
    assert (unplanned.session, unplanned.date, unplanned.request) == (session, TUESDAY, None)
    assert unplanned.reason == "team_off"


def test_sessions_of_inactive_points_and_other_weekdays_are_not_planned(world, team, fixed_point):  # noqa: F811
    Session.objects.create(fixed_point=fixed_point, weekday=6, start=datetime.time(10), end=datetime.time(12))
    built = build.build_problem(actions.week_for(world.a, MONDAY))
    assert built.sessions == {}  # Sunday is not a working day
    fixed_point.is_active = False
    fixed_point.save()
    Session.objects.create(fixed_point=fixed_point, weekday=2, start=datetime.time(10), end=datetime.time(12))
    assert build.build_problem(actions.week_for(world.a, MONDAY)).sessions == {}


@pytest.mark.solver
def test_board_shows_the_session_stop_with_its_bookings(world, team, session, login):  # noqa: F811
    book(world, session, TUESDAY, datetime.time(10))
    book(world, session, TUESDAY, datetime.time(10, 20))
    book(world, session, TUESDAY, datetime.time(10, 40), cancelled=True)
    book(world, session, TUESDAY + datetime.timedelta(days=7), datetime.time(10))
    plan = plan_now(world)
    html = login(world.users["coordinator"]).get(
        f"/staff/planning/?week={MONDAY.isoformat()}&plan={plan.pk}"
    ).content.decode()
    assert "Прийом за графіком: Будинок культури с. Далеке, " in html and ">записано: 2</a>" in html
    assert "Мельник" not in html and "Петренко" not in html  # names of people booked are not on the board


def test_board_lists_an_unplanned_session(world, team, session, login):  # noqa: F811
    session.team = team
    session.save()
    TeamDayOff.objects.create(team=team, date=TUESDAY)
    book(world, session, TUESDAY, datetime.time(11))
    plan = plan_now(world)
    html = login(world.users["coordinator"]).get(
        f"/staff/planning/?week={MONDAY.isoformat()}&plan={plan.pk}"
    ).content.decode()
    assert 'id="unplanned"' in html and f"Прийом за графіком {TUESDAY:%d.%m}" in html
    assert "10:00–13:00; записано: 1" in html and "Команда цього прийому в цей день не працює" in html


@pytest.mark.solver
def test_the_route_sheet_lists_who_booked_the_session_and_logs_each(world, team, session, login):  # noqa: F811
    from audit.models import AccessLog
    from planning.tests.test_route_sheet import pdf_text, sheet_url

    first = book(world, session, TUESDAY, datetime.time(10, 20), applicant_name="Мельник Іван Петрович",
                 service=world.svc_cert)
    book(world, session, TUESDAY, datetime.time(10), applicant_name="Петренко Ольга Іванівна")
    book(world, session, TUESDAY, datetime.time(10, 40), applicant_name="Скасований Запис", cancelled=True)
    book(world, session, TUESDAY + datetime.timedelta(days=7), datetime.time(10), applicant_name="Наступний Тиждень")
    plan = plan_now(world)
    trip = Stop.objects.get(trip__plan=plan, session=session).trip
    response = login(world.users["coordinator"]).get(sheet_url(trip))
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Записані" in text and first.number in text
    # In the order of their slots; cancelled and other days' bookings are not there.
    assert text.index("Петренко Ольга") < text.index("Мельник Іван") and world.svc_cert.name in text
    assert "Скасований" not in text and "Наступний" not in text
    logged = AccessLog.objects.filter(action="print", object_type="planning.sessionbooking")
    assert set(logged.values_list("object_id", flat=True)) == {
        str(b.pk) for b in session.bookings.filter(date=TUESDAY, cancelled=False)}


@pytest.mark.solver
def test_a_session_nobody_booked_says_so_on_the_sheet(world, team, session, login):  # noqa: F811
    from planning.tests.test_route_sheet import pdf_text, sheet_url

    plan = plan_now(world)
    trip = Stop.objects.get(trip__plan=plan, session=session).trip
    text = pdf_text(login(world.users["coordinator"]).get(sheet_url(trip)).content)
    assert "Ніхто не записався заздалегідь" in text

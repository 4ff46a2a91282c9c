"""A team without a vehicle walks: it only gets stops within the community's walking radius from its
office (issue 10: a team with no car was sent 56 km). The trip's vehicle and suitcase are on the
board and the route sheet."""

import datetime
from decimal import Decimal

import pytest

from planning import actions, build, solver
from planning.models import Plan, Stop, Unplanned
from planning.tests.test_plan_week import MONDAY, accepted, plan_now
from teams.models import Suitcase, Team, TeamShift, Vehicle

# The office of community A is at 48.5, 35.0; 0.009° of latitude is about 1 km.
NEAR = dict(latitude=Decimal("48.509"), longitude=Decimal("35.0"))  # ~1 km
FAR = dict(latitude=Decimal("48.6"), longitude=Decimal("35.0"))  # ~11 km


def team(world, name, *, vehicle=None):
    t = Team.objects.create(community=world.a, name=name, office=world.a.offices.get(), vehicle=vehicle,
                            suitcase=Suitcase.objects.create(community=world.a, name=f"Валіза {name}"))
    for weekday in range(5):
        TeamShift.objects.create(team=t, weekday=weekday, start=datetime.time(9), end=datetime.time(17))
    return t


def test_a_visit_beyond_the_walking_radius_is_closed_to_the_teams_on_foot(world):
    walkers = team(world, "Пішки")
    riders = team(world, "Авто", vehicle=Vehicle.objects.create(community=world.a, name="Renault Kangoo"))
    near, far = accepted(world, **NEAR), accepted(world, **FAR)
    built = build.build_problem(actions.week_for(world.a, MONDAY))
    visits = {v.id: v for v in built.problem.visits}
    walking = {sid for sid, (t, _day) in built.shifts.items() if t == walkers}
    assert len(walking) == 5 and visits[near.pk].excluded_shifts == frozenset()
    assert visits[far.pk].excluded_shifts == walking
    assert all(t == riders for sid, (t, _day) in built.shifts.items() if sid not in walking)


def test_the_radius_is_the_communitys_setting(world):
    team(world, "Пішки")
    far = accepted(world, **FAR)
    world.a.walking_radius_km = Decimal("15")
    world.a.save(update_fields=["walking_radius_km"])
    built = build.build_problem(actions.week_for(world.a, MONDAY))
    assert next(v for v in built.problem.visits if v.id == far.pk).excluded_shifts == frozenset()


@pytest.mark.solver
def test_a_team_on_foot_serves_the_near_visit_and_the_far_one_is_left_out_with_the_reason(world, login):
    team(world, "Пішки")
    near, far = accepted(world, **NEAR), accepted(world, **FAR)
    plan = plan_now(world)
    assert plan.state == Plan.State.DRAFT, plan.message
    assert list(Stop.objects.filter(trip__plan=plan).values_list("request_id", flat=True)) == [near.pk]
    assert Unplanned.objects.get(plan=plan).request_id == far.pk
    assert Unplanned.objects.get(plan=plan).reason == solver.OUT_OF_REACH
    page = login(world.users["coordinator"]).get(f"/staff/planning/?week={MONDAY.isoformat()}").content.decode()
    assert "Задалеко для команди без автомобіля" in page
    assert "пішки, без автомобіля; валіза «Валіза Пішки»" in page


@pytest.mark.solver
def test_with_a_car_team_the_far_visit_goes_by_car_and_the_board_and_sheet_say_which(world, login):
    team(world, "Пішки")
    team(world, "Авто", vehicle=Vehicle.objects.create(community=world.a, name="Renault Kangoo", plate="АЕ 1234 КА"))
    far = accepted(world, **FAR)
    plan = plan_now(world)
    stop = Stop.objects.select_related("trip__team", "trip__vehicle").get(trip__plan=plan, request=far)
    assert stop.trip.team.name == "Авто" and str(stop.trip.vehicle) == "Renault Kangoo АЕ 1234 КА"
    page = login(world.users["coordinator"]).get(f"/staff/planning/?week={MONDAY.isoformat()}").content.decode()
    assert "автомобіль Renault Kangoo АЕ 1234 КА; валіза «Валіза Авто»" in page
    from planning import pdf

    html = pdf.route_sheet_html(stop.trip)
    assert "Renault Kangoo АЕ 1234 КА" in html and "Валіза Авто" in html


def test_the_solver_screens_an_excluded_shift_alone():
    shift = solver.Shift(id="walk", depot=0, start=0, end=600)
    visit = solver.Visit(id=1, coords=(48.6, 35.0), service=10, excluded_shifts={"walk"})
    problem = solver.Problem(depots=[solver.Depot(0, (48.5, 35.0))], shifts=[shift], visits=[visit])
    result = solver.solve(problem, time_limit_s=0.2)
    assert result.reasons == {1: solver.OUT_OF_REACH}

"""Issue 16 (seed 001 risk 4): a staff member who declared a conflict of interest with a person or an
address is not sent there by the planner, and the laptop warns if it happens anyway."""

import datetime

import pytest

from accounts import roles
from accounts.models import User
from field.tests.factories import field_team, published_trip, scheduled_request
from field.tests.syncing import day
from people.models import ConflictDeclaration
from planning import actions, build
from planning.models import Plan, Stop
from planning.tests.test_plan_week import MONDAY, accepted, plan_now
from teams.models import Suitcase, Team, TeamShift, Vehicle
from visits import conflicts


def team(world, name, members):
    t = Team.objects.create(
        community=world.a,
        name=name,
        office=world.a.offices.get(),
        vehicle=Vehicle.objects.create(community=world.a, name=f"Авто {name}"),
        suitcase=Suitcase.objects.create(community=world.a, name=f"Валіза {name}"),
    )
    t.members.set(members)
    for weekday in range(5):
        TeamShift.objects.create(team=t, weekday=weekday, start=datetime.time(9), end=datetime.time(17))
    return t


def relative(user, name, **fields):
    return ConflictDeclaration.objects.create(
        community_id=user.community_id, user=user, kind="relative", person_name=name, **fields
    )


def other_admin(world):
    return User.objects.create_user(username="admin-2", role=roles.FIELD_ADMIN, community=world.a, first_name="Друга")


def test_a_relative_matches_by_name_whatever_the_apostrophe_and_case(world):
    decl = relative(world.users["field_admin"], "ОЛІЙНИК Мар’яна Іванівна")
    req = accepted(world, applicant_name="Олійник Мар'яна  Іванівна")
    assert conflicts.conflicted_users(req, [decl]) == {world.users["field_admin"].pk}
    decl.birth_date = datetime.date(1950, 1, 1)
    assert conflicts.conflicted_users(req, [decl]) == set()  # the same name, another person


def test_an_address_without_a_flat_is_the_whole_house_with_one_only_that_flat(world):
    admin_ = world.users["field_admin"]
    house = ConflictDeclaration(
        community=world.a, user=admin_, kind="address", settlement=world.city, street="вулиця Садова", building="7"
    )
    flat = ConflictDeclaration(
        community=world.a, user=admin_, kind="address", settlement=world.city, street="вул. Садова", building="7", flat="3"
    )
    req = accepted(world, street="Садова", building="7", flat="12")
    assert conflicts.matches(house, req) and not conflicts.matches(flat, req)
    req.flat = "3"
    assert conflicts.matches(flat, req)


def test_the_declared_person_closes_the_shifts_of_the_team_of_who_declared(world):
    admin_, second = world.users["field_admin"], other_admin(world)
    mine, theirs = team(world, "Перша", [admin_]), team(world, "Друга", [second])
    req = accepted(world, applicant_name="Родич Адміністратора")
    other = accepted(world)
    relative(admin_, "Родич Адміністратора")
    built = build.build_problem(actions.week_for(world.a, MONDAY))
    visits = {v.id: v for v in built.problem.visits}
    closed = {sid for sid, (t, _day) in built.shifts.items() if t == mine}
    assert closed and visits[req.pk].excluded_shifts == frozenset(closed)
    assert visits[other.pk].excluded_shifts == frozenset()
    assert any(t == theirs for t, _day in built.shifts.values())


def test_a_declaration_must_say_whom_or_where(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        ConflictDeclaration(community=world.a, user=world.users["field_admin"], kind="relative").full_clean()
    with pytest.raises(ValidationError):
        ConflictDeclaration(community=world.a, user=world.users["field_admin"], kind="address", street="Садова").full_clean()


@pytest.mark.solver
def test_the_plan_sends_the_other_team_to_a_declared_address(world):
    admin_, second = world.users["field_admin"], other_admin(world)
    team(world, "Перша", [admin_])
    theirs = team(world, "Друга", [second])
    ConflictDeclaration.objects.create(
        community=world.a, user=admin_, kind="address", settlement=world.city, street="вул. Садова", building="7"
    )
    house = [accepted(world, street="Садова", building="7", flat=str(n)) for n in (1, 2, 3)]
    others = [accepted(world) for _ in range(3)]
    plan = plan_now(world)
    assert plan.state == Plan.State.DRAFT, plan.message
    teams = dict(Stop.objects.filter(trip__plan=plan).values_list("request_id", "trip__team_id"))
    assert all(teams[r.pk] == theirs.pk for r in house), teams
    assert all(r.pk in teams for r in others)


def test_the_laptop_warns_when_a_declared_person_is_on_the_trip_anyway(world, login):
    admin_ = world.users["field_admin"]
    relative(admin_, "Родич Адміністратора")
    mine = scheduled_request(world, applicant_name="Родич Адміністратора")
    trip = published_trip(world, team=field_team(world), requests=[mine, scheduled_request(world)])
    response = day(login(admin_))
    assert response.status_code == 200
    stops = {s["person"]["applicant_name"]: s for s in response.json()["trips"][0]["stops"]}
    assert "конфлікт інтересів" in stops["Родич Адміністратора"]["conflict"]
    assert [s["conflict"] for s in stops.values() if s["id"] != trip.stops.get(request=mine).pk] == [""]

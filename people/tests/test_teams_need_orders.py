"""Issue 16: only staff with an order in force are on a team: the team admin refuses the others,
the day's roster leaves them at home and the board says why."""

import datetime

from django.utils import timezone

from people.tests.helpers import order, require_orders
from teams import rosters
from teams.admin import TeamForm
from teams.models import Team, TeamShift


def make_team(world, members):
    t = Team.objects.create(community=world.a, name="Команда", office=world.a.offices.get())
    t.members.set(members)
    TeamShift.objects.create(team=t, weekday=timezone.localdate().weekday(), start=datetime.time(9), end=datetime.time(17))
    return t


def form(world, members):
    return TeamForm(
        data={
            "community": world.a.pk,
            "name": "Нова",
            "office": world.a.offices.get().pk,
            "members": [m.pk for m in members],
            "is_active": "on",
        }
    )


def test_the_team_admin_refuses_a_member_without_an_order_and_saves_nothing(world):
    require_orders(world.a)
    f = form(world, [world.users["field_admin"]])
    assert not f.is_valid()
    assert "не має чинного наказу" in str(f.errors["members"])
    assert not Team.objects.filter(name="Нова").exists()


def test_the_team_admin_takes_a_member_with_a_signed_order(world):
    require_orders(world.a)
    order(world.users["field_admin"])
    assert form(world, [world.users["field_admin"]]).is_valid()


def test_the_rule_is_off_until_the_community_turns_it_on(world):
    assert form(world, [world.users["field_admin"]]).is_valid()


def test_a_member_whose_order_ended_does_not_travel_and_the_board_says_why(world):
    require_orders(world.a)
    today = timezone.localdate()
    admin_, partner = world.users["field_admin"], world.users["partner"]
    order(admin_, issued_on=today - datetime.timedelta(days=60), valid_until=today - datetime.timedelta(days=1))
    order(partner)
    team = make_team(world, [admin_, partner])
    [entry] = rosters.plan_days(rosters.teams_for_rosters(world.a), [today])[today]
    assert entry.works and set(entry.people) == {partner.pk}
    assert any("не має чинного наказу" in note for note in entry.notes)
    assert entry.team == team


def test_a_team_with_nobody_authorised_does_not_travel(world):
    require_orders(world.a)
    make_team(world, [world.users["field_admin"]])
    today = timezone.localdate()
    [entry] = rosters.plan_days(rosters.teams_for_rosters(world.a), [today])[today]
    assert not entry.works and entry.people == {}


def test_the_board_says_who_stays_at_home_without_an_order(world, login):
    from planning.tests.test_plan_week import MONDAY

    require_orders(world.a)
    t = Team.objects.create(community=world.a, name="Команда", office=world.a.offices.get())
    t.members.set([world.users["field_admin"], world.users["partner"]])
    order(world.users["partner"])
    for weekday in range(5):
        TeamShift.objects.create(team=t, weekday=weekday, start=datetime.time(9), end=datetime.time(17))
    page = login(world.users["coordinator"]).get(f"/staff/planning/?week={MONDAY.isoformat()}").content.decode()
    assert "Field_Admin цього дня не має чинного наказу" in page

"""The planner sends only ready suitcases (issue 16): a needed device broken, a failed pre-trip check
that day, or a suitcase out of service takes the team off with the reason on the board."""

import datetime

import pytest
from django.test import Client

from equipment import actions as equipment
from equipment.models import Checklist, Device
from equipment.readiness import SUITCASE_ITEMS
from equipment.tests.factories import device
from planning import actions, build
from planning.tests.test_plan_week import make_team
from planning.views import team_notes

MONDAY = actions.next_monday()
ALL_FINE = {key for key, _label in SUITCASE_ITEMS}


@pytest.fixture
def team(world):
    return make_team(world)


def shift_days(world):
    built = build.build_problem(actions.week_for(world.a, MONDAY), requests=[])
    return sorted(datetime.date.fromisoformat(s.id.split(":")[1]) for s in built.problem.shifts)


def weekdays(*offsets):
    return [MONDAY + datetime.timedelta(days=n) for n in offsets]


def test_a_suitcase_with_its_devices_working_travels_every_shift(world, team):
    device(world, team.suitcase, Device.Kind.LAPTOP)
    device(world, team.suitcase, Device.Kind.PRINTER)
    assert shift_days(world) == weekdays(0, 1, 2, 3, 4)


def test_a_needed_device_out_of_order_keeps_the_team_home_all_week_with_the_reason(world, team):
    device(world, team.suitcase, Device.Kind.LAPTOP)
    device(world, team.suitcase, Device.Kind.PRINTER, state=Device.State.WARRANTY_REPAIR)
    assert shift_days(world) == []
    notes = team_notes(actions.week_for(world.a, MONDAY))
    assert len(notes) == 5
    assert all("Валіза «Валіза 1» не готова: принтер — на гарантійному ремонті" in n.off for n in notes)


def test_a_device_the_suitcase_can_do_without_does_not_stop_it(world, team):
    device(world, team.suitcase, Device.Kind.CAMERA, state=Device.State.LOST, needed=False)
    assert shift_days(world) == weekdays(0, 1, 2, 3, 4)


def test_a_suitcase_out_of_service_is_not_planned(world, team):
    team.suitcase.is_active = False
    team.suitcase.save(update_fields=["is_active"])
    assert shift_days(world) == []
    assert "Валіза «Валіза 1» не в роботі." in team_notes(actions.week_for(world.a, MONDAY))[0].off


def test_a_failed_pre_trip_check_takes_the_team_off_that_day_only_and_a_passing_recheck_brings_it_back(world, team):
    tuesday = MONDAY + datetime.timedelta(days=1)
    tech = world.users["technician"]
    equipment.save_checklist(
        team, tuesday, Checklist.Subject.SUITCASE, Checklist.Stage.BEFORE, items=ALL_FINE - {"paper"}, by=tech
    )
    equipment.save_checklist(team, MONDAY, Checklist.Subject.SUITCASE, Checklist.Stage.BEFORE, items=ALL_FINE, by=tech)
    assert shift_days(world) == weekdays(0, 2, 3, 4)
    note = team_notes(actions.week_for(world.a, MONDAY))[0]
    assert note.day == tuesday and "перевірка перед виїздом не пройдена (папір є)" in note.off
    equipment.save_checklist(team, tuesday, Checklist.Subject.SUITCASE, Checklist.Stage.BEFORE, items=ALL_FINE, by=tech)
    assert shift_days(world) == weekdays(0, 1, 2, 3, 4)


def test_a_failed_vehicle_check_does_not_stop_the_suitcase(world, team):
    equipment.save_checklist(
        team, MONDAY, Checklist.Subject.VEHICLE, Checklist.Stage.BEFORE, items=set(), by=world.users["technician"]
    )
    assert shift_days(world) == weekdays(0, 1, 2, 3, 4)


def test_the_board_shows_each_suitcases_readiness(world, team):
    device(world, team.suitcase, Device.Kind.ROUTER, state=Device.State.NEEDS_SERVICE)
    equipment.save_checklist(
        team, MONDAY, Checklist.Subject.SUITCASE, Checklist.Stage.BEFORE, items=ALL_FINE, by=world.users["technician"]
    )
    client = Client()
    client.force_login(world.users["coordinator"])
    page = client.get(f"/staff/planning/?week={MONDAY.isoformat()}").content.decode()
    assert 'id="kit"' in page and "Не готова: роутер / модем — потребує обслуговування" in page
    assert "перевірено ✓" in page

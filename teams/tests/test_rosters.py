"""A person, a vehicle and a suitcase are in at most one trip at a time (issue 10): refused when the
team is saved, and again by the planner, which gives one of two teams sharing someone at the same
hours no shift that day and says why on the board."""

import datetime

import pytest

from accounts.models import User
from planning import actions, build
from teams import rosters
from teams.models import MembershipChange, Suitcase, Team, TeamShift, Vehicle

MONDAY = actions.next_monday()
TUESDAY = MONDAY + datetime.timedelta(days=1)
WEDNESDAY = MONDAY + datetime.timedelta(days=2)


def make_team(world, name, *, members=(), hours=(9, 17), weekdays=range(5), **fields):
    team = Team.objects.create(community=world.a, name=name, office=world.a.offices.get(), **fields)
    team.members.set(members)
    for weekday in weekdays:
        TeamShift.objects.create(team=team, weekday=weekday, start=datetime.time(hours[0]),
                                 end=datetime.time(hours[1]))
    return team


@pytest.fixture
def olena(world):
    return User.objects.create_user(username="olena", first_name="Олена", last_name="Петренко",
                                    role="field_admin", community=world.a)


@pytest.fixture
def ivan(world):
    return User.objects.create_user(username="ivan", first_name="Іван", last_name="Бойко",
                                    role="field_admin", community=world.a)


def shifts_of(built):
    return {(team.name, day) for team, day in built.shifts.values()}


def week_problem(world):
    return build.build_problem(actions.week_for(world.a, MONDAY))


# --- the admin refuses it -----------------------------------------------------------------------

def _form(team, *, members=(), shifts=(), vehicle="", suitcase="", changes=()):
    data = {
        "community": team.community_id, "name": team.name, "office": team.office_id, "is_active": "on",
        "members": [u.pk for u in members], "vehicle": vehicle, "suitcase": suitcase,
        "shifts-TOTAL_FORMS": str(len(shifts)), "shifts-INITIAL_FORMS": "0", "shifts-MIN_NUM_FORMS": "0",
        "shifts-MAX_NUM_FORMS": "1000",
        "days_off-TOTAL_FORMS": "0", "days_off-INITIAL_FORMS": "0", "days_off-MIN_NUM_FORMS": "0",
        "days_off-MAX_NUM_FORMS": "1000",
        "membership_changes-TOTAL_FORMS": str(len(changes)), "membership_changes-INITIAL_FORMS": "0",
        "membership_changes-MIN_NUM_FORMS": "0", "membership_changes-MAX_NUM_FORMS": "1000",
    }
    for i, (weekday, start, end) in enumerate(shifts):
        data.update({f"shifts-{i}-team": team.pk, f"shifts-{i}-weekday": str(weekday),
                     f"shifts-{i}-start": start, f"shifts-{i}-end": end})
    for i, change in enumerate(changes):
        data.update({f"membership_changes-{i}-team": team.pk,
                     **{f"membership_changes-{i}-{k}": v for k, v in change.items()}})
    return data


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser(username="root", password="x-pass-123"))
    return client


def _post(admin_client, team, **form):
    response = admin_client.post(f"/admin/teams/team/{team.pk}/change/", _form(team, **form))
    return response.status_code, response.content.decode()


def test_the_admin_refuses_a_person_in_two_teams_at_the_same_hours(world, admin_client, olena):
    make_team(world, "Команда Захід", members=[olena], weekdays=[1])
    east = Team.objects.create(community=world.a, name="Команда Схід", office=world.a.offices.get())
    page = admin_client.get(f"/admin/teams/team/{east.pk}/change/").content.decode()
    assert "Зміни складу команди" in page
    status, page = _post(admin_client, east, members=[olena], shifts=[(1, "13:00", "18:00")])
    assert status == 200
    assert "Олена Петренко уже в команді «Команда Захід»" in page and "вівторок" in page
    assert not east.members.exists() and not east.shifts.exists()
    # Another day, or hours that do not overlap, are fine: staff may be shared on different days.
    assert _post(admin_client, east, members=[olena], shifts=[(2, "09:00", "17:00")])[0] == 302
    assert _post(admin_client, east, members=[olena], shifts=[(1, "17:00", "19:00")])[0] == 302
    assert set(east.members.all()) == {olena}


def test_the_admin_refuses_a_vehicle_or_suitcase_of_another_team_at_the_same_hours(world, admin_client):
    car = Vehicle.objects.create(community=world.a, name="Renault Kangoo", plate="АЕ 1234 КА")
    kit = Suitcase.objects.create(community=world.a, name="Валіза 1")
    make_team(world, "Команда Захід", vehicle=car, suitcase=kit, weekdays=[0])
    east = Team.objects.create(community=world.a, name="Команда Схід", office=world.a.offices.get())
    status, page = _post(admin_client, east, shifts=[(0, "10:00", "12:00")], vehicle=car.pk)
    assert status == 200 and "Автомобіль «Renault Kangoo АЕ 1234 КА» уже в команди «Команда Захід»" in page
    status, page = _post(admin_client, east, shifts=[(0, "10:00", "12:00")], suitcase=kit.pk)
    assert status == 200 and "Валіза «Валіза 1» уже в команди «Команда Захід»" in page
    east.refresh_from_db()
    assert east.vehicle is None and east.suitcase is None and not east.shifts.exists()
    assert _post(admin_client, east, shifts=[(3, "10:00", "12:00")], vehicle=car.pk, suitcase=kit.pk)[0] == 302


def test_a_substitute_cannot_join_two_teams_on_the_same_day_and_hours(world, admin_client, olena):
    west = make_team(world, "Команда Захід", weekdays=[2])
    east = make_team(world, "Команда Схід", weekdays=[2])
    MembershipChange.objects.create(team=west, user=olena, kind="joins", date_from=WEDNESDAY, date_to=WEDNESDAY)
    change = {"user": olena.pk, "kind": "joins", "date_from": WEDNESDAY.isoformat(),
              "date_to": WEDNESDAY.isoformat(), "note": "заміна"}
    status, page = _post(admin_client, east, changes=[change])
    assert status == 200 and "Олена Петренко уже працює з командою «Команда Захід»" in page
    assert not east.membership_changes.exists()
    # The next day she is free.
    change["date_from"] = change["date_to"] = (WEDNESDAY + datetime.timedelta(days=1)).isoformat()
    assert _post(admin_client, east, changes=[change])[0] == 302


def test_dates_out_of_order_are_refused(world, admin_client, olena):
    east = make_team(world, "Команда Схід")
    change = {"user": olena.pk, "kind": "away", "date_from": WEDNESDAY.isoformat(), "date_to": MONDAY.isoformat()}
    status, page = _post(admin_client, east, changes=[change])
    assert status == 200 and "Кінцева дата не може бути раніше за початкову." in page
    assert not east.membership_changes.exists()


# --- the planner keeps it -----------------------------------------------------------------------

def test_two_teams_sharing_a_person_at_the_same_hours_do_not_both_travel(world, olena, ivan):
    # Made directly (as data from before the check could be): the planner must still not send her twice.
    make_team(world, "Команда А", members=[olena])
    make_team(world, "Команда Б", members=[olena])
    make_team(world, "Команда В", members=[olena, ivan], hours=(8, 12))
    make_team(world, "Команда Г", members=[olena], hours=(17, 20))
    built = week_problem(world)
    names = {name for name, day in shifts_of(built) if day == MONDAY}
    # А keeps her (first by name); Б is left with nobody; В goes with Іван only; Г works later that day.
    assert names == {"Команда А", "Команда В", "Команда Г"}
    monday = {e.team.name: e for e in built.team_days[MONDAY]}
    assert set(monday["Команда В"].people) == {ivan.pk}
    assert "Олена Петренко цього дня працює в команді «Команда А»." in monday["Команда В"].notes
    assert monday["Команда Б"].off.startswith("Цього дня немає кому виїхати")


def test_a_substitute_for_one_day_travels_with_the_team_she_joined(world, olena, ivan):
    a = make_team(world, "Команда А", members=[olena])
    b = make_team(world, "Команда Б", members=[ivan])
    MembershipChange.objects.create(team=b, user=ivan, kind="away", date_from=WEDNESDAY, date_to=WEDNESDAY,
                                    note="відпустка")
    MembershipChange.objects.create(team=b, user=olena, kind="joins", date_from=WEDNESDAY, date_to=WEDNESDAY)
    built = week_problem(world)
    wednesday = {name for name, day in shifts_of(built) if day == WEDNESDAY}
    tuesday = {name for name, day in shifts_of(built) if day == TUESDAY}
    assert wednesday == {"Команда Б"} and tuesday == {"Команда А", "Команда Б"}
    # The day she stands in, she travels with Б only: А's trip that day is not hers (nor its data).
    assert rosters.member_teams(olena, WEDNESDAY) == {b.pk}
    assert rosters.member_teams(olena, TUESDAY) == {a.pk}
    assert rosters.member_teams(ivan, WEDNESDAY) == set() and rosters.member_teams(ivan, TUESDAY) == {b.pk}


def test_the_route_sheet_names_a_substitute_with_the_team_she_stands_in_for_only(world, olena, ivan):
    a = make_team(world, "Команда А", members=[olena, ivan])
    b = make_team(world, "Команда Б", members=[])
    MembershipChange.objects.create(team=b, user=olena, kind="joins", date_from=WEDNESDAY, date_to=WEDNESDAY)
    assert rosters.travelling(b, WEDNESDAY) == [olena]
    assert rosters.travelling(a, WEDNESDAY) == [ivan]
    assert {u.pk for u in rosters.travelling(a, TUESDAY)} == {olena.pk, ivan.pk}


def test_a_team_whose_people_are_all_on_leave_gets_no_shift(world, olena):
    team = make_team(world, "Команда А", members=[olena])
    MembershipChange.objects.create(team=team, user=olena, kind="away", date_from=TUESDAY)  # open end
    built = week_problem(world)
    assert {day for _name, day in shifts_of(built)} == {MONDAY}


def test_a_team_with_no_people_recorded_is_planned_as_before(world):
    make_team(world, "Команда А")
    assert len(week_problem(world).shifts) == 5


def test_two_teams_sharing_a_vehicle_or_suitcase_do_not_both_travel(world, olena, ivan):
    car = Vehicle.objects.create(community=world.a, name="Renault Kangoo")
    kit = Suitcase.objects.create(community=world.a, name="Валіза 1")
    make_team(world, "Команда А", members=[olena], vehicle=car, weekdays=[0])
    make_team(world, "Команда Б", members=[ivan], vehicle=car, suitcase=kit, weekdays=[0, 1])
    make_team(world, "Команда В", suitcase=kit, weekdays=[1], hours=(12, 18))
    built = week_problem(world)
    assert shifts_of(built) == {("Команда А", MONDAY), ("Команда Б", TUESDAY)}
    off = {(e.team.name, e.day): e.off for entries in built.team_days.values() for e in entries if e.off}
    assert off == {("Команда Б", MONDAY): "Автомобіль «Renault Kangoo» цього дня в команди «Команда А» у ті самі години.",
                   ("Команда В", TUESDAY): "Валіза «Валіза 1» цього дня в команди «Команда Б» у ті самі години."}


def test_the_board_says_which_team_does_not_travel_and_why(world, olena, login):
    make_team(world, "Команда А", members=[olena], weekdays=[0])
    make_team(world, "Команда Б", members=[olena], weekdays=[0])
    page = login(world.users["coordinator"]).get(f"/staff/planning/?week={MONDAY.isoformat()}").content.decode()
    assert 'id="team-notes"' in page and "Команда Б:</strong> не виїжджає." in page
    assert "усі люди команди відсутні або працюють в інших командах" in page


def test_the_home_page_lists_a_substitutes_trip_and_not_the_one_of_a_member_on_leave(world, olena, login):
    from django.utils import timezone

    from field.tests.factories import published_trip

    today = timezone.localdate()
    trip = published_trip(world)  # the team of world.users["field_admin"]
    MembershipChange.objects.create(team=trip.team, user=olena, kind="joins", date_from=today, date_to=today)
    MembershipChange.objects.create(team=trip.team, user=world.users["field_admin"], kind="away", date_from=today)
    sheet = f"/staff/planning/trip/{trip.pk}/sheet.pdf"
    assert sheet in login(olena).get("/staff/").content.decode()
    assert sheet not in login(world.users["field_admin"]).get("/staff/").content.decode()

"""A team's working hours end after they start: the database refuses anything else, and the admin
(where the system administrator sets the hours) says so in Ukrainian."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from teams.models import Team, TeamShift


@pytest.fixture
def team(world):
    return Team.objects.create(community=world.a, name="Команда 1", office=world.a.offices.get())


def test_a_shift_ending_before_or_when_it_starts_is_refused_by_the_database(team):
    for start, end in ((datetime.time(17), datetime.time(9)), (datetime.time(9), datetime.time(9))):
        with pytest.raises(IntegrityError), transaction.atomic():
            TeamShift.objects.create(team=team, weekday=0, start=start, end=end)
    TeamShift.objects.create(team=team, weekday=0, start=datetime.time(9), end=datetime.time(17))
    assert team.shifts.count() == 1


def _team_form(team, **shift):
    """The team's admin page as posted: the team's own fields and one new row of hours."""
    return {
        "community": team.community_id, "name": team.name, "office": team.office_id, "is_active": "on",
        "shifts-TOTAL_FORMS": "1", "shifts-INITIAL_FORMS": "0", "shifts-MIN_NUM_FORMS": "0",
        "shifts-MAX_NUM_FORMS": "1000", "shifts-0-team": team.pk, **{f"shifts-0-{k}": v for k, v in shift.items()},
        "days_off-TOTAL_FORMS": "0", "days_off-INITIAL_FORMS": "0", "days_off-MIN_NUM_FORMS": "0",
        "days_off-MAX_NUM_FORMS": "1000",
        "membership_changes-TOTAL_FORMS": "0", "membership_changes-INITIAL_FORMS": "0",
        "membership_changes-MIN_NUM_FORMS": "0", "membership_changes-MAX_NUM_FORMS": "1000",
    }


def test_the_team_admin_shows_the_ukrainian_message_and_saves_no_hours(client, team, django_user_model):
    client.force_login(django_user_model.objects.create_superuser(username="root", password="x-pass-123"))
    url = f"/admin/teams/team/{team.pk}/change/"
    response = client.post(url, _team_form(team, weekday="0", start="17:00", end="09:00"))
    assert response.status_code == 200
    assert "Кінець робочого дня має бути пізніше за початок." in response.content.decode()
    assert not team.shifts.exists()
    # The same page with sensible hours saves them.
    assert client.post(url, _team_form(team, weekday="0", start="09:00", end="17:00")).status_code == 302
    assert team.shifts.get().end == datetime.time(17)

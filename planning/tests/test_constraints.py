"""The database itself refuses a plan that breaks its invariants, whatever code writes it: a stop is a
visit or a session (never both, never neither), one stop per position in a trip, one trip per team and
day in a plan version, and a fixed-point session ends after it starts. The Ukrainian messages are what
a form shows for the same mistakes."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from planning.models import Plan, PlanningWeek, Session, Stop, Trip
from teams.models import Team

KYIV = timezone.get_fixed_timezone(120)  # winter time, matching the frozen date below
NOW = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=KYIV)  # a Wednesday
DAY = datetime.date(2026, 12, 1)  # the Tuesday after


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def team(world):
    return Team.objects.create(community=world.a, name="Команда 1", office=world.a.offices.get())


def _at(hour, minute=0):
    return datetime.datetime.combine(DAY, datetime.time(hour, minute), tzinfo=KYIV)


def published_trip(team, requests, *, supersede=False):
    """A new published version of the week's plan with one trip of `team` on DAY, a stop per request,
    written as the planner writes them (positions from 1); the previous version superseded, if asked."""
    monday = DAY - datetime.timedelta(days=DAY.weekday())
    week, _new = PlanningWeek.objects.get_or_create(community=team.community, monday=monday,
                                                    defaults={"cutoff_at": NOW, "publish_by": NOW})
    if supersede:
        week.plans.filter(state=Plan.State.PUBLISHED).update(state=Plan.State.SUPERSEDED)
    plan = Plan.objects.create(week=week, version=week.plans.count() + 1, state=Plan.State.PUBLISHED)
    trip = Trip.objects.create(plan=plan, team=team, day=DAY, leave_at=_at(9), return_at=_at(17))
    for position, request in enumerate(requests, start=1):
        at = _at(9 + position)
        Stop.objects.create(trip=trip, position=position, request=request, arrival=at, start=at, end=at,
                            window_start=at, window_end=at)
    return trip


@pytest.fixture
def trip(world, team):
    return published_trip(team, [world.req])


def _stop(trip, position, **what):
    at = _at(11)
    return Stop(trip=trip, position=position, arrival=at, start=at, end=at, window_start=at, window_end=at, **what)


def _refused_by_the_database(obj):
    """Saved as a bulk load or a careless script would, with no clean() on the way."""
    with pytest.raises(IntegrityError), transaction.atomic():
        obj.save()


def test_a_stop_that_is_both_a_visit_and_a_session_or_neither_is_refused(world, trip, session):
    other = _stop(trip, 5, request=world.req, session=session)
    _refused_by_the_database(other)
    _refused_by_the_database(_stop(trip, 6))
    with pytest.raises(ValidationError, match="або візит за заявкою, або прийом за графіком"):
        _stop(trip, 7).validate_constraints()
    # Either one alone is a stop.
    _stop(trip, 8, session=session).save()
    assert trip.stops.count() == 2


def test_two_stops_cannot_share_a_position_in_a_trip(world, trip, session):
    taken = trip.stops.get().position
    _refused_by_the_database(_stop(trip, taken, session=session))
    with pytest.raises(ValidationError, match="вже є зупинка з таким порядковим номером"):
        _stop(trip, taken, session=session).validate_constraints()


def test_a_team_has_one_trip_a_day_in_a_plan_version(world, team, trip):
    again = Trip(plan=trip.plan, team=team, day=DAY, leave_at=_at(9), return_at=_at(17))
    _refused_by_the_database(again)
    with pytest.raises(ValidationError, match="команда вже має виїзд цього дня"):
        again.validate_constraints()
    # The next day is another trip (another plan version: see the revision test below).
    Trip.objects.create(plan=trip.plan, team=team, day=DAY + datetime.timedelta(days=1),
                        leave_at=_at(9), return_at=_at(17))


def test_a_session_must_end_after_it_starts_in_the_database(fixed_point):
    for start, end in ((datetime.time(13), datetime.time(10)), (datetime.time(10), datetime.time(10))):
        _refused_by_the_database(Session(fixed_point=fixed_point, weekday=1, start=start, end=end))
    assert not Session.objects.exists()


def test_the_session_admin_shows_the_ukrainian_message_and_saves_nothing(client, world, fixed_point,
                                                                        django_user_model):
    client.force_login(django_user_model.objects.create_superuser(username="root", password="x-pass-123"))
    response = client.post("/admin/planning/session/add/", {
        "fixed_point": fixed_point.pk, "weekday": "1", "start": "13:00", "end": "10:00", "slot_minutes": "20",
    })
    assert response.status_code == 200
    assert "Кінець прийому має бути пізніше за початок." in response.content.decode()
    assert not Session.objects.exists()


def test_a_revised_plan_numbers_its_stops_anew_beside_the_old_version(world, team, session):
    """A revision is a new plan version: the same team, day and positions again, no clash."""
    from conftest import make_request

    second = make_request(world, applicant_name="Друга Людина", applicant_phone="+380671110000",
                          street="вул. Інша")
    first_trip = published_trip(team, [world.req, second])
    revised = published_trip(team, [second, world.req], supersede=True)
    assert revised.plan.version == first_trip.plan.version + 1
    first_trip.plan.refresh_from_db()
    assert first_trip.plan.state == Plan.State.SUPERSEDED
    assert [s.request_id for s in revised.stops.order_by("position")] == [second.pk, world.req.pk]
    assert [s.request_id for s in first_trip.stops.order_by("position")] == [world.req.pk, second.pk]


def test_stops_reordered_in_place_in_two_steps_keep_positions_unique(world, team):
    """The rule for whoever reorders a trip in place: a one-step swap is refused by the unique
    position, moving the stops out of the way first and then to their places works — on SQLite and
    on PostgreSQL alike."""
    from conftest import make_request

    people = [world.req] + [make_request(world, applicant_name=f"Людина {i}", applicant_phone=f"+38067111000{i}",
                                         street=f"Вулиця {i}") for i in range(2)]
    trip = published_trip(team, people)
    stops = list(trip.stops.order_by("position"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Stop.objects.filter(pk=stops[0].pk).update(position=stops[1].position)
    new_order = list(reversed(stops))
    with transaction.atomic():
        Stop.objects.filter(trip=trip).update(position=F("position") + 1000)
        for position, stop in enumerate(new_order, start=1):
            Stop.objects.filter(pk=stop.pk).update(position=position)
    assert [s.pk for s in trip.stops.order_by("position")] == [s.pk for s in new_order]

import datetime

from django.utils import timezone

from planning import slots
from planning.models import Session, SessionBooking
from teams.models import Team, TeamDayOff

MONDAY = datetime.date(2026, 11, 30)
TUESDAY = MONDAY + datetime.timedelta(days=1)


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def t(hour, minute=0):
    return datetime.time(hour, minute)


def book(world, session, day, start, **fields):
    values = dict(
        session=session, community=world.a, date=day, start=start, applicant_name="Петренко Ольга",
        applicant_birth_date=datetime.date(1950, 1, 1), phone="+380671234567",
        consent_at=timezone.now(), warning_acknowledged_at=timezone.now(),
    )
    values.update(fields)
    return SessionBooking.objects.create(**values)


def test_slots_fall_on_the_sessions_weekday_within_its_hours(session):
    free = slots.free_slots(session, weeks=2, now=at(MONDAY, 9))
    assert {s.date for s in free} == {TUESDAY, TUESDAY + datetime.timedelta(days=7)}
    starts = [s.start for s in free if s.date == TUESDAY]
    assert starts == [t(10), t(10, 20), t(10, 40), t(11), t(11, 20), t(11, 40), t(12), t(12, 20), t(12, 40)]
    assert max(s.end for s in free) == t(13)


def test_a_remainder_shorter_than_a_slot_is_not_offered(fixed_point):
    session = Session.objects.create(fixed_point=fixed_point, weekday=1, start=t(10), end=t(11, 10), slot_minutes=20)
    assert [(a, b) for a, b in slots.slot_times(session)] == [(t(10), t(10, 20)), (t(10, 20), t(10, 40)),
                                                              (t(10, 40), t(11))]


def test_booked_slots_are_left_out_and_a_cancelled_booking_frees_its_slot(world, session):
    book(world, session, TUESDAY, t(10, 20))
    cancelled = book(world, session, TUESDAY, t(11), cancelled=True)
    free = {(s.date, s.start) for s in slots.free_slots(session, weeks=1, now=at(MONDAY, 9))}
    assert (TUESDAY, t(10, 20)) not in free
    assert (TUESDAY, cancelled.start) in free
    assert len(free) == 8


def test_past_dates_and_today_after_the_start_are_left_out(session):
    assert TUESDAY in slots.session_dates(session, weeks=1, now=at(TUESDAY, 9, 59))
    assert TUESDAY not in slots.session_dates(session, weeks=1, now=at(TUESDAY, 10))
    # From Wednesday the next Tuesday is the first; N weeks means N sessions, not N + 1.
    assert slots.session_dates(session, weeks=2, now=at(TUESDAY + datetime.timedelta(days=1), 8)) == [
        TUESDAY + datetime.timedelta(days=7), TUESDAY + datetime.timedelta(days=14)]


def test_no_slots_on_days_off_weekends_or_the_teams_day_off(world, fixed_point):
    saturday = Session.objects.create(fixed_point=fixed_point, weekday=5, start=t(10), end=t(12))
    assert slots.free_slots(saturday, weeks=4, now=at(MONDAY, 9)) == []
    team = Team.objects.create(community=world.a, name="Команда 1", office=world.a.offices.get())
    session = Session.objects.create(fixed_point=fixed_point, weekday=1, start=t(10), end=t(12), team=team)
    TeamDayOff.objects.create(team=team, date=TUESDAY, note="Відпустка")
    assert slots.session_dates(session, weeks=2, now=at(MONDAY, 9)) == [TUESDAY + datetime.timedelta(days=7)]


def test_slot_problem_names_what_is_wrong_in_ukrainian(world, session):
    now = at(MONDAY, 9)

    def problem(day, start):
        return slots.slot_problem(session, day, start, weeks=4, now=now)

    assert problem(TUESDAY, t(10, 20)) is None
    assert "минув" in problem(TUESDAY - datetime.timedelta(days=7), t(10))
    assert "прийому в цьому пункті немає" in problem(TUESDAY + datetime.timedelta(days=1), t(10))
    assert "Такого часу немає" in problem(TUESDAY, t(10, 5))
    assert "Такого часу немає" in problem(TUESDAY, t(13))
    assert "наперед" in problem(TUESDAY + datetime.timedelta(days=28), t(10))
    book(world, session, TUESDAY, t(10, 20))
    assert "щойно зайняли" in problem(TUESDAY, t(10, 20))
    assert "сьогодні вже закрито" in slots.slot_problem(session, TUESDAY, t(12), weeks=4, now=at(TUESDAY, 10, 5))

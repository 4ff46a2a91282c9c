"""Slots at fixed-point sessions: which dates and times a citizen may still book.

Plain functions (no request, no form) so the public pages, the booking action and tests agree on
one answer.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.workdays import is_working_day
from teams.models import TeamDayOff

from .models import SessionBooking

SLOT_TAKEN = gettext_lazy("Цей час щойно зайняли. Оберіть, будь ласка, інший вільний час.")


@dataclass(frozen=True)
class Slot:
    date: datetime.date
    start: datetime.time
    end: datetime.time


def slot_times(session):
    """(start, end) of each slot: the session's hours cut into `slot_minutes` pieces. A remainder
    shorter than a slot is not offered: nobody should be booked past the end of the session."""
    anchor = datetime.date(2000, 1, 3)  # any date: only the clock matters
    t = datetime.datetime.combine(anchor, session.start)
    end = datetime.datetime.combine(anchor, session.end)
    step = datetime.timedelta(minutes=session.slot_minutes)
    out = []
    while t + step <= end:
        out.append((t.time(), (t + step).time()))
        t += step
    return out


def slot_end(session, start):
    anchor = datetime.datetime.combine(datetime.date(2000, 1, 3), start)
    return (anchor + datetime.timedelta(minutes=session.slot_minutes)).time()


def _today_and_clock(now):
    local = timezone.localtime(now or timezone.now())
    return local.date(), local.time()


def _team_days_off(session, first, last):
    if not session.team_id:
        return set()
    return set(
        TeamDayOff.objects.filter(team_id=session.team_id, date__range=(first, last)).values_list("date", flat=True)
    )


def session_dates(session, *, weeks, now=None):
    """The dates in the next `weeks` weeks (from today) on which the session is held and can still
    be booked: its weekday, working days only, not on its team's days off, and today only until
    the session starts (after that the team is already on its way)."""
    today, clock = _today_and_clock(now)
    horizon = today + datetime.timedelta(days=7 * weeks)  # exclusive
    first = today + datetime.timedelta(days=(session.weekday - today.weekday()) % 7)
    off = _team_days_off(session, today, horizon)
    community = session.fixed_point.community
    dates = []
    day = first
    while day < horizon:
        if not (day == today and clock >= session.start) and day not in off and is_working_day(day, community):
            dates.append(day)
        day += datetime.timedelta(days=7)
    return dates


def booked(session, dates):
    """{(date, start)} already taken at the session on those dates."""
    return set(
        SessionBooking.objects.filter(session=session, date__in=list(dates), cancelled=False).values_list(
            "date", "start"
        )
    )


def free_slots(session, *, weeks, now=None):
    """Every slot of the session in the next `weeks` weeks that nobody has booked, in time order."""
    dates = session_dates(session, weeks=weeks, now=now)
    taken = booked(session, dates)
    times = slot_times(session)
    return [Slot(day, a, b) for day in dates for a, b in times if (day, a) not in taken]


def slot_problem(session, day, start, *, weeks, now=None):
    """Why (session, day, start) cannot be booked — a message for the citizen — or None if it can."""
    today, clock = _today_and_clock(now)
    if day < today:
        return _("Цей день уже минув. Оберіть інший час.")
    if day == today and clock >= session.start:
        return _("Запис на сьогодні вже закрито. Оберіть інший день.")
    if day.weekday() != session.weekday:
        return _("Цього дня прийому в цьому пункті немає. Оберіть час у розкладі.")
    if day >= today + datetime.timedelta(days=7 * weeks):
        return _("Записатися можна не більше ніж на %(n)s тиж. наперед.") % {"n": weeks}
    if day in _team_days_off(session, day, day) or not is_working_day(day, session.fixed_point.community):
        return _("Цього дня прийому не буде. Оберіть інший день.")
    if start not in {a for a, _b in slot_times(session)}:
        return _("Такого часу немає в розкладі прийому. Оберіть час зі списку.")
    if (day, start) in booked(session, [day]):
        return str(SLOT_TAKEN)
    return None

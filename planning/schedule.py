"""When the mobile office comes to each settlement: the days of published plans and the fixed-point
sessions with free slots (issue 12). Plain functions for the public schedule page, its printed notice,
the starosta's page and the schedule sent at publishing; none of them shows a person's name or address.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from . import slots
from .models import FixedPoint, Plan, Stop


@dataclass
class SessionDay:
    """One date of a fixed-point session: where, the hours, how many slots are still free."""

    date: datetime.date
    point: FixedPoint
    start: datetime.time
    end: datetime.time
    free: int


@dataclass
class SettlementSchedule:
    settlement: object
    visit_days: list = field(default_factory=list)  # dates the team visits homes there (published plans)
    sessions: list = field(default_factory=list)  # SessionDay, in date order

    @property
    def empty(self):
        return not self.visit_days and not self.sessions


def published_stops(community, *, since, until=None, settlements=None):
    """Stops of the community's published plans from `since` (and up to `until`), with what they need."""
    stops = Stop.objects.filter(
        trip__plan__state=Plan.State.PUBLISHED,
        trip__plan__week__community=community,
        trip__day__gte=since,
    )
    if until is not None:
        stops = stops.filter(trip__day__lte=until)
    if settlements is not None:
        ids = [s.pk for s in settlements]
        stops = stops.filter(Q(request__settlement_id__in=ids) | Q(session__fixed_point__settlement_id__in=ids))
    return stops.select_related("trip", "request", "session__fixed_point")


def visit_days(community, *, since, until=None, settlements=None):
    """{settlement id: sorted dates} on which a published trip visits a home in the settlement."""
    days = defaultdict(set)
    rows = (
        published_stops(community, since=since, until=until, settlements=settlements)
        .filter(request__isnull=False)
        .values_list("request__settlement_id", "trip__day")
    )
    for settlement_id, day in rows:
        days[settlement_id].add(day)
    return {k: sorted(v) for k, v in days.items()}


def session_days(community, *, settlements=None, weeks=None, now=None):
    """{settlement id: [SessionDay]}: the coming dates of every active fixed point's sessions with the
    number of free slots (planning/slots.py), for as many weeks as citizens may book ahead."""
    weeks = weeks or settings.VALIZA_BOOKING_WEEKS
    points = FixedPoint.objects.filter(community=community, is_active=True).select_related("community")
    if settlements is not None:
        points = points.filter(settlement__in=settlements)
    out = defaultdict(list)
    for point in points.prefetch_related("sessions"):
        for session in point.sessions.all():
            session.fixed_point = point
            free = defaultdict(int)
            for slot in slots.free_slots(session, weeks=weeks, now=now):
                free[slot.date] += 1
            for day in slots.session_dates(session, weeks=weeks, now=now):
                out[point.settlement_id].append(SessionDay(day, point, session.start, session.end, free[day]))
    for items in out.values():
        items.sort(key=lambda d: (d.date, d.start, d.point.name))
    return out


def settlement_schedules(community, settlements, *, today=None, until=None):
    """A SettlementSchedule for each of `settlements` (in their order)."""
    today = today or timezone.localdate()
    settlements = list(settlements)
    visits = visit_days(community, since=today, until=until, settlements=settlements)
    sessions = session_days(community, settlements=settlements)
    out = []
    for settlement in settlements:
        days = [d for d in sessions.get(settlement.pk, []) if d.date >= today and (until is None or d.date <= until)]
        out.append(SettlementSchedule(settlement, visits.get(settlement.pk, []), days))
    return out


def request_dates(requests):
    """{request id: the published stop} for the requests that have one from today on: the date
    and time window their person was told."""
    today = timezone.localdate()
    stops = (
        Stop.objects.filter(request__in=requests, trip__plan__state=Plan.State.PUBLISHED, trip__day__gte=today)
        .select_related("trip")
        .order_by("trip__day")
    )
    out = {}
    for stop in stops:
        out.setdefault(stop.request_id, stop)
    return out

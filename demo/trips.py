"""A published trip made by hand, with no solver: for demo data, tests and the field benchmarks.

Not the coordinator's way (plan → approve → publish sends SMS and checks everything): this puts
the given requests on one trip in the given order, as if a plan had been published, so the field
client has a day to load.
"""

import datetime

from django.utils import timezone

from planning import actions
from planning.models import Plan, Stop, Trip
from visits import actions as visit_actions
from visits.models import Status


def published_trip(team, day, requests, *, by=None, plan=None, leave=datetime.time(9), hours=8,
                   first_after=30, every=60, stay=30, window=(30, 60), supersede=False, comment=""):
    """A published plan (or the given `plan`) with one trip of `team` on `day` and a stop per request:
    the first `first_after` minutes after leaving, then one every `every` minutes, each `stay`
    minutes long, the person's window from `window[0]` minutes before to `window[1]` after.
    Accepted requests become scheduled. `supersede` sets the community's published plans aside
    first, as a revised plan would. Returns the trip."""
    community = team.community
    now = timezone.now()
    if plan is None:
        if supersede:
            Plan.objects.filter(week__community=community, state=Plan.State.PUBLISHED).update(
                state=Plan.State.SUPERSEDED)
        week = actions.week_for(community, day - datetime.timedelta(days=day.weekday()))
        version = (week.plans.order_by("-version").values_list("version", flat=True).first() or 0) + 1
        plan = Plan.objects.create(week=week, version=version, state=Plan.State.PUBLISHED, created_by=by,
                                   published_by=by, published_at=now, finished_at=now)
    start = datetime.datetime.combine(day, leave, tzinfo=timezone.get_current_timezone())
    trip = Trip.objects.create(plan=plan, team=team, day=day, vehicle=team.vehicle, suitcase=team.suitcase,
                               leave_at=start, return_at=start + datetime.timedelta(hours=hours))
    minutes = datetime.timedelta(minutes=1)
    # Numbered from 1, as the planner numbers them (planning.actions._save_solution).
    for position, req in enumerate(requests, start=1):
        at = start + (first_after + every * (position - 1)) * minutes
        Stop.objects.create(trip=trip, position=position, request=req, arrival=at, start=at, end=at + stay * minutes,
                            window_start=at - window[0] * minutes, window_end=at + window[1] * minutes)
        if req.status == Status.ACCEPTED:
            visit_actions.change_status(req, Status.SCHEDULED, by=by, comment=comment)
    return trip

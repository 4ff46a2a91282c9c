"""A served visit as the laptop syncs it, and moments of an ordinary week after the frozen "now"."""

import contextlib
import datetime
import uuid
import zoneinfo

import time_machine
from django.utils import timezone

from conftest import FROZEN_AT
from field.models import Visit
from field.tests.factories import field_team, published_trip
from field.tests.syncing import accept, outcome, send

KYIV = zoneinfo.ZoneInfo("Europe/Kyiv")
MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY = range(6)


def moment(weekday, hour, minute=0, *, weeks=1):
    """A Kyiv moment on `weekday`, in the week `weeks` after the frozen today's (never today), whatever
    moment the clock has been moved to."""
    today = timezone.localtime(FROZEN_AT).date()
    monday = today - datetime.timedelta(days=today.weekday()) + datetime.timedelta(weeks=weeks)
    return datetime.datetime.combine(monday + datetime.timedelta(days=weekday), datetime.time(hour, minute), tzinfo=KYIV)


def served_visit(world, *, result="served", user=None, requests=None):
    """Today's first stop of a new published trip, accepted and closed with `result` through the sync,
    as the laptop sends it. Returns the visit."""
    user = user or world.users["field_admin"]
    team = field_team(world, members=[user])
    trip = published_trip(world, day=timezone.localdate(), requests=requests, team=team)
    stop = trip.stops.order_by("position").first()
    items = [accept(world, stop, seq=1)] if result in ("served", "partly_served") else []
    items.append(outcome(stop, result, seq=2))
    # One laptop per administrator.
    answer, code = send(user, items, device=uuid.uuid5(uuid.NAMESPACE_URL, f"laptop-of-{user.pk}"))
    assert code == 200, answer
    return Visit.objects.select_related("request").get(stop=stop)


@contextlib.contextmanager
def at(when, login=None, user=None):
    """The clock stopped at `when`; with `login` and `user`, that user's client logged in then (a staff
    session lasts a working day, so each day of a story logs in again)."""
    with time_machine.travel(when, tick=False):
        yield login(user) if login is not None else None

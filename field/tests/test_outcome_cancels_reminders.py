"""Issue 10: the moment a visit's outcome arrives, its reminders not yet sent are withdrawn; a late sync
(after the night-after return put the request back and another week took it) leaves the new trip's
reminder alone unless the person was served. Dates derive from the frozen "now" (conftest)."""

import datetime

from django.utils import timezone

from demo.trips import published_trip as trip_of
from field.tests.factories import field_team, published_trip, scheduled_request
from field.tests.syncing import outcome, send
from notifications.models import OutboxMessage
from notifications.outbox import enqueue
from planning import actions as planning_actions
from visits.models import Status, VisitRequest


def on(day, hour=11):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def reminder(req, plan, day):
    message, _created = enqueue(community=req.community, recipient=req.contact_phone, text="ЦНАП нагадує",
                                kind="reminder", related=req, dedup_key=f"plan:{plan.pk}:request:{req.pk}:reminder",
                                not_before=on(day - datetime.timedelta(days=1), 16), wake=False)
    return message


def state(message):
    message.refresh_from_db()
    return message.state


def test_served_today_cancels_the_reminder_at_once(world, no_case_files):
    today = timezone.localdate()
    trip = published_trip(world, day=today)
    served, away = [s.request for s in trip.stops.order_by("position")]
    VisitRequest.objects.filter(stops__trip=trip).update(created_at=on(today - datetime.timedelta(days=10)))
    later = reminder(served, trip.plan, today + datetime.timedelta(days=1))
    other = reminder(away, trip.plan, today + datetime.timedelta(days=1))
    answer, code = send(world.users["field_admin"], [outcome(trip.stops.get(request=served), "served")])
    assert code == 200, answer
    assert state(later) == "cancelled" and state(other) == "queued"
    answer, code = send(world.users["field_admin"], [outcome(trip.stops.get(request=away), "not_at_home", seq=2)])
    assert code == 200, answer
    assert state(other) == "cancelled"
    away.refresh_from_db()
    assert away.status == Status.ACCEPTED


def _late(world, value):
    """Yesterday's visit, synced only after the return put the request back and next week's plan took it."""
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    req = scheduled_request(world)
    VisitRequest.objects.filter(pk=req.pk).update(created_at=on(today - datetime.timedelta(days=10)))
    old = trip_of(field_team(world), yesterday, [req], by=world.users["coordinator"])
    assert planning_actions.return_unvisited(today=today) == 1
    req.refresh_from_db()
    next_day = planning_actions.next_monday(today) + datetime.timedelta(days=1)
    new = trip_of(field_team(world, name="Друга"), next_day, [req], by=world.users["coordinator"])
    waiting = reminder(req, new.plan, next_day)
    answer, code = send(world.users["field_admin"], [outcome(old.stops.get(), value, at=on(yesterday))],
                        received_at=timezone.now())
    assert code == 200, answer
    req.refresh_from_db()
    return req, waiting


def test_a_late_sync_of_a_served_visit_cancels_next_weeks_reminder(world, no_case_files):
    req, waiting = _late(world, "served")
    assert req.status == Status.SERVED
    assert state(waiting) == "cancelled"


def test_a_late_sync_of_a_missed_visit_keeps_the_new_trips_reminder(world, no_case_files):
    req, waiting = _late(world, "not_at_home")
    assert req.status == Status.SCHEDULED
    assert state(waiting) == "queued"
    assert OutboxMessage.objects.filter(kind="reminder", state="cancelled").count() == 0


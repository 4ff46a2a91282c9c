"""A visit day that passed with no outcome: the request goes back to the planning pool, and a
laptop that syncs later still gets its visit counted."""

import datetime
import io

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from field.tests.factories import published_trip, scheduled_request
from field.tests.syncing import outcome, send
from planning import actions as planning_actions
from planning import tasks as planning_tasks
from planning.models import Plan
from visits.models import Status, VisitRequest

TODAY = datetime.date(2026, 11, 25)  # a Wednesday
YESTERDAY = TODAY - datetime.timedelta(days=1)


def on(day, hour=11):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def asked_before(trip):
    """The trip's requests were made before its day (the world makes them now, whatever day it is):
    a device time on the trip's day is then believed (field/sync/clock.py)."""
    VisitRequest.objects.filter(stops__trip=trip).update(created_at=on(trip.day - datetime.timedelta(days=10)))
    return trip


def status(req):
    req.refresh_from_db()
    return req.status


def test_unvisited_requests_of_a_past_day_go_back_to_the_pool(world, no_case_files):
    trip = asked_before(published_trip(world, day=YESTERDAY))
    served, missed = [s.request for s in trip.stops.order_by("position")]
    # Synced that evening (the test's days are fixed, whatever day the run is).
    send(world.users["field_admin"], [outcome(trip.stops.get(request=served), "served", at=on(YESTERDAY))],
         received_at=on(YESTERDAY, 20))
    today_trip = published_trip(world, day=TODAY)
    on_today = today_trip.stops.first().request

    assert planning_actions.return_unvisited(today=TODAY) == 1
    assert status(missed) == Status.ACCEPTED
    change = missed.history.last()
    assert change.by is None
    assert YESTERDAY.strftime("%d.%m.%Y") in change.comment and "повертається до планування" in change.comment
    assert status(served) == Status.SERVED
    # Today's visits are not over yet.
    assert status(on_today) == Status.SCHEDULED
    # Running it again changes nothing.
    changes = missed.history.count()
    assert planning_actions.return_unvisited(today=TODAY) == 0
    assert missed.history.count() == changes


def test_a_request_also_on_a_later_trip_stays_scheduled(world, no_case_files):
    req = scheduled_request(world)
    published_trip(world, day=YESTERDAY, requests=[req])
    # A newer plan of another week took it for tomorrow.
    published_trip(world, day=TODAY + datetime.timedelta(days=7), requests=[req])
    assert planning_actions.return_unvisited(today=TODAY) == 0
    assert status(req) == Status.SCHEDULED


def test_a_superseded_plans_stops_are_left_to_the_revision(world, no_case_files):
    trip = published_trip(world, day=YESTERDAY)
    Plan.objects.filter(pk=trip.plan_id).update(state=Plan.State.SUPERSEDED)
    assert planning_actions.return_unvisited(today=TODAY) == 0


def test_a_visit_synced_after_the_return_still_counts(world, no_case_files):
    trip = asked_before(published_trip(world, day=YESTERDAY))
    stop = trip.stops.order_by("position").first()
    at = on(YESTERDAY)
    assert planning_actions.return_unvisited(today=TODAY) == 2
    answer, code = send(world.users["field_admin"], [outcome(stop, "served", at=at)], received_at=on(TODAY, 9))
    assert code == 200, answer
    assert status(stop.request) == Status.SERVED


def test_the_command_says_how_many_went_back(world, no_case_files):
    published_trip(world, day=timezone.localdate() - datetime.timedelta(days=1))
    out = io.StringIO()
    call_command("return_unvisited", stdout=out)
    assert out.getvalue().strip() == "returned=2"


def test_publishing_asks_the_worker_for_each_visit_day_the_night_after(
        world, settings, no_case_files, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    default_task_backend.clear()
    first = published_trip(world, day=TODAY)
    plan = first.plan
    Plan.objects.filter(pk=plan.pk).update(state=Plan.State.APPROVED, published_at=None)
    plan.refresh_from_db()
    published_trip(world, day=TODAY + datetime.timedelta(days=1), plan=plan)
    with django_capture_on_commit_callbacks(execute=True):
        planning_actions.publish(plan, by=world.users["coordinator"])
    runs = sorted(timezone.localtime(r.task.run_after) for r in default_task_backend.results
                  if r.task.func is planning_tasks.return_unvisited.func)
    assert [(r.date(), r.time()) for r in runs] == [
        (TODAY + datetime.timedelta(days=1), datetime.time(0, 30)),
        (TODAY + datetime.timedelta(days=2), datetime.time(0, 30)),
    ]


def test_the_request_history_says_valiza_did_it(world, login, no_case_files):
    trip = published_trip(world, day=YESTERDAY)
    req = trip.stops.order_by("position").first().request
    planning_actions.return_unvisited(today=TODAY)
    page = login(world.users["coordinator"]).get(reverse("visits:detail", args=[req.pk])).content.decode()
    assert "Валіза, автоматично" in page and "не відбувся" in page

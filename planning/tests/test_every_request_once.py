"""Issue 10, "every request once": a request on a published trip belongs to that trip until its day is
over (or an outcome arrives); no other week plans it, announces it or counts it in its pool.

Every date is derived from the frozen "now" of the run (conftest): today, this week's Monday, the next."""

import datetime

import pytest
from django.utils import timezone

from demo.trips import published_trip
from field.tests.factories import field_team, scheduled_request
from notifications.models import OutboxMessage
from planning import actions, build
from planning.models import Plan
from visits.models import Status


def today():
    return timezone.localdate()


def this_monday():
    return today() - datetime.timedelta(days=today().weekday())


def pool_ids(monday, world):
    return set(build.plannable_requests(actions.week_for(world.a, monday)).values_list("pk", flat=True))


def publish_by_hand(world, team, day, requests):
    """A plan approved with one trip on `day`, published the coordinator's way (SMS and all)."""
    trip = published_trip(team, day, requests, by=world.users["coordinator"])
    Plan.objects.filter(pk=trip.plan_id).update(state=Plan.State.APPROVED, published_at=None)
    return actions.publish(trip.plan, by=world.users["coordinator"])


def test_a_request_on_this_weeks_trip_is_not_in_next_weeks_pool(world, login):
    team = field_team(world)
    held, free = scheduled_request(world), scheduled_request(world)
    publish_by_hand(world, team, today(), [held])
    held.refresh_from_db()
    assert held.status == Status.SCHEDULED
    following = actions.next_monday(today())
    assert held.pk not in pool_ids(following, world) and free.pk in pool_ids(following, world)
    # A revision of this week takes it again: it is this week's.
    assert held.pk in pool_ids(this_monday(), world)
    # The board of next week counts only what next week may plan.
    page = login(world.users["coordinator"]).get(f"/staff/planning/?week={following.isoformat()}").content.decode()
    assert f'id="pool-count">{len(pool_ids(following, world))}<' in page


def test_a_request_on_next_weeks_trip_is_not_in_this_or_a_later_weeks_pool(world):
    team = field_team(world)
    req = scheduled_request(world)
    following = actions.next_monday(today())
    publish_by_hand(world, team, following + datetime.timedelta(days=1), [req])
    assert req.pk not in pool_ids(this_monday(), world)
    assert req.pk not in pool_ids(following + datetime.timedelta(days=7), world)
    assert req.pk in pool_ids(following, world)


def test_an_outcome_or_the_night_after_puts_it_back(world):
    team = field_team(world)
    req = scheduled_request(world)
    yesterday = today() - datetime.timedelta(days=1)
    publish_by_hand(world, team, yesterday, [req])
    following = actions.next_monday(today())  # never yesterday's week
    # The day is over but the night-after return has not run: still the trip's.
    assert req.pk not in pool_ids(following, world)
    assert actions.return_unvisited(today=today()) == 1
    assert req.pk in pool_ids(following, world)


def test_a_draft_of_another_week_is_stale_once_the_request_is_published_elsewhere(world):
    team = field_team(world)
    req = scheduled_request(world)
    following = actions.next_monday(today())
    later = actions.week_for(world.a, following + datetime.timedelta(days=7))
    # A draft of the later week made while the request was still in the pool.
    draft = Plan.objects.create(week=later, version=1, state=Plan.State.DRAFT,
                                basis={str(req.pk): req.updated_at.isoformat()})
    trip = published_trip(team, later.monday, [], plan=draft)
    trip.stops.create(position=1, request=req, arrival=trip.leave_at, start=trip.leave_at, end=trip.return_at,
                      window_start=trip.leave_at, window_end=trip.return_at)
    Plan.objects.filter(pk=draft.pk).update(state=Plan.State.APPROVED)
    # Next week's plan publishes the request first.
    publish_by_hand(world, team, following, [req])
    sent = OutboxMessage.objects.filter(related_object=f"visits.visitrequest:{req.pk}", kind="schedule").count()
    assert sent == 1
    draft.refresh_from_db()
    with pytest.raises(actions.PlanningError, match="іншого тижня"):
        actions.publish(draft, by=world.users["coordinator"])
    assert OutboxMessage.objects.filter(related_object=f"visits.visitrequest:{req.pk}", kind="schedule").count() == 1
    Plan.objects.filter(pk=draft.pk).update(state=Plan.State.DRAFT)
    stale, _new = actions.stale_requests(draft)
    assert [r.pk for r in stale] == [req.pk]
    with pytest.raises(actions.PlanningError, match="Сплануйте тиждень заново"):
        actions.approve(draft, by=world.users["coordinator"])


def test_a_revision_of_the_same_week_tells_only_changes_and_sends_no_second_schedule(world):
    team = field_team(world)
    req = scheduled_request(world)
    following = actions.next_monday(today())
    first = publish_by_hand(world, team, following, [req])
    assert req.pk in pool_ids(following, world)
    # The revision: the same stop on the same day and window.
    revision = Plan.objects.create(week=first.week, version=2, state=Plan.State.APPROVED)
    published_trip(team, following, [req], plan=revision)
    actions.publish(revision, by=world.users["coordinator"])
    kinds = sorted(OutboxMessage.objects.filter(related_object=f"visits.visitrequest:{req.pk}")
                   .exclude(kind="received").values_list("kind", "state"))
    assert kinds == [("reminder", "cancelled"), ("reminder", "queued"), ("schedule", "queued")]

"""Issue 11, part 3: "doubt about legal capacity" and "refused" do not send the request back to the
planning pool; it waits for a decision (seed 000 §1.9), which the coordinator takes. Dates derive
from the frozen "now" (conftest)."""

import pytest
from django.utils import timezone

from field.tests.factories import published_trip
from field.tests.syncing import outcome, send
from planning import actions as planning_actions
from planning import build
from visits import actions as visit_actions
from visits.models import RejectReason, Status


def _pool_of_next_week(world):
    week = planning_actions.week_for(world.a, planning_actions.next_monday(timezone.localdate()))
    return set(build.pool(week).values_list("pk", flat=True))


@pytest.mark.parametrize("value", ["capacity_doubt", "refused"])
def test_doubt_about_capacity_or_a_refusal_puts_the_request_on_hold_not_back_in_the_pool(world, value):
    trip = published_trip(world)
    stop = trip.stops.order_by("position").first()
    req = stop.request
    answer, code = send(world.users["field_admin"], [outcome(stop, value, note="плутає дати")])
    assert code == 200, answer
    req.refresh_from_db()
    assert req.status == Status.ON_HOLD
    comment = req.history.last().comment
    assert "чекає рішення" in comment.lower() and "плутає дати" in comment
    assert req.pk not in _pool_of_next_week(world)


def test_not_at_home_still_returns_the_request_to_the_pool(world):
    trip = published_trip(world)
    stop = trip.stops.order_by("position").first()
    send(world.users["field_admin"], [outcome(stop, "not_at_home")])
    stop.request.refresh_from_db()
    assert stop.request.status == Status.ACCEPTED


def test_the_coordinator_returns_a_request_on_hold_to_the_pool_or_closes_it(world):
    trip = published_trip(world)
    first, second = trip.stops.order_by("position")
    send(world.users["field_admin"], [outcome(first, "capacity_doubt", seq=1), outcome(second, "refused", seq=2)])
    back, closed = first.request, second.request
    back.refresh_from_db()
    closed.refresh_from_db()
    visit_actions.change_status(back, Status.ACCEPTED, by=world.users["coordinator"],
                                comment="Довідку лікаря отримано.")
    assert back.pk in _pool_of_next_week(world)
    visit_actions.change_status(closed, Status.REJECTED, by=world.users["coordinator"],
                                reason=RejectReason.WITHDRAWN, comment="Людина відмовилася від послуги.")
    assert closed.status == Status.REJECTED
    with pytest.raises(visit_actions.TransitionError):
        visit_actions.change_status(back, Status.ON_HOLD, by=world.users["coordinator"])  # accepted → on hold: no

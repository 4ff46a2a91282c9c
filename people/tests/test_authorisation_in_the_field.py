"""Issue 16: only staff with an order in force work in the field. Expiry and revocation reach the
laptop at its next sync: new work refused with the reason, work done before the revocation kept for
the coordinator's review, nothing lost."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from field import tasks
from field.models import SyncItem
from field.sync import review
from field.tests.factories import published_trip
from field.tests.syncing import accept, day, hours, one, outcome, post, send
from journal.models import Case
from people import authorisation
from people.tests.helpers import order, require_orders


@pytest.fixture(autouse=True)
def _no_case_files(monkeypatch):
    monkeypatch.setattr(tasks, "schedule_case_files", lambda ids: None)


@pytest.fixture
def admin_(world):
    return world.users["field_admin"]


@pytest.fixture
def trip(world):
    return published_trip(world)


def first_stop(trip):
    return trip.stops.order_by("position").first()


def test_without_the_switch_the_community_works_as_before(world, admin_, trip):
    answer, status = send(admin_, [outcome(first_stop(trip))])
    assert status == 200 and one(answer)["state"] == "applied"


def test_an_order_in_force_lets_the_work_through(world, admin_, trip):
    require_orders(world.a)
    order(admin_)
    answer, status = send(admin_, [outcome(first_stop(trip))])
    assert status == 200 and one(answer)["state"] == "applied"


def test_without_an_order_new_work_is_refused_with_the_reason_and_kept(world, admin_, trip):
    require_orders(world.a)
    answer, status = send(admin_, [outcome(first_stop(trip))])
    result = one(answer)
    assert status == 422 and result["state"] == "refused" and result["code"] == "not_authorised"
    assert "Немає наказу" in result["message"]
    assert SyncItem.objects.get().state == "refused"  # stored for the coordinator, not lost


def test_an_order_ending_on_the_trip_day_holds_through_the_whole_day(world, admin_, trip):
    require_orders(world.a)
    order(admin_, valid_until=trip.day)
    # Synced the next morning: the trip's day is what counts, not the moment of the sync.
    late = timezone.now() + hours(20)
    answer, status = send(admin_, [outcome(first_stop(trip), at=timezone.now())], received_at=late, sent_at=late)
    assert one(answer)["state"] == "applied", one(answer)


def test_an_expired_order_refuses_the_work_of_a_later_trip_and_says_when_it_ended(world, admin_):
    require_orders(world.a)
    today = timezone.localdate()
    order(admin_, valid_until=today - datetime.timedelta(days=1), issued_on=today - datetime.timedelta(days=40))
    trip = published_trip(world)
    result = one(send(admin_, [outcome(first_stop(trip))])[0])
    assert result["code"] == "not_authorised" and result["state"] == "refused"
    assert "закінчився" in result["message"] and (today - datetime.timedelta(days=1)).strftime("%d.%m.%Y") in result["message"]


def test_an_unsigned_order_does_not_authorise(world, admin_, trip):
    require_orders(world.a)
    order(admin_, acknowledged_on=None)
    result = one(send(admin_, [outcome(first_stop(trip))])[0])
    assert result["code"] == "not_authorised" and "під підпис" in result["message"]


def test_a_laptop_syncing_after_revocation_keeps_earlier_work_for_review_and_refuses_new(world, admin_, trip, login):
    require_orders(world.a)
    the_order = order(admin_)
    client = login(admin_)
    assert day(client).status_code == 200  # the laptop loaded its day while authorised
    first, second = trip.stops.order_by("position")[:2]
    now = timezone.now()
    before = accept(world, first, at=now + datetime.timedelta(minutes=10), seq=1)
    after = outcome(second, at=now + datetime.timedelta(minutes=50), seq=2)
    # Revoked half an hour in, while the laptop was offline; it syncs an hour in with both actions.
    authorisation.revoke(the_order, world.users["coordinator"], "Звільнення", at=now + datetime.timedelta(minutes=30))
    with time_machine.travel(now + hours(1), tick=False):
        response = post(client, [before, after], sent_at=now + hours(1))
    assert response.status_code == 422
    results = {r["id"]: r for r in response.json()["results"]}
    kept, refused = results[before["id"]], results[after["id"]]
    assert kept["state"] == "conflict" and kept["code"] == "authorisation_revoked"
    assert "скасовано" in kept["message"] and "координатору" in kept["message"]
    assert refused["state"] == "refused" and refused["code"] == "not_authorised" and "скасовано" in refused["message"]
    assert Case.objects.count() == 0  # nothing applied unseen
    # The coordinator reviews the earlier work and applies it: the cases are registered.
    held = SyncItem.objects.get(pk=before["id"])
    review.resolve_apply(held, world.users["coordinator"])
    assert Case.objects.filter(request=first.request).count() == 1
    # And the laptop can no longer load a day's work; it is told why.
    with time_machine.travel(now + hours(1), tick=False):
        again = day(client)
    assert again.status_code == 403 and "скасовано" in again.json()["detail"]


def test_a_revocation_needs_a_reason_and_happens_once(world, admin_):
    from django.core.exceptions import ValidationError

    the_order = order(admin_)
    with pytest.raises(ValidationError):
        authorisation.revoke(the_order, world.users["coordinator"], "  ")
    authorisation.revoke(the_order, world.users["coordinator"], "Звільнення")
    with pytest.raises(ValidationError):
        authorisation.revoke(the_order, world.users["coordinator"], "Ще раз")


def test_the_day_is_refused_to_a_user_without_an_order(world, admin_, trip, login):
    require_orders(world.a)
    response = day(login(admin_))
    assert response.status_code == 403 and "Немає наказу" in response.json()["detail"]


def test_a_service_outside_the_orders_scope_is_refused_with_its_name(world, admin_, trip):
    require_orders(world.a)
    order(admin_).scope.set([world.svc_cert])
    result = one(send(admin_, [accept(world, first_stop(trip))])[0])
    assert result["state"] == "refused" and result["code"] == "outside_scope"
    assert world.svc_reg.name_uk in result["message"]
    assert Case.objects.count() == 0


def test_an_order_with_no_scope_allows_every_service(world, admin_, trip):
    require_orders(world.a)
    order(admin_)
    assert one(send(admin_, [accept(world, first_stop(trip))])[0])["state"] == "applied"

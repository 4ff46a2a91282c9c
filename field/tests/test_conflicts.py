"""Each conflict rule of ADR 7, what happens and what the user is told, and the coordinator's way out."""

import datetime

import pytest
from django.utils import timezone

from field.models import Device, Payment, SyncItem, Visit
from field.sync import devices, review
from field.sync.errors import ReviewError
from field.tests.factories import field_team, published_trip, scheduled_request
from field.tests.syncing import DEVICE, OTHER_DEVICE, accept, item, one, outcome, payment, send
from journal.models import Case, JournalEntry
from planning.models import Plan, Stop, Trip
from visits import actions as visit_actions
from visits.models import RejectReason, Status

pytestmark = pytest.mark.usefixtures("no_case_files")


@pytest.fixture
def stop(first_stop):
    return first_stop


def _counts():
    return Case.objects.count(), JournalEntry.objects.count(), Visit.objects.count(), Payment.objects.count()


def test_device_revoked_refuses_and_stores_every_item(world, stop):
    admin = world.users["field_admin"]
    earlier = accept(world, stop)
    send(admin, [earlier])
    device = Device.objects.get()
    devices.revoke_device(device, world.users["coordinator"], "Ноутбук загубили в автобусі")
    before = _counts()
    later = [outcome(stop, seq=2), item("visit.payment", stop, {"junk": 1}, seq=3)]
    answer, status = send(admin, [earlier, *later])
    assert status == 403
    assert answer["device"]["revoked"] and "зателефонуйте координатору" in answer["device"]["message"]
    replay, *refused = answer["results"]
    assert replay["replayed"] and replay["state"] == "applied"  # what came before the revocation stands
    assert [r["state"] for r in refused] == ["refused", "refused"]
    assert {r["code"] for r in refused} == {"device_revoked"}
    assert "0 800 111 111" in refused[0]["message"]
    assert _counts() == before
    assert SyncItem.objects.filter(state="refused").count() == 2  # stored, for the coordinator


def test_revoking_needs_a_reason_and_the_own_community(world, stop):
    send(world.users["field_admin"], [item("visit.start", stop)])
    device = Device.objects.get()
    with pytest.raises(ReviewError):
        devices.revoke_device(device, world.users["coordinator"], "  ")
    with pytest.raises(ReviewError):
        devices.revoke_device(device, world.b_coordinator, "чужий")
    device.refresh_from_db()
    assert device.revoked_at is None


def test_not_on_team_is_refused_and_stored(world, stop):
    stop.trip.team.members.clear()
    before = _counts()
    answer, status = send(world.users["field_admin"], [accept(world, stop)])
    result = one(answer)
    assert status == 422 and result["state"] == "refused" and result["code"] == "not_on_team"
    assert "немає в команді" in result["message"] and stop.trip.team.name in result["message"]
    assert _counts() == before and SyncItem.objects.get().state == "refused"


def test_a_stop_of_another_community_is_not_found_like_an_unknown_one(world, stop):
    from planning import actions as planning_actions
    from teams.models import Team

    week = planning_actions.week_for(world.b, planning_actions.next_monday())
    plan = Plan.objects.create(week=week, version=1, state=Plan.State.PUBLISHED)
    team = Team.objects.create(community=world.b, name="Команда Б", office=world.b.offices.get())
    team.members.add(world.users["field_admin"])  # even a (wrong) membership must not open it
    now = timezone.now()
    foreign = Stop.objects.create(trip=Trip.objects.create(plan=plan, team=team, day=week.monday, leave_at=now,
                                                           return_at=now),
                                  position=1, request=world.b_req, arrival=now, start=now, end=now,
                                  window_start=now, window_end=now)
    unknown_id = foreign.pk + 1000
    answer, status = send(world.users["field_admin"], [accept(world, foreign, seq=1), accept(world, unknown_id, seq=2)])
    assert status == 422
    first, second = answer["results"]
    assert first["code"] == second["code"] == "not_found"
    assert first["message"].replace(str(foreign.pk), "N") == second["message"].replace(str(unknown_id), "N")
    assert world.b_req.applicant_name not in first["message"]
    assert SyncItem.objects.get(pk=first["id"]).stop is None
    assert not Case.objects.exists()


def test_an_unpublished_plan_is_not_found(world, stop):
    Plan.objects.filter(pk=stop.trip.plan_id).update(state=Plan.State.DRAFT)
    answer, status = send(world.users["field_admin"], [accept(world, stop)])
    assert one(answer)["code"] == "not_found"


@pytest.mark.parametrize("withdraw", ["reject", "needs_info"])
def test_request_withdrawn_is_held_and_the_coordinator_registers_it_anyway(world, stop, withdraw):
    req = stop.request
    if withdraw == "reject":
        visit_actions.reject(req, by=world.users["coordinator"], reason=RejectReason.WITHDRAWN)
    else:
        visit_actions.ask_for_info(req, by=world.users["coordinator"], comment="Уточнити адресу")
    before = _counts()
    answer, status = send(world.users["field_admin"], [accept(world, stop)])
    result = one(answer)
    assert status == 422 and result["state"] == "conflict" and result["code"] == "request_withdrawn"
    assert req.number in result["message"] and "координатору" in result["message"]
    assert _counts() == before
    held = SyncItem.objects.get()
    resolved = review.resolve_apply(held, world.users["coordinator"])
    assert resolved.state == "resolved" and resolved.resolved_by == world.users["coordinator"]
    case = Case.objects.get()
    assert case.accepted_by == world.users["field_admin"] and case.accepted_at == held.effective_at
    req.refresh_from_db()
    assert req.status == (Status.REJECTED if withdraw == "reject" else Status.NEEDS_INFO)  # the coordinator's own
    # The device's replay now learns the resolution and stops sending it.
    again, status = send(world.users["field_admin"], [SyncItem.objects.get().payload])
    assert status == 200 and one(again)["state"] == "resolved" and one(again)["replayed"]
    with pytest.raises(ReviewError):
        review.resolve_apply(held, world.users["coordinator"])


def test_the_coordinator_closes_a_held_item_with_a_note(world, stop):
    visit_actions.reject(stop.request, by=world.users["coordinator"], reason=RejectReason.FALSE_CALL)
    send(world.users["field_admin"], [outcome(stop)])
    held = SyncItem.objects.get()
    with pytest.raises(ReviewError):
        review.resolve_close(held, world.users["coordinator"], " ")
    with pytest.raises(ReviewError):
        review.resolve_close(held, world.b_coordinator, "чужа громада")
    review.resolve_close(held, world.users["coordinator"], "Хибний виклик, візит не рахуємо")
    held.refresh_from_db()
    assert held.state == "resolved" and held.resolution == "Хибний виклик, візит не рахуємо"
    assert not Visit.objects.filter(outcome__gt="").exists()


def _revise(world, stop, *, to_team=None):
    """Publish a new version of the stop's plan: the request on a new stop of `to_team` (or dropped)."""
    old = stop.trip.plan
    Plan.objects.filter(pk=old.pk).update(state=Plan.State.SUPERSEDED)
    if to_team is None:
        visit_actions.change_status(stop.request, Status.ACCEPTED, by=world.users["coordinator"], comment="знято")
        return None
    plan = Plan.objects.create(week=old.week, version=old.version + 1, state=Plan.State.PUBLISHED)
    return published_trip(world, day=stop.trip.day + datetime.timedelta(days=1), team=to_team,
                          requests=[stop.request], plan=plan).stops.get()


def test_request_moved_is_applied_and_the_user_told(world, stop):
    other_team = field_team(world, members=[world.users["partner"]], name="Друга команда")
    new_stop = _revise(world, stop, to_team=other_team)
    answer, status = send(world.users["field_admin"], [accept(world, stop, seq=1), outcome(stop, "not_at_home", seq=2)])
    assert status == 200
    first, second = answer["results"]
    assert first["state"] == "applied" and first["code"] == "request_moved"
    assert "Друга команда" in first["message"] and "вже не потрібен" in first["message"]
    assert first["result"]["moved_to"]["stop_id"] == new_stop.pk
    assert Case.objects.count() == 1
    stop.request.refresh_from_db()
    # Not at home at the old stop, but the new plan already brings another team: it stays scheduled.
    assert stop.request.status == Status.SCHEDULED and "новому виїзді" in second["message"]


def test_a_visit_dropped_from_the_new_plan_still_serves_the_request(world, stop):
    _revise(world, stop)
    answer, status = send(world.users["field_admin"], [outcome(stop, "served")])
    assert status == 200 and one(answer)["code"] == "request_moved"
    stop.request.refresh_from_db()
    assert stop.request.status == Status.SERVED


def test_outcome_edited_twice_from_another_device_is_held_showing_both(world, stop):
    admin = world.users["field_admin"]
    send(admin, [outcome(stop, "not_at_home")], device=DEVICE)
    answer, status = send(admin, [outcome(stop, "refused")], device=OTHER_DEVICE)
    result = one(answer)
    assert status == 422 and result["state"] == "conflict" and result["code"] == "edited_twice"
    assert "Людини не було вдома" in result["message"] and "Людина відмовилася" in result["message"]
    assert Visit.objects.get().outcome == "not_at_home"
    review.resolve_apply(SyncItem.objects.get(pk=result["id"]), world.users["coordinator"])
    assert Visit.objects.get().outcome == "refused"


def test_a_later_item_of_the_same_device_replaces_an_earlier_late_one_is_superseded(world, stop):
    admin = world.users["field_admin"]
    send(admin, [outcome(stop, "not_at_home", seq=1)])
    answer, status = send(admin, [outcome(stop, "technical_failure", seq=5)])
    assert status == 200 and one(answer)["code"] == "" and "замінено" in one(answer)["message"]
    visit = Visit.objects.get()
    assert visit.outcome == "technical_failure" and str(visit.outcome_item_id) == one(answer)["id"]
    late, status = send(admin, [outcome(stop, "refused", seq=3)])
    assert status == 200 and one(late)["state"] == "applied" and one(late)["code"] == "superseded"
    assert Visit.objects.get().outcome == "technical_failure"
    assert SyncItem.objects.count() == 3  # history kept


def test_served_then_changed_by_the_same_device_is_held_because_the_request_is_closed(world, stop):
    admin = world.users["field_admin"]
    send(admin, [outcome(stop, "served", seq=1)])
    answer, status = send(admin, [outcome(stop, "not_at_home", seq=2)])
    assert status == 422 and one(answer)["state"] == "conflict"
    assert Visit.objects.get().outcome == "served"


def test_payment_edited_twice(world, stop):
    admin = world.users["field_admin"]
    # An "online" (QR) payment needs a provider a QR code can be made for (issue 11).
    world.svc_reg.provider.iban, world.svc_reg.provider.edrpou = "UA213223130000026007233566001", "12345678"
    world.svc_reg.provider.save()
    send(admin, [payment(world, stop, seq=1, receipt="A-1")])
    other, status = send(admin, [payment(world, stop, seq=1, receipt="B-7", method="online")], device=OTHER_DEVICE)
    assert status == 422 and one(other)["code"] == "edited_twice" and "іншого ноутбука" in one(other)["message"]
    same, status = send(admin, [payment(world, stop, seq=9, receipt="A-2")])
    assert status == 200 and Payment.objects.get().receipt == "A-2"
    late, status = send(admin, [payment(world, stop, seq=4, receipt="A-0")])
    assert one(late)["code"] == "superseded" and Payment.objects.get().receipt == "A-2"
    assert Payment.objects.count() == 1


def test_already_registered_returns_the_existing_case(world, stop):
    admin = world.users["field_admin"]
    first, _status = send(admin, [accept(world, stop)])
    answer, status = send(admin, [accept(world, stop)], device=OTHER_DEVICE)
    result = one(answer)
    assert status == 200 and result["code"] == "already_registered"
    assert result["result"]["cases"][0]["number"] == one(first)["result"]["cases"][0]["number"]
    assert result["result"]["cases"][0]["already_registered"] is True
    assert Case.objects.count() == 1 and JournalEntry.objects.count() == 1


def test_a_second_request_of_the_same_community_is_its_own_visit(world):
    reqs = [scheduled_request(world), scheduled_request(world)]
    stops = list(published_trip(world, requests=reqs).stops.order_by("position"))
    answer, status = send(world.users["field_admin"], [outcome(stops[0], seq=1), outcome(stops[1], "refused", seq=2)])
    assert status == 200 and Visit.objects.count() == 2

"""Exactly once, in seq order, nothing blocked by a bad item, device time corrected."""

import datetime
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from communities.workdays import WorkCalendar
from field import tasks
from field.models import AcceptedService, Attachment, Device, IncidentAct, Payment, SyncItem, Visit
from field.sync import batch
from field.tests.factories import published_trip
from field.tests.syncing import DEVICE, accept, item, laptop, one, outcome, payment, post, send
from journal.models import Case, JournalEntry
from visits.models import Status, VisitRequest


@pytest.fixture
def trip(world):
    return published_trip(world)


@pytest.fixture
def stop(trip):
    return trip.stops.order_by("position").first()


@pytest.fixture
def scheduled(monkeypatch):
    calls = []
    monkeypatch.setattr(tasks, "schedule_case_files", lambda ids: calls.append(list(ids)))
    return calls


def test_acceptance_registers_a_case_with_its_documents(world, stop, scheduled):
    sent = accept(world, stop)
    answer, status = send(world.users["field_admin"], [sent])
    assert status == 200
    result = one(answer)
    assert result["state"] == "applied" and not result["replayed"] and result["id"] == sent["id"]
    case = Case.objects.get()
    [line] = result["result"]["cases"]
    assert line == {"service_id": world.svc_reg.pk, "number": case.number,
                    "provisional_number": sent["data"]["services"][0]["provisional_number"],
                    "handover_due": case.handover_due.isoformat(), "provider_due": case.provider_due.isoformat(),
                    "already_registered": False}
    assert case.accepted_by == world.users["field_admin"] and case.preferred_delivery == "post"
    assert case.office == stop.trip.team.office
    accepted = AcceptedService.objects.get()
    assert accepted.case == case and accepted.visit.stop == stop
    assert accepted.documents[0] == {"document_id": world.doc_passport.pk, "name": "Паспорт", "present": True,
                                     "sheets": 2}
    assert scheduled == [[case.pk]]
    stored = SyncItem.objects.get()
    assert str(stored.pk) == sent["id"] and stored.device_id == DEVICE and stored.stop == stop
    assert Device.objects.get().user == world.users["field_admin"]


def test_a_replay_returns_the_stored_result_and_changes_nothing(world, stop, scheduled):
    items = [item("visit.start", stop, seq=1), accept(world, stop, seq=2), payment(world, stop, seq=3),
             outcome(stop, seq=4)]
    first, status = send(world.users["field_admin"], items)
    assert status == 200, first
    counts = (Case.objects.count(), JournalEntry.objects.count(), Payment.objects.count(), SyncItem.objects.count())
    again, status = send(world.users["field_admin"], items)
    assert status == 200
    assert [r["replayed"] for r in again["results"]] == [True] * 4
    assert [r["result"] for r in again["results"]] == [r["result"] for r in first["results"]]
    assert counts == (Case.objects.count(), JournalEntry.objects.count(), Payment.objects.count(),
                      SyncItem.objects.count())
    assert len(scheduled) == 1


def test_the_same_uuid_twice_in_one_batch_is_applied_once(world, stop, scheduled):
    sent = accept(world, stop)
    answer, status = send(world.users["field_admin"], [sent, dict(sent)])
    assert status == 200
    assert [r["replayed"] for r in answer["results"]] == [False, True]
    assert Case.objects.count() == 1 and SyncItem.objects.count() == 1


def test_the_same_uuid_with_other_data_gets_the_first_result_and_is_told(world, stop, scheduled):
    sent = outcome(stop, "served")
    send(world.users["field_admin"], [sent])
    changed = dict(sent, data={"outcome": "refused", "note": "", "video_consent": False})
    answer, status = send(world.users["field_admin"], [changed])
    result = one(answer)
    assert status == 200 and result["replayed"] and result["result"]["outcome"] == "served"
    assert "інші дані" in result["message"]
    assert Visit.objects.get().outcome == "served"


class Crash(BaseException):
    """The process dies mid-item (not an error the server would catch)."""


def test_a_crash_mid_item_leaves_nothing_and_the_resend_applies_once(world, stop, monkeypatch):
    items = [item("visit.start", stop, seq=1), accept(world, stop, seq=2)]

    def die(ids):
        raise Crash

    monkeypatch.setattr(tasks, "schedule_case_files", die)
    with pytest.raises(Crash):
        send(world.users["field_admin"], items)
    # The start committed on its own; the acceptance died with its SyncItem, so nothing of it is there.
    assert SyncItem.objects.count() == 1 and Visit.objects.count() == 1
    assert Case.objects.count() == 0 and JournalEntry.objects.count() == 0
    monkeypatch.setattr(tasks, "schedule_case_files", lambda ids: None)
    answer, status = send(world.users["field_admin"], items)
    assert status == 200
    assert [r["replayed"] for r in answer["results"]] == [True, False]
    assert Case.objects.count() == 1 and JournalEntry.objects.count() == 1 and SyncItem.objects.count() == 2


def test_a_bad_item_is_quarantined_and_does_not_block_the_others(world, stop, scheduled):
    bad = item("visit.payment", stop, {"service_id": world.svc_reg.pk, "method": "cash", "amount": "-3"}, seq=1)
    good = accept(world, stop, seq=2)
    answer, status = send(world.users["field_admin"], [bad, good])
    assert status == 422
    first, second = answer["results"]
    assert first["state"] == "quarantined" and first["code"] == "invalid"
    assert "спосіб оплати" in first["message"] and "сума" in first["message"]
    assert second["state"] == "applied"
    assert Case.objects.count() == 1 and Payment.objects.count() == 0
    assert SyncItem.objects.get(pk=bad["id"]).payload == bad  # nothing lost


def test_items_are_applied_in_seq_order(world, stop, scheduled):
    answer, status = send(world.users["field_admin"], [outcome(stop, seq=5), accept(world, stop, seq=2),
                                                       item("visit.start", stop, seq=1)])
    assert status == 200
    assert [r["result"].get("outcome", "") for r in answer["results"]][-1] == "served"
    assert list(SyncItem.objects.order_by("device_seq").values_list("kind", flat=True)) == [
        "visit.start", "visit.accept", "visit.outcome"]


def test_device_clock_five_hours_behind_is_corrected(world, scheduled):
    kyiv = ZoneInfo("Europe/Kyiv")
    # Friday 01:00 at the server; the laptop thinks it is Thursday 20:00 and did the work ten minutes ago.
    received = datetime.datetime(2026, 5, 15, 1, 0, tzinfo=kyiv)
    trip = published_trip(world, day=received.date())
    VisitRequest.objects.filter(stops__trip=trip).update(created_at=received - datetime.timedelta(days=20))
    stop = trip.stops.order_by("position").first()
    sent_at = received - datetime.timedelta(hours=5)
    at = sent_at - datetime.timedelta(minutes=10)
    answer, status = send(world.users["field_admin"], [accept(world, stop, at=at)], sent_at=sent_at,
                          received_at=received)
    assert status == 200 and answer["clock_offset_s"] == 5 * 3600
    result = one(answer)
    assert "Годинник ноутбука відстає на 5 год 0 хв" in result["message"] and answer["notice"]
    case = Case.objects.get()
    effective = received - datetime.timedelta(minutes=10)
    assert case.accepted_at == effective and case.device_accepted_at == at
    calendar = WorkCalendar(world.a.pk)
    assert case.handover_due == calendar.handover_deadline(effective) == datetime.date(2026, 5, 18)
    assert case.handover_due != calendar.handover_deadline(at)
    stored = SyncItem.objects.get()
    assert (stored.device_at, stored.received_at, stored.effective_at, stored.clock_offset_s) == (
        at, received, effective, 5 * 3600)


def test_an_item_later_than_its_batch_is_held_and_its_time_never_after_receipt(world, stop, scheduled):
    received = timezone.now()
    # The laptop's clock was set back after the action: the item claims to be later than the batch.
    sent = item("visit.start", stop, at=received + datetime.timedelta(hours=1))
    answer, status = send(world.users["field_admin"], [sent], sent_at=received, received_at=received)
    assert status == 422 and one(answer)["state"] == "conflict" and one(answer)["code"] == "clock_suspect"
    assert not Visit.objects.exists()
    assert SyncItem.objects.get().effective_at == received


def test_served_closes_the_request(world, stop, scheduled):
    send(world.users["field_admin"], [outcome(stop, "partly_served")])
    stop.request.refresh_from_db()
    assert stop.request.status == Status.PARTLY_SERVED
    visit = Visit.objects.get()
    assert visit.outcome == "partly_served" and visit.finished_at and visit.recorded_by == world.users["field_admin"]


def test_not_at_home_puts_the_request_back_into_the_pool_with_the_reason(world, stop, scheduled):
    at = timezone.now()
    answer, status = send(world.users["field_admin"], [outcome(stop, "not_at_home", note="Сусіди кажуть — у лікарні",
                                                               at=at)])
    assert status == 200
    assert "повернулася до планування" in one(answer)["message"]
    req = stop.request
    req.refresh_from_db()
    assert req.status == Status.ACCEPTED
    change = req.history.last()
    assert timezone.localtime(at).strftime("%d.%m.%Y") in change.comment
    assert "людини не було вдома" in change.comment and "у лікарні" in change.comment


def test_payment_act_start_and_attachment(world, stop, scheduled):
    act_id, attachment_id = uuid.uuid4(), uuid.uuid4()
    items = [
        item("visit.start", stop, {"latitude": 48.51, "longitude": "35.010001"}, seq=1),
        payment(world, stop, seq=2),
        item("visit.act", stop, {"act_id": str(act_id), "kind": "aggression", "description": "Кричав",
                                 "witness_name": "Петренко П. П.", "witness_role": "водій"}, seq=3),
        item("attachment.declare", stop, {"attachment_id": str(attachment_id), "kind": "photo",
                                          "service_id": world.svc_reg.pk, "content_type": "image/jpeg",
                                          "size": 1000, "sha256": "a" * 64}, seq=4),
    ]
    answer, status = send(world.users["field_admin"], items)
    assert status == 200, answer
    visit = Visit.objects.get()
    assert visit.started_at and str(visit.latitude) == "48.510000"
    assert Payment.objects.get().amount == visit.payments.get().amount
    assert IncidentAct.objects.get().pk == act_id
    attachment = Attachment.objects.get()
    assert attachment.pk == attachment_id and attachment.visit == visit and attachment.service == world.svc_reg
    assert answer["results"][3]["result"]["state"] == "uploading"


def test_payment_of_a_free_service_is_quarantined(world, stop):
    sent = item("visit.payment", stop, {"service_id": world.svc_cert.pk, "method": "terminal", "amount": "0"})
    answer, status = send(world.users["field_admin"], [sent])
    assert status == 422 and one(answer)["code"] == "not_paid" and not Payment.objects.exists()


def test_an_extra_mobile_service_may_be_accepted_but_not_one_the_suitcase_cannot_do(world, trip, scheduled):
    stop = trip.stops.order_by("position").last()  # requested only the certificate
    extra = [{"service_id": world.svc_reg.pk, "documents": []}]
    answer, status = send(world.users["field_admin"], [accept(world, stop, services=extra)])
    assert status == 200 and Case.objects.get().service == world.svc_reg
    answer, status = send(world.users["field_admin"], [accept(world, stop, services=[{"service_id": world.svc_bio.pk}])])
    assert status == 422 and one(answer)["code"] == "service_not_mobile"


def test_a_document_of_another_service_is_quarantined(world, stop):
    services = [{"service_id": world.svc_cert.pk, "documents": [
        {"document_id": world.doc_passport.pk, "present": True, "sheets": 1}]}]
    answer, status = send(world.users["field_admin"], [accept(world, stop, services=services)])
    assert status == 422 and one(answer)["code"] == "not_found" and not Case.objects.exists()


def test_an_unexpected_error_holds_the_item_instead_of_answering_500(world, stop, monkeypatch):
    def broken(ctx):
        raise RuntimeError("bug")

    monkeypatch.setitem(batch.APPLY, "visit.start", broken)
    answer, status = send(world.users["field_admin"], [item("visit.start", stop)])
    assert status == 422 and one(answer)["state"] == "conflict" and one(answer)["code"] == "server_error"
    assert not Visit.objects.exists()


def test_http_sync(world, stop, login, scheduled):
    client = login(world.users["field_admin"])
    response = post(client, [accept(world, stop)])
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["results"][0]["state"] == "applied" and body["device"] == {"revoked": False, "message": ""}
    assert Case.objects.count() == 1


def test_http_sync_needs_the_devices_own_id_in_the_body(world, stop, login):
    client = login(world.users["field_admin"])
    laptop(client)
    response = post(client, [accept(world, stop)], device_id=uuid.uuid4())
    assert response.status_code == 400 and "допуску" in response.json()["detail"]
    response = client.post("/api/v1/field/sync", "{}", content_type="application/json")
    assert response.status_code == 400
    assert not SyncItem.objects.exists()


def test_http_sync_checks_csrf(world, stop):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["field_admin"])
    response = post(client, [accept(world, stop)])
    assert response.status_code == 403 and not SyncItem.objects.exists()


def test_a_served_repeat_visit_records_each_result_as_handed_over_at_the_door(world, scheduled):
    """Issue 13: the repeat visit «видача результату» served on the laptop closes its cases' results."""
    from journal import actions as journal
    from journal.models import CaseState, Delivery
    from journal.tests.factories import make_case

    coordinator = world.users["coordinator"]
    first = make_case(world)
    journal.hand_over(first, by=coordinator)
    journal.record_decision(first, by=coordinator, granted=True)
    repeat = journal.plan_repeat_visit(first, by=coordinator)
    trip = published_trip(world, requests=[repeat])
    answer, status = send(world.users["field_admin"], [outcome(trip.stops.get(), "served")])
    assert status == 200 and first.number in one(answer)["message"]
    first.refresh_from_db()
    assert (first.state, first.result_delivery) == (CaseState.RESULT_DELIVERED, Delivery.REPEAT_VISIT)
    assert first.result_received_on == timezone.localdate() and first.issued_to == first.applicant_name

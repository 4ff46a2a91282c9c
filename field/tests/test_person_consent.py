"""Issue 11: consent comes from the person whose data it is. A neighbour's agreement is the
neighbour's; the person's own consent is taken at the door (the laptop's `person.consent`), and
without it nothing accepted at the door becomes a case. Times derive from the frozen "now"."""

import pytest
from django.utils import timezone

from field.models import SyncItem
from field.sync import review
from field.sync.errors import ReviewError
from field.tests.factories import published_trip
from field.tests.syncing import accept, item, send
from journal.models import Case
from visits.models import ConsentHow, VisitRequest


def _someone_elses(stop):
    VisitRequest.objects.filter(pk=stop.request_id).update(
        requester_name="Сусідка Олена", requester_phone="+380501112233", requester_relation="neighbour",
        consent_by="Сусідка Олена", person_consent_at=None, person_consent_how="", person_consent_name="")
    return VisitRequest.objects.get(pk=stop.request_id)


def consent(stop, *, name="Шевчук Іван Петрович", how="laptop", seq=1, at=None):
    return item("person.consent", stop, {"name": name, "how": how}, seq=seq, at=at)


def test_a_case_is_not_made_at_the_door_without_the_persons_own_consent(world, no_case_files):
    trip = published_trip(world, day=timezone.localdate())
    stop = trip.stops.order_by("position").first()
    req = _someone_elses(stop)
    answer, _code = send(world.users["field_admin"], [accept(world, stop, seq=1)])
    [result] = answer["results"]
    assert result["state"] == SyncItem.State.CONFLICT and result["code"] == "no_person_consent"
    assert "згоди самої людини" in result["message"]
    assert not Case.objects.filter(request=req).exists()


def test_the_persons_consent_recorded_at_the_door_lets_the_service_become_a_case(world, no_case_files):
    trip = published_trip(world, day=timezone.localdate())
    stop = trip.stops.order_by("position").first()
    req = _someone_elses(stop)
    at = timezone.now()
    answer, code = send(world.users["field_admin"], [consent(stop, seq=1, at=at, how="signed"),
                                                     accept(world, stop, seq=2)])
    assert code == 200, answer
    assert [r["state"] for r in answer["results"]] == [SyncItem.State.APPLIED] * 2, answer
    req.refresh_from_db()
    assert req.person_consent_at == at and req.person_consent_how == ConsentHow.SIGNED
    assert req.person_consent_name == "Шевчук Іван Петрович"
    assert req.person_consent_by == world.users["field_admin"]
    assert req.consent_by == "Сусідка Олена"  # the neighbour's agreement stays the neighbour's
    assert Case.objects.filter(request=req).exists()


def test_the_persons_consent_needs_their_name(world, no_case_files):
    trip = published_trip(world, day=timezone.localdate())
    stop = trip.stops.order_by("position").first()
    _someone_elses(stop)
    answer, _code = send(world.users["field_admin"], [consent(stop, name="  ")])
    assert answer["results"][0]["state"] == SyncItem.State.QUARANTINED


def test_a_held_acceptance_cannot_be_applied_by_the_coordinator_until_the_person_consents(world, no_case_files):
    trip = published_trip(world, day=timezone.localdate())
    stop = trip.stops.order_by("position").first()
    req = _someone_elses(stop)
    send(world.users["field_admin"], [accept(world, stop, seq=1)])
    held = SyncItem.objects.get(kind="visit.accept")
    with pytest.raises(ReviewError, match="згоди самої людини"):
        review.resolve_apply(held, world.users["coordinator"])
    assert not Case.objects.filter(request=req).exists()
    send(world.users["field_admin"], [consent(stop, seq=2)])
    review.resolve_apply(SyncItem.objects.get(kind="visit.accept"), world.users["coordinator"])
    assert Case.objects.filter(request=req).exists()

"""Issue 11, part 2: a request accepted while its evidence is missing carries that to the laptop
("перевірити документ на місці"), and the administrator records what was seen. Dates derive from the
frozen "now" (conftest)."""

from django.utils import timezone

from eligibility import rules
from field.models import Visit
from field.tests import syncing
from field.tests.factories import published_trip, scheduled_request
from field.tests.syncing import item, send


def _trip_with_missing_evidence(world):
    missing = scheduled_request(world, evidence_available=False)
    shown = scheduled_request(world)  # evidence already seen at intake
    return published_trip(world, requests=[missing, shown]), missing


def test_a_request_accepted_without_its_evidence_tells_the_laptop_to_check_the_document_at_the_door(world, login):
    trip, missing = _trip_with_missing_evidence(world)
    day = syncing.day(login(world.users["field_admin"])).json()
    first, second = day["trips"][0]["stops"]
    check = first["person"]["evidence_check"]
    assert check["category"] == world.cat["disability_1"].name
    assert check["documents"] == rules.evidence_documents("disability_1", timezone.localdate())
    assert second["person"]["evidence_check"] is None


def test_the_administrator_records_the_document_seen_at_the_door_and_staff_see_it(world, login):
    trip, missing = _trip_with_missing_evidence(world)
    stop = trip.stops.get(request=missing)
    seen = {"document": "Довідка МСЕК про I групу інвалідності (видана до 2025 р., чинна)",
            "reference": "серія 12 АА № 345678 від 01.03.2019", "seen": True}
    answer, code = send(world.users["field_admin"], [item("visit.outcome", stop, {
        "outcome": "served", "note": "", "video_consent": False, "evidence": seen})])
    assert code == 200, answer
    visit = Visit.objects.get(stop=stop)
    assert (visit.evidence_document, visit.evidence_reference, visit.evidence_seen) == (
        seen["document"], seen["reference"], True)
    page = login(world.users["coordinator"]).get(f"/staff/requests/{missing.pk}/").content.decode()
    assert "серія 12 АА № 345678 від 01.03.2019" in page and "документ побачили на місці" in page


def test_a_document_not_shown_at_the_door_is_recorded_as_not_seen(world):
    trip, missing = _trip_with_missing_evidence(world)
    stop = trip.stops.get(request=missing)
    answer, code = send(world.users["field_admin"], [item("visit.outcome", stop, {
        "outcome": "served", "note": "", "video_consent": False,
        "evidence": {"document": "", "reference": "", "seen": False}})])
    assert code == 200, answer
    assert Visit.objects.get(stop=stop).evidence_seen is False

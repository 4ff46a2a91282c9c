"""Issue 11: personal data is kept per kind for a set term (settings VALIZA_KEEP_*), then removed or
anonymised by the worker's check / `manage.py purge_personal_data`; the journal's chain still verifies.
Every date derives from the frozen "now" (conftest)."""

import datetime

from django.core.management import call_command
from django.utils import timezone

from conftest import make_request
from field.models import Visit
from field.retention import purge_personal_data
from field.tests.factories import published_trip
from field.tests.syncing import accept, send
from journal import chain
from journal.models import Case
from visits.models import Status, StatusChange, VisitRequest


def _closed(req, days_ago, status=Status.SERVED):
    at = timezone.now() - datetime.timedelta(days=days_ago)
    VisitRequest.objects.filter(pk=req.pk).update(status=status)
    StatusChange.objects.create(request=req, from_status=Status.SCHEDULED, to_status=status, at=at,
                                comment="Код 1234, ключ під килимком")
    return req


def test_door_codes_are_removed_30_days_after_the_request_is_closed(world, settings):
    settings.VALIZA_KEEP_DOOR_CODES_DAYS = 30
    old = _closed(make_request(world, intercom="1234", access_notes="ключ у сусідки"), 31)
    recent = _closed(make_request(world, applicant_name="Інша Людина", intercom="77", access_notes="дзвінок"), 29)
    still_open = make_request(world, applicant_name="Третя Людина", intercom="55")
    purge_personal_data()
    old.refresh_from_db(), recent.refresh_from_db(), still_open.refresh_from_db()
    assert (old.intercom, old.access_notes) == ("", "")
    assert (recent.intercom, recent.access_notes) == ("77", "дзвінок")
    assert still_open.intercom == "55"


def test_location_points_are_removed_90_days_after_the_visit_and_the_closing(world, settings, no_case_files):
    settings.VALIZA_KEEP_LOCATION_DAYS = 90
    trip = published_trip(world, day=timezone.localdate())
    stop = trip.stops.order_by("position").first()
    send(world.users["field_admin"], [accept(world, stop)])
    visit = Visit.objects.get(stop=stop)
    Visit.objects.filter(pk=visit.pk).update(latitude="48.5", longitude="35.0",
                                            started_at=timezone.now() - datetime.timedelta(days=91))
    req = _closed(stop.request, 91)
    kept = _closed(make_request(world, applicant_name="Інша Людина"), 89)
    purge_personal_data()
    visit.refresh_from_db(), req.refresh_from_db(), kept.refresh_from_db()
    assert visit.latitude is None and visit.longitude is None
    assert req.latitude is None and req.longitude is None
    assert kept.latitude is not None


def test_closed_requests_are_anonymised_after_the_set_years_and_the_journal_chain_still_verifies(
        world, settings, no_case_files):
    settings.VALIZA_KEEP_CLOSED_REQUESTS_YEARS = 5
    trip = published_trip(world, day=timezone.localdate())
    stop = trip.stops.order_by("position").first()
    send(world.users["field_admin"], [accept(world, stop)])
    req = _closed(stop.request, 5 * 366 + 1)
    VisitRequest.objects.filter(pk=req.pk).update(applicant_tax_number="1759013776")
    name, phone = req.applicant_name, req.applicant_phone
    young = _closed(make_request(world, applicant_name="Молода Справа"), 4 * 365)
    call_command("purge_personal_data")
    req.refresh_from_db(), young.refresh_from_db()
    assert req.anonymised_at is not None
    assert name not in (req.applicant_name, req.consent_by, req.person_consent_name)
    assert req.applicant_phone == "" and req.applicant_tax_number == "" and req.street != "вул. Шевченка" and req.notes == ""
    assert not req.history.filter(comment__contains="1234").exists()
    assert young.anonymised_at is None and young.applicant_name == "Молода Справа"
    # The case stays in the register without the person's name; its journal entries keep hashes, not the name.
    case = Case.objects.get(request=req)
    assert phone and case.applicant_name == "—" and case.anonymised_at
    assert all(name not in chain.canonical(e.payload) for e in case.entries.all())
    assert case.entries.get(event="registered").removed
    assert chain.verify(world.a.pk).ok
    purge_personal_data()  # a second run changes nothing and breaks nothing
    assert chain.verify(world.a.pk).ok

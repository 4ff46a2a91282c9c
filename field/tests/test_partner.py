"""Issue 12: a partner specialist (e.g. social protection) on a joint trip sees only the stops and
services of their provider on the field client, accepts those services into the journal under their own
name, and sees only their provider's cases in the staff pages; another provider's case is a 404."""

import pytest
from django.test import Client
from django.utils import timezone

from audit.models import AccessLog
from catalogue.models import Provider, Service
from field.models import SyncItem, Visit
from field.tests.factories import field_team, scheduled_request
from field.tests.syncing import accept, item, one, outcome, send
from journal import actions as journal_actions
from journal.models import Case, JournalEntry
from planning.models import Stop


@pytest.fixture
def joint(world, monkeypatch):
    from field import tasks

    monkeypatch.setattr(tasks, "schedule_case_files", lambda ids: None)
    social = Provider.objects.create(name="Управління соціального захисту", community=world.a)
    svc_social = Service.objects.create(
        code="SOC-HELP", name_uk="Допомога по догляду", provider=social, needs_partner=True, minutes=20
    )
    partner = world.users["partner"]
    partner.provider = social
    partner.save(update_fields=["provider"])
    team = field_team(world, members=[world.users["field_admin"], partner])
    both = scheduled_request(world, services=[svc_social, world.svc_cert])
    other = scheduled_request(world, services=[world.svc_cert])
    from demo.trips import published_trip

    trip = published_trip(team, timezone.localdate(), [both, other], by=world.users["coordinator"])
    stops = {s.request_id: s for s in Stop.objects.filter(trip=trip)}
    return {
        "partner": partner,
        "social": social,
        "svc": svc_social,
        "both": both,
        "other": other,
        "stop_both": stops[both.pk],
        "stop_other": stops[other.pk],
    }


def _day(user):
    from field.day import build_day

    trips, shown = build_day(user, timezone.localdate())
    return trips, shown


def test_the_partners_day_holds_only_their_providers_stops_and_services(world, joint):
    trips, shown = _day(joint["partner"])
    [trip] = trips
    assert [s["id"] for s in trip["stops"]] == [joint["stop_both"].pk]
    assert [s["id"] for s in trip["stops"][0]["services"]] == [joint["svc"].pk]
    assert shown == [joint["both"]]
    # The field administrator of the same trip sees everything.
    [admin_trip], _ = _day(world.users["field_admin"])
    assert len(admin_trip["stops"]) == 2
    assert {s["id"] for s in admin_trip["stops"][0]["services"]} == {joint["svc"].pk, world.svc_cert.pk}


def test_the_partners_extra_services_are_their_providers_only(world, joint):
    from field.day import day_answer

    answer, _shown = day_answer(joint["partner"], timezone.localdate(), "token")
    assert [s["id"] for s in answer["extra_services"]] == [joint["svc"].pk]


def test_the_partner_accepts_their_service_into_the_journal_under_their_own_name(world, joint):
    sent = accept(
        world,
        joint["stop_both"],
        services=[{"service_id": joint["svc"].pk, "provisional_number": "P-1", "delivery": "post", "documents": []}],
    )
    answer, status = send(joint["partner"], [sent])
    assert status == 200 and one(answer)["state"] == "applied"
    case = Case.objects.get(request=joint["both"])
    assert case.service == joint["svc"] and case.accepted_by == joint["partner"]


def test_another_providers_service_or_stop_is_not_found_and_nothing_changes(world, joint):
    cases, visits = Case.objects.count(), Visit.objects.count()
    cert = [{"service_id": world.svc_cert.pk, "provisional_number": "P-2", "delivery": "post", "documents": []}]
    answer, _status = send(
        joint["partner"], [accept(world, joint["stop_both"], services=cert, seq=1), accept(world, joint["stop_other"], seq=2)]
    )
    assert [(r["state"], r["code"]) for r in answer["results"]] == [("quarantined", "not_found")] * 2
    assert (Case.objects.count(), Visit.objects.count()) == (cases, visits)


def test_the_visits_outcome_stays_the_field_administrators(world, joint):
    answer, _status = send(
        joint["partner"],
        [
            item("visit.start", joint["stop_both"], seq=1),
            outcome(joint["stop_both"], seq=2),
            item(
                "visit.payment",
                joint["stop_both"],
                {"service_id": joint["svc"].pk, "method": "terminal", "amount": "0", "receipt": "R"},
                seq=3,
            ),
        ],
    )
    start, *refused = answer["results"]
    # The client records the start before anything else: that much is the partner's too.
    assert start["state"] == SyncItem.State.APPLIED
    assert [(r["state"], r["code"]) for r in refused] == [(SyncItem.State.REFUSED, "partner_not_allowed")] * 2
    visit = Visit.objects.get()
    assert visit.outcome == "" and not visit.payments.exists()
    joint["both"].refresh_from_db()
    assert joint["both"].status == "scheduled"


def _client(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_the_partner_sees_only_their_providers_cases_and_another_providers_is_a_404(world, joint):
    [own] = journal_actions.register_cases(joint["both"], [joint["svc"]], by=joint["partner"])
    [foreign] = journal_actions.register_cases(joint["other"], [world.svc_cert], by=world.users["field_admin"])
    client = _client(joint["partner"])
    listed = client.get("/staff/journal/")
    assert listed.status_code == 200
    assert {c.pk for c in listed.context["page"].object_list} == {own.pk}
    assert client.get(f"/staff/journal/{own.pk}/").status_code == 200
    entries = JournalEntry.objects.count()
    for path in (f"/staff/journal/{foreign.pk}/", f"/staff/journal/{foreign.pk}/inventory.pdf"):
        assert client.get(path).status_code == 404
    # Nor may they record anything on any case: the journal's records are the coordinator's.
    assert client.post(f"/staff/journal/{own.pk}/note/", {"text": "x"}).status_code == 403
    assert JournalEntry.objects.count() == entries
    assert not AccessLog.objects.filter(object_id=str(foreign.pk), user=joint["partner"]).exists()


def test_a_partner_without_a_provider_sees_no_case_and_no_stop(world, joint):
    partner = joint["partner"]
    partner.provider = None
    partner.save(update_fields=["provider"])
    journal_actions.register_cases(joint["both"], [joint["svc"]], by=world.users["field_admin"])
    assert not Case.objects.for_user(partner).exists()
    trips, _shown = _day(partner)
    assert all(not t["stops"] for t in trips)


def test_nobody_elses_cases_change_scope(world, joint):
    journal_actions.register_cases(joint["both"], [joint["svc"]], by=world.users["field_admin"])
    assert Case.objects.for_user(world.users["operator"]).count() == Case.objects.filter(community=world.a).count()


def test_the_partners_home_page_leads_to_the_field_client_and_their_cases(world, joint):
    html = _client(joint["partner"]).get("/staff/").content.decode()
    assert 'id="field-client"' in html and 'id="provider-cases"' in html

"""GET /api/v1/field/day: what the laptop stores for the day, logged, and nothing of anyone else's."""

import base64
import datetime

import pytest
from django.utils import timezone

from audit.models import AccessLog
from field import tasks
from field.models import Device
from field.sync import devices
from field.tests import syncing
from field.tests.factories import field_team, published_trip, scheduled_request
from field.tests.syncing import accept, item, outcome, payment, send
from payments import nbu_qr
from planning.models import Plan


def _iban(bban):
    digits = "".join(str(int(c, 36)) for c in bban + "UA00")
    return f"UA{98 - int(digits) % 97:02d}{bban}"


@pytest.fixture
def trip(world):
    provider = world.svc_reg.provider
    provider.iban, provider.edrpou = _iban("322313" + "0" * 13 + "123456"), "12345678"
    provider.payment_recipient = "Відділ реєстрації громади А"
    provider.save()
    return published_trip(world)


_day = syncing.day


def test_the_day_has_everything_to_work_offline(world, trip, login):
    client = login(world.users["field_admin"])
    response = _day(client)
    assert response.status_code == 200, response.content
    day = response.json()
    assert day["date"] == timezone.localdate().isoformat() and day["csrf_token"]
    [t] = day["trips"]
    assert t["id"] == trip.pk and t["team"] == trip.team.name and t["office"]["name"]
    first, second = t["stops"]
    assert [first["position"], second["position"]] == [1, 2] and first["kind"] == "visit"
    req = trip.stops.get(position=1).request
    person = first["person"]
    assert person["applicant_name"] == req.applicant_name and person["contact_phone"] == req.applicant_phone
    assert person["intercom"] == req.intercom and person["address"] == req.address and person["number"] == req.number
    services = {s["id"]: s for s in first["services"]}
    reg = services[world.svc_reg.pk]
    assert reg["is_paid"] and reg["fee"] == "25.50" and reg["provider"]["edrpou"] == "12345678"
    assert reg["documents"] == [{"id": world.doc_passport.pk, "name": "Паспорт", "has": True},
                                {"id": world.doc_receipt.pk, "name": "Квитанція", "has": False}]
    qr = reg["payment_qr"]
    assert qr["link"].startswith(nbu_qr.LINK_PREFIX) and qr["svg"].startswith("<svg")
    encoded = qr["link"][len(nbu_qr.LINK_PREFIX):]
    fields = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode("cp1251").split("\n")
    assert fields[7] == "UAH25.50" and world.svc_reg.name_uk in fields[11] and req.applicant_name in fields[11]
    assert services[world.svc_cert.pk]["payment_qr"] is None
    assert first["visit"] is None and first["cases"] == []
    assert {c["value"] for c in day["choices"]["outcomes"]} >= {"served", "not_at_home"}
    assert {c["value"] for c in day["choices"]["payment_methods"]} == {"prepaid", "online", "terminal"}
    assert {c["value"] for c in day["choices"]["delivery"]} == {"post", "courier", "repeat_visit", "office"}
    assert day["limits"]["batch_max_items"] == 500 and day["limits"]["sheets_max"] == 500
    assert world.svc_bio.pk not in {s["id"] for s in day["extra_services"]}
    device = Device.objects.get()
    assert day["device"]["id"] == str(device.pk) and day["device"]["state"] == "active"
    assert day["device"]["user_id"] == world.users["field_admin"].pk and day["device"]["token"]
    assert device.token_hash == devices.hash_token(day["device"]["token"]) != day["device"]["token"]


def test_each_request_loaded_is_access_logged_once(world, trip, login):
    client = login(world.users["field_admin"])
    _day(client)
    logged = AccessLog.objects.filter(user=world.users["field_admin"], action="api_view")
    assert sorted(int(e.object_id) for e in logged) == sorted(trip.stops.values_list("request_id", flat=True))


def test_a_reloaded_client_sees_what_already_synced(world, trip, login, monkeypatch):
    monkeypatch.setattr(tasks, "schedule_case_files", lambda ids: None)
    stop = trip.stops.get(position=1)
    send(world.users["field_admin"], [item("visit.start", stop, seq=1), accept(world, stop, seq=2),
                                      payment(world, stop, seq=3), outcome(stop, "served", seq=4)])
    first = _day(login(world.users["field_admin"])).json()["trips"][0]["stops"][0]
    assert first["visit"]["outcome"] == "served" and first["visit"]["started_at"]
    assert first["visit"]["payments"][0]["amount"] == "25.50"
    assert first["cases"][0]["service_id"] == world.svc_reg.pk and first["cases"][0]["number"]
    assert first["person"]["status"] == "served"


def test_missing_payment_details_are_explained_not_a_500(world, login):
    published_trip(world)  # the provider has no IBAN
    day = _day(login(world.users["field_admin"])).json()
    reg = next(s for s in day["trips"][0]["stops"][0]["services"] if s["is_paid"])
    assert reg["payment_qr"] is None and "каталозі" in reg["payment_qr_problem"]


def test_other_teams_other_days_unpublished_plans_and_other_communities_stay_out(world, trip, login):
    from planning import actions as planning_actions
    from planning.models import Stop, Trip
    from teams.models import Team

    published_trip(world, team=field_team(world, members=[world.users["partner"]], name="Чужа команда"))
    published_trip(world, day=timezone.localdate() + datetime.timedelta(days=1))
    draft = published_trip(world, requests=[scheduled_request(world)])
    Plan.objects.filter(pk=draft.plan_id).update(state=Plan.State.DRAFT)
    week = planning_actions.week_for(world.b, planning_actions.next_monday())
    plan = Plan.objects.create(week=week, version=1, state=Plan.State.PUBLISHED)
    b_team = Team.objects.create(community=world.b, name="Команда Б", office=world.b.offices.get())
    b_team.members.add(world.users["field_admin"])
    now = timezone.now()
    b_trip = Trip.objects.create(plan=plan, team=b_team, day=timezone.localdate(), leave_at=now, return_at=now)
    Stop.objects.create(trip=b_trip, position=1, request=world.b_req, arrival=now, start=now, end=now,
                        window_start=now, window_end=now)
    day = _day(login(world.users["field_admin"])).json()
    assert [t["id"] for t in day["trips"]] == [trip.pk]
    assert world.b_req.applicant_name not in str(day)
    assert AccessLog.objects.filter(object_id=str(world.b_req.pk)).count() == 0


def test_another_date(world, login):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    trip = published_trip(world, day=tomorrow)
    client = login(world.users["field_admin"])
    assert _day(client, date=tomorrow.isoformat()).json()["trips"][0]["id"] == trip.pk
    assert _day(client).json()["trips"] == []
    response = _day(client, date="12.05.2026")
    assert response.status_code == 400 and "РРРР-ММ-ДД" in response.json()["detail"]


def test_a_revoked_device_cannot_load_the_day(world, trip, login):
    client = login(world.users["field_admin"])
    _day(client)
    devices.revoke_device(Device.objects.get(), world.users["coordinator"], "Вкрали")
    assert _day(client).status_code == 401  # its login was ended
    login(world.users["field_admin"])  # the password was known: a new login on the same laptop
    response = _day(client)
    assert response.status_code == 403 and "відкликав координатор" in response.json()["detail"]
    assert response.json()["device"]["state"] == "revoked" and response.json()["device"]["token"] == ""
    assert "trips" not in response.json()
    # Dropping the token does not get a new one in this login.
    dropped = client.get("/api/v1/field/day", headers={syncing.TOKEN_HEADER: ""})
    assert dropped.status_code == 403 and dropped.json()["device"]["state"] == "missing"
    assert Device.objects.count() == 1


@pytest.mark.parametrize("role", ["operator", "coordinator", "technician", "starosta"])
def test_only_the_field_administrator_loads_a_day(world, trip, login, role):
    assert _day(login(world.users[role])).status_code == 403


def test_a_substitute_for_the_day_loads_the_trip_and_a_member_on_leave_does_not(world, login):
    from accounts.models import User
    from teams.models import MembershipChange

    today = timezone.localdate()
    regular = User.objects.create_user(username="regular", role="field_admin", community=world.a)
    trip = published_trip(world, team=field_team(world, members=[regular]))
    MembershipChange.objects.create(team=trip.team, user=world.users["field_admin"], kind="joins",
                                    date_from=today, date_to=today, note="заміна на день")
    MembershipChange.objects.create(team=trip.team, user=regular, kind="away", date_from=today)
    assert [t["id"] for t in _day(login(world.users["field_admin"])).json()["trips"]] == [trip.pk]
    from django.test import Client

    other_laptop = Client()
    other_laptop.force_login(regular)
    assert _day(other_laptop).json()["trips"] == []


def test_a_laptop_loading_the_day_later_sees_who_worked_a_stop_and_in_which_zone(world, trip, login, monkeypatch):
    from field.tests.syncing import DEVICE

    monkeypatch.setattr(tasks, "schedule_case_files", lambda ids: None)
    stop = trip.stops.get(position=1)
    world.users["field_admin"].last_name = "Петренко"
    world.users["field_admin"].save(update_fields=["last_name"])
    send(world.users["field_admin"], [item("visit.start", stop, seq=1), outcome(stop, "not_at_home", seq=2)])
    day = _day(login(world.users["field_admin"])).json()
    assert day["time_zone"] == "Europe/Kyiv"
    first, second = day["trips"][0]["stops"]
    assert first["visit"]["outcome"] == "not_at_home" and first["visit"]["outcome_label"] == "Людини не було вдома"
    assert first["visit"]["worked_by"] == "Field_Admin П." and first["visit"]["device_id"] == str(DEVICE)
    assert second["visit"] is None


def test_a_stop_placed_only_approximately_says_so_on_the_laptop(world, trip, login):
    from visits.models import VisitRequest

    req = trip.stops.get(position=1).request
    VisitRequest.objects.filter(pk=req.pk).update(location_approximate=True, location_source="settlement")
    day = _day(login(world.users["field_admin"])).json()
    first, second = day["trips"][0]["stops"]
    assert first["person"]["location_note"] == "місце приблизне: центр населеного пункту"
    assert second["person"]["location_note"] == ""

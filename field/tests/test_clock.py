"""Device time is bounded (issue 9, finding 4): strict ISO 8601 with an offset, and an item whose time
cannot be believed is held for the coordinator, who applies it with a time the server vouches for."""

import datetime

import pytest
from django.utils import timezone

from field.models import SyncItem, Visit
from field.sync import clock, devices, review
from field.sync.errors import ReviewError
from field.tests.factories import published_trip
from field.tests.syncing import accept, item, laptop, one, outcome, post, send
from journal.models import Case
from visits.models import VisitRequest

pytestmark = pytest.mark.usefixtures("no_case_files")

H = datetime.timedelta(hours=1)


def at_local(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def trip_on(world, day, *, asked_days_before=20):
    """A published trip on `day` whose requests were made well before it."""
    trip = published_trip(world, day=day)
    VisitRequest.objects.filter(stops__trip=trip).update(
        created_at=at_local(day - datetime.timedelta(days=asked_days_before), 9))
    return trip


def first(trip):
    return trip.stops.order_by("position").first()


def test_finding_4_a_unix_time_as_text_no_longer_backdates_the_journal(world, login):
    """The tester's finding: `at: "0"` on an accepted service registered case 1-1970-000001 with
    1970 deadlines."""
    stop = first(published_trip(world))
    client = login(world.users["field_admin"])
    laptop(client)
    sent = accept(world, stop)
    sent["at"] = "0"
    response = post(client, [sent])
    assert response.status_code == 422
    result = one(response.json())
    assert result["state"] == "quarantined" and "час на пристрої" in result["message"] and "ISO 8601" in result["message"]
    assert not Case.objects.exists()
    assert not Case.objects.filter(number__contains="-1970-").exists()


@pytest.mark.parametrize("at", ["0", "1764500000", 1764500000, 1764500000.5, "2026-05-12T10:30:00",
                                "2026-05-12", "2026-05-12 10:30:00+02:00", "2026-02-30T10:00:00+02:00",
                                "1969-12-31T23:59:59Z", "+002026-05-12T10:30:00Z", "12.05.2026 10:30"])
def test_a_device_time_is_iso_8601_with_an_offset_or_the_item_is_quarantined(world, at):
    stop = first(published_trip(world))
    sent = item("visit.start", stop)
    sent["at"] = at
    answer, status = send(world.users["field_admin"], [sent])
    assert status == 422 and one(answer)["state"] == "quarantined" and one(answer)["code"] == "invalid"
    assert "час на пристрої" in one(answer)["message"]
    assert not Visit.objects.exists()


def test_a_photo_time_is_as_strict(world):
    stop = first(published_trip(world))
    sent = item("attachment.declare", stop, {"attachment_id": "5b4d8a1e-0c52-4b8f-9a8e-55b8f7b0b001", "kind": "photo",
                                             "content_type": "image/jpeg", "size": 10, "sha256": "a" * 64,
                                             "taken_at": "0"})
    answer, status = send(world.users["field_admin"], [sent])
    assert status == 422 and "час знімка" in one(answer)["message"]


def test_an_item_before_the_request_existed_is_held_and_applied_with_the_servers_receipt(world):
    trip = published_trip(world)  # its requests were made just now
    stop = first(trip)
    received = timezone.now()
    at = stop.request.created_at - 3 * H
    answer, status = send(world.users["field_admin"], [accept(world, stop, at=at)], sent_at=received,
                          received_at=received)
    result = one(answer)
    assert status == 422 and result["state"] == "conflict" and result["code"] == "clock_suspect"
    assert "раніший, ніж з'явилася сама заявка" in result["message"]
    times = result["result"]["clock"]
    assert times["rule"] == "before_request" and times["device_at"] == at.isoformat()
    assert times["received_at"] == received.isoformat() and times["trip_day"] == trip.day.isoformat()
    assert not Case.objects.exists()
    held = SyncItem.objects.get()
    with pytest.raises(ReviewError):
        review.resolve_apply(held, world.users["coordinator"])  # a time must be chosen
    review.resolve_apply(held, world.users["coordinator"], when=review.RECEIVED)
    case = Case.objects.get()
    assert case.accepted_at == received and case.device_accepted_at == at
    assert f"-{timezone.localtime(received).year}-" in case.number


def test_a_laptop_clock_a_year_behind_registers_nothing_in_the_past(world):
    """The registration year and the deadlines come from a checked time only."""
    trip = published_trip(world)
    stop = first(trip)
    received = timezone.now()
    at = received - datetime.timedelta(days=366)
    answer, status = send(world.users["field_admin"], [accept(world, stop, at=at)], sent_at=received,
                          received_at=received)
    assert status == 422 and one(answer)["code"] == "clock_suspect" and not Case.objects.exists()
    review.resolve_apply(SyncItem.objects.get(), world.users["coordinator"], when=review.TRIP_DAY)
    case = Case.objects.get()
    assert case.accepted_at == min(stop.start, received)
    assert f"-{timezone.localtime(case.accepted_at).year}-" in case.number


@pytest.mark.parametrize(("minutes_from_midnight", "held"), [
    (-2 * 60 - 1, True), (-2 * 60 + 1, False), (24 * 60 + 6 * 60 - 1, False), (24 * 60 + 6 * 60 + 1, True)])
def test_the_trip_day_with_the_communitys_margins_bounds_the_time(world, minutes_from_midnight, held):
    day = timezone.localdate() - datetime.timedelta(days=3)
    trip = trip_on(world, day)
    at = at_local(day, 0) + datetime.timedelta(minutes=minutes_from_midnight)
    received = timezone.now()
    answer, status = send(world.users["field_admin"], [item("visit.start", first(trip), at=at)], sent_at=received,
                          received_at=received)
    if held:
        assert status == 422 and one(answer)["code"] == "clock_suspect"
        assert one(answer)["result"]["clock"]["rule"] == "outside_day"
        assert trip.day.strftime("%d.%m.%Y") in one(answer)["message"]
    else:
        assert status == 200 and Visit.objects.get().started_at == at


def test_the_margins_are_the_communitys(world):
    day = timezone.localdate() - datetime.timedelta(days=3)
    trip = trip_on(world, day)
    world.a.field_clock_before_hours = 0
    world.a.save(update_fields=["field_clock_before_hours"])
    at = at_local(day, 0) - datetime.timedelta(minutes=30)
    answer, status = send(world.users["field_admin"], [item("visit.start", first(trip), at=at)])
    assert status == 422 and one(answer)["code"] == "clock_suspect"
    start, end = clock.day_window(day, world.a)
    assert (start, end) == (at_local(day, 0), at_local(day + datetime.timedelta(days=1), 0) + 6 * H)


def test_a_sync_a_week_late_is_fine(world):
    """Items within the trip's day, sent a week later: the laptop's clock was right, nothing is held."""
    day = timezone.localdate() - datetime.timedelta(days=7)
    trip = trip_on(world, day)
    stop = first(trip)
    at = at_local(day, 11)
    received = timezone.now()
    answer, status = send(world.users["field_admin"], [accept(world, stop, at=at, seq=1),
                                                       outcome(stop, "served", at=at + H, seq=2)],
                          sent_at=received, received_at=received)
    assert status == 200, answer
    case = Case.objects.get()
    assert case.accepted_at == at and case.number.split("-")[1] == str(day.year)


def test_a_laptop_whose_clock_was_reset_is_corrected_by_its_batch(world):
    """A laptop that believes it is 1 January 1970 (a flat clock battery) and did the work an hour ago
    by that clock: the batch's sent_at, read on the same clock, puts the work on the right day."""
    trip = trip_on(world, timezone.localdate())
    stop = first(trip)
    received = timezone.now()
    sent_at = datetime.datetime(1970, 1, 1, 12, tzinfo=datetime.UTC)
    answer, status = send(world.users["field_admin"], [item("visit.start", stop, at=sent_at - H)],
                          sent_at=sent_at, received_at=received)
    started = received - H  # within the day's margins even when the run started just after midnight
    assert status == 200, answer
    assert Visit.objects.get().started_at == started and "поспішає" not in one(answer)["message"]
    assert "відстає" in answer["notice"]


def test_a_refused_item_whose_time_is_in_doubt_needs_a_time_too(world, login):
    trip = published_trip(world)
    stop = first(trip)
    client = login(world.users["field_admin"])
    laptop(client)
    device = devices.Device.objects.get()
    devices.revoke_device(device, world.users["coordinator"], "Загубили")
    client.force_login(world.users["field_admin"])
    at = timezone.now() - datetime.timedelta(days=400)
    assert post(client, [accept(world, stop, at=at)]).status_code == 403
    held = SyncItem.objects.get()
    assert held.code == "device_revoked"
    page = login(world.users["coordinator"]).get("/staff/field/").content.decode()
    assert "Час під сумнівом" in page and "Застосувати з часом отримання сервером" in page
    assert "Застосувати з днем виїзду" in page
    response = login(world.users["coordinator"]).post(f"/staff/field/items/{held.pk}/apply/", follow=True)
    assert "Оберіть, з яким часом" in response.content.decode() and not Case.objects.exists()
    login(world.users["coordinator"]).post(f"/staff/field/items/{held.pk}/apply/", {"when": "trip_day"})
    held.refresh_from_db()
    assert held.state == "resolved" and Case.objects.get().accepted_at == held.effective_at == min(
        stop.start, held.received_at)


def test_the_coordinator_sees_both_times_and_may_close_it(world, login):
    trip = published_trip(world)
    stop = first(trip)
    at = timezone.now() + 3 * H
    send(world.users["field_admin"], [item("visit.start", stop, at=at)], sent_at=timezone.now())
    held = SyncItem.objects.get(code="clock_suspect")
    client = login(world.users["coordinator"])
    page = client.get("/staff/field/").content.decode()
    assert "clock_suspect" in page and "Час під сумнівом" in page
    assert timezone.localtime(at).strftime("%d.%m.%Y %H:%M") in page  # the laptop's time
    assert timezone.localtime(held.received_at).strftime("%d.%m.%Y %H:%M") in page  # the server's
    client.post(f"/staff/field/items/{held.pk}/close/", {"note": "Годинник ноутбука переведено, візиту не було"})
    held.refresh_from_db()
    assert held.state == "resolved" and not Visit.objects.exists()

"""Issue 12: a booking after it was made — its number's prefix, found by number + phone, cancelled or
moved by the citizen, cancelled by staff with a reason told by SMS, the slot free at once, the status
page finding it, and the board marking a session whose bookings changed after planning."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from audit.models import AccessLog
from notifications.models import OutboxMessage
from planning import actions, bookings, slots
from planning.models import BOOKING_PREFIX, Plan, SessionBooking, Stop, Trip
from planning.public_views import SESSION_MY_BOOKING
from planning.tests.test_public_booking import first_free, post_data

A = "/gromada-a/points"
KYIV_WINTER = datetime.timezone(datetime.timedelta(hours=2))


@pytest.fixture(autouse=True)
def _monday_morning():
    # Monday 09:00 in Kyiv: the session on Tuesday is bookable whatever day the run is.
    with time_machine.travel(datetime.datetime(2026, 11, 30, 9, 0, tzinfo=KYIV_WINTER), tick=False):
        yield


@pytest.fixture
def booked(client, session):
    slot = first_free(session)
    assert client.post(f"{A}/book/", post_data(session, slot)).status_code == 302
    return SessionBooking.objects.get()


def find(client, number, phone="067 123 45 67"):
    return client.post(f"{A}/my/", {"action": "find", "number": number, "phone": phone})


def test_a_booking_number_has_its_own_prefix_unlike_a_request_number(booked):
    assert booked.number.startswith(BOOKING_PREFIX) and len(booked.number) == 11
    assert bookings.normalise_number("з 1234 5678") == f"{BOOKING_PREFIX}1234-5678"
    assert bookings.normalise_number("Z12345678") == f"{BOOKING_PREFIX}1234-5678"
    assert bookings.normalise_number("123") is None


def test_the_booking_sms_carries_a_link_to_cancel_or_move_when_the_public_address_is_set(client, session, settings):
    settings.VALIZA_PUBLIC_URL = "https://valiza.example.gov.ua"
    slot = first_free(session)
    client.post(f"{A}/book/", post_data(session, slot))
    booking = SessionBooking.objects.get()
    sms = OutboxMessage.objects.get(dedup_key=f"booking:{booking.pk}:confirm")
    digits = booking.number.removeprefix(BOOKING_PREFIX)
    assert f"https://valiza.example.gov.ua{A}/my/?n={digits}" in sms.text
    # The evening before too (Monday evening, for Tuesday): a person who cannot come frees the slot.
    evening = OutboxMessage.objects.get(dedup_key=f"booking:{booking.pk}:reminder")
    assert f"https://valiza.example.gov.ua{A}/my/?n={digits}" in evening.text and "скасуйте" in evening.text
    page = client.get(f"{A}/my/?n={digits}").content.decode()
    assert f'value="{digits}"' in page


def test_a_citizen_cancels_with_number_and_phone_and_the_slot_is_free_at_once(client, session, booked):
    slot = (booked.date, booked.start)
    assert slot not in {(s.date, s.start) for s in slots.free_slots(session, weeks=4)}
    page = find(client, booked.number).content.decode()
    assert booked.number in page and "Скасувати запис" in page
    response = client.post(f"{A}/my/", {"action": "cancel"})
    assert "Запис скасовано" in response.content.decode()
    booked.refresh_from_db()
    assert booked.cancelled and booked.cancelled_at and booked.cancelled_by is None
    assert slot in {(s.date, s.start) for s in slots.free_slots(session, weeks=4)}
    # The evening-before reminder is withdrawn.
    assert OutboxMessage.objects.get(dedup_key=f"booking:{booked.pk}:reminder").state == "cancelled"


def test_cancelling_twice_says_so_and_changes_nothing(client, booked):
    find(client, booked.number)
    client.post(f"{A}/my/", {"action": "cancel"})
    before = SessionBooking.objects.values().get()
    sms = OutboxMessage.objects.count()
    response = client.post(f"{A}/my/", {"action": "cancel"})
    assert "уже скасовано" in response.content.decode()
    assert SessionBooking.objects.values().get() == before and OutboxMessage.objects.count() == sms


def test_a_wrong_phone_and_a_wrong_number_get_the_same_answer_and_change_nothing(client, booked):
    wrong_phone = find(client, booked.number, phone="050 000 00 01").content.decode()
    wrong_number = find(client, "З-0000-0001").content.decode()
    message = "Запису з таким номером і телефоном не знайдено"
    assert message in wrong_phone and message in wrong_number
    assert SESSION_MY_BOOKING not in client.session
    assert client.post(f"{A}/my/", {"action": "cancel"}).status_code == 200
    booked.refresh_from_db()
    assert not booked.cancelled


def test_a_citizen_moves_the_booking_to_another_free_slot_and_gets_an_sms(client, session, booked):
    other = first_free(session, 1)
    find(client, booked.number)
    response = client.post(f"{A}/my/", {"action": "move", "date": other.date.isoformat(),
                                        "start": other.start.strftime("%H:%M")})
    assert "Запис перенесено" in response.content.decode()
    old = (booked.date, booked.start)
    booked.refresh_from_db()
    assert (booked.date, booked.start) == (other.date, other.start) and booked.moved_at is not None
    assert old in {(s.date, s.start) for s in slots.free_slots(session, weeks=4)}
    assert OutboxMessage.objects.filter(dedup_key__startswith=f"booking:{booked.pk}:moved:").count() == 1


def test_moving_to_a_taken_slot_says_so_and_changes_nothing(world, client, session, booked):
    other = first_free(session, 1)
    SessionBooking.objects.create(community=world.a, session=session, date=other.date, start=other.start,
                                  applicant_name="Інша Людина", applicant_birth_date=datetime.date(1950, 1, 1),
                                  phone="+380501112233", consent_at=timezone.now(),
                                  warning_acknowledged_at=timezone.now())
    find(client, booked.number)
    before = (booked.date, booked.start)
    response = client.post(f"{A}/my/", {"action": "move", "date": other.date.isoformat(),
                                        "start": other.start.strftime("%H:%M")})
    assert "зайняли" in response.content.decode()
    booked.refresh_from_db()
    assert (booked.date, booked.start) == before and booked.moved_at is None


def test_the_status_page_finds_a_booking_by_its_number_and_phone(client, booked):
    response = client.post("/gromada-a/status/", {"number": booked.number, "phone": "067 123 45 67"})
    html = response.content.decode()
    assert "Запис на прийом " + booked.number in html and "Будинок культури" in html
    wrong = client.post("/gromada-a/status/", {"number": booked.number, "phone": "050 000 00 01"}).content.decode()
    assert "не знайдено" in wrong and "Будинок культури" not in wrong


def test_the_status_page_still_finds_a_request(world, client):
    html = client.post("/gromada-a/status/", {"number": world.req.number, "phone": "067 123 45 67"}).content.decode()
    assert f"Заявка {world.req.number}" in html


def test_staff_see_a_sessions_bookings_logged_and_cancel_one_with_a_reason_sent_by_sms(world, login, session, booked):
    client = login(world.users["coordinator"])
    url = f"/staff/planning/session/{session.pk}/{booked.date.isoformat()}/"
    page = client.get(url).content.decode()
    assert booked.number in page and booked.applicant_name in page
    assert AccessLog.objects.filter(object_id=str(booked.pk), user=world.users["coordinator"]).exists()
    response = client.post(f"/staff/planning/booking/{booked.pk}/cancel/", {"reason": "Захворів адміністратор"})
    assert response.status_code == 302
    booked.refresh_from_db()
    assert booked.cancelled and booked.cancelled_by == world.users["coordinator"]
    sms = OutboxMessage.objects.get(dedup_key=f"booking:{booked.pk}:cancelled")
    assert "Захворів адміністратор" in sms.text and sms.recipient == booked.phone


def test_staff_cancel_without_a_reason_changes_nothing(world, login, booked):
    client = login(world.users["coordinator"])
    client.post(f"/staff/planning/booking/{booked.pk}/cancel/", {"reason": "  "})
    booked.refresh_from_db()
    assert not booked.cancelled
    assert not OutboxMessage.objects.filter(dedup_key=f"booking:{booked.pk}:cancelled").exists()


def test_staff_of_another_community_get_404_for_a_booking(world, login, session, booked):
    client = login(world.b_coordinator)
    assert client.post(f"/staff/planning/booking/{booked.pk}/cancel/", {"reason": "x"}).status_code == 404
    assert client.get(f"/staff/planning/session/{session.pk}/{booked.date.isoformat()}/").status_code == 404


def _planned_session(world, session, day, *, made):
    from teams.models import Team

    team = Team.objects.create(community=world.a, name="Команда", office=world.a.offices.get())
    week = actions.week_for(world.a, day - datetime.timedelta(days=day.weekday()))
    plan = Plan.objects.create(week=week, version=1, state=Plan.State.PUBLISHED, finished_at=made,
                               published_at=made)
    start = datetime.datetime.combine(day, session.start, tzinfo=timezone.get_current_timezone())
    trip = Trip.objects.create(plan=plan, team=team, day=day, leave_at=start, return_at=start)
    stop = Stop.objects.create(trip=trip, position=1, session=session, arrival=start, start=start, end=start,
                               window_start=start, window_end=start)
    return plan, stop


def test_a_booking_changed_after_planning_marks_the_session_stop_on_the_board(world, login, session, booked):
    plan, stop = _planned_session(world, session, booked.date, made=timezone.now() - datetime.timedelta(hours=1))
    assert bookings.changed_session_stops(plan) == {stop.pk: [booked.number]}  # booked after the plan was made
    SessionBooking.objects.filter(pk=booked.pk).update(created_at=timezone.now() - datetime.timedelta(days=1))
    assert bookings.changed_session_stops(plan) == {}
    bookings.cancel(booked)
    assert bookings.changed_session_stops(plan) == {stop.pk: [booked.number]}
    page = login(world.users["coordinator"]).get(f"/staff/planning/?week={plan.week.monday.isoformat()}")
    assert "записи змінилися" in page.content.decode() and booked.number in page.content.decode()


def test_a_booking_moved_after_planning_marks_the_stop_it_left(world, session, booked):
    plan, stop = _planned_session(world, session, booked.date, made=timezone.now() + datetime.timedelta(minutes=1))
    assert bookings.changed_session_stops(plan) == {}
    with time_machine.travel(datetime.datetime(2026, 11, 30, 9, 30, tzinfo=KYIV_WINTER), tick=False):
        bookings.move(booked, booked.date + datetime.timedelta(days=7), booked.start)
    assert bookings.changed_session_stops(plan) == {stop.pk: [booked.number]}

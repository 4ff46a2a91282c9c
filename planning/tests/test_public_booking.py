"""Citizens' fixed-point pages: the list, free slots, booking and its confirmation."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from planning import actions, slots
from planning.models import FixedPoint, SessionBooking
from planning.public_views import SESSION_LAST_BOOKING

A = "/gromada-a/points"


@pytest.fixture(autouse=True)
def _monday_morning():
    # A fixed "now" (Monday 09:00 in Kyiv): the next Tuesday's session is always bookable, and no
    # test can fail because the clock passed a session's start between two requests.
    kyiv_winter = datetime.timezone(datetime.timedelta(hours=2))
    with time_machine.travel(datetime.datetime(2026, 11, 30, 9, 0, tzinfo=kyiv_winter), tick=False):
        yield


def first_free(session, n=0):
    return slots.free_slots(session, weeks=4)[n]


def post_data(session, slot, /, **overrides):
    data = {
        "session": str(session.pk), "date": slot.date.isoformat(), "start": slot.start.strftime("%H:%M"),
        "applicant_name": "Мельник Ніна Петрівна", "applicant_birth_date": "05.03.1941",
        "phone": "067 123 45 67", "service": "", "consent": "on", "warning_acknowledged": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_list_shows_points_with_weekday_hours_and_address_of_this_community_only(client, session, b_point):
    html = client.get(f"{A}/").content.decode()
    assert "Будинок культури с. Далеке" in html and "вул. Центральна, 12" in html
    assert "Вівторок" in html and "10:00–13:00" in html
    assert b_point.name not in html


def test_community_page_and_public_nav_link_to_the_points(client, session):
    html = client.get("/gromada-a/").content.decode()
    assert html.count(f'href="{A}/"') >= 2


def test_point_page_lists_free_slots_linking_to_the_booking_form(client, session):
    slot = first_free(session)
    response = client.get(f"{A}/{session.fixed_point.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    link = f"{A}/book/?session={session.pk}&amp;date={slot.date.isoformat()}&amp;start={slot.start:%H:%M}"
    assert link in html


def test_another_communitys_point_is_404_under_community_a(client, b_point):
    assert client.get(f"{A}/{b_point.pk}/").status_code == 404
    assert client.get(f"/gromada-b/points/{b_point.pk}/").status_code == 200


def test_inactive_point_is_404(client, session):
    FixedPoint.objects.filter(pk=session.fixed_point_id).update(is_active=False)
    assert client.get(f"{A}/{session.fixed_point_id}/").status_code == 404


def test_booking_form_shows_the_chosen_slot(client, session):
    slot = first_free(session)
    html = client.get(f"{A}/book/", {"session": session.pk, "date": slot.date.isoformat(),
                                      "start": f"{slot.start:%H:%M}"}).content.decode()
    assert 'id="slot-summary"' in html and f"{slot.start:%H:%M}–{slot.end:%H:%M}" in html
    assert 'name="applicant_name"' in html


def test_link_to_a_past_slot_explains_instead_of_offering_the_form(client, session):
    past = timezone.localdate() - datetime.timedelta(days=7)
    html = client.get(f"{A}/book/", {"session": session.pk, "date": past.isoformat(), "start": "10:00"}).content.decode()
    assert 'id="slot-problem"' in html and "уже минув" in html
    assert 'name="applicant_name"' not in html


def test_citizen_books_a_slot_and_sees_number_date_and_time(client, world, session):
    slot = first_free(session)
    response = client.post(f"{A}/book/", post_data(session, slot, service=str(world.svc_reg.pk)))
    assert response.status_code == 302 and response["Location"] == f"{A}/booked/"
    booking = SessionBooking.objects.get()
    assert (booking.session, booking.date, booking.start) == (session, slot.date, slot.start)
    assert booking.community == world.a and booking.phone == "+380671234567"
    assert booking.applicant_birth_date == datetime.date(1941, 3, 5) and booking.service == world.svc_reg
    assert booking.consent_at and booking.warning_acknowledged_at and not booking.cancelled
    # A booking's number is a request's with the prefix З- (issue 12): the status page tells them apart.
    assert len(booking.number) == 11 and booking.number.startswith("З-") and booking.number[6] == "-"
    html = client.get(response["Location"]).content.decode()
    assert booking.number in html and slot.date.strftime("%d.%m.%Y") in html
    assert f"{slot.start:%H:%M}–{slot.end:%H:%M}" in html and "вул. Центральна, 12" in html
    assert "Паспорт" in html  # the chosen service's documents
    assert slot not in slots.free_slots(session, weeks=4)
    from notifications.models import OutboxMessage

    confirm = OutboxMessage.objects.get(dedup_key=f"booking:{booking.pk}:confirm")
    assert confirm.recipient == "+380671234567" and booking.number in confirm.text
    assert "(Ніна М.)" in confirm.text  # whom it is about (issue 10)
    assert slot.start.strftime("%H:%M") in confirm.text and slot.date.strftime("%d.%m") in confirm.text
    reminder = OutboxMessage.objects.get(dedup_key=f"booking:{booking.pk}:reminder")
    assert reminder.next_attempt_at.date() < slot.date and "(Ніна М.)" in reminder.text


def test_a_refused_booking_sends_nothing(client, session):
    from notifications.models import OutboxMessage

    slot = first_free(session)
    client.post(f"{A}/book/", post_data(session, slot, consent=None))
    assert not SessionBooking.objects.exists() and not OutboxMessage.objects.exists()


def test_a_slot_already_taken_is_refused_with_a_message(client, session):
    slot = first_free(session)
    assert client.post(f"{A}/book/", post_data(session, slot)).status_code == 302
    response = client.post(f"{A}/book/", post_data(session, slot, applicant_name="Інша Людина"))
    assert response.status_code == 200
    assert "Цей час щойно зайняли" in response.content.decode()
    assert SessionBooking.objects.count() == 1


def test_the_database_refuses_a_double_booking_that_passed_the_form(client, session, monkeypatch):
    # Two citizens press "book" at once: both forms saw the slot free, the unique constraint decides.
    slot = first_free(session)
    assert client.post(f"{A}/book/", post_data(session, slot)).status_code == 302
    monkeypatch.setattr(slots, "slot_problem", lambda *args, **kwargs: None)
    response = client.post(f"{A}/book/", post_data(session, slot, applicant_name="Інша Людина"))
    assert response.status_code == 200 and "Цей час щойно зайняли" in response.content.decode()
    assert SessionBooking.objects.count() == 1


def test_book_session_slot_raises_slot_taken_for_the_second_booking(world, session):
    slot = first_free(session)

    def booking():
        return SessionBooking(
            session=session, date=slot.date, start=slot.start, applicant_name="Х", phone="+380671234567",
            applicant_birth_date=datetime.date(1950, 1, 1), consent_at=timezone.now(),
            warning_acknowledged_at=timezone.now(),
        )

    first = actions.book_session_slot(booking())
    assert first.community == world.a
    with pytest.raises(actions.SlotTaken):
        actions.book_session_slot(booking())
    assert SessionBooking.objects.count() == 1


@pytest.mark.parametrize("change, message", [
    ({"applicant_birth_date": "01.01.2100"}, "Дата народження не може бути в майбутньому."),
    ({"phone": "12345"}, "номер"),
    ({"applicant_name": ""}, "Напишіть, як вас звати."),
    ({"consent": None}, "Без згоди на обробку персональних даних ми не можемо вас записати."),
    ({"warning_acknowledged": None}, "попереджено про відповідальність"),
    ({"session": "999999"}, "Такого прийому немає."),
    ({"start": "10:05"}, "Такого часу немає в розкладі прийому."),
    ({"start": "ten"}, "Оберіть день і час у розкладі прийому."),
    ({"date": "past"}, "Цей день уже минув."),
    ({"date": "wrong-weekday"}, "Цього дня прийому в цьому пункті немає."),
    ({"service": "999999"}, "Оберіть послугу зі списку."),
])
def test_bad_input_gets_a_ukrainian_message_and_saves_nothing(client, world, session, change, message):
    slot = first_free(session)
    if change.get("date") == "past":
        change = {"date": (slot.date - datetime.timedelta(days=7 * 5)).isoformat()}
    elif change.get("date") == "wrong-weekday":
        change = {"date": (slot.date + datetime.timedelta(days=1)).isoformat()}
    response = client.post(f"{A}/book/", post_data(session, slot, **change))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and 'id="error-summary"' in html
    assert "Мельник Ніна Петрівна" in html or "applicant_name" in change  # what was typed is kept
    assert not SessionBooking.objects.exists()


def test_another_communitys_session_cannot_be_booked_through_community_a(client, b_point):
    session_b = b_point.sessions.get()
    slot = first_free(session_b)
    response = client.post(f"{A}/book/", post_data(session_b, slot))
    assert response.status_code == 200 and "Такого прийому немає." in response.content.decode()
    assert not SessionBooking.objects.exists()


def test_service_the_mobile_office_cannot_provide_is_refused(client, world, session):
    response = client.post(f"{A}/book/", post_data(session, first_free(session), service=str(world.svc_bio.pk)))
    assert "Оберіть послугу зі списку." in response.content.decode()
    assert not SessionBooking.objects.exists()


def test_honeypot_answers_as_if_booked_and_saves_nothing(client, session):
    response = client.post(f"{A}/book/", post_data(session, first_free(session), website="http://spam.example"))
    assert response.status_code == 302 and response["Location"] == f"{A}/booked/"
    assert not SessionBooking.objects.exists()
    assert SESSION_LAST_BOOKING not in client.session
    html = client.get(f"{A}/booked/").content.decode()
    assert 'id="booking-number"' not in html


def test_bookings_are_rate_limited_per_client(client, session, settings):
    settings.VALIZA_PUBLIC_REQUEST_LIMIT = 1
    assert client.post(f"{A}/book/", post_data(session, first_free(session))).status_code == 302
    # A valid booking of the next free slot: refused only because of the limit.
    response = client.post(f"{A}/book/", post_data(session, first_free(session)))
    assert response.status_code == 429 and "Забагато спроб" in response.content.decode()
    assert SessionBooking.objects.count() == 1


def test_confirmation_page_shows_only_a_booking_of_this_community(client, world, session, b_point):
    slot = first_free(session)
    client.post(f"{A}/book/", post_data(session, slot))
    number = SessionBooking.objects.get().number
    assert number not in client.get("/gromada-b/points/booked/").content.decode()


def test_points_list_makes_the_same_number_of_queries_for_more_points(client, world, session):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"{A}/").status_code == 200
        return len(ctx.captured_queries)

    one = queries()
    for n in range(3):
        point = FixedPoint.objects.create(community=world.a, settlement=world.village, name=f"Пункт {n}",
                                          address="вул. Польова, 1", latitude=48, longitude=35)
        for weekday in (1, 3):
            point.sessions.create(weekday=weekday, start=datetime.time(9), end=datetime.time(12))
    assert queries() == one

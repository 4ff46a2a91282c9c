"""Issue 9, finding 8: one phone could book every slot of a session from a few addresses (the limit
was per address only). One phone now holds at most VALIZA_BOOKINGS_PER_PHONE future bookings and
VALIZA_BOOKINGS_PER_PHONE_WEEK in one week, whichever addresses it books from."""

import pytest
from django.test import Client

from planning import actions, slots
from planning.models import SessionBooking

A = "/gromada-a/points"
PHONE = "067 123 45 67"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.VALIZA_BOOKINGS_PER_PHONE = 4
    settings.VALIZA_BOOKINGS_PER_PHONE_WEEK = 2
    settings.VALIZA_PUBLIC_REQUEST_LIMIT = 100  # the per-address limit is not what is tested here


def _weeks(session):
    """Free slots grouped by date, nearest first (the session is on one weekday: a date is a week)."""
    by_date = {}
    for slot in slots.free_slots(session, weeks=4):
        by_date.setdefault(slot.date, []).append(slot)
    return list(by_date.values())


@pytest.fixture
def book(session):
    """Book `slot` from the public page as a client at address `ip`."""
    def book(slot, *, ip, phone=PHONE, name="Мельник Ніна Петрівна"):
        return Client(REMOTE_ADDR=ip).post(f"{A}/book/", {
            "session": str(session.pk), "date": slot.date.isoformat(), "start": slot.start.strftime("%H:%M"),
            "applicant_name": name, "applicant_birth_date": "05.03.1941", "phone": phone, "consent": "on",
            "warning_acknowledged": "on"})
    return book


def test_one_phone_from_several_addresses_books_two_slots_a_week_and_no_more(world, session, book):
    week = _weeks(session)[0]
    assert book(week[0], ip="192.0.2.1").status_code == 302
    assert book(week[1], ip="192.0.2.2", name="Мельник Петро").status_code == 302  # a couple, one phone
    response = book(week[2], ip="192.0.2.3", name="Інша Людина")
    html = response.content.decode()
    assert response.status_code == 200
    assert "вже є записи на прийом цього тижня" in html and world.a.phone in html
    assert SessionBooking.objects.count() == 2
    # Another phone still books that week; this phone books another week.
    assert book(week[2], ip="192.0.2.3", phone="050 111 22 33").status_code == 302
    assert book(_weeks(session)[1][0], ip="192.0.2.4").status_code == 302


def test_one_phone_holds_at_most_four_future_bookings_however_many_addresses_it_uses(world, session, book):
    weeks = _weeks(session)
    for n, week in enumerate(weeks[:2]):
        for i in range(2):
            assert book(week[i], ip=f"192.0.2.{10 + 2 * n + i}").status_code == 302
    assert SessionBooking.objects.filter(phone="+380671234567").count() == 4
    response = book(weeks[2][0], ip="192.0.2.99")
    assert response.status_code == 200
    assert "більше записів з одного номера зробити не можна" in response.content.decode()
    assert SessionBooking.objects.count() == 4


def test_cancelled_and_past_bookings_do_not_count(world, session, book):
    import datetime

    from django.utils import timezone

    week = _weeks(session)[0]
    book(week[0], ip="192.0.2.1")
    book(week[1], ip="192.0.2.2")
    SessionBooking.objects.filter(start=week[0].start).update(cancelled=True)
    assert book(week[2], ip="192.0.2.3").status_code == 302  # the cancelled one freed its place
    past = SessionBooking.objects.filter(cancelled=False).first()
    SessionBooking.objects.filter(pk=past.pk).update(date=timezone.localdate() - datetime.timedelta(days=14))
    assert actions.phone_booking_problem(world.a, "+380671234567", week[0].date) is None


def test_the_rule_refuses_inside_book_session_slot_too(world, session):
    """The limit is the action's, not only the page's: whatever calls book_session_slot is bound by it."""
    import datetime

    from django.utils import timezone

    week = _weeks(session)[0]
    for slot in week[:2]:
        actions.book_session_slot(SessionBooking(
            session=session, date=slot.date, start=slot.start, applicant_name="Х", phone="+380671234567",
            applicant_birth_date=datetime.date(1941, 3, 5), consent_at=timezone.now(),
            warning_acknowledged_at=timezone.now()))
    with pytest.raises(actions.TooManyBookings):
        actions.book_session_slot(SessionBooking(
            session=session, date=week[2].date, start=week[2].start, applicant_name="Х", phone="+380671234567",
            applicant_birth_date=datetime.date(1941, 3, 5), consent_at=timezone.now(),
            warning_acknowledged_at=timezone.now()))
    assert SessionBooking.objects.count() == 2

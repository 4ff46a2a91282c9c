"""Issue 12: a fixed-point session's stop worked on the laptop — the booked people (in slot order) and
walk-ins, each served like a home visit; no-shows recorded; nothing trusted from the laptop."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from audit.models import AccessLog
from field import tasks
from field.models import Attendee, SyncItem, Visit
from field.sync.reception import booking_attendee_id
from field.tests import syncing
from field.tests.factories import field_team, published_trip, scheduled_request
from field.tests.syncing import accept, item, outcome, send
from journal.models import Case
from planning.models import FixedPoint, Session, SessionBooking, Stop
from visits.models import Channel, Status, VisitRequest


@pytest.fixture(autouse=True)
def no_case_files(monkeypatch):
    monkeypatch.setattr(tasks, "schedule_case_files", lambda ids: None)


def make_booking(world, session, day, start, *, name="Записана Олена Петрівна", phone="+380671112233",
                 cancelled=False):
    now = timezone.now()
    booking = SessionBooking(community=world.a, session=session, date=day, start=start, applicant_name=name,
                             applicant_birth_date=datetime.date(1950, 3, 4), phone=phone, service=world.svc_reg,
                             consent_at=now, warning_acknowledged_at=now, cancelled=cancelled)
    booking.save()
    return booking


@pytest.fixture
def reception(world):
    """Today's trip of the field team: stop 1 a session at the village's culture house, stop 2 a home
    visit; two people booked the session (10:20 and 10:00)."""
    day = timezone.localdate()
    team = field_team(world)
    point = FixedPoint.objects.create(community=world.a, settlement=world.village, name="Будинок культури",
                                      address="вул. Центральна, 12", latitude=Decimal("48.46"),
                                      longitude=Decimal("35.06"))
    session = Session.objects.create(fixed_point=point, weekday=day.weekday(), start=datetime.time(10),
                                     end=datetime.time(13), slot_minutes=20, team=team)
    trip = published_trip(world, day=day, team=team, requests=[])
    start = datetime.datetime.combine(day, datetime.time(10), tzinfo=timezone.get_current_timezone())
    stop = Stop.objects.create(trip=trip, position=1, session=session, arrival=start, start=start,
                               end=start + datetime.timedelta(hours=3), window_start=start,
                               window_end=start + datetime.timedelta(hours=3))
    later = make_booking(world, session, day, datetime.time(10, 20), name="Пізніша Марія Іванівна",
                         phone="+380671112244")
    first = make_booking(world, session, day, datetime.time(10))
    return stop, first, later


def at(stop, kind, booking_or_id=None, data=None, *, seq=1):
    sent = item(kind, stop, data, seq=seq)
    if booking_or_id is not None:
        sent["attendee_id"] = str(booking_attendee_id(booking_or_id) if isinstance(booking_or_id, SessionBooking)
                                  else booking_or_id)
    return sent


def walk_in(stop, attendee_id, *, seq=1, name="Прийшла Сама Ганна", birth="1941-02-03", phone="067 555 44 33"):
    return at(stop, "session.walk_in", attendee_id, {"name": name, "phone": phone, "birth_date": birth,
                                                      "consent_how": "laptop"}, seq=seq)


def test_the_day_lists_the_sessions_bookings_in_slot_order_with_their_ids(world, reception, login):
    stop, first, later = reception
    make_booking(world, stop.session, stop.trip.day, datetime.time(10, 40), name="Скасувала Запис",
                 phone="+380671112255", cancelled=True)
    client = login(world.users["field_admin"])
    answer = syncing.day(client).json()
    [row] = [s for t in answer["trips"] for s in t["stops"] if s["id"] == stop.pk]
    assert row["kind"] == "session" and row["person"] is None
    people = row["attendees"]
    assert [p["booking_number"] for p in people] == [first.number, later.number]  # the cancelled one is not awaited
    assert people[0]["attendee_id"] == str(booking_attendee_id(first)) and people[0]["kind"] == "booking"
    assert people[0]["applicant_name"] == first.applicant_name and people[0]["person"] is None
    assert [s["id"] for s in people[0]["services"]] == [world.svc_reg.pk]
    assert timezone.localtime(datetime.datetime.fromisoformat(people[1]["slot_start"])).time() == datetime.time(10, 20)


def test_a_booked_person_is_served_like_a_home_visit_and_gets_a_case(world, reception):
    stop, first, _later = reception
    answer, status = send(world.users["field_admin"], [
        at(stop, "visit.start", first, seq=1),
        {**accept(world, stop, seq=2), "attendee_id": str(booking_attendee_id(first))},
        {**outcome(stop, seq=3), "attendee_id": str(booking_attendee_id(first))},
    ])
    assert status == 200, answer
    attendee = Attendee.objects.get(booking=first)
    req = attendee.request
    assert req.channel == Channel.POINT and req.status == Status.SERVED
    assert req.applicant_name == first.applicant_name and req.applicant_phone == first.phone
    assert req.person_consent_at == first.consent_at and req.settlement == world.village
    case = Case.objects.get(request=req)
    assert case.service == world.svc_reg and case.office == stop.trip.team.office
    assert Visit.objects.get(request=req).stop == stop
    assert "за записом " + first.number in req.history.first().comment


def test_a_walk_in_is_registered_with_consent_served_and_gets_a_case(world, reception):
    stop, _first, _later = reception
    person = uuid.uuid4()
    answer, status = send(world.users["field_admin"], [
        walk_in(stop, person, seq=1),
        {**accept(world, stop, seq=2), "attendee_id": str(person)},
        {**outcome(stop, seq=3), "attendee_id": str(person)},
    ])
    assert status == 200, answer
    attendee = Attendee.objects.get(pk=person)
    req = attendee.request
    assert attendee.walk_in and req.channel == Channel.POINT and req.status == Status.SERVED
    assert req.applicant_phone == "+380675554433" and req.applicant_birth_date == datetime.date(1941, 2, 3)
    assert req.person_consent_how == "laptop" and req.person_consent_by == world.users["field_admin"]
    assert Case.objects.filter(request=req, service=world.svc_reg).exists()


def test_two_people_at_one_session_have_a_visit_each(world, reception):
    stop, first, later = reception
    answer, status = send(world.users["field_admin"], [
        {**outcome(stop, seq=1), "attendee_id": str(booking_attendee_id(first))},
        {**outcome(stop, "partly_served", seq=2, note="Бракує довідки"), "attendee_id": str(booking_attendee_id(later))},
    ])
    assert status == 200, answer
    assert Visit.objects.filter(stop=stop).count() == 2


def test_a_walk_in_like_an_open_request_is_served_and_the_duplicate_named(world, reception):
    stop, _first, _later = reception
    other = scheduled_request(world, applicant_name="Прийшла Сама Ганна", applicant_birth_date=datetime.date(1941, 2, 3))
    answer, status = send(world.users["field_admin"], [walk_in(stop, uuid.uuid4())])
    result = answer["results"][0]
    assert status == 200 and result["state"] == "applied" and result["code"] == "possible_duplicate"
    assert result["result"]["duplicates"] == [other.number] and other.number in result["message"]
    req = VisitRequest.objects.get(pk=result["result"]["request_id"])
    assert other.number in req.history.first().comment


def test_a_walk_in_born_in_the_future_is_refused_with_a_clear_message_and_nothing_made(world, reception):
    stop, _first, _later = reception
    tomorrow = stop.trip.day + datetime.timedelta(days=1)
    answer, status = send(world.users["field_admin"], [walk_in(stop, uuid.uuid4(), birth=tomorrow.isoformat())])
    result = answer["results"][0]
    assert status == 422 and result["state"] == "quarantined" and result["code"] == "birth_date_future"
    assert "ще не настала" in result["message"]
    assert not Attendee.objects.exists() and not VisitRequest.objects.filter(channel=Channel.POINT).exists()


def test_a_no_show_is_recorded_and_makes_no_request(world, reception):
    stop, first, _later = reception
    answer, status = send(world.users["field_admin"], [at(stop, "session.no_show", first, {})])
    assert status == 200, answer
    attendee = Attendee.objects.get(booking=first)
    assert attendee.no_show_at is not None and attendee.request is None


def test_an_action_naming_someone_not_booked_there_changes_nothing(world, reception):
    stop, _first, _later = reception
    answer, status = send(world.users["field_admin"], [at(stop, "visit.start", uuid.uuid4(), {})])
    assert status == 422 and answer["results"][0]["code"] == "attendee_not_found"
    assert not Attendee.objects.exists() and not Visit.objects.exists()


def test_an_action_at_a_session_without_a_person_is_quarantined(world, reception):
    stop, _first, _later = reception
    answer, status = send(world.users["field_admin"], [item("visit.start", stop, {})])
    assert status == 422 and answer["results"][0]["code"] == "attendee_missing"


def test_a_booking_of_another_session_cannot_be_served_at_this_stop(world, reception):
    stop, _first, _later = reception
    other_session = Session.objects.create(fixed_point=stop.session.fixed_point, weekday=stop.trip.day.weekday(),
                                           start=datetime.time(14), end=datetime.time(15))
    elsewhere = make_booking(world, other_session, stop.trip.day, datetime.time(14), phone="+380671112299")
    answer, status = send(world.users["field_admin"], [at(stop, "visit.start", elsewhere, {})])
    assert status == 422 and answer["results"][0]["code"] == "attendee_not_found"
    assert not Attendee.objects.exists()


def test_session_items_at_a_home_visit_stop_are_refused(world):
    trip = published_trip(world)
    home = trip.stops.first()
    answer, status = send(world.users["field_admin"], [walk_in(home, uuid.uuid4())])
    assert status == 422 and answer["results"][0]["code"] == "not_a_session"


def test_a_replayed_walk_in_registers_the_person_once(world, reception):
    stop, _first, _later = reception
    sent = walk_in(stop, uuid.uuid4())
    send(world.users["field_admin"], [sent])
    again, status = send(world.users["field_admin"], [sent])
    assert status == 200 and again["results"][0]["replayed"]
    assert Attendee.objects.count() == 1 and VisitRequest.objects.filter(channel=Channel.POINT).count() == 1
    assert SyncItem.objects.count() == 1


def test_the_day_after_sync_shows_each_persons_request_and_cases_and_logs_them(world, reception, login):
    stop, first, _later = reception
    person = uuid.uuid4()
    send(world.users["field_admin"], [
        walk_in(stop, person, seq=1), {**accept(world, stop, seq=2), "attendee_id": str(person)},
        {**accept(world, stop, seq=3), "attendee_id": str(booking_attendee_id(first))}])
    client = login(world.users["field_admin"])
    answer = syncing.day(client).json()
    [row] = [s for t in answer["trips"] for s in t["stops"] if s["id"] == stop.pk]
    by_id = {p["attendee_id"]: p for p in row["attendees"]}
    assert by_id[str(person)]["kind"] == "walk_in" and by_id[str(person)]["person"]["number"]
    assert len(by_id[str(person)]["cases"]) == 1 and len(by_id[str(booking_attendee_id(first))]["cases"]) == 1
    logged = set(AccessLog.objects.values_list("object_id", flat=True))
    assert {str(a.request_id) for a in Attendee.objects.all()} <= {str(x) for x in logged}


def test_the_sessions_outcome_shows_live_and_on_the_board(world, reception, login):
    stop, first, later = reception
    send(world.users["field_admin"], [
        {**outcome(stop, seq=1), "attendee_id": str(booking_attendee_id(first))},
        at(stop, "session.no_show", later, {}, seq=2),
        walk_in(stop, uuid.uuid4(), seq=3)])
    client = login(world.users["coordinator"])
    live = client.get(f"/staff/field/today/{stop.trip.plan.pk}/").content.decode()
    assert "обслуговано 1, не прийшли 1, без запису 1" in live
    assert first.applicant_name not in live  # numbers only on the live part
    board = client.get(f"/staff/planning/?week={stop.trip.plan.week.monday.isoformat()}&plan={stop.trip.plan.pk}")
    assert "обслуговано: 1, не прийшли: 1, без запису: 1" in board.content.decode()


def test_a_late_comer_marked_absent_is_served_after_all(world, reception):
    stop, first, _later = reception
    send(world.users["field_admin"], [at(stop, "session.no_show", first, {}, seq=1)])
    answer, status = send(world.users["field_admin"], [
        {**outcome(stop, seq=2), "attendee_id": str(booking_attendee_id(first))}])
    assert status == 200, answer
    attendee = Attendee.objects.get(booking=first)
    assert attendee.no_show_at is None and attendee.request.status == Status.SERVED


def test_a_no_show_after_the_person_was_served_is_refused(world, reception):
    stop, first, _later = reception
    send(world.users["field_admin"], [{**outcome(stop, seq=1), "attendee_id": str(booking_attendee_id(first))}])
    answer, status = send(world.users["field_admin"], [at(stop, "session.no_show", first, {}, seq=2)])
    assert status == 422 and answer["results"][0]["code"] == "already_served"
    assert Attendee.objects.get(booking=first).no_show_at is None


def test_a_not_served_outcome_at_a_reception_waits_for_the_coordinator_not_the_home_visit_pool(world, reception):
    stop, first, _later = reception
    send(world.users["field_admin"], [
        {**outcome(stop, "technical_failure", seq=1), "attendee_id": str(booking_attendee_id(first))}])
    assert Attendee.objects.get(booking=first).request.status == Status.ON_HOLD


def test_a_person_served_at_a_reception_is_never_in_the_home_visit_pool(world, reception):
    from planning import actions as planning_actions
    from planning import build

    stop, first, later = reception
    send(world.users["field_admin"], [
        at(stop, "visit.start", first, seq=1),  # started, no outcome yet: scheduled
        {**outcome(stop, "partly_served", seq=2, note="Бракує довідки"), "attendee_id": str(booking_attendee_id(later))},
    ])
    week = planning_actions.week_for(world.a, planning_actions.next_monday(stop.trip.day))
    ids = set(build.pool(week).values_list("pk", flat=True))
    people = set(Attendee.objects.values_list("request_id", flat=True))
    assert len(people) == 2 and not people & ids


def test_the_sessions_bookings_page_shows_who_came_and_who_did_not(world, reception, login):
    stop, first, later = reception
    send(world.users["field_admin"], [
        {**outcome(stop, seq=1), "attendee_id": str(booking_attendee_id(first))},
        at(stop, "session.no_show", later, {}, seq=2)])
    req = Attendee.objects.get(booking=first).request
    page = login(world.users["coordinator"]).get(
        f"/staff/planning/session/{stop.session_id}/{stop.trip.day.isoformat()}/").content.decode()
    assert f"{req.number}</a>: Обслуговано" in page and "не прийшла" in page


def test_a_reception_requests_address_is_the_fixed_points(world, reception):
    stop, first, _later = reception
    send(world.users["field_admin"], [at(stop, "visit.start", first, seq=1)])
    assert Attendee.objects.get(booking=first).request.address == "Далеке, вул. Центральна, 12"


def test_a_reception_person_started_but_never_given_an_outcome_waits_for_the_coordinator_after_the_day(
        world, reception):
    """The night after the session, a person whose outcome never reached the server is not left «scheduled»
    for ever, nor sent to the home-visit pool: the coordinator decides (as for a not-served outcome)."""
    import datetime

    from planning import actions as planning_actions

    stop, first, _later = reception
    send(world.users["field_admin"], [at(stop, "visit.start", first, seq=1)])
    req = Attendee.objects.get(booking=first).request
    assert req.status == Status.SCHEDULED
    planning_actions.return_unvisited(today=stop.trip.day)  # the day itself: still waiting for the laptop
    req.refresh_from_db()
    assert req.status == Status.SCHEDULED
    planning_actions.return_unvisited(today=stop.trip.day + datetime.timedelta(days=1))
    req.refresh_from_db()
    assert req.status == Status.ON_HOLD
    assert "результат з ноутбука не надійшов" in req.history.order_by("-pk").first().comment
    planning_actions.return_unvisited(today=stop.trip.day + datetime.timedelta(days=2))  # once is enough
    assert req.history.filter(to_status=Status.ON_HOLD).count() == 1

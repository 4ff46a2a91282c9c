"""Issue 13: the citizens' status page (number + phone) shows the visit's date and window, each
service's case with its number, state, the provider's term and how the result comes back, and lets the
person choose or change that way while nothing has been sent or issued; and «no SMS to this number».
Bad input gets a plain message and changes nothing; nothing of other people is shown or changed."""

import datetime

import pytest
from django.utils import timezone

from field.tests.factories import published_trip, scheduled_request
from journal import actions as journal
from journal.models import Delivery, JournalEntry
from notifications.models import SmsOptOut

URL = "/gromada-a/status/"


@pytest.fixture
def served(world):
    """A request visited today on a published trip, with one case registered at the door."""
    req = scheduled_request(world, applicant_phone="+380671112233")
    trip = published_trip(world, day=timezone.localdate(), requests=[req])
    [case] = journal.register_cases(req, [world.svc_cert], by=world.users["field_admin"])
    req.stop = trip.stops.get(request=req)
    req.case = case
    return req


def look(client, req, phone="067 111 22 33", **extra):
    return client.post(URL, {"number": req.number, "phone": phone, **extra})


def test_the_page_shows_the_visit_window_and_each_case_with_its_number_state_and_term(client, served):
    page = look(client, served)
    html = page.content.decode()
    stop = served.stop
    window = f"{timezone.localtime(stop.window_start):%H:%M} до {timezone.localtime(stop.window_end):%H:%M}"
    assert f"{stop.trip.day:%d.%m.%Y}" in html and window in html
    [case] = page.context["cases"]
    assert case.number == served.case.number and served.case.number in html
    assert f"{served.case.provider_due:%d.%m.%Y}" in html and "Прийнято, чекає передачі" in html
    assert "Ще не обрано" in html and case.delivery_form is not None


def test_the_person_chooses_post_with_an_address_and_can_change_it_to_the_office(client, served):
    response = look(
        client, served, action="delivery", case=served.case.pk, delivery="post", address="с. Далеке, вул. Лісова, 3, 52100"
    )
    assert "Записали" in response.content.decode()
    served.case.refresh_from_db()
    assert (served.case.preferred_delivery, served.case.delivery_address) == ("post", "с. Далеке, вул. Лісова, 3, 52100")
    look(client, served, action="delivery", case=served.case.pk, delivery="office")
    served.case.refresh_from_db()
    assert (served.case.preferred_delivery, served.case.delivery_address) == ("office", "")
    assert served.case.entries.filter(event=JournalEntry.DELIVERY_CHOSEN).count() == 2


def test_post_without_an_address_or_an_unknown_way_is_refused_kindly_and_changes_nothing(client, served):
    response = look(client, served, action="delivery", case=served.case.pk, delivery="post", address="")
    assert response.status_code == 200 and "Напишіть адресу" in response.content.decode()
    response = look(client, served, action="delivery", case=served.case.pk, delivery="drone")
    assert response.status_code == 200 and "Оберіть, як ви хочете отримати результат" in response.content.decode()
    response = look(client, served, action="delivery", case=served.case.pk, delivery="post", address="x" * 5000)
    assert response.status_code == 200 and "задовга" in response.content.decode()
    served.case.refresh_from_db()
    assert served.case.preferred_delivery == ""


def test_someone_elses_case_cannot_be_changed_from_this_request(client, world, served):
    other = scheduled_request(world)
    [other_case] = journal.register_cases(other, [world.svc_cert], by=world.users["field_admin"])
    response = look(client, served, action="delivery", case=other_case.pk, delivery="office")
    assert "Такої справи в цій заявці немає" in response.content.decode()
    assert other_case.number not in response.content.decode()
    other_case.refresh_from_db()
    assert other_case.preferred_delivery == ""


def test_a_wrong_phone_shows_nothing_and_changes_nothing(client, served):
    response = look(client, served, phone="050 000 00 00", action="delivery", case=served.case.pk, delivery="office")
    assert response.context["not_found"] and served.case.number not in response.content.decode()
    served.case.refresh_from_db()
    assert served.case.preferred_delivery == ""


def test_after_the_result_was_sent_by_post_the_page_shows_the_tracking_number_and_no_choice(client, world, served):
    coordinator = world.users["coordinator"]
    journal.hand_over(served.case, by=coordinator)
    journal.record_decision(served.case, by=coordinator, granted=True)
    journal.record_result(served.case, by=coordinator, delivery=Delivery.POST, tracking="0500123456789")
    page = look(client, served)
    html = page.content.decode()
    assert "Надіслано поштою" in html and "0500123456789" in html
    [case] = page.context["cases"]
    assert case.delivery_form is None
    # A form posted from an old page is refused with a message.
    response = look(client, served, action="delivery", case=served.case.pk, delivery="office")
    assert "змінити не можна" in response.content.decode()
    served.case.refresh_from_db()
    assert served.case.preferred_delivery == ""


def test_the_person_turns_sms_off_and_on_for_their_own_number(client, world, served):
    look(client, served, action="sms_off")
    assert list(SmsOptOut.objects.values_list("phone", "source")) == [("+380671112233", "citizen")]
    assert "Знову надсилати SMS" in look(client, served).content.decode()
    look(client, served, action="sms_on")
    assert not SmsOptOut.objects.exists()


def test_the_status_page_is_rate_limited(client, settings, served):
    settings.VALIZA_PUBLIC_STATUS_LIMIT = 3
    for _ in range(3):
        assert look(client, served).status_code == 200
    response = look(client, served, action="sms_off")
    assert response.status_code == 429 and not SmsOptOut.objects.exists()


def test_a_repeat_visit_shows_on_the_original_request(client, world, served):
    coordinator = world.users["coordinator"]
    journal.hand_over(served.case, by=coordinator)
    journal.record_decision(served.case, by=coordinator, granted=True)
    repeat = journal.plan_repeat_visit(served.case, by=coordinator)
    published_trip(world, day=timezone.localdate() + datetime.timedelta(days=2), requests=[repeat])
    html = look(client, served).content.decode()
    assert "Повторний візит" in html and "Повторним виїздом" in html


def test_a_served_request_offers_the_feedback_link_and_one_not_yet_visited_does_not(client, world, served):
    from visits.models import Status, VisitRequest

    html = look(client, served).content.decode()
    assert 'id="status-feedback"' not in html  # scheduled: nothing to tell about yet
    VisitRequest.objects.filter(pk=served.pk).update(status=Status.SERVED)
    from quality.feedback import request_id_from

    link = look(client, served).content.decode().split('id="status-feedback"><a href="', 1)[1].split('"', 1)[0]
    assert request_id_from(link.rstrip("/").rsplit("/", 1)[1]) == served.pk
    page = client.get(link)
    assert page.status_code == 200 and page.context["form"] is not None

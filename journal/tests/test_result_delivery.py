"""Issue 13, "the result comes back": the result's way back per case — by post (address, tracking
number, sent and received days), courier, at the office (to whom, on what document), or a repeat
visit that becomes a request in the planning pool flagged «видача результату» — and the SMS that
tell the person the result is ready and has been sent."""

import pytest
from django.utils import timezone

from audit.models import AccessLog
from journal import actions, chain
from journal.actions import JournalError
from journal.models import Case, CaseState, Delivery, JournalEntry
from notifications.models import Kind, OutboxMessage
from notifications.outbox import sms_parts
from visits.models import Purpose, Status, VisitRequest

from .factories import make_case


def decided(world, *, granted=True, delivery="", **kwargs):
    case = make_case(world, **kwargs)
    if delivery:
        Case.objects.filter(pk=case.pk).update(preferred_delivery=delivery)
        case.refresh_from_db()
    actions.hand_over(case, by=world.users["coordinator"])
    return actions.record_decision(
        case, by=world.users["coordinator"], granted=granted, reason="" if granted else "Немає права власності"
    )


def result_sms(case):
    return list(OutboxMessage.objects.filter(kind=Kind.RESULT, dedup_key__startswith=f"case:{case.pk}:").order_by("pk"))


def test_a_granted_decision_texts_the_person_once_that_the_result_is_ready_and_how_it_comes(world):
    case = decided(world, delivery=Delivery.POST)
    [sms] = result_sms(case)
    assert sms.recipient == case.request.applicant_phone
    assert case.number in sms.text and "готовий" in sms.text and "поштою" in sms.text
    assert sms_parts(sms.text) <= 3


def test_a_refusal_texts_that_the_letter_with_the_ground_is_ready(world):
    case = decided(world, granted=False, delivery=Delivery.OFFICE)
    [sms] = result_sms(case)
    assert "відмовлено" in sms.text and "ЦНАП" in sms.text and sms_parts(sms.text) <= 3


def test_a_case_without_a_request_texts_nobody(world):
    case = make_case(world)
    Case.objects.filter(pk=case.pk).update(request=None)
    case.refresh_from_db()
    actions.hand_over(case, by=world.users["coordinator"])
    actions.record_decision(case, by=world.users["coordinator"], granted=True)
    assert result_sms(case) == []


def test_sent_by_post_keeps_address_and_tracking_number_and_texts_the_tracking_number(world):
    case = decided(world)
    actions.record_result(case, by=world.users["coordinator"], delivery=Delivery.POST, tracking="0500123456789")
    case.refresh_from_db()
    assert case.state == CaseState.RESULT_DELIVERED
    # No address given and none chosen: the request's own.
    assert case.delivery_address == str(case.request.address)
    assert case.tracking_number == "0500123456789" and case.result_delivered_on == timezone.localdate()
    assert case.result_received_on is None
    ready, sent = result_sms(case)
    assert "0500123456789" in sent.text and sms_parts(sent.text) <= 3
    payload = case.entries.get(event=JournalEntry.RESULT_DELIVERED).payload
    assert payload["tracking_number"] == "0500123456789"
    # The post confirms delivery: the day the person got it, once.
    actions.record_received(case, by=world.users["coordinator"])
    case.refresh_from_db()
    assert case.result_received_on == timezone.localdate()
    with pytest.raises(JournalError, match="вже записано"):
        actions.record_received(case, by=world.users["coordinator"])
    assert chain.verify(world.a.pk).ok


def test_sent_by_post_goes_to_the_address_the_person_chose(world):
    case = decided(world)
    actions.choose_delivery(case, delivery=Delivery.POST, address="с. Далеке, вул. Лісова, 3")
    actions.record_result(case, by=world.users["coordinator"], delivery=Delivery.POST)
    case.refresh_from_db()
    assert case.delivery_address == "с. Далеке, вул. Лісова, 3"


def test_at_the_office_needs_to_whom_and_on_what_document(world):
    case = decided(world)
    with pytest.raises(JournalError, match="кому видано"):
        actions.record_result(case, by=world.users["coordinator"], delivery=Delivery.OFFICE, issued_to="Коваленко М.")
    case.refresh_from_db()
    assert case.state == CaseState.DECIDED and case.issued_to == ""
    actions.record_result(
        case,
        by=world.users["coordinator"],
        delivery=Delivery.OFFICE,
        issued_to="Коваленко Марія (донька)",
        issued_document="довіреність № 12",
    )
    case.refresh_from_db()
    assert (case.issued_to, case.issued_document) == ("Коваленко Марія (донька)", "довіреність № 12")
    assert case.result_received_on == case.result_delivered_on  # in hand the same day
    with pytest.raises(JournalError, match="особисто"):
        actions.record_received(case, by=world.users["coordinator"])
    # Only the "ready" SMS: nothing was sent anywhere.
    assert len(result_sms(case)) == 1


def test_the_person_cannot_change_the_way_once_it_was_sent(world):
    case = decided(world)
    actions.record_result(case, by=world.users["coordinator"], delivery=Delivery.COURIER, courier="Нова пошта")
    with pytest.raises(JournalError, match="змінити не можна"):
        actions.choose_delivery(case, delivery=Delivery.OFFICE)
    case.refresh_from_db()
    assert case.preferred_delivery == "" and case.courier == "Нова пошта"


def test_choosing_post_without_an_address_changes_nothing(world):
    case = make_case(world)
    with pytest.raises(JournalError, match="адресу"):
        actions.choose_delivery(case, delivery=Delivery.POST, address="   ")
    with pytest.raises(JournalError, match="Оберіть"):
        actions.choose_delivery(case, delivery="pigeon")
    case.refresh_from_db()
    assert case.preferred_delivery == "" and not case.entries.filter(event=JournalEntry.DELIVERY_CHOSEN).exists()
    actions.choose_delivery(case, delivery=Delivery.OFFICE)
    actions.choose_delivery(case, delivery=Delivery.OFFICE)  # the same again: no second entry
    assert case.entries.filter(event=JournalEntry.DELIVERY_CHOSEN).count() == 1


def test_a_repeat_visit_is_a_request_in_the_pool_flagged_result_with_its_own_short_duration(world):
    world.svc_cert.result_minutes = 7
    world.svc_cert.save(update_fields=["result_minutes"])
    case = decided(world)
    req = actions.plan_repeat_visit(case, by=world.users["coordinator"])
    case.refresh_from_db()
    assert case.repeat_request == req and case.preferred_delivery == Delivery.REPEAT_VISIT
    assert (req.status, req.purpose, req.visit_minutes) == (Status.ACCEPTED, Purpose.RESULT, 7)
    assert req.is_result_visit and req.accepted_at is not None
    original = case.request
    assert (req.applicant_name, req.street, req.settlement_id) == (
        original.applicant_name,
        original.street,
        original.settlement_id,
    )
    assert req.number != original.number and not req.services.exists()
    # Asked again: the same request.
    assert actions.plan_repeat_visit(case, by=world.users["coordinator"]) == req
    assert VisitRequest.objects.filter(purpose=Purpose.RESULT).count() == 1
    # No "request received" SMS for it: the person is told about the result itself.
    assert not OutboxMessage.objects.filter(kind=Kind.RECEIVED, related_object=f"visits.visitrequest:{req.pk}").exists()
    assert case.entries.filter(event=JournalEntry.REPEAT_VISIT).count() == 1


def test_two_cases_of_one_request_share_one_repeat_visit_whose_duration_adds_up(world):
    from conftest import make_request

    req = make_request(world, services=[world.svc_cert, world.svc_reg])
    first, second = actions.register_cases(req, [world.svc_cert, world.svc_reg], by=world.users["field_admin"])
    for case in (first, second):
        actions.hand_over(case, by=world.users["coordinator"])
        actions.record_decision(case, by=world.users["coordinator"], granted=True)
    one = actions.plan_repeat_visit(first, by=world.users["coordinator"])
    two = actions.plan_repeat_visit(second, by=world.users["coordinator"])
    assert one == two
    one.refresh_from_db()
    assert one.visit_minutes == 20 and one.result_cases.count() == 2


def test_the_planner_gives_a_repeat_visit_its_own_duration(world):
    from conftest import before_cutoff
    from planning import actions as planning_actions
    from planning import build

    case = decided(world)
    req = actions.plan_repeat_visit(case, by=world.users["coordinator"])
    before_cutoff(req)
    week = planning_actions.week_for(world.a, planning_actions.next_monday())
    [planned] = [r for r in build.plannable_requests(week) if r.pk == req.pk]
    visit = build._visit(week, planned, set(build.working_days(week)), None, world.a.setup_minutes, timezone.localdate())
    assert visit.service == 10 and visit.service != world.a.setup_minutes + world.svc_cert.minutes


def test_a_repeat_visit_needs_a_decision_and_a_request(world):
    case = make_case(world)
    with pytest.raises(JournalError, match="рішення"):
        actions.plan_repeat_visit(case, by=world.users["coordinator"])
    assert not VisitRequest.objects.filter(purpose=Purpose.RESULT).exists()


def test_the_case_page_records_post_with_tracking_and_each_view_is_logged(world, login):
    case = decided(world)
    client = login(world.users["coordinator"])
    page = client.get(f"/staff/journal/{case.pk}/")
    assert "Трек-номер" in page.content.decode() or "трек-номер" in page.content.decode()
    response = client.post(
        f"/staff/journal/{case.pk}/result/",
        {"delivery": "post", "address": "м. Місто, вул. Шевченка, 10, кв. 5", "tracking": "0500999888777"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.tracking_number == "0500999888777" and case.delivery_address.startswith("м. Місто")
    page = client.get(f"/staff/journal/{case.pk}/").content.decode()
    assert "0500999888777" in page and "Записати отримання" in page
    client.post(f"/staff/journal/{case.pk}/received/", {"on": ""})
    case.refresh_from_db()
    assert case.result_received_on == timezone.localdate()
    assert AccessLog.objects.filter(object_id=str(case.pk)).count() >= 2


def test_the_case_page_plans_a_repeat_visit(world, login):
    case = decided(world)
    client = login(world.users["coordinator"])
    assert "Запланувати повторний виїзд" in client.get(f"/staff/journal/{case.pk}/").content.decode()
    assert client.post(f"/staff/journal/{case.pk}/repeat-visit/").status_code == 302
    case.refresh_from_db()
    assert case.repeat_request.purpose == Purpose.RESULT
    page = client.get(f"/staff/requests/{case.repeat_request.pk}/").content.decode()
    assert "видача результату" in page and case.number in page


def test_an_office_hand_over_without_the_document_is_refused_on_the_page_with_a_message(world, login):
    case = decided(world)
    client = login(world.users["coordinator"])
    response = client.post(f"/staff/journal/{case.pk}/result/", {"delivery": "office", "issued_to": "Марія"}, follow=True)
    assert response.status_code == 200 and "за яким документом" in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.DECIDED


def test_the_result_sms_carries_the_feedback_link_when_the_site_has_a_public_address(world, settings):
    """Issue 13: «a feedback link in the result SMS»; the link opens the person's own feedback form."""
    from quality.feedback import request_id_from

    settings.VALIZA_PUBLIC_URL = "https://valiza.example.gov.ua"
    case = decided(world, delivery=Delivery.OFFICE)
    [sms] = result_sms(case)
    link = sms.text.split("Як пройшов візит: ", 1)[1]
    assert link.startswith("https://valiza.example.gov.ua/feedback/")
    assert request_id_from(link.rstrip("/").rsplit("/", 1)[1]) == case.request_id
    assert sms_parts(sms.text) <= 4


def test_without_a_public_address_the_result_sms_has_no_link(world, settings):
    settings.VALIZA_PUBLIC_URL = ""
    case = decided(world, delivery=Delivery.OFFICE)
    [sms] = result_sms(case)
    assert "http" not in sms.text and "/feedback/" not in sms.text

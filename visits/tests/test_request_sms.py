"""Issue 13, "the person always knows": an SMS when a request is received (with its number), needs
more information (what, and whom to call) or is rejected (why, what else to do); each once, short,
naming whom it is about, and none to a number that asked for no SMS (kept as skipped, with why)."""

from audit.models import AccessLog
from conftest import make_request
from notifications import outbox
from notifications.models import Kind, OutboxMessage, SmsOptOut, State
from notifications.outbox import sms_parts
from visits import actions
from visits.models import RejectReason


def texts(req, kind=None):
    qs = OutboxMessage.objects.filter(related_object=f"visits.visitrequest:{req.pk}")
    return list((qs.filter(kind=kind) if kind else qs).order_by("pk"))


def test_a_new_request_texts_its_number_once(world):
    req = make_request(world, applicant_name="Коваленко Марія Іванівна")
    [sms] = texts(req)
    assert sms.kind == Kind.RECEIVED and sms.state == State.QUEUED
    assert req.number in sms.text and "(Марія К.)" in sms.text and sms.recipient == req.applicant_phone
    assert sms_parts(sms.text) <= 2


def test_a_request_filed_by_a_neighbour_texts_the_neighbours_phone(world):
    req = make_request(
        world, applicant_phone="", requester_name="Сусідка", requester_phone="+380679998877", requester_relation="neighbour"
    )
    [sms] = texts(req)
    assert sms.recipient == "+380679998877"


def test_needs_information_says_what_and_whom_to_call_each_time_it_is_asked(world):
    req = make_request(world)
    actions.ask_for_info(req, by=world.users["coordinator"], comment="Уточніть номер довідки МСЕК")
    actions.update_request(req, [actions.ServiceChoice(world.svc_cert, set())], by=world.users["operator"])
    actions.ask_for_info(req, by=world.users["coordinator"], comment="Потрібна копія пенсійного " * 10)
    first, second = texts(req, Kind.NEEDS_INFO)
    assert "Уточніть номер довідки МСЕК" in first.text and world.a.phone in first.text
    # Long words of staff are cut: three SMS parts at most.
    assert "…" in second.text and sms_parts(second.text) <= 3


def test_a_rejection_says_why_and_what_else_the_person_can_do(world):
    req = make_request(world)
    actions.reject(req, by=world.users["coordinator"], reason=RejectReason.NOT_ELIGIBLE)
    [sms] = texts(req, Kind.REJECTED)
    assert "не належить" in sms.text and "в ЦНАП" in sms.text and world.a.phone in sms.text
    assert sms_parts(sms.text) <= 3


def test_every_rejection_text_stays_within_three_parts(world):
    for reason in (RejectReason.NOT_ELIGIBLE, RejectReason.DUPLICATE, RejectReason.WITHDRAWN):
        req = make_request(world, applicant_name="Костянтинопольська-Задунайська Олександра Вікторівна")
        actions.reject(req, by=world.users["coordinator"], reason=reason)
        [sms] = texts(req, Kind.REJECTED)
        assert sms_parts(sms.text) <= 3, sms.text


def test_a_false_call_texts_nobody(world):
    req = make_request(world)
    actions.reject(req, by=world.users["coordinator"], reason=RejectReason.FALSE_CALL)
    assert texts(req, Kind.REJECTED) == []


def test_an_opted_out_number_gets_no_sms_and_the_outbox_says_why(world):
    outbox.opt_out(world.a, "067 123 45 67", source=SmsOptOut.Source.STAFF, by=world.users["operator"])
    req = make_request(world, applicant_phone="+380671234567")
    [sms] = texts(req)
    assert sms.state == State.SKIPPED and "відмовилися від SMS" in sms.last_error
    assert outbox.send_due()["sent"] == 0
    # Another community's opt-out is its own.
    assert outbox.opted_out_since(world.b, "+380671234567") is None


def test_the_operator_records_no_sms_on_the_request_page_and_back(world, login):
    req = make_request(world)
    client = login(world.users["operator"])
    page = client.get(f"/staff/requests/{req.pk}/").content.decode()
    assert "Людина просить не надсилати SMS" in page and req.number in page
    client.post(f"/staff/requests/{req.pk}/sms/", {"sms": "off"})
    assert SmsOptOut.objects.filter(community=world.a, phone=req.applicant_phone, source=SmsOptOut.Source.STAFF).count() == 1
    client.post(f"/staff/requests/{req.pk}/sms/", {"sms": "off"})  # twice: one row
    assert SmsOptOut.objects.count() == 1
    actions.reject(req, by=world.users["coordinator"], reason=RejectReason.WITHDRAWN)
    assert texts(req, Kind.REJECTED)[0].state == State.SKIPPED
    assert "Не надсилалося" in client.get(f"/staff/requests/{req.pk}/").content.decode()
    client.post(f"/staff/requests/{req.pk}/sms/", {"sms": "on"})
    assert not SmsOptOut.objects.exists()
    assert AccessLog.objects.filter(object_id=str(req.pk), action="edit").count() == 3


def test_another_communitys_request_cannot_be_opted_out(world, login):
    client = login(world.users["operator"])
    assert client.post(f"/staff/requests/{world.b_req.pk}/sms/", {"sms": "off"}).status_code == 404
    assert not SmsOptOut.objects.exists()

"""Complaints (рекламації): from any channel, linked to a visit request or a case, assigned, answered
within a term of working days, the answer sent to the person; late ones visible."""

import time_machine

from audit.models import AccessLog
from journal import actions as journal_actions
from notifications.models import OutboxMessage
from quality import actions
from quality.models import Complaint
from quality.tests.helpers import FRIDAY, MONDAY, THURSDAY, TUESDAY, WEDNESDAY, at, moment

PAST = moment(MONDAY, 0, weeks=-1).strftime("%d.%m.%Y")  # a day of last week


def _form(**data):
    values = {
        "channel": "phone",
        "received_on": "",
        "request_number": "",
        "case_number": "",
        "person_name": "Коваленко Марія Іванівна",
        "phone": "067 123 45 67",
        "postal_address": "",
        "text": "Адміністратор запізнився на дві години і не попередив",
        "assigned_to": "",
    }
    values.update(data)
    return values


def test_a_complaint_is_registered_linked_to_a_request_and_due_in_working_days(world, login):
    with at(moment(THURSDAY, 11), login, world.users["quality"]) as client:
        response = client.post(
            "/staff/quality/complaints/new/",
            _form(
                received_on=moment(THURSDAY, 0).strftime("%d.%m.%Y"),
                request_number=world.req.number,
                assigned_to=str(world.users["coordinator"].pk),
            ),
        )
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/staff/quality/complaints/{complaint.pk}/"
    assert complaint.request == world.req and complaint.assigned_to == world.users["coordinator"]
    assert complaint.phone == "+380671234567" and complaint.created_by == world.users["quality"]
    # Ten working days from Thursday: Friday, then the next two weeks' days up to Thursday two weeks on.
    assert complaint.due_on == moment(THURSDAY, 0, weeks=3).date()


def test_a_complaint_may_name_the_case_and_takes_its_request(world, login):
    case = journal_actions.register_cases(world.req, [world.svc_cert], by=world.users["field_admin"])[0]
    client = login(world.users["quality"])
    client.post("/staff/quality/complaints/new/", _form(received_on=PAST, case_number=case.number))
    complaint = Complaint.objects.get()
    assert complaint.case == case and complaint.request == world.req


def test_a_100_kb_complaint_gets_a_clear_message_and_nothing_is_saved(world, login):
    client = login(world.users["quality"])
    response = client.post("/staff/quality/complaints/new/", _form(received_on=PAST, text="ж" * 100_000))
    assert response.status_code == 200
    assert "Текст задовгий: можна до 5000 знаків, а тут 100000. Скоротіть його або залиште головне." in response.content.decode()
    assert Complaint.objects.count() == 0


def test_unknown_numbers_and_another_communitys_request_are_refused(world, login):
    client = login(world.users["quality"])
    response = client.post(
        "/staff/quality/complaints/new/", _form(received_on=PAST, request_number=world.b_req.number, case_number="НЕМАЄ-1")
    )
    page = response.content.decode()
    assert "Заявки з таким номером у громаді немає." in page and "Справи з таким номером у громаді немає." in page
    assert Complaint.objects.count() == 0


def test_an_answer_by_sms_goes_through_the_outbox_once(world, login):
    with at(moment(MONDAY, 9), login, world.users["quality"]) as client:
        complaint = actions.register_complaint(
            world.a,
            channel="phone",
            received_on=moment(MONDAY, 0).date(),
            text="Скарга",
            person_name="Коваленко Марія",
            phone="0671234567",
            by=world.users["quality"],
        )
        url = f"/staff/quality/complaints/{complaint.pk}/answer/"
        first = client.post(url, {"answer": "Вибачте, ми змінили графік.", "via": "sms"})
        second = client.post(url, {"answer": "Ще раз", "via": "sms"})
        page = client.get(f"/staff/quality/complaints/{complaint.pk}/").content.decode()
    assert first.status_code == second.status_code == 302
    complaint.refresh_from_db()
    assert complaint.answered_on == moment(MONDAY, 0).date() and complaint.answer == "Вибачте, ми змінили графік."
    assert not complaint.is_late_on(complaint.answered_on)
    sms = OutboxMessage.objects.get()
    assert sms.recipient == "+380671234567" and complaint.answer_sms == sms
    assert sms.text == f"ЦНАП Громада А, відповідь на вашу скаргу №{complaint.pk}: Вибачте, ми змінили графік."
    assert "На цю скаргу вже відповіли" in page


def test_an_answer_by_letter_is_noted_and_sends_no_sms(world, login):
    client = login(world.users["quality"])
    complaint = actions.register_complaint(
        world.a,
        channel="letter",
        received_on=moment(MONDAY, 0, weeks=-1).date(),
        text="Скарга",
        person_name="Коваленко Марія",
        by=None,
    )
    client.post(f"/staff/quality/complaints/{complaint.pk}/answer/", {"answer": "Відповідь", "via": "sms"})
    complaint.refresh_from_db()
    assert complaint.answered_on is None  # no phone: an SMS cannot go
    client.post(f"/staff/quality/complaints/{complaint.pk}/answer/", {"answer": "Відповідь", "via": "letter"})
    complaint.refresh_from_db()
    assert complaint.answer_via == "letter" and complaint.answered_on is not None
    assert OutboxMessage.objects.count() == 0


def test_late_complaints_are_visible_open_and_answered(world, login):
    received = moment(MONDAY, 0).date()
    on_time = actions.register_complaint(world.a, channel="phone", received_on=received, text="1", person_name="А", by=None)
    late = actions.register_complaint(world.a, channel="phone", received_on=received, text="2", person_name="Б", by=None)
    still_open = actions.register_complaint(world.a, channel="phone", received_on=received, text="3", person_name="В", by=None)
    due = on_time.due_on
    assert due == moment(MONDAY, 0, weeks=3).date()  # ten working days: two weeks on
    with time_machine.travel(moment(FRIDAY, 12, weeks=3), tick=False):
        actions.answer_complaint(on_time.pk, text="в строк", via="letter", answered_on=due, by=None)
        actions.answer_complaint(late.pk, text="пізно", via="letter", answered_on=moment(TUESDAY, 0, weeks=3).date(), by=None)
    with at(moment(WEDNESDAY, 12, weeks=3), login, world.users["quality"]) as client:
        page = client.get("/staff/quality/complaints/").content.decode()
    assert 'id="open-count">1<' in page and 'id="late-count">1<' in page and 'id="answered-late-count">1<' in page
    assert page.count('class="late"') == 2
    assert f'data-complaint="{still_open.pk}"' in page
    # The list shows people's complaints: each one seen is logged.
    assert AccessLog.objects.filter(object_type="quality.complaint").count() == 3


def test_an_answer_dated_before_the_complaint_or_in_the_future_is_refused(world, login):
    client = login(world.users["quality"])
    complaint = actions.register_complaint(
        world.a, channel="phone", received_on=moment(MONDAY, 0, weeks=-1).date(), text="Скарга", person_name="А", by=None
    )
    for day in (moment(FRIDAY, 0, weeks=-2), moment(FRIDAY, 0, weeks=2)):
        client.post(
            f"/staff/quality/complaints/{complaint.pk}/answer/",
            {"answer": "Відповідь", "via": "letter", "answered_on": day.strftime("%d.%m.%Y")},
        )
    complaint.refresh_from_db()
    assert complaint.answered_on is None


def test_a_complaint_is_assigned_to_staff_of_the_community_only(world, login):
    client = login(world.users["quality"])
    complaint = actions.register_complaint(
        world.a, channel="phone", received_on=moment(MONDAY, 0, weeks=-1).date(), text="Скарга", person_name="А", by=None
    )
    client.post(f"/staff/quality/complaints/{complaint.pk}/assign/", {"assigned_to": world.b_coordinator.pk})
    complaint.refresh_from_db()
    assert complaint.assigned_to is None
    client.post(f"/staff/quality/complaints/{complaint.pk}/assign/", {"assigned_to": world.users["operator"].pk})
    complaint.refresh_from_db()
    assert complaint.assigned_to == world.users["operator"]


def test_another_communitys_complaint_is_not_found(world, login):
    complaint = actions.register_complaint(
        world.a, channel="phone", received_on=moment(MONDAY, 0, weeks=-1).date(), text="Скарга", person_name="А", by=None
    )
    client = login(world.b_coordinator)
    assert client.get(f"/staff/quality/complaints/{complaint.pk}/").status_code == 404
    assert client.post(f"/staff/quality/complaints/{complaint.pk}/answer/", {"answer": "x", "via": "letter"}).status_code == 404
    complaint.refresh_from_db()
    assert complaint.answered_on is None

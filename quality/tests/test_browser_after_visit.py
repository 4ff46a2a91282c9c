"""Issue 13, "Done when", in a real browser: a visit is served and synced; the result is recorded as sent
by post with a tracking number; the person sees it on the status page and leaves feedback from the SMS
link; the quality officer calls from the queue, records "no answer", then the next working day a rating of
4; a complaint is answered within its term. Every count involved is pinned.

The clock is moved, ticking, to moments of the week after next (never today); the live server's thread
shares it. The pages use no script that reads the browser's clock.
"""

import re

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from journal import actions as journal
from journal.models import Case, CaseState, Delivery
from notifications.models import Kind, OutboxMessage
from quality.feedback import feedback_url
from quality.models import CallAttempt, Complaint, Feedback, SurveyTask
from quality.tests.helpers import FRIDAY, THURSDAY, TUESDAY, WEDNESDAY, moment, served_visit

pytestmark = pytest.mark.django_db(transaction=True)


class Clock:
    def __init__(self):
        self.traveller = None

    def go(self, when):
        self.stop()
        self.traveller = time_machine.travel(when, tick=True)
        self.traveller.start()

    def stop(self):
        if self.traveller is not None:
            self.traveller.stop()
            self.traveller = None


@pytest.fixture
def clock():
    c = Clock()
    yield c
    c.stop()


@pytest.fixture(autouse=True)
def _no_case_files_in_the_browser(monkeypatch):
    from field import tasks

    monkeypatch.setattr(tasks, "schedule_case_files", lambda ids: None)


def look_up(citizen, slug, req):
    citizen.goto(f"/{slug}/status/")
    citizen.get_by_label("Номер заявки").fill(req.number)
    citizen.get_by_label("Номер телефону, вказаний у заявці").fill(req.applicant_phone)
    citizen.get_by_role("button", name="Перевірити").click()


def test_the_person_is_asked_and_a_complaint_is_answered_in_its_term(
    live_world, live_server, page, staff_login, clock, settings
):
    settings.VALIZA_PUBLIC_URL = live_server.url  # the SMS carry absolute links
    w = live_world
    officer = w.users["quality"]
    officer.first_name, officer.last_name = "Оксана", "Мирна"
    officer.save()

    # Tuesday: the visit is served and the laptop syncs it.
    clock.go(moment(TUESDAY, 11))
    visit = served_visit(w)
    req = visit.request
    assert SurveyTask.objects.count() == 1
    task = SurveyTask.objects.get()
    assert timezone.localtime(task.call_from) == moment(WEDNESDAY, 10)

    # Afternoon: the provider decided at once; the coordinator sends the result by post with a tracking number.
    clock.go(moment(TUESDAY, 15))
    coordinator = w.users["coordinator"]
    case = Case.objects.get(request=req)
    journal.hand_over(case, by=coordinator)
    journal.record_decision(case, by=coordinator, granted=True)
    staff_login(page, coordinator)
    page.goto(f"/staff/journal/{case.pk}/")
    page.get_by_role("group", name="Як видано результат").get_by_label("Поштою").check()
    page.get_by_label("Поштою: трек-номер").fill("0500123456789")
    page.get_by_role("button", name="Записати видачу").click()
    expect(page.locator("#result-delivered")).to_contain_text("трек-номер 0500123456789")
    case.refresh_from_db()
    assert (case.state, case.result_delivery, case.tracking_number) == (
        CaseState.RESULT_DELIVERED, Delivery.POST, "0500123456789")
    # Two SMS about the result: ready (with the feedback link), then sent with the tracking number.
    ready, sent = OutboxMessage.objects.filter(kind=Kind.RESULT).order_by("pk")
    assert "0500123456789" in sent.text
    link = ready.text.split("Як пройшов візит: ", 1)[1].strip()
    assert link.startswith(f"{live_server.url}/feedback/")

    # The same evening the person, in their own browser, sees it on the status page and opens the SMS link.
    clock.go(moment(TUESDAY, 19))
    person = page.context.browser.new_context(base_url=live_server.url, locale="uk-UA", timezone_id="Europe/Kyiv")
    citizen = person.new_page()
    look_up(citizen, w.a.slug, req)
    block = citizen.locator(f"#case-{case.pk}")
    expect(block.locator(".case-delivery")).to_contain_text("Надіслано поштою")
    expect(block.locator(".tracking")).to_have_text("0500123456789")
    citizen.goto(link)
    expect(citizen.locator('input[name="rating"]:checked')).to_have_count(0)
    citizen.get_by_label("5", exact=True).check()
    citizen.get_by_label("Що сподобалося, що покращити").fill("Приїхали вчасно, дякую")
    citizen.get_by_role("button", name="Надіслати").click()
    expect(citizen.locator("#feedback-done")).to_contain_text("Дякуємо! Ваш відгук отримано.")
    person.close()
    page.goto(feedback_url(req))  # the link again: nothing is counted twice
    expect(page.locator("#feedback-done")).to_contain_text("уже отримано")
    assert Feedback.objects.count() == 1
    assert Feedback.objects.get().rating == 5 and Feedback.objects.get().served_by == w.users["field_admin"]

    # Wednesday morning: the quality officer calls from the queue; nobody answers.
    clock.go(moment(WEDNESDAY, 10, 30))
    staff_login(page, officer)
    page.goto("/staff/")
    page.goto("/staff/quality/")
    expect(page.locator("#due-count")).to_have_text("1")
    page.locator(f'tr[data-task="{task.pk}"]').get_by_role("link", name="Зателефонувати").click()
    expect(page.locator("#phone")).to_have_text(req.applicant_phone)
    page.get_by_label("Не відповідає").check()
    page.get_by_role("button", name="Записати дзвінок").click()
    expect(page.locator(".messages")).to_contain_text("Наступна спроба")
    expect(page.locator("#due-count")).to_have_text("0")
    expect(page.locator("#later-count")).to_have_text("1")
    task.refresh_from_db()
    assert (task.state, task.attempts, CallAttempt.objects.count()) == ("open", 1, 1)
    # Another day, another part of the day.
    assert timezone.localtime(task.call_from) == moment(THURSDAY, 15)

    # Thursday afternoon: the person answers and rates the service 4.
    clock.go(moment(THURSDAY, 15, 5))
    staff_login(page, officer)
    page.goto("/staff/quality/")
    expect(page.locator("#due-count")).to_have_text("1")
    page.locator(f'tr[data-task="{task.pk}"]').get_by_role("link", name="Зателефонувати").click()
    expect(page.locator("#attempts")).to_have_text("1")
    expect(page.locator('input[name="rating"]:checked')).to_have_count(0)
    page.get_by_label("Відповіла").check()
    page.get_by_role("group", name=re.compile("Чи прийшов адміністратор")).get_by_label("Так").check()
    page.get_by_role("group", name=re.compile("Чи все вам пояснили")).get_by_label("Так").check()
    page.get_by_role("group", name=re.compile("понад офіційну плату")).get_by_label("Ні").check()
    page.get_by_role("group", name=re.compile("Чи порадили б")).get_by_label("Так").check()
    page.get_by_role("group", name=re.compile("Як ви оцінюєте")).get_by_label("4").check()
    page.get_by_label("Що нам покращити?").fill("Нагадувати телефоном за день")
    page.get_by_role("button", name="Записати дзвінок").click()
    expect(page.locator(".messages")).to_contain_text("Опитування завершено: Людина відповіла.")
    expect(page.locator("#due-count")).to_have_text("0")
    expect(page.locator("#answered-count")).to_have_text("1")
    task.refresh_from_db()
    assert (task.state, task.rating, task.attempts, CallAttempt.objects.count()) == ("answered", 4, 2, 2)
    assert (task.came_on_time, task.explained, task.asked_extra, task.would_recommend) == (True, True, False, True)
    assert SurveyTask.objects.count() == 1 and Feedback.objects.count() == 1

    # The same afternoon the person's daughter calls with a complaint; it is registered for the request.
    page.goto(f"/staff/quality/complaints/new/?request={req.number}")
    page.get_by_label("Звідки надійшла").select_option(label="Дзвінок до ЦНАП")
    page.get_by_label("Суть скарги").fill("Довідку обіцяли за три дні, досі немає")
    page.get_by_role("button", name="Зареєструвати").click()
    expect(page.locator("#due-on")).to_be_visible()
    complaint = Complaint.objects.get()
    assert complaint.request == req and complaint.received_on == moment(THURSDAY, 0).date()
    assert complaint.due_on == moment(THURSDAY, 0, weeks=3).date()  # ten working days
    assert complaint.phone == req.applicant_phone

    # Friday: the answer goes by SMS, within the term.
    clock.go(moment(FRIDAY, 9, 30))
    staff_login(page, officer)
    page.goto(f"/staff/quality/complaints/{complaint.pk}/")
    page.get_by_label("Відповідь людині").fill("Довідку передано поштою, трек-номер у SMS від ЦНАП.")
    page.get_by_label("SMS").check()
    page.get_by_role("button", name="Записати й надіслати відповідь").click()
    expect(page.locator("#answered-on")).to_have_text(moment(FRIDAY, 0).strftime("%d.%m.%Y"))
    expect(page.locator("#late")).to_have_count(0)
    complaint.refresh_from_db()
    assert complaint.answered_on == moment(FRIDAY, 0).date() <= complaint.due_on
    answers = OutboxMessage.objects.filter(dedup_key=f"quality:complaint-answer:{complaint.pk}")
    assert answers.count() == 1 and answers.get().recipient == req.applicant_phone
    page.goto("/staff/quality/complaints/")
    expect(page.locator("#open-count")).to_have_text("0")
    expect(page.locator("#late-count")).to_have_text("0")
    expect(page.locator("#answered-late-count")).to_have_text("0")
    assert Complaint.objects.count() == 1
    assert not page.problems, page.problems

"""Issue 13, "Done when" (the person is asked; complaints), in a real browser: a visit is served and
synced; the person leaves feedback from the link; the quality officer calls from the queue, records "no
answer", then the next working day a rating of 4; a complaint is answered within its term. Every count
involved is pinned. (The result sent by post is the result delivery's part of the story.)

The clock is moved, ticking, to moments of the week after next (never today); the live server's thread
shares it. The pages use no script that reads the browser's clock.
"""

import re

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from notifications.models import OutboxMessage
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


def test_the_person_is_asked_and_a_complaint_is_answered_in_its_term(live_world, page, staff_login, clock):
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

    # The same evening the person opens the link from the SMS: no rating chosen, they choose 5.
    clock.go(moment(TUESDAY, 19))
    page.goto(feedback_url(req))
    expect(page.locator('input[name="rating"]:checked')).to_have_count(0)
    page.get_by_label("5", exact=True).check()
    page.get_by_label("Що сподобалося, що покращити").fill("Приїхали вчасно, дякую")
    page.get_by_role("button", name="Надіслати").click()
    expect(page.locator("#feedback-done")).to_contain_text("Дякуємо! Ваш відгук отримано.")
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

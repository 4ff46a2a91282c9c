"""Issue 12, "Done when", in a real browser: a starosta logs in, submits a request for a person of their
village, the week is planned and published, and the starosta sees the published date for it. The
starosta's pages and the public schedule page are checked with axe-core."""

import datetime
import re

from playwright.sync_api import expect

from conftest import PASSWORD
from demo.trips import published_trip
from field.tests.factories import field_team
from notifications.models import OutboxMessage
from planning import actions
from planning.models import Plan
from visits import actions as visit_actions
from visits.models import Channel, VisitRequest
from visits.tests.test_browser import assert_accessible


def test_a_starosta_submits_a_request_and_sees_the_published_date(page, live_world):
    w = live_world
    starosta = w.users["starosta"]
    starosta.phone = "+380671112233"
    starosta.save(update_fields=["phone"])

    page.goto("/staff/login/")
    page.get_by_label("Ім'я користувача").fill("starosta")
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Увійти").click()
    expect(page).to_have_url(re.compile(r"/staff/starosta/$"))
    assert_accessible(page, "starosta's requests, none yet")
    page.get_by_role("link", name="Подати заявку на виїзд").click()
    expect(page).to_have_url(re.compile(r"/staff/starosta/new/$"))
    expect(page.get_by_label("Ваш телефон (старости)")).to_have_value("+380671112233")

    page.get_by_label("Прізвище, ім'я, по батькові").fill("Мельник Ніна Петрівна")
    page.get_by_label("Дата народження").fill("05.03.1939")
    page.get_by_label("Особа з інвалідністю I групи").check()
    page.get_by_label("Підтвердження категорії є").check()
    page.get_by_label("Населений пункт").select_option(label="Далеке")
    page.get_by_label("Вулиця").fill("вул. Вишнева")
    page.get_by_label("Будинок").fill("17")
    page.get_by_role("checkbox", name=re.compile("Довідка про зареєстрованих")).check()
    page.get_by_label("Людина згодна").check()
    page.get_by_label("Людину попереджено").check()
    assert_accessible(page, "starosta's request form")
    page.get_by_role("button", name="Подати заявку").click()

    expect(page).to_have_url(re.compile(r"/staff/starosta/$"))
    req = VisitRequest.objects.get(created_by=starosta)
    assert (req.channel, req.settlement_id, req.requester_relation) == (Channel.STAROSTA, w.village.pk, "starosta")
    row = page.locator(f"#request-{req.number}")
    expect(row).to_contain_text("Мельник Ніна Петрівна")
    expect(row.locator(".visit-date")).to_have_text("ще не призначено")

    # The coordinator accepts it, the week is planned and published.
    visit_actions.accept(req, by=w.users["coordinator"])
    day = actions.next_monday() + datetime.timedelta(days=1)
    trip = published_trip(field_team(w), day, [req], by=w.users["coordinator"])
    Plan.objects.filter(pk=trip.plan_id).update(state=Plan.State.APPROVED, published_at=None)
    actions.publish(Plan.objects.get(pk=trip.plan_id), by=w.users["coordinator"])
    # The starosta is told the week by SMS (and by e-mail when the account has an address).
    assert OutboxMessage.objects.filter(recipient="+380671112233", dedup_key__contains=":schedule:starosta:").exists()

    page.reload()
    expect(row.locator(".visit-date")).to_contain_text(day.strftime("%d.%m.%Y"))
    expect(row).to_contain_text("Призначено дату візиту")
    assert_accessible(page, "starosta's requests with a published date")

    # The public schedule of the village: the day, no name, no address.
    page.goto(f"/{w.a.slug}/schedule/{w.village.pk}/")
    expect(page.locator(f"#settlement-{w.village.pk} .visit-days")).to_contain_text(day.strftime("%d.%m.%Y"))
    expect(page.locator("main")).not_to_contain_text("Мельник")
    expect(page.locator("main")).not_to_contain_text("Вишнева")
    assert_accessible(page, "public schedule of a settlement")
    page.get_by_role("link", name="Графік для всієї громади").click()
    expect(page).to_have_url(re.compile(rf"/{w.a.slug}/schedule/$"))
    assert_accessible(page, "public schedule of the community")


def test_the_public_schedule_reads_on_a_phone(page, live_world):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"/{live_world.a.slug}/schedule/")
    assert_accessible(page, "public schedule on a phone")
    # Nothing wider than the screen: no sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

"""Issue 13 in a real browser: the person chooses on the status page to get the result by post at an
address of their own; the coordinator records it as sent by post with a tracking number (to that
address); the person sees the tracking number on the status page, and can no longer change the way."""

from playwright.sync_api import expect

from journal import actions
from journal.models import CaseState, Delivery
from notifications.models import Kind, OutboxMessage
from visits.tests.test_browser import assert_accessible

from .factories import make_case

ADDRESS = "с. Далеке, вул. Лісова, 3, 52100"


def look_up(citizen, slug, req):
    citizen.goto(f"/{slug}/status/")
    citizen.get_by_label("Номер заявки").fill(req.number)
    citizen.get_by_label("Номер телефону, вказаний у заявці").fill(req.applicant_phone)
    citizen.get_by_role("button", name="Перевірити").click()


def test_a_result_sent_by_post_is_seen_by_the_person_on_the_status_page(page, live_world, live_server, staff_login):
    coordinator = live_world.users["coordinator"]
    case = make_case(live_world)
    actions.hand_over(case, by=coordinator)
    actions.record_decision(case, by=coordinator, granted=True)
    req = case.request

    # The person chooses post, with another address, while the result is not yet sent.
    staff_login(page, coordinator)
    # The person's own browser: no staff cookie.
    person = page.context.browser.new_context(base_url=live_server.url, locale="uk-UA", timezone_id="Europe/Kyiv")
    citizen = person.new_page()
    errors = []
    citizen.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    citizen.on("pageerror", lambda exc: errors.append(str(exc)))
    look_up(citizen, live_world.a.slug, req)
    block = citizen.locator(f"#case-{case.pk}")
    expect(block).to_contain_text(case.number)
    expect(block.locator(".case-delivery")).to_contain_text("Ще не обрано")
    assert_accessible(citizen, "status page with a case to choose the way back")
    block.get_by_label("Поштою").check()
    block.get_by_label("Адреса для пошти").fill(ADDRESS)
    block.get_by_role("button", name="Зберегти спосіб отримання").click()
    expect(citizen.locator("#status-done")).to_contain_text(case.number)
    expect(citizen.locator(f"#case-{case.pk} .case-delivery")).to_contain_text(ADDRESS)
    case.refresh_from_db()
    assert (case.preferred_delivery, case.delivery_address) == (Delivery.POST, ADDRESS)

    # The coordinator sends it there with a tracking number.
    page.goto(f"/staff/journal/{case.pk}/")
    page.get_by_role("group", name="Як видано результат").get_by_label("Поштою").check()
    page.get_by_label("Поштою: трек-номер").fill("0500123456789")
    page.get_by_role("button", name="Записати видачу").click()
    expect(page.locator("#result-delivered")).to_contain_text("трек-номер 0500123456789")
    expect(page.locator("#result-delivered")).to_contain_text(ADDRESS)
    case.refresh_from_db()
    assert (case.state, case.result_delivery, case.tracking_number, case.delivery_address) == (
        CaseState.RESULT_DELIVERED,
        Delivery.POST,
        "0500123456789",
        ADDRESS,
    )
    # Ready, then sent: two SMS about the result, the second with the tracking number.
    texts = list(
        OutboxMessage.objects.filter(kind=Kind.RESULT, related_object=f"visits.visitrequest:{req.pk}")
        .order_by("pk")
        .values_list("text", flat=True)
    )
    assert len(texts) == 2 and "0500123456789" in texts[1]

    # The person looks again: sent, with the tracking number, and nothing left to choose.
    look_up(citizen, live_world.a.slug, req)
    block = citizen.locator(f"#case-{case.pk}")
    expect(block.locator(".case-delivery")).to_contain_text("Надіслано поштою")
    expect(block.locator(".tracking")).to_have_text("0500123456789")
    expect(block.locator(".delivery-form")).to_have_count(0)
    assert_accessible(citizen, "status page with a case sent by post")
    person.close()
    assert errors == []

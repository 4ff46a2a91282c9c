"""Issue 13 in a real browser: the coordinator records a decided case's result as sent by post with a
tracking number, and the person sees it on the status page with their number and phone."""

from playwright.sync_api import expect

from journal import actions
from journal.models import CaseState, Delivery
from notifications.models import Kind, OutboxMessage
from visits.tests.test_browser import assert_accessible

from .factories import make_case


def test_a_result_sent_by_post_is_seen_by_the_person_on_the_status_page(page, live_world, staff_login):
    coordinator = live_world.users["coordinator"]
    case = make_case(live_world)
    actions.hand_over(case, by=coordinator)
    actions.record_decision(case, by=coordinator, granted=True)
    req = case.request
    staff_login(page, coordinator)
    page.goto(f"/staff/journal/{case.pk}/")
    page.get_by_role("group", name="Як видано результат").get_by_label("Поштою").check()
    page.get_by_label("Поштою: трек-номер").fill("0500123456789")
    page.get_by_role("button", name="Записати видачу").click()
    expect(page.locator("#result-delivered")).to_contain_text("трек-номер 0500123456789")
    case.refresh_from_db()
    assert (case.state, case.result_delivery, case.tracking_number) == (
        CaseState.RESULT_DELIVERED,
        Delivery.POST,
        "0500123456789",
    )
    # Ready, then sent: two SMS about the result, the second with the tracking number.
    texts = list(
        OutboxMessage.objects.filter(kind=Kind.RESULT, related_object=f"visits.visitrequest:{req.pk}")
        .order_by("pk")
        .values_list("text", flat=True)
    )
    assert len(texts) == 2 and "0500123456789" in texts[1]

    person = page.context.browser.new_context(base_url=page.url.split("/staff/")[0])
    citizen = person.new_page()
    citizen.goto(f"/{live_world.a.slug}/status/")
    citizen.get_by_label("Номер заявки").fill(req.number)
    citizen.get_by_label("Номер телефону, вказаний у заявці").fill(req.applicant_phone)
    citizen.get_by_role("button", name="Перевірити").click()
    block = citizen.locator(f"#case-{case.pk}")
    expect(block).to_contain_text(case.number)
    expect(block.locator(".case-delivery")).to_contain_text("Надіслано поштою")
    expect(block.locator(".tracking")).to_have_text("0500123456789")
    expect(block.locator(".delivery-form")).to_have_count(0)  # sent: the way can no longer change
    assert_accessible(citizen, "status page with a case sent by post")
    person.close()

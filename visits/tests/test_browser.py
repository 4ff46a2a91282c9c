"""Real-browser tests: citizens and staff use the pages in chromium, against the live server.

Fixtures (browser, page, live_world, staff_login) are in core/tests/browser.py. Every page a test
opens is also checked for script errors, CSP refusals and missing static files (see `page`).
"""

import re
from datetime import date
from importlib import import_module

from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.core.exceptions import ValidationError
from playwright.sync_api import expect

from conftest import PASSWORD
from core.forms import normalize_phone
from visits.models import Channel, Relation, Status, VisitRequest
from visits.public_views import SESSION_LAST_NUMBER

AXE = Axe()
SLUG = "gromada-a"
NUMBER = re.compile(r"^\d{4}-\d{4}$")


# -- helpers -------------------------------------------------------------------------------------
def assert_accessible(page, where):
    """No axe-core violation a user would be blocked by (impact serious or critical)."""
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in AXE.run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not violations, f"{where}:\n" + "\n".join(violations)


def focused_matches(page, selector):
    return page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector)


def tab_to(page, selector, limit=80):
    """Press Tab until the element matching `selector` has focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused_matches(page, selector):
            return
    raise AssertionError(f"{selector} is never reached with Tab")


def arrow_to(page, selector, option_label, limit=20):
    """Move a focused <select> with the arrow keys until `option_label` is chosen."""
    for _ in range(limit):
        if page.locator(selector).evaluate("s => s.options[s.selectedIndex].text") == option_label:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{option_label!r} is not reachable in {selector} with the arrow keys")


def assert_focus_visible(page):
    style = page.evaluate("""() => {
        const s = getComputedStyle(document.activeElement);
        return [s.outlineStyle, parseFloat(s.outlineWidth)];
    }""")
    assert style[0] != "none" and style[1] >= 2, f"no visible focus outline: {style}"


def requests_made_here(world):
    return VisitRequest.objects.exclude(pk__in=[world.req.pk, world.b_req.pk])


def phone_error(value):
    try:
        normalize_phone(value)
    except ValidationError as exc:
        return exc.messages[0]
    raise AssertionError(f"{value!r} is a valid phone")


# -- the citizen ---------------------------------------------------------------------------------
def test_neighbour_orders_a_visit_on_the_site_and_then_looks_up_its_status(page, live_world):
    w = live_world
    page.goto(f"/{SLUG}/")
    page.get_by_role("link", name="Замовити виїзд").first.click()
    expect(page).to_have_url(re.compile(rf"/{SLUG}/request/$"))

    # "Help your neighbour": the requester's fields show only once "for someone else" is chosen.
    requester = page.get_by_label("Ваше прізвище та ім'я")
    expect(requester).to_be_hidden()
    page.get_by_label("Для іншої людини (сусіда, родича)").check()
    requester.fill("Мельник Оксана")
    page.get_by_label("Ваш телефон").fill("050 123 45 67")
    page.get_by_label("Ким ви доводитеся цій людині").select_option(label="Сусід / сусідка")

    page.get_by_label("Прізвище, ім'я, по батькові").fill("Коваль Петро Миколайович")
    page.get_by_label("Дата народження").fill("01.02.1941")
    page.get_by_label("Особа з інвалідністю I групи").check()
    page.get_by_label("Є документ, що підтверджує категорію").check()
    page.get_by_label("Населений пункт").select_option(label="Місто")
    page.get_by_label("Вулиця").fill("вул. Шкільна")
    page.get_by_label("Будинок").fill("4")
    page.get_by_label("Квартира").fill("9")

    # A service that cannot be had at home is shown but cannot be chosen.
    expect(page.get_by_role("checkbox", name=re.compile("Паспорт ID-картка"))).to_be_disabled()
    passport = page.get_by_label("Паспорт", exact=True)
    expect(passport).to_be_hidden()
    page.get_by_role("checkbox", name=re.compile("Реєстрація місця проживання")).check()
    passport.check()  # the checklist opens under the chosen service; the receipt stays unticked
    expect(page.get_by_label("Квитанція", exact=True)).not_to_be_checked()
    page.get_by_label("Як буде оплачено платні послуги").select_option(label="Карткою через термінал під час візиту")
    page.get_by_label("Вт", exact=True).check()
    page.get_by_label("Я згоден (згодна)").check()
    page.get_by_label("Мене попереджено").check()
    page.get_by_role("button", name="Надіслати заявку").click()

    expect(page).to_have_url(re.compile(rf"/{SLUG}/request/sent/$"))
    number = page.locator("#request-number").inner_text().strip()
    assert NUMBER.match(number)

    req = VisitRequest.objects.get(number=number)
    assert req.community == w.a
    assert req.channel == Channel.WEB
    assert req.status == Status.NEW
    assert req.created_by is None
    assert (req.requester_name, req.requester_phone, req.requester_relation) == (
        "Мельник Оксана", "+380501234567", Relation.NEIGHBOUR)
    assert req.consent_by == "Мельник Оксана"
    assert (req.applicant_name, req.applicant_birth_date, req.applicant_phone) == (
        "Коваль Петро Миколайович", date(1941, 2, 1), "")
    assert req.category == w.cat["disability_1"] and req.evidence_available
    assert (req.settlement, req.street, req.building, req.flat) == (w.city, "вул. Шкільна", "4", "9")
    assert req.payment_method == "terminal"
    assert req.preferred_weekdays == [1]
    [service] = req.services.all()
    assert service.service == w.svc_reg
    assert {d.name: d.has for d in service.documents.all()} == {"Паспорт": True, "Квитанція": False}

    # The requester looks the request up with their own phone, written their own way.
    page.get_by_role("link", name="дізнатися її стан").click()
    expect(page).to_have_url(re.compile(rf"/{SLUG}/status/$"))
    page.get_by_label("Номер заявки").fill(number)
    page.get_by_label("Номер телефону, вказаний у заявці").fill("+38 (050) 123-45-67")
    page.get_by_role("button", name="Перевірити").click()
    result = page.locator("#status-result")
    expect(result).to_contain_text(f"Заявка {number}")
    expect(result).to_contain_text(str(Status.NEW.label))
    expect(result).to_contain_text("Заявку отримано")


def test_public_form_with_errors_keeps_what_was_typed_and_explains_in_ukrainian(page, live_world):
    page.goto(f"/{SLUG}/request/")
    page.get_by_label("Для іншої людини (сусіда, родича)").check()
    page.get_by_label("Ваш телефон").fill("050 123 45 67")  # the requester forgets their name
    page.get_by_label("Ким ви доводитеся цій людині").select_option(label="Родич")
    page.get_by_label("Прізвище, ім'я, по батькові").fill("Петренко Олена Іванівна")
    page.get_by_label("Дата народження").fill("01.01.2090")
    page.get_by_label("Телефон", exact=True).fill("12345")
    page.get_by_label("Населений пункт").select_option(label="Далеке")
    page.get_by_label("Вулиця").fill("вул. Лесі Українки")
    page.get_by_label("Будинок").fill("3")
    page.get_by_role("checkbox", name=re.compile("Довідка про зареєстрованих")).check()
    page.get_by_label("Мене попереджено").check()  # ...but no consent
    page.get_by_role("button", name="Надіслати заявку").click()

    expect(page).to_have_url(re.compile(rf"/{SLUG}/request/$"))
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Перевірте, будь ласка:")
    future = "Дата народження не може бути в майбутньому."
    bad_phone = phone_error("12345")
    no_consent = "Без згоди на обробку персональних даних ми не можемо прийняти заявку."
    no_name = "Напишіть, хто звертається."
    for message in (future, bad_phone, no_consent, no_name):
        expect(summary).to_contain_text(message)

    # Each error sits next to its field and is tied to it for screen readers.
    for field_id, message in [("id_applicant_birth_date", future), ("id_applicant_phone", bad_phone),
                              ("id_requester_name", no_name)]:
        expect(page.locator(f"#{field_id}-error")).to_contain_text(message)
        field = page.locator(f"#{field_id}")
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_attribute("aria-describedby", re.compile(rf"\b{field_id}-error\b"))
    expect(page.locator("#id_consent-error")).to_contain_text(no_consent)

    # What was typed is still there, including the revealed "for someone else" block.
    expect(page.get_by_label("Для іншої людини (сусіда, родича)")).to_be_checked()
    expect(page.get_by_label("Ваш телефон")).to_be_visible()
    expect(page.get_by_label("Ваш телефон")).to_have_value("050 123 45 67")
    expect(page.get_by_label("Ким ви доводитеся цій людині")).to_have_value(Relation.RELATIVE)
    expect(page.get_by_label("Прізвище, ім'я, по батькові")).to_have_value("Петренко Олена Іванівна")
    expect(page.locator("#id_applicant_birth_date")).to_have_value("01.01.2090")
    expect(page.locator("#id_applicant_phone")).to_have_value("12345")
    expect(page.get_by_label("Населений пункт")).to_have_value(str(live_world.village.pk))
    expect(page.get_by_label("Вулиця")).to_have_value("вул. Лесі Українки")
    expect(page.get_by_role("checkbox", name=re.compile("Довідка про зареєстрованих"))).to_be_checked()
    expect(page.get_by_label("Мене попереджено")).to_be_checked()
    expect(page.get_by_label("Я згоден (згодна)")).not_to_be_checked()

    # A link in the summary takes the user to the field.
    summary.get_by_role("link", name=re.compile("Дата народження")).click()
    expect(page.locator("#id_applicant_birth_date")).to_be_focused()
    assert not requests_made_here(live_world).exists()


def test_public_form_can_be_filled_and_sent_with_the_keyboard_only(page, live_world):
    w = live_world
    page.goto(f"/{SLUG}/request/")
    page.keyboard.press("Tab")
    assert focused_matches(page, ".skip-link")
    page.keyboard.press("Enter")
    assert focused_matches(page, "#main")

    tab_to(page, "#id_for_someone_else_0")  # the checked radio of the group takes the focus
    page.keyboard.press("ArrowRight")  # "for someone else": the requester's fields appear
    expect(page.get_by_label("Для іншої людини (сусіда, родича)")).to_be_checked()
    tab_to(page, "#id_requester_name")
    assert_focus_visible(page)
    page.keyboard.type("Олійник Ірина")
    page.keyboard.press("Tab")
    page.keyboard.type("063 555 44 33")
    page.keyboard.press("Tab")
    arrow_to(page, "#id_requester_relation", "Соціальний працівник")

    tab_to(page, "#id_applicant_name")
    page.keyboard.type("Гнатюк Степан Ілліч")
    page.keyboard.press("Tab")
    page.keyboard.type("09.09.1939")
    tab_to(page, "#id_category_0")
    page.keyboard.press("Space")
    tab_to(page, "#id_evidence_available")
    assert_focus_visible(page)
    page.keyboard.press("Space")
    tab_to(page, "#id_settlement")
    arrow_to(page, "#id_settlement", "Місто")
    tab_to(page, "#id_street")
    page.keyboard.type("вул. Миру")
    page.keyboard.press("Tab")
    page.keyboard.type("21")

    tab_to(page, f"#svc-{w.svc_reg.pk}")
    page.keyboard.press("Space")
    tab_to(page, f"#doc-{w.doc_receipt.pk}")  # the checklist opened under the service
    page.keyboard.press("Space")
    tab_to(page, "#id_payment_method")
    arrow_to(page, "#id_payment_method", "Оплачено заздалегідь (квитанція)")
    tab_to(page, "#id_consent")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert focused_matches(page, "#id_warning_acknowledged")
    page.keyboard.press("Space")
    tab_to(page, "form button[type=submit]")
    assert_focus_visible(page)
    page.keyboard.press("Enter")

    # The skip link's #main stays on the address through the redirect.
    expect(page).to_have_url(re.compile(rf"/{SLUG}/request/sent/(#main)?$"))
    number = page.locator("#request-number").inner_text().strip()
    req = VisitRequest.objects.get(number=number)
    assert req.channel == Channel.WEB
    assert (req.requester_name, req.requester_phone, req.requester_relation) == (
        "Олійник Ірина", "+380635554433", Relation.SOCIAL_WORKER)
    assert (req.applicant_name, req.applicant_birth_date) == ("Гнатюк Степан Ілліч", date(1939, 9, 9))
    assert req.category == w.cat["disability_1"] and req.evidence_available
    assert (req.settlement, req.street, req.building) == (w.city, "вул. Миру", "21")
    assert req.payment_method == "prepaid"
    [service] = req.services.all()
    assert {d.name: d.has for d in service.documents.all()} == {"Паспорт": False, "Квитанція": True}


def test_public_pages_have_no_serious_accessibility_violations(page, live_world, live_server):
    w = live_world
    page.goto("/")
    assert_accessible(page, "list of communities")
    page.goto(f"/{SLUG}/")
    assert_accessible(page, "community home")

    page.goto(f"/{SLUG}/request/")
    assert_accessible(page, "empty request form")
    page.get_by_label("Для іншої людини (сусіда, родича)").check()
    page.get_by_label("Дата народження").fill("01.01.2090")
    page.get_by_label("Телефон", exact=True).fill("12345")
    page.get_by_role("button", name="Надіслати заявку").click()
    expect(page.locator("#error-summary")).to_be_focused()
    assert_accessible(page, "request form with errors")

    # The page that follows a real submission: the number comes from the session.
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_LAST_NUMBER] = w.req.number
    store.create()
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": store.session_key,
                               "url": live_server.url}])
    page.goto(f"/{SLUG}/request/sent/")
    expect(page.locator("#request-number")).to_have_text(w.req.number)
    assert_accessible(page, "request sent")

    page.goto(f"/{SLUG}/status/")
    assert_accessible(page, "empty status page")
    page.get_by_role("button", name="Перевірити").click()
    expect(page.locator("#error-summary")).to_be_focused()
    assert_accessible(page, "status page with errors")

    page.get_by_label("Номер заявки").fill(w.req.number)
    page.get_by_label("Номер телефону, вказаний у заявці").fill("067 123 45 67")
    page.get_by_role("button", name="Перевірити").click()
    expect(page.locator("#status-result")).to_contain_text(w.req.number)
    assert_accessible(page, "status found")

    # Another community's request, with its own phone: not found here.
    page.get_by_label("Номер заявки").fill(w.b_req.number)
    page.get_by_label("Номер телефону, вказаний у заявці").fill("050 111 22 33")
    page.get_by_role("button", name="Перевірити").click()
    expect(page.locator("#status-not-found")).to_be_visible()
    expect(page.locator("#status-result")).to_have_count(0)
    assert_accessible(page, "status not found")


# -- staff ---------------------------------------------------------------------------------------
def test_operator_takes_a_request_by_phone_with_the_live_check(page, live_world):
    w = live_world
    page.goto("/staff/login/")
    page.get_by_label("Ім'я користувача").fill("operator")
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Увійти").click()
    expect(page).to_have_url(re.compile(r"/staff/requests/$"))
    page.get_by_role("link", name="Нова заявка").click()
    expect(page).to_have_url(re.compile(r"/staff/requests/new/$"))

    # htmx is the project's own file and CSP lets only such files run.
    csp = page.evaluate("() => fetch(location.href).then(r => r.headers.get('content-security-policy'))")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    expect(page.locator("script:not([src])")).to_have_count(0)
    assert page.evaluate("typeof window.htmx") == "object"

    live = page.locator("#live-check")
    verdict = live.locator("[data-verdict]")
    expect(verdict).to_have_count(0)
    expect(page.get_by_label("Телефоном")).to_be_checked()

    page.get_by_label("Прізвище, ім'я, по батькові").fill("Бондаренко Ганна Олексіївна")
    birth = page.get_by_label("Дата народження")
    birth.fill("12.03.1990")
    page.get_by_label("Особа з інвалідністю I групи").check()
    expect(verdict).to_have_attribute("data-verdict", "needs_evidence")
    expect(verdict).to_contain_text("експертної команди з оцінювання повсякденного функціонування особи")
    page.get_by_label("Підтвердження категорії є").check()
    expect(verdict).to_have_attribute("data-verdict", "eligible")

    # Age is computed from the birth date, typed without leaving the field (keyup trigger).
    page.get_by_label("Вік від 80 років").check()
    expect(verdict).to_have_attribute("data-verdict", "not_eligible")
    birth.select_text()
    birth.press_sequentially("15.06.1935")
    expect(verdict).to_have_attribute("data-verdict", "eligible")
    expect(verdict).to_contain_text("За правилом: Вік від 80 років")

    # The same phone as an open request: the operator is warned while typing.
    expect(live.locator("#duplicates")).to_have_count(0)
    page.get_by_label("Телефон", exact=True).press_sequentially("067 123 45 67")
    expect(live.locator("#duplicates")).to_contain_text(w.req.number)

    page.get_by_label("Населений пункт").select_option(label="Місто")
    page.get_by_label("Вулиця").fill("вул. Садова")
    page.get_by_label("Будинок").fill("7")
    page.get_by_role("checkbox", name=re.compile("Реєстрація місця проживання")).check()
    missing = live.locator("#missing-documents li")
    expect(missing).to_have_count(2)
    page.get_by_label("Паспорт", exact=True).check()
    expect(missing).to_have_count(1)
    expect(missing).to_contain_text("Квитанція")
    page.get_by_label("Як буде оплачено платні послуги").select_option("terminal")
    page.get_by_label("Людина згодна на обробку").check()
    with page.expect_response(re.compile(r"/staff/requests/check/$")):
        page.get_by_label("Людину попереджено").check()
    assert_accessible(page, "intake form with the live panel filled in")

    page.get_by_role("button", name="Зберегти заявку").click()
    confirm = page.locator("#duplicate-confirm")
    expect(confirm).to_contain_text(w.req.number)
    assert not requests_made_here(w).exists()
    expect(page.get_by_label("Прізвище, ім'я, по батькові")).to_have_value("Бондаренко Ганна Олексіївна")
    with page.expect_response(re.compile(r"/staff/requests/check/$")):
        page.get_by_label("Я перевірив(ла): це інша заявка, зберегти").check()
    page.get_by_role("button", name="Зберегти заявку").click()

    req = requests_made_here(w).get()
    expect(page).to_have_url(re.compile(rf"/staff/requests/{req.pk}/$"))
    expect(page.locator(".messages")).to_contain_text(f"Заявку {req.number} збережено.")
    assert req.channel == Channel.PHONE
    assert req.created_by == w.users["operator"]
    assert (req.applicant_name, req.applicant_birth_date, req.applicant_phone) == (
        "Бондаренко Ганна Олексіївна", date(1935, 6, 15), "+380671234567")
    assert req.requester_name == ""
    assert req.category == w.cat["age"]
    assert req.eligibility == "eligible" and req.eligible_by == w.cat["age"]
    [service] = req.services.all()
    assert service.service == w.svc_reg
    assert {d.name: d.has for d in service.documents.all()} == {"Паспорт": True, "Квитанція": False}


def test_coordinator_accepts_a_request_and_the_history_shows_it(page, live_world, staff_login):
    w = live_world
    staff_login(page, w.users["coordinator"])
    page.goto(f"/staff/requests/{w.req.pk}/")
    rows = page.locator("#main table").last.locator("tbody tr")
    expect(rows).to_have_count(1)
    assert_accessible(page, "request detail")

    decision = page.locator("#decision")
    decision.get_by_label("Прийняти").check()
    decision.get_by_label("Коментар").fill("Перевірено телефоном, документи є.")
    decision.get_by_role("button", name="Зберегти рішення").click()

    accepted = str(Status.ACCEPTED.label)
    expect(page).to_have_url(re.compile(rf"/staff/requests/{w.req.pk}/$"))
    expect(page.locator(".messages")).to_contain_text(f"Рішення збережено: {accepted}.")
    expect(page.locator("h1 .badge")).to_have_text(accepted)
    expect(rows).to_have_count(2)
    cells = rows.last.locator("td")
    expect(cells.nth(1)).to_have_text(str(w.users["coordinator"]))
    expect(cells.nth(2)).to_have_text(accepted)
    expect(cells.nth(3)).to_contain_text("Перевірено телефоном, документи є.")
    expect(decision.get_by_label("Прийняти")).to_have_count(0)  # already accepted

    w.req.refresh_from_db()
    assert w.req.status == Status.ACCEPTED
    change = w.req.history.last()
    assert (change.from_status, change.to_status, change.by) == (
        Status.NEW, Status.ACCEPTED, w.users["coordinator"])

"""Issue 14's "Done when" in a real browser: the coordinator opens the dashboard, exports the journal as
XLSX, makes the quarterly report with the form, reads it on its page and opens its PDF."""

import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from journal.tests.factories import make_case
from visits.tests.test_browser import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_dashboard_journal_xlsx_and_the_quarterly_report_pdf(page, live_world, staff_login):
    w = live_world
    case = make_case(w)
    today = timezone.localdate()
    staff_login(page, w.users["coordinator"])

    page.goto("/staff/")
    page.get_by_role("link", name="Показники").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Показники: Громада А")
    expect(page.get_by_role("img", name="Частки, %")).to_be_visible()

    page.goto("/staff/journal/")
    form = page.locator("#journal-paper")
    with page.expect_download() as download:
        form.get_by_role("button", name="Завантажити XLSX").click()
    with open(download.value.path(), "rb") as f:
        sheet = load_workbook(io.BytesIO(f.read()), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [row[1] for row in rows[2:]] == [case.number]  # a title row, the headings, then the case

    page.get_by_role("link", name="Звіти").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Звіти: Громада А")
    # A quarter that does not exist: the form says so.
    page.get_by_label("квартальний").check()
    page.get_by_label("Рік").fill(str(today.year))
    page.get_by_label("Квартал (1–4) або півріччя (1–2)").fill("5")
    page.get_by_role("button", name="Скласти звіт").click()
    expect(page.locator("#error-summary")).to_contain_text("Квартал — число від 1 до 4.")
    assert_accessible(page, "reports form with a wrong quarter")

    quarter = (today.month - 1) // 3 + 1
    page.get_by_label("квартальний").check()
    page.get_by_label("Рік").fill(str(today.year))
    page.get_by_label("Квартал (1–4) або півріччя (1–2)").fill(str(quarter))
    page.get_by_role("button", name="Скласти звіт").click()
    roman = {1: "I", 2: "II", 3: "III", 4: "IV"}[quarter]
    title = f"Звіт за {roman} квартал {today.year} року"
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{title}: Громада А", timeout=60_000)
    expect(page.get_by_role("table", name="Послуги, візити й люди за категоріями")).to_be_visible()
    expect(page.get_by_role("img", name="Послуги за категоріями людей")).to_be_visible()
    assert_accessible(page, "quarterly report")

    with page.expect_response(lambda r: "/pdf/" in r.url) as answer:
        page.get_by_role("link", name="Відкрити PDF").click()
    assert answer.value.status == 200 and answer.value.header_value("content-type") == "application/pdf"
    reader = PdfReader(io.BytesIO(page.request.get(answer.value.url).body()))
    text = reader.pages[0].extract_text()
    assert title in text and "Громада А" in text and f"Сторінка 1 з {len(reader.pages)}" in text

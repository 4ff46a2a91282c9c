"""Issue 14 in a real browser: the coordinator exports the journal as XLSX from the journal page (a
download that opens as a spreadsheet with the case) and opens the journal as PDF."""

import io

from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from audit.models import AccessLog

from .factories import make_case


def test_the_journal_is_exported_as_xlsx_and_opened_as_pdf_from_the_journal_page(page, live_world, staff_login):
    case = make_case(live_world)
    staff_login(page, live_world.users["coordinator"])
    page.goto("/staff/journal/")
    form = page.locator("#journal-paper")
    expect(form.get_by_label("З")).not_to_be_empty()  # the current month is offered
    with page.expect_download() as download:
        form.get_by_role("button", name="Завантажити XLSX").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    with open(download.value.path(), "rb") as f:
        sheet = load_workbook(io.BytesIO(f.read()), read_only=True).active
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert table[1][1] == "Реєстраційний номер"
    assert [row[1] for row in table[2:]] == [case.number]

    # The PDF opens in the browser: the answer to the button is the document.
    with page.expect_response(lambda r: "/staff/journal/paper/" in r.url and "format=pdf" in r.url) as answer:
        form.get_by_role("button", name="Відкрити PDF").click()
    assert answer.value.status == 200 and answer.value.header_value("content-type") == "application/pdf"
    # The viewer keeps the bytes to itself: read the same address again with the browser's session.
    expect(page).to_have_url(answer.value.url)
    reader = PdfReader(io.BytesIO(page.request.get(answer.value.url).body()))
    text = reader.pages[0].extract_text()
    assert case.number in text and "Громада А" in text
    labels = list(AccessLog.objects.filter(action="export").order_by("id").values_list("object_label", flat=True))
    assert [label.split()[0] for label in labels] == ["XLSX", "PDF", "PDF"]

"""The journal on paper (issue 14): XLSX and PDF of a period and office, the hand-over list per provider."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from audit.models import AccessLog
from core.spreadsheets import safe_cell
from journal import actions, paper
from journal.models import Case

from .factories import make_case

URL = "/staff/journal/paper/"


def _period(days_back=0):
    today = timezone.localdate()
    return (today - timedelta(days=days_back)).strftime("%d.%m.%Y"), today.strftime("%d.%m.%Y")


def _xlsx(response):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def _pdf_text(body):
    reader = PdfReader(io.BytesIO(body))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


@pytest.mark.parametrize("text", ["=1+1", "+380", "-2", "@SUM(A1)", "\tx", "\rx", "\n=x"])
def test_text_that_could_start_a_formula_is_neutralised(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Іваненко", "a=b", "", None, -5, Decimal("-1.50"), 3.5])
def test_other_values_are_left_as_they_are(value):
    assert safe_cell(value) == value


def test_xlsx_has_the_registers_columns_and_the_cases_of_the_period(world, login):
    case = make_case(world)
    actions.hand_over(case, by=world.users["coordinator"], official="Петренко О.")
    actions.record_decision(case, by=world.users["coordinator"], granted=True, number="17")
    Case.objects.filter(pk=case.pk).update(fee_paid=Decimal("25.50"))
    make_case(world, community=world.b)  # another community's case never leaves with ours
    start, end = _period(3)
    table = _xlsx(login(world.users["coordinator"]).get(URL, {"start": start, "end": end, "format": "xlsx"}))
    assert "Громада А" in table[0][0]
    assert table[1] == paper.columns()
    assert table[1][:6] == ["№ з/п", "Реєстраційний номер", "Дата прийняття", "Заявник", "Послуга", "Суб'єкт надання"]
    body = table[2:]
    assert len(body) == 1
    row = body[0]
    assert row[0] == 1 and row[1] == case.number
    assert row[3] == case.applicant_name and row[4] == world.svc_cert.name and row[5] == "Відділ реєстрації"
    assert row[6].date() == case.handover_due  # a real date, not text
    assert "Петренко О." in row[7]
    assert "надано" in row[9] and "№ 17" in row[9]
    assert row[11] == 25.5


def test_a_name_that_looks_like_a_formula_is_written_as_text(world, login):
    case = make_case(
        world,
    )
    Case.objects.filter(pk=case.pk).update(applicant_name='=HYPERLINK("http://evil.example","x")')
    start, end = _period()
    table = _xlsx(login(world.users["operator"]).get(URL, {"start": start, "end": end}))
    assert table[2][3] == '\'=HYPERLINK("http://evil.example","x")'


def test_an_export_is_access_logged_with_its_filter(world, login):
    make_case(world)
    start, end = _period(10)
    office = world.a.offices.get()
    response = login(world.users["coordinator"]).get(URL, {"start": start, "end": end, "office": office.pk, "format": "xlsx"})
    assert response.status_code == 200
    entry = AccessLog.objects.get(action="export")
    assert entry.user == world.users["coordinator"] and entry.community_id == world.a.pk
    assert entry.object_label == f"XLSX {start}–{end} оф.{office.pk}"
    assert f"office={office.pk}" in entry.path and "start=" in entry.path


@pytest.mark.parametrize(
    "query, message",
    [
        ({"start": "01.01.2000", "end": "31.12.2049"}, "Період задовгий"),
        ({"start": "10.03.2026", "end": "01.03.2026"}, "Кінець періоду раніше за його початок"),
        ({"start": "вчора", "end": "01.03.2026"}, "Напишіть дату як день.місяць.рік"),
        ({"start": "", "end": ""}, "Вкажіть дату"),
    ],
)
def test_a_wrong_period_gets_a_clear_message_and_no_file(world, login, query, message):
    make_case(world)
    response = login(world.users["coordinator"]).get(URL, {**query, "format": "xlsx"})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AccessLog.objects.filter(action="export").exists()


def test_another_communitys_office_is_refused_with_a_message(world, login):
    start, end = _period()
    foreign = world.b.offices.get()
    response = login(world.users["coordinator"]).get(URL, {"start": start, "end": end, "office": foreign.pk})
    assert response.status_code == 400
    assert "Такого офісу у вашій громаді немає" in response.content.decode()


def test_without_a_period_the_page_offers_the_form(world, login):
    response = login(world.users["operator"]).get(URL)
    assert response.status_code == 200
    assert "Завантажити XLSX" in response.content.decode()


def test_a_partner_exports_only_their_providers_cases(world, login):
    own = make_case(world, service=world.svc_bio)
    make_case(world)  # the community's own provider: not the partner's
    start, end = _period()
    table = _xlsx(login(world.users["partner"]).get(URL, {"start": start, "end": end}))
    assert [row[1] for row in table[2:]] == [own.number]


def test_a_period_without_cases_gives_an_empty_register(world, login):
    table = _xlsx(login(world.users["coordinator"]).get(URL, {"start": "01.01.2020", "end": "31.01.2020"}))
    assert table[1] == paper.columns() and len(table) == 2


def test_the_pdf_is_landscape_with_the_header_page_numbers_and_signature(world, login):
    case = make_case(world)
    start, end = _period(1)
    response = login(world.users["coordinator"]).get(URL, {"start": start, "end": end, "format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader, text = _pdf_text(response.content)
    box = reader.pages[0].mediabox
    assert box.width > box.height  # A4 landscape
    assert "Громада А" in text and case.number in text and case.applicant_name in text
    assert "Аркуш 1 з 1" in text
    assert "Відповідальна особа ЦНАП" in text
    assert AccessLog.objects.get(action="export").object_label.startswith("PDF ")


def test_too_many_rows_for_a_pdf_are_offered_as_xlsx(world, login, monkeypatch):
    monkeypatch.setattr(paper, "PDF_MAX_ROWS", 1)
    make_case(world)
    make_case(world)
    start, end = _period()
    response = login(world.users["coordinator"]).get(URL, {"start": start, "end": end, "format": "pdf"})
    assert response.status_code == 400 and "Завантажте XLSX" in response.content.decode()


def test_the_journal_page_has_the_export_buttons(world, login):
    page = login(world.users["operator"]).get("/staff/journal/").content.decode()
    assert 'action="/staff/journal/paper/"' in page and 'value="xlsx"' in page and 'value="pdf"' in page


# The hand-over list

HANDOVER = "/staff/journal/hand-over-list/"


def test_the_hand_over_list_groups_the_days_cases_by_provider_with_signature_lines(world, login):
    mine = [make_case(world), make_case(world, service=world.svc_reg)]
    national = make_case(world, service=world.svc_bio)
    withdrawn = make_case(world)
    actions.close_case(withdrawn, by=world.users["coordinator"], state="withdrawn", reason="Передумав")
    yesterday = make_case(world)
    Case.objects.filter(pk=yesterday.pk).update(accepted_at=yesterday.accepted_at - timedelta(days=1))
    make_case(world, community=world.b)
    response = login(world.users["coordinator"]).get(HANDOVER)
    assert response.status_code == 200
    groups = dict((p.name, [c.number for c in cases]) for p, cases in response.context["groups"])
    assert groups == {"ДМС": [national.number], "Відділ реєстрації": [c.number for c in mine]}
    page = response.content.decode()
    assert page.count("Прийняв (") == 2 and "Передав (адміністратор ЦНАП)" in page
    assert AccessLog.objects.filter(action="view", object_label__startswith="Передача").count() == 1


def test_the_hand_over_list_of_another_day_and_as_pdf(world, login):
    case = make_case(world)
    earlier = case.accepted_at - timedelta(days=2)
    Case.objects.filter(pk=case.pk).update(accepted_at=earlier)
    day = timezone.localtime(earlier).date()
    client = login(world.users["operator"])
    assert client.get(HANDOVER).context["total"] == 0
    response = client.get(HANDOVER, {"day": day.strftime("%d.%m.%Y"), "format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    _reader, text = _pdf_text(response.content)
    assert case.number in text and "Відділ реєстрації" in text and "Прийняв" in text
    assert AccessLog.objects.filter(action="export", object_label=f"Передача {day:%d.%m.%Y}").exists()


def test_a_wrong_day_on_the_hand_over_list_says_so(world, login):
    response = login(world.users["operator"]).get(HANDOVER, {"day": "32.13.2026"})
    assert response.status_code == 200
    assert "Напишіть дату як день.місяць.рік" in response.content.decode()

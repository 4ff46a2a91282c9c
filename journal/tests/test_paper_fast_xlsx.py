"""The year's XLSX at speed (issue 14, "Scale"): journal.paper.write_xlsx writes its data rows as XML text
(core.spreadsheets.row_xml) into the sheet openpyxl saved. The file must read exactly as the one openpyxl
writes cell by cell: same values, types, number formats and order."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
import time_machine
from lxml import etree
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell

from core.spreadsheets import IllegalCharacterError, excel_serial, row_xml, write_rows_into
from journal import actions, paper
from journal.models import Case, CaseState, Delivery

from .factories import kyiv, make_case

FORMATS = {1: "DD.MM.YYYY HH:MM", 2: "DD.MM.YYYY"}

ROWS = [
    [1, datetime.datetime(2026, 3, 2, 9, 5, 7, 250000), datetime.date(2026, 3, 3), 'Іваненко & <Ко> "ТОВ"', Decimal("25.50")],
    [2, datetime.datetime(1900, 1, 5, 0, 0), None, " пробіл на початку", Decimal("-1.5")],
    [200000, None, datetime.date(1900, 3, 1), "пробіл у кінці ", 3.25],
    [4, datetime.datetime(2026, 12, 31, 23, 59, 59), datetime.date(2026, 1, 1), "рядок\r\nдругий\tтаб", None],
    [5, datetime.datetime(2026, 6, 1, 12), datetime.date(2026, 6, 2), "#N/A", 0],
    [6, datetime.datetime(2026, 6, 1, 12), datetime.date(2026, 6, 2), "", Decimal("0.10")],
    [7, datetime.datetime(2026, 6, 1, 12), datetime.date(2026, 6, 2), '\'=HYPERLINK("x")', Decimal("1E+3")],
]


def _openpyxl_cell_by_cell(rows):
    """The reference: openpyxl's own write-only writer, a WriteOnlyCell with its format in each date column."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Аркуш")
    sheet.append(["Заголовок"])
    for values in rows:
        values = list(values)
        for i, number_format in FORMATS.items():
            cell = WriteOnlyCell(sheet, value=values[i])
            cell.number_format = number_format
            values[i] = cell
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _fast(rows):
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Аркуш")
    sheet.append(["Заголовок"])
    styles = {}
    for i, number_format in FORMATS.items():
        cell = WriteOnlyCell(sheet)
        cell.number_format = number_format
        styles[i] = cell.style_id
    package, out = io.BytesIO(), io.BytesIO()
    book.save(package)
    package.seek(0)
    lines = (row_xml(n, values, styles) for n, values in enumerate(rows, start=2))
    write_rows_into(package, out, sheet.path.lstrip("/"), lines)
    return out.getvalue()


def _cells(body):
    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    return [[(cell.value, cell.data_type, getattr(cell, "number_format", None)) for cell in row] for row in sheet.iter_rows()]


def _sheet_c14n(body):
    with zipfile.ZipFile(io.BytesIO(body)) as package:
        return etree.tostring(etree.fromstring(package.read("xl/worksheets/sheet1.xml")), method="c14n")


def test_the_rows_read_as_openpyxl_writes_them_cell_by_cell():
    reference, fast = _openpyxl_cell_by_cell(ROWS), _fast(ROWS)
    assert _cells(fast) == _cells(reference)
    # Not only what openpyxl reads back: the sheet's XML is the same element for element (the text only
    # differs in writing Cyrillic as UTF-8 rather than as character references).
    assert _sheet_c14n(fast) == _sheet_c14n(reference)


def test_the_values_come_back_with_their_types_and_formats():
    table = _cells(_fast(ROWS))
    assert table[0] == [("Заголовок", "s", "General")]
    first = table[1]
    assert first[0] == (1, "n", "General")
    assert first[1] == (datetime.datetime(2026, 3, 2, 9, 5, 7, 250000), "d", "DD.MM.YYYY HH:MM")
    assert first[2] == (datetime.datetime(2026, 3, 3), "d", "DD.MM.YYYY")
    assert first[3] == ('Іваненко & <Ко> "ТОВ"', "s", "General")
    assert first[4] == (25.5, "n", "General")
    assert table[2][3][0] == " пробіл на початку" and table[3][3][0] == "пробіл у кінці "
    assert table[4][3][0] == "рядок\r\nдругий\tтаб"
    assert table[5][3][:2] == ("#N/A", "e")
    assert len(table) == len(ROWS) + 1


def test_excel_serials_are_openpyxls():
    from openpyxl.utils.datetime import to_excel

    for value in (
        datetime.date(1900, 1, 1),
        datetime.date(1900, 2, 28),
        datetime.date(1900, 3, 1),
        datetime.date(2026, 12, 2),
        datetime.datetime(2026, 12, 2, 13, 7, 59, 999999),
    ):
        assert excel_serial(value) == to_excel(value)


def test_a_control_character_is_refused_as_openpyxl_refuses_it():
    with pytest.raises(IllegalCharacterError):
        row_xml(1, ["ok", "bad\x07"], {})


def test_a_value_of_no_spreadsheet_type_is_refused():
    with pytest.raises(ValueError):
        row_xml(1, [object()], {})


def _register_cell_by_cell(cases, *, community, start, end):
    """journal.paper.write_xlsx as it was before the fast rows: every row through openpyxl's append."""
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Журнал")
    title = WriteOnlyCell(sheet, value=paper.safe_cell(paper._title(community, start, end, None)))
    title.font = Font(bold=True)
    sheet.append([title])
    heads = []
    for name in paper.columns():
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = Font(bold=True)
        heads.append(cell)
    sheet.append(heads)
    for values in paper.rows(cases, typed=True):
        for i, number_format in ((2, "DD.MM.YYYY HH:MM"), (6, "DD.MM.YYYY"), (8, "DD.MM.YYYY")):
            cell = WriteOnlyCell(sheet, value=values[i])
            cell.number_format = number_format
            values[i] = cell
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_registers_rows_are_those_of_openpyxl_cell_by_cell(world):
    coordinator = world.users["coordinator"]
    with time_machine.travel(kyiv(2026, 3, 2, 10, 15).timestamp(), tick=False):
        plain = make_case(world)
        granted = make_case(world)
        refused = make_case(world)
        withdrawn = make_case(world)
        odd = make_case(world)
        actions.hand_over(granted, by=coordinator, official="Петренко О.")
        actions.record_decision(granted, by=coordinator, granted=True, number="17")
        actions.hand_over(refused, by=coordinator)
        actions.record_decision(refused, by=coordinator, granted=False, reason="немає документа")
    Case.objects.filter(pk=granted.pk).update(
        fee_paid=Decimal("25.50"),
        result_delivered_on=datetime.date(2026, 3, 20),
        result_delivery=Delivery.POST,
        state=CaseState.RESULT_DELIVERED,
    )
    Case.objects.filter(pk=withdrawn.pk).update(
        state=CaseState.WITHDRAWN, closed_on=datetime.date(2026, 3, 3), closed_reason="за заявою"
    )
    Case.objects.filter(pk=odd.pk).update(applicant_name="=1+1 & <b> ")
    start, end = datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)
    cases = paper.journal_cases(Case.objects.filter(community=world.a), start, end)

    out = io.BytesIO()
    paper.write_xlsx(cases, out, community=world.a, start=start, end=end)
    fast = out.getvalue()
    assert _cells(fast) == _cells(_register_cell_by_cell(cases, community=world.a, start=start, end=end))

    table = _cells(fast)
    body = {row[1][0]: row for row in table[2:]}
    assert [row[0][0] for row in table[2:]] == [1, 2, 3, 4, 5]
    assert set(body) == {c.number for c in (plain, granted, refused, withdrawn, odd)}
    row = body[granted.number]
    assert row[2] == (datetime.datetime(2026, 3, 2, 10, 15), "d", "DD.MM.YYYY HH:MM")
    assert row[6][1:] == ("d", "DD.MM.YYYY") and row[6][0].date() == granted.handover_due
    assert row[9][0] == "02.03.2026, надано, № 17"
    assert row[10][0] == "20.03.2026 поштою"
    assert row[11] == (25.5, "n", "General")
    assert body[refused.number][9][0] == "02.03.2026, відмовлено, немає документа"
    assert body[withdrawn.number][12][0] == "Відкликано заявником 03.03.2026 за заявою"
    assert body[odd.number][3][0] == "'=1+1 & <b> "

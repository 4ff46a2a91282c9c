"""The journal on paper (issue 14): the register of a period and office as XLSX and PDF, and the day's
hand-over list per provider.

The columns are the ones a CNAP register keeps (seed 001 step 4): number, dates, person, service,
provider, hand-over, decision, result, fee, notes. Rows are read with `values()` and `iterator()`; the
XLSX package is written by openpyxl in write-only mode and its data rows are streamed as XML text into
the sheet part (core.spreadsheets.row_xml), so a year of a large city neither holds its cases nor its
cells in memory and takes seconds rather than a minute. Every text cell goes through
core.spreadsheets.safe_cell.
"""

import datetime
import tempfile
from collections import OrderedDict

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from core.pdf import font_context, render_pdf
from core.spreadsheets import row_xml, safe_cell, write_rows_into

from .models import CLOSING_STATES, CaseState, Delivery

# The PDF is for reading and signing, not for a year of a large city: WeasyPrint lays out every cell and
# takes 25–90 ms a row on the benchmark machine (docs/benchmarks/bench_reports.txt), so a page waits
# 13–45 s for the largest PDF allowed. Longer periods are offered as XLSX (journal.views.journal_paper).
PDF_MAX_ROWS = 500

FIELDS = (
    "number",
    "accepted_at",
    "applicant_name",
    "service__name_uk",
    "service__provider__name",
    "office__name",
    "handover_due",
    "handed_over_on",
    "provider_official",
    "provider_due",
    "state",
    "granted",
    "decided_on",
    "decision_number",
    "refusal_reason",
    "refusal_code__code",
    "result_delivered_on",
    "result_delivery",
    "fee_paid",
    "closed_on",
    "closed_reason",
)


def columns():
    """The register's column headings, in order."""
    return [
        _("№ з/п"),
        _("Реєстраційний номер"),
        _("Дата прийняття"),
        _("Заявник"),
        _("Послуга"),
        _("Суб'єкт надання"),
        _("Передати до"),
        _("Передано"),
        _("Строк надання до"),
        _("Рішення"),
        _("Результат видано"),
        _("Плата, грн"),
        _("Примітки"),
    ]


def period_bounds(start, end):
    """Aware datetimes of the first moment of `start` and of the day after `end`, local time."""
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time(), tzinfo=tz),
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time(), tzinfo=tz),
    )


def journal_cases(cases, start, end, office=None):
    """The cases accepted from `start` to `end` (both included, local days) in register order.
    `cases` is already limited to what the user may see (Case.objects.for_user)."""
    since, until = period_bounds(start, end)
    cases = cases.filter(accepted_at__gte=since, accepted_at__lt=until)
    if office is not None:
        cases = cases.filter(office=office)
    return cases.order_by("office_id", "accepted_at", "id")


def _date(value):
    return value.strftime("%d.%m.%Y") if value else ""


def _labels():
    """The words the rows repeat, translated once per export rather than once per row, and the day as
    text (a year has a few hundred distinct days, each formatted once)."""
    days = {}

    def day(value):
        if not value:
            return ""
        text = days.get(value)
        if text is None:
            text = days[value] = value.strftime("%d.%m.%Y")
        return text

    return {
        "date": day,
        "granted": _("надано"),
        "refused": _("відмовлено"),
        "number": _("№ %(n)s"),
        "handed_late": _("передано із запізненням"),
        "decided_late": _("рішення після строку"),
        "states": {key: str(label) for key, label in CaseState.choices},
        "deliveries": {key: str(label).lower() for key, label in Delivery.choices},
    }


def _decision(row, words):
    if row["granted"] is None:
        return ""
    parts = [words["date"](row["decided_on"]), words["granted"] if row["granted"] else words["refused"]]
    if row["decision_number"]:
        parts.append(words["number"] % {"n": row["decision_number"]})
    if row["granted"] is False:
        reason = " ".join(p for p in (row["refusal_code__code"], row["refusal_reason"]) if p)
        if reason:
            parts.append(reason)
    return ", ".join(p for p in parts if p)


def _notes(row, words):
    notes = []
    if row["state"] in CLOSING_STATES or row["state"] == CaseState.SUSPENDED:
        state = words["states"].get(row["state"], row["state"])
        notes.append(" ".join(p for p in (state, words["date"](row["closed_on"]), row["closed_reason"]) if p))
    if row["handed_over_on"] and row["handed_over_on"] > row["handover_due"]:
        notes.append(words["handed_late"])
    if row["decided_on"] and row["decided_on"] > row["provider_due"]:
        notes.append(words["decided_late"])
    return "; ".join(notes)


def rows(cases, *, typed=False):
    """One list of cell values per case, in the order of columns(). `typed`: dates and the fee as
    dates and numbers (XLSX), otherwise everything as text (PDF). Text cells are neutralised."""
    words = _labels()
    deliveries, day = words["deliveries"], words["date"]
    tz = timezone.get_current_timezone()
    for index, row in enumerate(cases.values(*FIELDS).iterator(chunk_size=2000), start=1):
        accepted = row["accepted_at"].astimezone(tz)  # timezone.localtime without its checks per row
        handed = " ".join(p for p in (day(row["handed_over_on"]), row["provider_official"]) if p)
        result = " ".join(p for p in (day(row["result_delivered_on"]), deliveries.get(row["result_delivery"], "")) if p)
        if typed:
            cells = [
                index,
                row["number"],
                accepted.replace(tzinfo=None),
                row["applicant_name"],
                row["service__name_uk"],
                row["service__provider__name"],
                row["handover_due"],
                handed,
                row["provider_due"],
            ]
            fee = row["fee_paid"]
        else:
            cells = [
                str(index),
                row["number"],
                accepted.strftime("%d.%m.%Y %H:%M"),
                row["applicant_name"],
                row["service__name_uk"],
                row["service__provider__name"],
                day(row["handover_due"]),
                handed,
                day(row["provider_due"]),
            ]
            fee = "" if row["fee_paid"] is None else f"{row['fee_paid']:.2f}"
        cells += [_decision(row, words), result, fee, _notes(row, words)]
        yield [safe_cell(c) for c in cells]


def _title(community, start, end, office):
    where = office.name if office is not None else _("усі офіси")
    return _("Журнал обліку прийому заяв і наданих послуг: %(community)s, %(where)s, %(start)s – %(end)s") % {
        "community": community.name,
        "where": where,
        "start": _date(start),
        "end": _date(end),
    }


def write_xlsx(cases, out, *, community, start, end, office=None):
    """Write the register of `cases` (journal_cases) as XLSX to `out` (a path or a binary file)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Журнал"))
    for letter, width in zip("ABCDEFGHIJKLM", (7, 18, 16, 30, 40, 30, 12, 24, 12, 36, 22, 10, 36), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A3"
    title = WriteOnlyCell(sheet, value=safe_cell(_title(community, start, end, office)))
    title.font = Font(bold=True)
    sheet.append([title])
    bold = Font(bold=True)
    heads = []
    for name in columns():
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        heads.append(cell)
    sheet.append(heads)
    # The rows go as XML text into the sheet openpyxl saved (core.spreadsheets.row_xml: the same cells
    # openpyxl writes, without its Cell and element objects, ~15 µs a cell). Only the date columns have a
    # style: its id comes from openpyxl, so styles.xml holds it.
    styles = {}
    for i, number_format in ((2, "DD.MM.YYYY HH:MM"), (6, "DD.MM.YYYY"), (8, "DD.MM.YYYY")):
        cell = WriteOnlyCell(sheet)
        cell.number_format = number_format
        styles[i] = cell.style_id
    lines = (row_xml(number, values, styles) for number, values in enumerate(rows(cases, typed=True), start=3))
    with tempfile.TemporaryFile(suffix=".xlsx") as package:
        book.save(package)
        package.seek(0)
        write_rows_into(package, out, sheet.path.lstrip("/"), lines)


def xlsx_file(cases, **kwargs):
    """The XLSX in a temporary file on disk (deleted when closed), positioned at its start."""
    out = tempfile.TemporaryFile(suffix=".xlsx")
    write_xlsx(cases, out, **kwargs)
    out.seek(0)
    return out


def journal_pdf(cases, *, community, start, end, office=None, printed_by=None):
    """The register of `cases` as PDF bytes: A4 landscape, the community's header, page numbers and a
    signature line."""
    html = render_to_string(
        "journal/paper_journal.html",
        {
            "title": _title(community, start, end, office),
            "community": community,
            "office": office,
            "columns": columns(),
            "rows": rows(cases),
            "printed_at": timezone.localtime(),
            "printed_by": printed_by,
            **font_context(),
        },
    )
    return render_pdf(html)


def handover_groups(cases, day):
    """What goes to whom: the cases accepted on `day` (not withdrawn or returned since), by provider,
    each with its hand-over day. [(provider, [case, ...]), ...] ordered by provider name."""
    since, until = period_bounds(day, day)
    found = (
        cases.filter(accepted_at__gte=since, accepted_at__lt=until)
        .exclude(state__in=CLOSING_STATES)
        .select_related("service", "service__provider", "office")
        .order_by("service__provider__name", "accepted_at", "id")
    )
    groups = OrderedDict()
    for case in found:
        groups.setdefault(case.service.provider, []).append(case)
    return list(groups.items())


def handover_context(community, day, groups, *, printed_by=None):
    return {
        "community": community,
        "day": day,
        "groups": groups,
        "printed_at": timezone.localtime(),
        "printed_by": printed_by,
        "total": sum(len(cases) for _provider, cases in groups),
        **font_context(),
    }


def handover_pdf(community, day, groups, *, printed_by=None):
    html = render_to_string(
        "journal/handover_print.html", {**handover_context(community, day, groups, printed_by=printed_by), "pdf": True}
    )
    return render_pdf(html)

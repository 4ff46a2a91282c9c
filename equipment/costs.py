"""Running costs of the mobile office per month and year, per suitcase and in total, and their
export (CSV, XLSX)."""

import csv
import io
from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import ExtractMonth
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from .models import Expense

ZERO = Decimal("0.00")


def rows(community, year):
    """[(month, suitcase name or "", category, amount)] of `year`, grouped (one query)."""
    grouped = (
        Expense.objects.filter(community=community, date__year=year)
        .annotate(month=ExtractMonth("date"))
        .values("month", "suitcase__name", "category")
        .annotate(total=Sum("amount"))
        .order_by("month", "suitcase__name", "category")
    )
    # SQLite sums lose the two decimal places; the export shows kopecks the same on every database.
    return [(g["month"], g["suitcase__name"] or "", g["category"], Decimal(g["total"]).quantize(ZERO)) for g in grouped]


def totals(community, year):
    """The year's costs: by month and category, by suitcase, by category, and the total."""
    by_month = defaultdict(lambda: defaultdict(lambda: ZERO))
    by_suitcase = defaultdict(lambda: ZERO)
    by_category = defaultdict(lambda: ZERO)
    total = ZERO
    for month, suitcase, category, amount in rows(community, year):
        by_month[month][category] += amount
        by_month[month]["total"] += amount
        by_suitcase[suitcase] += amount
        by_category[category] += amount
        total += amount
    keys = Expense.Category.values
    return {
        # [(month number, month name, [amount per category, in Expense.Category's order], month total)]
        "months": [
            (m, str(MONTHS[m]), [by_month[m].get(k, ZERO) for k in keys], by_month[m]["total"])
            for m in range(1, 13)
            if m in by_month
        ],
        "suitcases": sorted(by_suitcase.items()),
        "categories": [by_category.get(k, ZERO) for k in keys],
        "by_category": dict(by_category),
        "total": total,
    }


def _table(community, year):
    labels = dict(Expense.Category.choices)
    header = [_("Рік"), _("Місяць"), _("Валіза"), _("Стаття витрат"), _("Сума, грн")]
    body = [
        [year, month, suitcase or _("загальні"), str(labels.get(category, category)), amount]
        for month, suitcase, category, amount in rows(community, year)
    ]
    body.append([year, "", "", _("Усього за рік"), sum((r[4] for r in body), ZERO)])
    return header, body


def as_csv(community, year):
    out = io.StringIO()
    out.write("\ufeff")  # Excel opens a UTF-8 file with Cyrillic right only with the mark
    writer = csv.writer(out, delimiter=";")
    header, body = _table(community, year)
    writer.writerow(header)
    for row in body:
        writer.writerow([str(v) for v in row])
    return out.getvalue().encode("utf-8")


def as_xlsx(community, year):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = str(year)
    header, body = _table(community, year)
    sheet.append(header)
    for row in body:
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

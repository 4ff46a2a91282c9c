"""Running costs per month and year, per suitcase and in total, and their export."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone

from equipment import actions, costs
from equipment.models import Expense
from teams.models import Suitcase

C = Expense.Category


@pytest.fixture
def year_of_costs(world):
    today = timezone.localdate()
    year = today.year - 1  # a whole past year, whatever today is
    one = Suitcase.objects.create(community=world.a, name="Валіза 1")
    two = Suitcase.objects.create(community=world.a, name="Валіза 2")
    rows = [
        (one, C.CARTRIDGES, 1, "700"),
        (one, C.INTERNET, 1, "150"),
        (two, C.INTERNET, 1, "100"),
        (one, C.INTERNET, 2, "150"),
        (None, C.TRANSPORT, 2, "1200.50"),
        (None, C.GUARD, 3, "800"),
        (two, C.CARTRIDGES, 3, "700"),
    ]
    for suitcase, category, month, amount in rows:
        actions.add_expense(
            world.a, category=category, date=datetime.date(year, month, 15), amount=Decimal(amount), suitcase=suitcase, by=None
        )
    # Not counted: another year, another community.
    actions.add_expense(world.a, category=C.GUARD, date=datetime.date(year + 1, 1, 1), amount=Decimal("999"), by=None)
    actions.add_expense(world.b, category=C.GUARD, date=datetime.date(year, 1, 1), amount=Decimal("999"), by=None)
    return year


def test_totals_per_month_per_suitcase_per_category_and_for_the_year(world, year_of_costs):
    t = costs.totals(world.a, year_of_costs)
    assert t["total"] == Decimal("3800.50")
    months = {m: total for m, _name, _amounts, total in t["months"]}
    assert months == {1: Decimal("950"), 2: Decimal("1350.50"), 3: Decimal("1500")}
    assert dict(t["suitcases"]) == {"": Decimal("2000.50"), "Валіза 1": Decimal("1000"), "Валіза 2": Decimal("800")}
    assert t["by_category"] == {
        C.CARTRIDGES: Decimal("1400"),
        C.INTERNET: Decimal("400"),
        C.TRANSPORT: Decimal("1200.50"),
        C.GUARD: Decimal("800"),
    }
    assert t["months"][0][1] == "Січень"


def test_the_export_in_csv_and_xlsx_adds_up_to_the_same_total(world, year_of_costs):
    client = Client()
    client.force_login(world.users["coordinator"])
    raw = client.get(f"/staff/equipment/costs/export/?year={year_of_costs}&format=csv").content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(raw), delimiter=";"))
    assert table[0] == ["Рік", "Місяць", "Валіза", "Стаття витрат", "Сума, грн"]
    assert table[-1] == [str(year_of_costs), "", "", "Усього за рік", "3800.50"]
    assert sum(Decimal(r[4]) for r in table[1:-1]) == Decimal("3800.50")
    assert [str(year_of_costs), "1", "Валіза 1", "мобільний інтернет", "150.00"] in table
    response = client.get(f"/staff/equipment/costs/export/?year={year_of_costs}&format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[-1][3:] == ("Усього за рік", 3800.5) and len(values) == len(table)


def test_the_costs_page_shows_the_years_total(world, year_of_costs):
    client = Client()
    client.force_login(world.users["technician"])
    page = client.get(f"/staff/equipment/costs/?year={year_of_costs}").content.decode()
    assert "3800,50" in page and "1350,50" in page  # Ukrainian decimal comma

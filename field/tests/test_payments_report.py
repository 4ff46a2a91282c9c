"""The payments report (issue 11): per day, team, provider and method, expected fees vs recorded, receipt
numbers, differences highlighted, exported to XLSX; the coordinator's, of her community only, logged."""

import io
from decimal import Decimal

import pytest
from django.utils import timezone

from audit.models import AccessLog
from field import payments_report
from field.tests.factories import published_trip
from field.tests.syncing import payment, send

pytestmark = pytest.mark.usefixtures("no_case_files")
URL = "/staff/field/payments/"


@pytest.fixture
def paid_day(world):
    trip = published_trip(world)
    first, second = trip.stops.order_by("position")[:2]
    admin = world.users["field_admin"]
    send(admin, [payment(world, first, amount="25.50", receipt="Ч-1")])
    send(admin, [payment(world, second, amount="20.00", receipt="Ч-2")])
    return trip


def test_the_payments_report_compares_the_expected_fee_with_the_recorded_one(world, paid_day):
    day = timezone.localdate()
    rows = payments_report.rows(world.a.pk, day, day)
    assert [(r["receipt"], r["expected"], r["recorded"], r["difference"]) for r in rows] == [
        ("Ч-1", Decimal("25.50"), Decimal("25.50"), Decimal("0")),
        ("Ч-2", Decimal("25.50"), Decimal("20.00"), Decimal("-5.50"))]
    assert rows[0]["team"] == paid_day.team.name and rows[0]["provider"] == world.svc_reg.provider.name
    assert rows[1]["method"] == "terminal"
    groups = payments_report.totals(rows)
    assert groups == [{"day": day, "team": paid_day.team.name, "provider": world.svc_reg.provider.name,
                       "method": "terminal", "method_label": rows[0]["method_label"], "count": 2, "expected": Decimal("51.00"),
                       "recorded": Decimal("45.50"), "difference": Decimal("-5.50")}]


def test_the_payments_page_highlights_differences_and_logs_the_access(world, paid_day, login):
    client = login(world.users["coordinator"])
    page = client.get(URL).content.decode()
    assert "Ч-1" in page and "Ч-2" in page and 'class="diff"' in page
    assert AccessLog.objects.filter(user=world.users["coordinator"]).exists()


def test_the_payments_report_exports_to_xlsx(world, paid_day, login):
    import openpyxl

    response = login(world.users["coordinator"]).get(URL, {"format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert any("Ч-2" in row for row in values)


def test_a_receipt_number_that_looks_like_a_formula_is_written_as_text(world, login):
    import openpyxl

    trip = published_trip(world)
    send(world.users["field_admin"], [payment(world, trip.stops.order_by("position").first(), amount="25.50",
                                              receipt="=HYPERLINK(\"http://x.example\")")])
    response = login(world.users["coordinator"]).get(URL, {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert "'=HYPERLINK(\"http://x.example\")" in [row[8] for row in sheet.iter_rows(values_only=True)]


def test_another_communitys_coordinator_sees_none_of_the_payments(world, paid_day, login):
    page = login(world.b_coordinator).get(URL).content.decode()
    assert "Ч-1" not in page


def test_an_accepted_paid_service_with_no_payment_recorded_is_a_not_paid_row_with_the_fee_due(world, login):
    from field.tests.syncing import accept

    trip = published_trip(world)
    first, second = trip.stops.order_by("position")[:2]
    admin = world.users["field_admin"]
    send(admin, [accept(world, first), payment(world, first, seq=2, amount="25.50", receipt="Ч-1")])
    send(admin, [accept(world, second)])  # accepted, no payment recorded
    day = timezone.localdate()
    rows = payments_report.rows(world.a.pk, day, day)
    missing = [r for r in rows if r["missing"]]
    assert [(r["request"], r["expected"], r["recorded"], r["difference"]) for r in missing] == [
        (second.request, Decimal("25.50"), Decimal("0"), Decimal("-25.50"))]
    assert missing[0]["method_label"] == "не оплачено / не записано"
    assert [r["receipt"] for r in rows if not r["missing"]] == ["Ч-1"]
    page = login(world.users["coordinator"]).get(URL).content.decode()
    assert "не оплачено / не записано" in page and second.request.number in page


def test_a_payment_recorded_at_the_door_shows_the_case_paid_in_the_journal_whichever_syncs_first(world):
    from field.tests.syncing import accept
    from journal import chain
    from journal.models import Case, JournalEntry

    trip = published_trip(world)
    first, second = trip.stops.order_by("position")[:2]
    admin = world.users["field_admin"]
    send(admin, [accept(world, first), payment(world, first, seq=2, amount="25.50", receipt="Ч-1")])
    send(admin, [payment(world, second, amount="25.50", receipt="Ч-2"), accept(world, second, seq=2)])
    for stop, receipt in ((first, "Ч-1"), (second, "Ч-2")):
        case = Case.objects.get(request=stop.request, service=world.svc_reg)
        assert case.fee_paid == Decimal("25.50")
        note = case.entries.get(event=JournalEntry.NOTE)
        assert note.payload["fee_paid"] == "25.50" and receipt in note.payload["note"]
    # The same payment synced again adds no second entry.
    send(admin, [payment(world, first, seq=3, amount="25.50", receipt="Ч-1")])
    assert Case.objects.get(request=first.request, service=world.svc_reg).entries.filter(event="note").count() == 1
    assert chain.verify(world.a.pk).ok

"""A fee has an effective date (issue 11): the fee in force on a day is the latest one that started on or
before it; fees tied to the subsistence minimum change every 1 January."""

import datetime
from decimal import Decimal

import pytest

from catalogue.models import ServiceFee


@pytest.fixture
def fees(world):
    svc = world.svc_reg
    ServiceFee.objects.create(service=svc, amount=Decimal("25.50"), effective_from=datetime.date(2025, 1, 1))
    ServiceFee.objects.create(service=svc, amount=Decimal("30.28"), effective_from=datetime.date(2026, 1, 1))
    return svc


@pytest.mark.django_db
def test_the_fee_in_force_on_a_day_is_the_latest_that_started_on_or_before_it(fees):
    assert fees.fee_on(datetime.date(2025, 12, 31)) == Decimal("25.50")
    assert fees.fee_on(datetime.date(2026, 1, 1)) == Decimal("30.28")
    assert fees.fee_on(datetime.date(2026, 7, 15)) == Decimal("30.28")


@pytest.mark.django_db
def test_a_day_before_every_fee_in_the_table_falls_back_to_the_services_fee(fees):
    assert fees.fee_on(datetime.date(2024, 6, 1)) == fees.fee


@pytest.mark.django_db
def test_a_free_service_has_no_fee_on_any_day(world):
    assert not world.svc_cert.fee_on(datetime.date(2026, 1, 1))


@pytest.mark.django_db
def test_prefetched_fees_answer_without_a_query(fees, django_assert_num_queries):
    from catalogue.models import Service

    svc = Service.objects.prefetch_related("fees").get(pk=fees.pk)
    with django_assert_num_queries(0):
        assert svc.fee_on(datetime.date(2026, 3, 1)) == Decimal("30.28")


def _fee_changed_today(world):
    from django.utils import timezone

    today = timezone.localdate()
    ServiceFee.objects.create(service=world.svc_reg, amount=Decimal("25.50"),
                              effective_from=today - datetime.timedelta(days=400))
    ServiceFee.objects.create(service=world.svc_reg, amount=Decimal("30.28"), effective_from=today)


@pytest.mark.django_db
def test_the_public_pages_show_the_fee_in_force_today(world, client):
    _fee_changed_today(world)
    for url in (f"/{world.a.slug}/", f"/{world.a.slug}/request/"):
        page = client.get(url).content.decode()
        assert "30,28 грн" in page or "30.28 грн" in page, url
        assert "25,50 грн" not in page and "25.50 грн" not in page, url


@pytest.mark.django_db
def test_the_staff_intake_and_request_pages_show_the_fee_in_force_today(world, login):
    _fee_changed_today(world)
    client = login(world.users["operator"])
    for url in ("/staff/requests/new/", f"/staff/requests/{world.req.pk}/"):
        page = client.get(url).content.decode()
        if url.endswith("new/") or world.req.services.filter(service=world.svc_reg).exists():
            assert "30,28 грн" in page or "30.28 грн" in page, url
        assert "25,50 грн" not in page and "25.50 грн" not in page, url


@pytest.mark.django_db
def test_the_route_sheet_charges_the_fee_in_force_on_the_trip_day(world):
    from django.utils import timezone

    from field.tests.factories import published_trip
    from planning import pdf

    _fee_changed_today(world)
    trip = published_trip(world, day=timezone.localdate())
    rows = pdf._stop_rows(pdf.trip_stops(trip), trip.day)
    paid = [row for row in rows if row["paid"]]
    assert paid and all(row["total"] == Decimal("30.28") for row in paid)
    assert all(s.fee_due == Decimal("30.28") for row in paid for s in row["paid"])


@pytest.mark.django_db
def test_the_public_catalogue_api_gives_the_fee_in_force_today(world, client):
    _fee_changed_today(world)
    services = client.get("/api/v1/catalogue/services").json()
    assert next(s for s in services if s["code"] == "RES-REG")["fee"] == "30.28"

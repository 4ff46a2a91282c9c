"""Money that reconciles (issue 11): what the server does with a fee paid at the door."""

import base64
import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from field.models import Payment
from field.tests.factories import published_trip
from field.tests.syncing import day, one, payment, send
from payments import nbu_qr

pytestmark = pytest.mark.usefixtures("no_case_files")

IBAN = "UA213223130000026007233566001"


def _fields(link):
    encoded = link[len(nbu_qr.LINK_PREFIX):]
    return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode("cp1251").split("\n")


def _give_the_provider_payment_details(world):
    provider = world.svc_reg.provider
    provider.iban, provider.edrpou = IBAN, "12345678"
    provider.save()


def test_a_qr_payment_is_refused_when_no_qr_could_be_made(world, first_stop):
    # The world's provider has no IBAN: nobody could have shown the person a payment QR code.
    answer, status = send(world.users["field_admin"], [payment(world, first_stop, method="online", receipt="")])
    assert status == 422 and one(answer)["code"] == "no_payment_qr"
    assert "IBAN" in one(answer)["message"] and not Payment.objects.exists()


def test_a_qr_payment_is_recorded_when_the_provider_has_payment_details(world, first_stop):
    _give_the_provider_payment_details(world)
    answer, status = send(world.users["field_admin"], [payment(world, first_stop, method="online", receipt="")])
    assert status == 200, answer
    assert Payment.objects.get().method == "online"


def test_a_terminal_payment_needs_no_qr(world, first_stop):
    answer, status = send(world.users["field_admin"], [payment(world, first_stop, method="terminal")])
    assert status == 200 and Payment.objects.get().method == "terminal"


def _new_fee_from_the_trip_day(world):
    """The fee went up on the trip's day (as on 1 January): 25.50 before it, 30.28 from it."""
    from catalogue.models import ServiceFee

    day = timezone.localdate()
    ServiceFee.objects.create(service=world.svc_reg, amount=Decimal("25.50"), effective_from=day - datetime.timedelta(400))
    ServiceFee.objects.create(service=world.svc_reg, amount=Decimal("30.28"), effective_from=day)
    return day


def test_the_laptop_gets_the_fee_in_force_on_the_day_of_acceptance_and_the_qr_carries_it(world, login):
    _give_the_provider_payment_details(world)
    _new_fee_from_the_trip_day(world)
    published_trip(world)
    answer = day(login(world.users["field_admin"])).json()
    reg = next(s for s in answer["trips"][0]["stops"][0]["services"] if s["id"] == world.svc_reg.pk)
    assert reg["fee"] == "30.28"
    assert _fields(reg["payment_qr"]["link"])[7] == "UAH30.28"
    extra = next(s for s in answer["extra_services"] if s["id"] == world.svc_reg.pk)
    assert extra["fee"] == "30.28"


def test_a_payment_is_checked_against_the_fee_in_force_on_the_day_of_acceptance(world, first_stop):
    _new_fee_from_the_trip_day(world)
    answer, status = send(world.users["field_admin"], [payment(world, first_stop, amount="30.28")])
    assert status == 200 and "відрізняється" not in one(answer)["message"]
    answer, status = send(world.users["field_admin"], [payment(world, first_stop, seq=2, amount="25.50")])
    assert "відрізняється" in one(answer)["message"] and "30,28" in one(answer)["message"]

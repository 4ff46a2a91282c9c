"""Money that reconciles (issue 11): what the server does with a fee paid at the door."""

import pytest

from field.models import Payment
from field.tests.syncing import one, payment, send

pytestmark = pytest.mark.usefixtures("no_case_files")

IBAN = "UA213223130000026007233566001"


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

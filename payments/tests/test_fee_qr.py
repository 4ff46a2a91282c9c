"""The QR code of a service's fee for one request: the most telling purpose that fits, or why none."""

import base64
from decimal import Decimal
from types import SimpleNamespace

from payments import nbu_qr
from payments.fee_qr import payment_qr

IBAN = "UA213223130000026007233566001"


def _service(name="Реєстрація місця проживання", *, iban=IBAN, fee="25.50", is_paid=True):
    provider = SimpleNamespace(name="Відділ реєстрації", payment_recipient="Відділ реєстрації громади", iban=iban,
                               edrpou="12345678")
    return SimpleNamespace(name=name, is_paid=is_paid, fee=Decimal(fee), provider=provider)


REQ = SimpleNamespace(number="A-0000042", applicant_name="Коваленко Марія Іванівна")


def _purpose(link):
    encoded = link[len(nbu_qr.LINK_PREFIX):]
    return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode("cp1251").split("\n")[11]


def test_the_purpose_names_the_service_the_payer_and_the_request():
    qr, problem = payment_qr(_service(), REQ)
    assert problem == "" and qr["svg"].startswith("<svg")
    purpose = _purpose(qr["link"])
    assert "Реєстрація місця проживання" in purpose and REQ.applicant_name in purpose and REQ.number in purpose


def test_a_name_too_long_for_the_code_falls_back_to_a_shorter_purpose():
    qr, problem = payment_qr(_service("Довідка " * 40), REQ)
    assert problem == "" and qr is not None
    purpose = _purpose(qr["link"])
    assert "Довідка" not in purpose and REQ.number in purpose


def test_free_services_have_no_code_and_wrong_details_say_where_to_fix_them():
    assert payment_qr(_service(is_paid=False), REQ) == (None, "")
    assert payment_qr(_service(fee="0"), REQ) == (None, "")
    qr, problem = payment_qr(_service(iban=""), REQ)
    assert qr is None and "каталозі" in problem


def _fields(link):
    encoded = link[len(nbu_qr.LINK_PREFIX):]
    return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode("cp1251").split("\n")


def test_the_fee_qr_locks_the_amount_so_the_payer_cannot_change_it():
    # NBU Resolution 97, appendix 4, field 14: FFFF forbids the payer to change any field, the amount included.
    qr, problem = payment_qr(_service(), REQ)
    fields = _fields(qr["link"])
    assert problem == "" and fields[7] == "UAH25.50" and fields[13] == nbu_qr.LOCK_ALL


def test_a_qr_payment_needs_a_provider_a_qr_can_be_made_for():
    from payments.fee_qr import qr_problem

    assert qr_problem(_service()) == ""
    assert "IBAN" in qr_problem(_service(iban=""))
    assert "IBAN" in qr_problem(_service(iban="UA213223130000026007233566002"))

"""Purpose text of a budget payment (issue 11): a Treasury account (bank code 899998 in the IBAN) gets the
Treasury's structured purpose — `*;101;<payer's РНОКПП>;<ККДБ> <what>;;;` (Ministry of Finance Order
No. 666 of 24.07.2015) — and the budget classification code from the catalogue."""

from decimal import Decimal
from types import SimpleNamespace

from payments import budget
from payments.fee_qr import payment_qr
from payments.tests.test_fee_qr import REQ, _fields

TREASURY_IBAN = budget.treasury_iban("0334", "22012500", "0001")


def _service(*, iban=TREASURY_IBAN, budget_code="22012500", needs_payer_code=True):
    provider = SimpleNamespace(name="Відділ реєстрації", payment_recipient="ГУК в області/громада/22012500",
                               iban=iban, edrpou="37988155", payer_code_required=needs_payer_code)
    return SimpleNamespace(name="Реєстрація місця проживання", is_paid=True, fee=Decimal("30.28"), provider=provider,
                           budget_code=budget_code)


def test_a_treasury_iban_is_valid_and_carries_the_treasury_bank_code():
    from core.identifiers import clean_ua_iban

    assert clean_ua_iban(TREASURY_IBAN) == TREASURY_IBAN and budget.is_treasury_account(TREASURY_IBAN)
    assert not budget.is_treasury_account("UA213223130000026007233566001")


def test_a_budget_payment_purpose_has_the_payers_rnokpp_and_the_budget_code_in_the_treasury_format():
    text = budget.purpose("3334455667", "22012500", "Адмін. збір, заявка A-1, Коваленко М. І.")
    assert text == "*;101;3334455667;22012500 Адмін. збір, заявка A-1, Коваленко М. І.;;;"


def test_the_fee_qr_to_a_treasury_account_carries_the_budget_purpose_when_the_payer_code_is_known():
    req = SimpleNamespace(**vars(REQ), applicant_tax_number="3334455667")
    qr, problem = payment_qr(_service(), req)
    purpose = _fields(qr["link"])[11]
    assert problem == "" and purpose.startswith("*;101;3334455667;22012500 ") and purpose.endswith(";;;")


def test_a_treasury_account_that_needs_the_payers_rnokpp_gets_no_qr_without_it():
    qr, problem = payment_qr(_service(), REQ)
    assert qr is None and "РНОКПП" in problem


def test_a_treasury_account_without_the_payer_code_rule_carries_the_budget_code_in_the_purpose():
    qr, problem = payment_qr(_service(needs_payer_code=False), REQ)
    purpose = _fields(qr["link"])[11]
    assert problem == "" and purpose.startswith("22012500 ") and REQ.number in purpose

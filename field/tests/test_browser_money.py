"""The field client in a real browser (issue 11): a fee "paid by QR" when no QR could be made is refused
on the laptop itself, offline, with a clear message."""

import pytest
from playwright.sync_api import expect

from field.tests.browser_client import by, field_day, load_first_stop  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_qr_payment_is_refused_on_the_laptop_when_no_qr_could_be_made(field_day, page, staff_login):  # noqa: F811
    w, _trip, _reqs = field_day
    provider = w.svc_reg.provider
    provider.iban = ""  # no IBAN: the day carries no QR code for the fee
    provider.save()
    load_first_stop(page, staff_login, w)  # offline from here on
    reg = w.svc_reg.pk
    by(page, f"pay-method-{reg}-online").check()
    by(page, f"pay-save-{reg}").click()
    expect(page.locator("#notice")).to_contain_text("QR-код")
    expect(page.locator("#notice")).to_contain_text("інший спосіб")
    expect(by(page, f"pay-saved-{reg}")).to_have_count(0)
    # Another method is saved as before.
    by(page, f"pay-method-{reg}-terminal").check()
    by(page, f"pay-receipt-{reg}").fill("Ч-1")
    by(page, f"pay-save-{reg}").click()
    by(page, f"pay-saved-{reg}").wait_for()

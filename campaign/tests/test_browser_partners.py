"""Issue 15 partners in a real browser: the communications person adds a partner organisation, mails
it the notice prefilled from the community's facts, sees the mailing recorded, and opens the A5 flyer."""

import pytest
from playwright.sync_api import expect

from campaign.models import MailingRecipient
from visits.tests.test_browser import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_partner_mailing_and_flyer(page, live_world, staff_login, settings):
    w = live_world
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    staff_login(page, w.users["communications"])
    page.goto("/staff/campaign/")
    page.get_by_role("link", name="Партнери").click()
    page.get_by_role("link", name="Додати організацію").click()
    page.get_by_label("Назва організації").fill("Спілка ветеранів громади")
    page.get_by_label("Вид").select_option(label="спілка ветеранів")
    page.get_by_label("Телефон").fill("067 111 22 33")
    page.get_by_label("Ел. пошта").fill("ne-adresa")
    page.get_by_role("button", name="Зберегти").click()
    expect(page.locator("#partner-form")).to_contain_text("Це не схоже на адресу ел. пошти")
    page.get_by_label("Ел. пошта").fill("veterany@example.org")
    page.get_by_role("button", name="Зберегти").click()
    expect(page.locator("#partners")).to_contain_text("Спілка ветеранів громади")
    assert_accessible(page, "campaign partners")

    page.get_by_role("link", name="Розіслати оголошення").click()
    page.get_by_label("Привід").select_option(label="новий населений пункт")
    page.get_by_role("button", name="Підготувати текст").click()
    expect(page.get_by_label("Тема листа")).to_have_value("Мобільний ЦНАП тепер приїздить і у ваш населений пункт")
    expect(page.get_by_label("Текст листа")).to_contain_text("Допоможи сусіду!")
    expect(page.get_by_label("Спілка ветеранів громади — veterany@example.org")).to_be_checked()
    assert_accessible(page, "campaign mailing")
    page.get_by_role("button", name="Надіслати").click()
    expect(page.locator("#recipients")).to_contain_text("veterany@example.org")
    recipient = MailingRecipient.objects.get()
    assert recipient.mailing.reason == "settlement" and recipient.message.recipient == "veterany@example.org"

    page.get_by_role("link", name="Оголошення і листівка").click()
    page.locator("#a5-html").click()
    expect(page.locator("#service-name")).to_contain_text("Мобільний ЦНАП «Валіза»")
    expect(page.locator(".neighbour")).to_have_text("Допоможи сусіду!")
    expect(page.locator(".qr svg")).to_be_visible()
    # The print stylesheet is loaded (a static file: the CSP allows no inline style).
    assert page.locator(".neighbour").evaluate("e => getComputedStyle(e).textAlign") == "center"

"""The login steps in a real browser: the coordinator sets up the app on first login, keeps the recovery
codes, logs in again with one of them, and changes the password; every page passes axe-core."""

import re
import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from conftest import PASSWORD
from visits.tests.test_browser import assert_accessible


def _app_code(user):
    device = TOTPDevice.objects.get(user=user)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():06d}"


def _password_step(page, username, password=PASSWORD):
    page.goto("/staff/login/")
    page.get_by_label("Ім'я користувача").fill(username)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Увійти").click()


def test_a_coordinator_sets_up_the_app_keeps_the_codes_and_logs_in_again(page, live_world):
    coordinator = live_world.users["coordinator"]
    _password_step(page, "coordinator")
    expect(page).to_have_url(re.compile(r"/staff/account/second-factor/\?next=%2Fstaff%2F$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Увімкніть підтвердження входу з телефону")
    expect(page.get_by_role("img", name=re.compile("QR-код для застосунку-автентифікатора"))).to_be_visible()
    code_field = page.get_by_label("Код із застосунку")
    expect(code_field).to_have_attribute("autocomplete", "one-time-code")
    expect(code_field).to_have_attribute("inputmode", "numeric")
    assert_accessible(page, "enrolment")

    code_field.fill(_app_code(coordinator))
    page.get_by_role("button", name="Увімкнути").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Резервні коди")
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    assert_accessible(page, "recovery codes")
    page.get_by_role("link", name="Коди збережено, продовжити").click()
    expect(page).to_have_url(re.compile(r"/staff/requests/$"))

    page.get_by_role("button", name="Вийти").click()
    _password_step(page, "coordinator")
    expect(page).to_have_url(re.compile(r"/staff/login/code/\?next=%2Fstaff%2F$"))
    expect(page.get_by_label("Код із застосунку")).to_be_focused()
    assert_accessible(page, "code step")
    page.get_by_text("Немає телефону під рукою?").click()
    page.get_by_label("Резервний код").fill(codes[0])
    page.get_by_role("button", name="Увійти з резервним кодом").click()
    expect(page).to_have_url(re.compile(r"/staff/requests/$"))
    expect(page.locator(".messages")).to_contain_text("Лишилося 9 кодів")


def test_staff_change_their_password_from_the_header(page, live_world, staff_login):
    staff_login(page, live_world.users["operator"])
    page.goto("/staff/")
    page.get_by_role("link", name="Змінити пароль").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Зміна пароля")
    assert_accessible(page, "password change")
    page.get_by_label("Поточний пароль").fill(PASSWORD)
    page.get_by_label("Новий пароль", exact=True).fill("operator2026")
    page.get_by_label("Новий пароль ще раз").fill("operator2026")
    page.get_by_role("button", name="Змінити пароль").click()
    expect(page.locator("#error-summary")).to_contain_text("надто схожий на дані вашого облікового запису")
    assert_accessible(page, "password change with errors")
    page.get_by_label("Поточний пароль").fill(PASSWORD)
    page.get_by_label("Новий пароль", exact=True).fill("тиха річка за селом")
    page.get_by_label("Новий пароль ще раз").fill("тиха річка за селом")
    page.get_by_role("button", name="Змінити пароль").click()
    expect(page.locator(".messages")).to_contain_text("Пароль змінено")
    page.get_by_role("button", name="Вийти").click()
    _password_step(page, "operator", "тиха річка за селом")
    expect(page).to_have_url(re.compile(r"/staff/requests/$"))

"""A code from an authenticator app after the password: required for coordinators and system
administrators (and anyone who may open the admin site), optional for everyone else; ten recovery
codes shown once; a session that has not given its code reaches no staff page, no admin page and no
API endpoint that needs a login."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import second_factor as sf
from accounts.tests.second_factor import password_only_login
from conftest import PASSWORD
from core.tests import test_access_matrix as matrix


def app_code(device, seconds_later=0):
    """What the person's app shows now (or that many seconds later)."""
    device.refresh_from_db()
    at = timezone.now().timestamp() + seconds_later
    with time_machine.travel(at, tick=False):
        return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


def later(seconds):
    return time_machine.travel(timezone.now() + timedelta(seconds=seconds), tick=False)


def password_login(username, client=None, next_url=None):
    client = client or Client()
    url = "/staff/login/" + (f"?next={next_url}" if next_url else "")
    response = client.post(url, {"username": username, "password": PASSWORD})
    return client, response


def enrol(client):
    """Go through the enrolment page as the person would: read the key, type the app's code."""
    page = client.get("/staff/account/second-factor/")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user_id=client.session["_auth_user_id"], confirmed=False)
    response = client.post("/staff/account/second-factor/", {"code": app_code(device), "next": "/staff/"})
    assert response.status_code == 302, response.content.decode()[:2000]
    device.refresh_from_db()
    assert device.confirmed
    return device, response


def enrolled(user):
    """A person who set up the app earlier: their device, and their recovery codes."""
    device = TOTPDevice.objects.create(user=user, name=sf.APP_DEVICE_NAME, confirmed=True)
    return device, sf.new_recovery_codes(user)


def test_a_coordinator_without_an_app_is_led_from_the_password_to_setting_one_up(world):
    client, response = password_login("coordinator")
    assert response.status_code == 302 and response["Location"] == "/staff/login/code/?next=%2Fstaff%2F"
    response = client.get(response["Location"])
    assert response.status_code == 302 and response["Location"] == "/staff/account/second-factor/?next=%2Fstaff%2F"
    page = client.get(response["Location"]).content.decode()
    assert "Увімкніть підтвердження входу з телефону" in page
    assert 'src="data:image/svg+xml' in page and 'alt="QR-код для застосунку-автентифікатора' in page
    key = re.search(r'id="enrol-key"><code>([A-Z2-7 ]+)</code>', page).group(1)
    device = TOTPDevice.objects.get(user=world.users["coordinator"], confirmed=False)
    assert key.replace(" ", "") == sf.manual_key(device).replace(" ", "") and len(key.replace(" ", "")) == 32
    # The same key on a second visit: a QR code scanned once stays right.
    assert key in client.get("/staff/account/second-factor/").content.decode()
    # Until the code is given, nothing of the staff pages opens.
    assert client.get("/staff/requests/")["Location"].startswith("/staff/login/code/")


def test_the_first_code_turns_the_app_on_and_shows_ten_recovery_codes_once(world):
    client, _ = password_login("coordinator")
    wrong = client.post("/staff/account/second-factor/", {"code": "000000"})
    assert "Код не підходить" in wrong.content.decode()
    with later(2):  # django-otp makes one wait a second after a wrong code
        device, response = enrol(client)
    assert response["Location"] == "/staff/account/recovery-codes/?next=%2Fstaff%2F"
    page = client.get(response["Location"]).content.decode()
    shown = re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>", page)
    assert len(shown) == 10 and len(set(shown)) == 10
    assert "показано лише один раз" in page
    stored = set(StaticToken.objects.filter(device__user=world.users["coordinator"]).values_list("token", flat=True))
    assert {code.replace("-", "") for code in shown} == stored
    # Shown once: a second look has none of them.
    again = client.get("/staff/account/recovery-codes/").content.decode()
    assert not any(code in again for code in shown) and "10 невикористаних" in again
    # The session is verified: the staff pages open.
    assert client.get("/staff/requests/").status_code == 200


def test_at_the_next_login_the_code_from_the_app_is_asked_and_checked(world):
    device, _codes = enrolled(world.users["coordinator"])
    client, response = password_login("coordinator", next_url="/staff/journal/")
    assert response["Location"] == "/staff/login/code/?next=%2Fstaff%2Fjournal%2F"
    page = client.get(response["Location"]).content.decode()
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page
    assert '<label for="id_code">Код із застосунку' in page
    wrong = client.post("/staff/login/code/", {"code": "123 456", "next": "/staff/journal/"})
    assert wrong.status_code == 200 and "Код не підходить" in wrong.content.decode()
    with later(2):  # django-otp makes one wait a second after a wrong code
        right = client.post("/staff/login/code/", {"code": app_code(device), "next": "/staff/journal/"})
    assert right.status_code == 302 and right["Location"] == "/staff/journal/"
    assert client.get("/staff/journal/").status_code == 200


def test_a_code_cannot_be_used_twice(world):
    device, _codes = enrolled(world.users["coordinator"])
    code = app_code(device)
    first, _ = password_login("coordinator")
    assert first.post("/staff/login/code/", {"code": code})["Location"] == "/staff/"
    second, _ = password_login("coordinator")
    assert second.post("/staff/login/code/", {"code": code}).status_code == 200
    with later(31):
        assert second.post("/staff/login/code/", {"code": app_code(device)}).status_code == 302


def test_the_session_key_changes_when_the_code_is_given(world):
    device, _codes = enrolled(world.users["coordinator"])
    client, _ = password_login("coordinator")
    before = client.cookies["sessionid"].value
    client.post("/staff/login/code/", {"code": app_code(device)})
    assert client.cookies["sessionid"].value != before
    stolen = Client()
    stolen.cookies["sessionid"] = before
    assert stolen.get("/staff/requests/").status_code == 302


def test_a_recovery_code_logs_in_once_and_says_how_many_are_left(world):
    _device, codes = enrolled(world.users["coordinator"])
    client, _ = password_login("coordinator")
    page = client.get("/staff/login/code/").content.decode()
    assert "Немає телефону під рукою?" in page and 'name="recovery_code"' in page
    response = client.post("/staff/login/code/", {"recovery_code": sf.format_code(codes[0]).upper()}, follow=True)
    assert response.redirect_chain[0] == ("/staff/", 302)
    assert "Ви увійшли за резервним кодом. Лишилося 9 кодів." in response.content.decode()
    again, _ = password_login("coordinator")
    refused = again.post("/staff/login/code/", {"recovery_code": codes[0]})
    assert refused.status_code == 200 and "вже був використаний" in refused.content.decode()
    assert '<details id="recovery" open>' in refused.content.decode()


def test_wrong_codes_make_one_wait_but_never_for_more_than_about_an_hour(world):
    device, _codes = enrolled(world.users["coordinator"])
    client, _ = password_login("coordinator")
    client.post("/staff/login/code/", {"code": "000000"})
    throttled = client.post("/staff/login/code/", {"code": app_code(device)})
    assert "Зачекайте 1 секунду" in throttled.content.decode()
    # Someone who knows the password keeps guessing for months: the wait stops growing.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=60,
                                                   throttling_failure_timestamp=timezone.now())
    waiting = client.post("/staff/login/code/", {"code": app_code(device)}).content.decode()
    assert "Зачекайте 69 хвилин" in waiting
    with later(70 * 60):
        assert client.post("/staff/login/code/", {"code": app_code(device)}).status_code == 302


@pytest.mark.parametrize("username", ["operator", "field_admin", "technician", "partner"])
def test_roles_that_see_less_are_not_asked_for_a_code(world, username):
    client, response = password_login(username)
    assert response.status_code == 302 and not response["Location"].startswith("/staff/login/code/")
    assert client.get("/staff/account/").status_code == 200


def test_a_role_that_enrolled_by_choice_gives_the_code_at_every_login(world):
    client, _ = password_login("operator")
    assert "Для вашої ролі не обов'язкове" in client.get("/staff/account/").content.decode()
    device, _ = enrol(client)
    client.post("/staff/logout/")
    client, response = password_login("operator")
    assert response["Location"] == "/staff/login/code/?next=%2Fstaff%2F"
    assert client.get("/staff/requests/")["Location"].startswith("/staff/login/code/")
    with later(31):
        assert client.post("/staff/login/code/", {"code": app_code(device)})["Location"] == "/staff/"
    assert client.get("/staff/requests/").status_code == 200


def test_the_app_can_be_replaced_only_after_giving_a_code(world):
    old, _codes = enrolled(world.users["coordinator"])
    client, _ = password_login("coordinator")
    response = client.get("/staff/account/second-factor/")
    assert response.status_code == 302 and response["Location"].startswith("/staff/login/code/")
    client.post("/staff/login/code/", {"code": app_code(old)})
    assert "Новий застосунок для підтвердження входу" in client.get("/staff/account/second-factor/").content.decode()
    new = TOTPDevice.objects.get(user=world.users["coordinator"], confirmed=False)
    with later(31):
        client.post("/staff/account/second-factor/", {"code": app_code(new)})
    assert list(TOTPDevice.objects.filter(user=world.users["coordinator"])) == [new]


def test_new_recovery_codes_replace_the_old_ones(world):
    _device, codes = enrolled(world.users["coordinator"])
    client = Client()
    client.force_login(world.users["coordinator"])
    response = client.post("/staff/account/recovery-codes/", {"next": "/staff/account/"})
    assert response["Location"] == "/staff/account/recovery-codes/?next=%2Fstaff%2Faccount%2F"
    page = client.get(response["Location"]).content.decode()
    shown = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", page)
    assert len(shown) == 10 and not {c.replace("-", "") for c in shown} & set(codes)
    assert 'href="/staff/account/"' in page


def test_the_admin_site_needs_the_code_too(world):
    client, response = password_login("sysadmin", next_url="/admin/")
    assert response["Location"] == "/staff/login/code/?next=%2Fadmin%2F"
    assert client.get("/admin/")["Location"] == "/staff/login/code/?next=%2Fadmin%2F"
    assert client.get("/admin/accounts/user/")["Location"].startswith("/staff/login/code/")
    # Through the admin's own login form as well.
    admin_client = Client()
    response = admin_client.post("/admin/login/?next=/admin/", {"username": "sysadmin", "password": PASSWORD})
    assert response.status_code == 302
    assert admin_client.get("/admin/")["Location"] == "/staff/login/code/?next=%2Fadmin%2F"


def test_the_code_step_never_sends_one_to_another_site(world):
    device, _codes = enrolled(world.users["coordinator"])
    client, _ = password_login("coordinator")
    response = client.post("/staff/login/code/", {"code": app_code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/staff/"


def _unverified_expectation(key, method, url):
    """What a coordinator who gave the password but not the code gets."""
    special = {
        ("accounts:login", "GET"): ("code step", "/staff/"),
        ("accounts:second_factor", "GET"): 200,
        ("accounts:second_factor", "POST"): 200,  # the form again: no code given
        ("accounts:enrol", "GET"): ("code step", url),  # replacing the app needs the code first
        ("accounts:enrol", "POST"): ("code step", url),
    }
    if (key, method) in special:
        return special[key, method]
    anonymous = matrix.ACCESS[key][method][matrix.ANONYMOUS]
    if anonymous == matrix.LOGIN:
        return ("code step", url)
    return anonymous  # public pages and the API answer as to a visitor who is not logged in


def test_a_coordinator_who_has_not_given_the_code_reaches_no_staff_page_and_no_api(world):
    enrolled(world.users["coordinator"])
    problems = []
    for key, method in matrix.CASES:
        url = matrix._url(world, key)
        client = Client(raise_request_exception=False, headers={"X-Valiza-Device": matrix.MATRIX_DEVICE})
        password_only_login(client, world.users["coordinator"])
        data, content_type = matrix._post_data(world, key)
        kwargs = {"content_type": content_type} if content_type else {}
        if method == "GET":
            response = client.get(url)
        elif method == "PUT":
            response = client.put(url + "?offset=0", data, **kwargs)
        else:
            response = client.post(url, data, **kwargs)
        expected = _unverified_expectation(key, method, url)
        if isinstance(expected, tuple):
            location = response.get("Location", "")
            parts = urlsplit(location)
            if (response.status_code != 302 or parts.path != "/staff/login/code/"
                    or parse_qs(parts.query).get("next") != [expected[1]]):
                problems.append(f"{method} {url}: expected the code step, got {response.status_code} {location}")
        elif isinstance(expected, matrix.Redirect):
            if response.status_code != 302 or response["Location"] != expected.to:
                problems.append(f"{method} {url}: expected {expected.to}, got {response.status_code}")
        elif response.status_code != expected:
            problems.append(f"{method} {url}: expected {expected}, got {response.status_code}")
    assert not problems, "\n".join(problems)


def test_the_api_treats_a_session_without_the_code_as_not_logged_in(world):
    enrolled(world.users["coordinator"])
    client = password_only_login(Client(), world.users["coordinator"])
    response = client.get("/api/v1/requests/")
    assert response.status_code == 401
    assert client.get("/api/v1/catalogue/services").status_code == 200

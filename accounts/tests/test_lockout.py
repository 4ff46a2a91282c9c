"""Failed logins lock one account at one address, not the whole office behind the proxy (finding 2);
one address trying many accounts, and one account tried from many addresses, have caps of their own;
every lock ends by itself."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from conftest import PASSWORD

PROXY = "10.0.0.1"  # the reverse proxy: without its header every request comes from it
OFFICE, HOME, ELSEWHERE = "203.0.113.10", "198.51.100.7", "192.0.2.44"


@pytest.fixture
def lockout(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.VALIZA_LOGIN_ADDRESS_FAILURE_LIMIT = 30
    settings.VALIZA_LOGIN_ACCOUNT_FAILURE_LIMIT = 10
    settings.VALIZA_LOGIN_KNOWN_ADDRESS_DAYS = 30
    return settings


@pytest.fixture
def behind_proxy(lockout):
    lockout.VALIZA_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    return lockout


def _post(username, password, remote=PROXY, client_ip=None):
    headers = {"HTTP_X_REAL_IP": client_ip} if client_ip else {}
    client = Client(REMOTE_ADDR=remote, **headers)
    return client.post("/staff/login/", {"username": username, "password": password})


def _later(minutes):
    return time_machine.travel(timezone.now() + timedelta(minutes=minutes), tick=False)


def test_five_wrong_passwords_for_one_account_do_not_lock_out_colleagues_behind_the_same_proxy(world, lockout):
    for _ in range(5):
        _post("operator", "wrong")
    assert _post("technician", PASSWORD).status_code == 302
    assert _post("coordinator", PASSWORD).status_code == 302


def test_the_account_that_failed_five_times_is_locked_at_that_address_only(world, behind_proxy):
    for _ in range(4):
        assert _post("operator", "wrong", client_ip=OFFICE).status_code == 200
    locked = _post("operator", "wrong", client_ip=OFFICE)
    assert locked.status_code == 429
    html = locked.content.decode()
    assert 'data-lockout="account_at_address"' in html and "зупинено на 15 хвилин" in html
    # Even the right password waits at that address; from home it works.
    assert _post("operator", PASSWORD, client_ip=OFFICE).status_code == 429
    assert _post("operator", PASSWORD, client_ip=HOME).status_code == 302


def test_axes_records_the_address_from_the_proxys_header(world, behind_proxy):
    _post("operator", "wrong", client_ip=OFFICE)
    _post("operator", "wrong", client_ip="not-an-address")  # a strange header: address unknown
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {OFFICE, None}


def test_without_the_header_setting_the_proxys_address_is_the_clients(world, lockout):
    _post("operator", "wrong", client_ip=OFFICE)
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [PROXY]


def test_one_address_trying_many_accounts_is_locked_for_everyone_at_it(world, behind_proxy):
    for i in range(29):
        assert _post(f"guess-{i}", "wrong", client_ip=ELSEWHERE).status_code == 200
    assert _post("guess-29", "wrong", client_ip=ELSEWHERE).status_code == 429
    locked = _post("operator", PASSWORD, client_ip=ELSEWHERE)
    assert locked.status_code == 429 and 'data-lockout="address"' in locked.content.decode()
    assert _post("operator", PASSWORD, client_ip=OFFICE).status_code == 302


def test_one_account_tried_from_many_addresses_is_locked_with_whom_to_call(world, behind_proxy):
    for i in range(10):
        _post("coordinator", "wrong", client_ip=f"192.0.2.{100 + i}")
    locked = _post("coordinator", PASSWORD, client_ip=HOME)
    html = locked.content.decode()
    assert locked.status_code == 429 and 'data-lockout="account"' in html
    assert "Зателефонуйте координатору (керівнику ЦНАП) або системному адміністратору" in html
    # Colleagues are not affected.
    assert _post("operator", PASSWORD, client_ip=HOME).status_code == 302


def test_the_account_lock_spares_an_address_the_person_logged_in_from_before(world, behind_proxy):
    assert _post("coordinator", PASSWORD, client_ip=OFFICE).status_code == 302
    for i in range(12):
        _post("coordinator", "wrong", client_ip=f"192.0.2.{100 + i}")
    assert _post("coordinator", PASSWORD, client_ip=HOME).status_code == 429
    assert _post("coordinator", PASSWORD, client_ip=OFFICE).status_code == 302
    # A month later that address is no longer "known".
    with _later(31 * 24 * 60):
        for i in range(10):
            _post("coordinator", "wrong", client_ip=f"192.0.2.{150 + i}")
        assert _post("coordinator", PASSWORD, client_ip=OFFICE).status_code == 429


def test_a_lock_ends_by_itself_after_the_cool_off(world, behind_proxy):
    for _ in range(5):
        _post("operator", "wrong", client_ip=OFFICE)
    with _later(14):
        assert _post("operator", PASSWORD, client_ip=OFFICE).status_code == 429
    with _later(16):
        assert _post("operator", PASSWORD, client_ip=OFFICE).status_code == 302


def test_wrong_passwords_during_a_lock_do_not_make_it_longer(world, behind_proxy):
    for i in range(10):
        _post("coordinator", "wrong", client_ip=f"192.0.2.{100 + i}")
    # Someone keeps the pressure on: a wrong password every five minutes from new addresses.
    for minutes in (5, 10, 14):
        with _later(minutes):
            assert _post("coordinator", "wrong", client_ip=f"192.0.2.{200 + minutes}").status_code == 429
    with _later(16):
        assert _post("coordinator", PASSWORD, client_ip=HOME).status_code == 302


def test_a_good_login_forgives_only_that_accounts_failures_at_that_address(world, behind_proxy):
    for i in range(25):
        _post(f"guess-{i}", "wrong", client_ip=OFFICE)
    for _ in range(3):
        _post("operator", "wrong", client_ip=OFFICE)
    assert _post("operator", PASSWORD, client_ip=OFFICE).status_code == 302
    # Only the operator's own three are forgiven: the address's other 25 stand, five more reach its cap.
    for i in range(4):
        assert _post(f"more-{i}", "wrong", client_ip=OFFICE).status_code == 200
    assert _post("more-4", "wrong", client_ip=OFFICE).status_code == 429


def test_lockout_settings_are_checked_at_start():
    from core.tests.test_production_settings import _run

    result = _run(["-c", "import valiza.settings"], VALIZA_LOGIN_ACCOUNT_FAILURE_LIMIT="0")
    assert result.returncode != 0
    assert "VALIZA_LOGIN_ACCOUNT_FAILURE_LIMIT must be a whole number of at least 1" in result.stderr

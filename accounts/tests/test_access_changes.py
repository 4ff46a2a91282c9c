"""Nobody grants themselves a role, a community or admin rights — the system administrator included
(finding 6) — and every change to a staff account's reach is recorded and shown to the community's
coordinator, with the logins of its staff."""

import datetime
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import changes, roles
from accounts.models import AccessChange, User
from conftest import PASSWORD


class _FormValues(HTMLParser):
    """The values a browser would send for the admin's change form, as it is rendered."""

    def __init__(self):
        super().__init__()
        self.data, self._select, self._textarea = {}, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.data.setdefault(name, []).append(a.get("value", "on"))
            else:
                self.data[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select].append(a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def admin_form(client, url):
    parser = _FormValues()
    parser.feed(client.get(url).content.decode())
    return {k: v for k, v in parser.data.items() if k != "csrfmiddlewaretoken"}


@pytest.fixture(autouse=True)
def _only_this_tests_changes(world):
    # Building the personas recorded their accounts' creation; each test looks at its own changes.
    AccessChange.objects.all().delete()
    # The admin form posts back the accounts' dates in local time; at the second 03:30 of the night the
    # clocks go back (a moment `make test-dates` runs at) that time is ambiguous and the form refuses it.
    User.objects.update(date_joined=datetime.datetime(2026, 1, 15, 10, tzinfo=datetime.UTC), last_login=None)


@pytest.fixture
def admin_client(world):
    # As load_demo makes them: all rights in the admin site (the personas' sysadmin has staff status only).
    User.objects.filter(pk=world.users["sysadmin"].pk).update(is_superuser=True)
    world.users["sysadmin"].refresh_from_db()
    client = Client()
    client.force_login(world.users["sysadmin"])  # with the code given (accounts/tests/second_factor.py)
    User.objects.filter(pk=world.users["sysadmin"].pk).update(last_login=None)  # "now": see above
    return client


def change_url(user):
    return f"/admin/accounts/user/{user.pk}/change/"


def test_the_system_administrator_cannot_make_themselves_a_coordinator_in_the_admin(world, admin_client):
    sysadmin = world.users["sysadmin"]
    data = admin_form(admin_client, change_url(sysadmin))
    data.update(role=roles.COORDINATOR, community=str(world.a.pk))
    response = admin_client.post(change_url(sysadmin), data)
    assert response.status_code == 200
    assert "Власну роль, громаду чи права змінювати не можна" in response.content.decode()
    sysadmin.refresh_from_db()
    assert sysadmin.role == roles.SYSADMIN and sysadmin.community_id is None
    assert admin_client.get("/staff/requests/").status_code == 403
    assert not AccessChange.objects.exists()


@pytest.mark.parametrize("field", ["is_superuser", "groups", "provider"])
def test_nor_change_their_own_rights(world, admin_client, field):
    from django.contrib.auth.models import Group

    from catalogue.models import Provider

    sysadmin = world.users["sysadmin"]
    data = admin_form(admin_client, change_url(sysadmin))
    if field == "is_superuser":
        data.pop("is_superuser")
    elif field == "groups":
        data["groups"] = [str(Group.objects.create(name="Усі права").pk)]
    else:
        data["provider"] = str(Provider.objects.first().pk)
    response = admin_client.post(change_url(sysadmin), data)
    assert response.status_code == 200
    assert "Власну роль, громаду чи права змінювати не можна" in response.content.decode()


def test_the_administrator_may_still_edit_their_own_name(world, admin_client):
    sysadmin = world.users["sysadmin"]
    data = admin_form(admin_client, change_url(sysadmin))
    data["first_name"] = "Тарас"
    assert admin_client.post(change_url(sysadmin), data).status_code == 302
    sysadmin.refresh_from_db()
    assert sysadmin.first_name == "Тарас"


def test_whoever_says_who_acts_is_refused_their_own_access_at_the_save_itself(world):
    sysadmin = world.users["sysadmin"]
    sysadmin.role, sysadmin.community = roles.COORDINATOR, world.a
    with changes.acting(sysadmin, sysadmin), pytest.raises(ValidationError):
        sysadmin.save()
    assert User.objects.get(pk=sysadmin.pk).role == roles.SYSADMIN


def test_a_role_given_by_the_administrator_is_recorded_and_shown_to_the_coordinator(world, admin_client):
    technician = world.users["technician"]
    data = admin_form(admin_client, change_url(technician))
    data["role"] = roles.COORDINATOR
    assert admin_client.post(change_url(technician), data).status_code == 302
    change = AccessChange.objects.get()
    assert (change.by, change.user, change.what) == (world.users["sysadmin"], technician, "role")
    assert (change.before, change.after) == ("Технік", "Координатор")
    coordinator = Client()
    coordinator.force_login(world.users["coordinator"])
    page = coordinator.get("/staff/team-changes/").content.decode()
    assert "sysadmin" in page and "technician" in page and "Технік" in page and "Координатор" in page
    other = Client()
    other.force_login(world.b_coordinator)
    assert "technician" not in other.get("/staff/team-changes/").content.decode()


def test_a_move_between_communities_is_shown_to_both(world, admin_client):
    operator = world.users["operator"]
    data = admin_form(admin_client, change_url(operator))
    data["community"] = str(world.b.pk)
    assert admin_client.post(change_url(operator), data).status_code == 302
    change = AccessChange.objects.get(what="community")
    assert (change.before, change.after) == ("Громада А", "Громада Б")
    for coordinator in (world.users["coordinator"], world.b_coordinator):
        client = Client()
        client.force_login(coordinator)
        assert "Громада Б" in client.get("/staff/team-changes/").content.decode()


def test_a_new_coordinator_account_and_its_logins_are_shown(world, admin_client, settings):
    settings.AXES_ENABLED = True
    data = admin_form(admin_client, "/admin/accounts/user/add/")
    data.update(username="new-boss", password1="Зелений чайник о сьомій", password2="Зелений чайник о сьомій",
                usable_password="true", role=roles.COORDINATOR, community=str(world.a.pk))
    response = admin_client.post("/admin/accounts/user/add/", data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    created = AccessChange.objects.get(username="new-boss")
    assert created.what == "created" and created.by == world.users["sysadmin"]
    assert "Координатор" in created.after and "Громада А" in created.after
    # The administrator then logs in as it (the password step is enough to show up).
    Client().post("/staff/login/", {"username": "new-boss", "password": "Зелений чайник о сьомій"})
    coordinator = Client()
    coordinator.force_login(world.users["coordinator"])
    page = coordinator.get("/staff/team-changes/").content.decode()
    changes_table, logins_table = page.split('id="access-changes"')[1].split('id="staff-logins"')
    assert "new-boss" in changes_table and "обліковий запис створено" in changes_table
    assert "new-boss" in logins_table


def test_a_password_set_by_the_administrator_is_recorded(world, admin_client):
    operator = world.users["operator"]
    url = f"/admin/accounts/user/{operator.pk}/password/"
    response = admin_client.post(url, {"password1": "Нова весна над Дніпром", "password2": "Нова весна над Дніпром",
                                       "usable_password": "true", "set_usable_password": "true"})
    assert response.status_code == 302, response.content.decode()[-2000:]
    change = AccessChange.objects.get()
    assert (change.what, change.user, change.by) == ("password", operator, world.users["sysadmin"])


def test_the_administrator_resets_a_second_factor_by_a_recorded_action_only(world, admin_client):
    coordinator = world.users["coordinator"]
    TOTPDevice.objects.create(user=coordinator, name="Телефон", confirmed=True)
    response = admin_client.post("/admin/accounts/user/", {"action": "reset_second_factor",
                                                           "_selected_action": [str(coordinator.pk)]})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    assert not StaticDevice.objects.filter(user=coordinator).exists()
    assert AccessChange.objects.get().what == "second_factor"
    # No page in the admin makes or shows devices.
    assert admin_client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert admin_client.get("/admin/otp_static/staticdevice/").status_code == 404


def test_a_change_made_outside_the_admin_is_recorded_too(world):
    operator = world.users["operator"]
    operator.role = roles.COORDINATOR
    operator.save()
    change = AccessChange.objects.get()
    assert change.by is None and change.what == "role"
    client = Client()
    client.force_login(world.users["coordinator"])
    assert "не через налаштування" in client.get("/staff/team-changes/").content.decode()


def test_a_login_saves_only_the_last_login_and_records_nothing(world):
    Client().post("/staff/login/", {"username": "operator", "password": PASSWORD})
    assert not AccessChange.objects.exists()


def test_a_starostas_settlements_given_in_the_admin_are_recorded_and_kept_in_their_community(world, admin_client):
    # Issue 12: the settlements decide whom a starosta files requests for and what schedule they see.
    starosta = world.users["starosta"]
    data = admin_form(admin_client, change_url(starosta))
    data["settlements"] = [str(world.village.pk), str(world.city.pk)]
    assert admin_client.post(change_url(starosta), data).status_code == 302
    change = AccessChange.objects.get()
    assert (change.by, change.user, change.what) == (world.users["sysadmin"], starosta, "settlements")
    assert (change.before, change.after) == ("Далеке", "Далеке, Місто")
    assert change.community_after_id == world.a.pk
    # Another community's village is refused, and nothing changes.
    data["settlements"] = [str(world.village.pk), str(world.b_city.pk)]
    response = admin_client.post(change_url(starosta), data)
    assert response.status_code == 200 and "Оберіть населені пункти громади цього працівника" in response.content.decode()
    assert set(starosta.settlements.values_list("name", flat=True)) == {"Далеке", "Місто"}
    assert AccessChange.objects.count() == 1

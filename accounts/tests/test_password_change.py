"""Staff change their own password; a new one is checked against the common-password list (a wrong
keyboard layout included) and the person's own data, with messages in Ukrainian."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from conftest import PASSWORD


def _change(client, new, old=PASSWORD):
    return client.post("/staff/account/password/", {"old_password": old, "new_password1": new, "new_password2": new})


@pytest.mark.parametrize(("password", "message"), [
    ("short1", "Пароль закороткий: потрібно щонайменше 10 символів"),
    ("password123", "є в переліках найпоширеніших паролів"),
    ("йцукенгшщз", "є в переліках найпоширеніших паролів"),  # "qwertyuiop" with the Ukrainian layout on
    ("Пароль", "Пароль закороткий"),
    ("пароль", "є в переліках найпоширеніших паролів"),
    ("3806712345678", "лише з цифр"),
    ("operator2026", "надто схожий на дані вашого облікового запису (ім'я користувача)"),
    ("+380671234567", "надто схожий на дані вашого облікового запису (телефон)"),
])
def test_a_weak_new_password_is_refused_with_a_reason(world, password, message):
    user = world.users["operator"]
    user.phone = "+380671234567"
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    assert any(message in m for m in refused.value.messages), refused.value.messages


def test_a_good_password_passes(world):
    validate_password("тиха річка за селом", world.users["operator"])
    validate_password("correct horse battery staple", world.users["coordinator"])


def test_staff_change_their_password_and_other_sessions_end(world):
    user = world.users["operator"]
    client, elsewhere = Client(), Client()
    client.force_login(user)
    elsewhere.force_login(user)
    page = client.get("/staff/account/password/").content.decode()
    assert '<label for="id_old_password">Поточний пароль' in page and 'autocomplete="new-password"' in page
    response = _change(client, "operator2026")
    assert response.status_code == 200 and "надто схожий на дані вашого облікового запису" in response.content.decode()
    assert "Поточний пароль введено неправильно" in _change(client, "тиха річка за селом", old="wrong").content.decode()
    response = _change(client, "тиха річка за селом")
    assert response.status_code == 302 and response["Location"] == "/staff/account/"
    assert client.get("/staff/requests/").status_code == 200
    assert elsewhere.get("/staff/requests/").status_code == 302  # logged out there
    user.refresh_from_db()
    assert user.check_password("тиха річка за селом")


def test_the_staff_header_links_to_the_password_page(world):
    client = Client()
    client.force_login(world.users["technician"])
    assert 'href="/staff/account/password/"' in client.get("/staff/").content.decode()

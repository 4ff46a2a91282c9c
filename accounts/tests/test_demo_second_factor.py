"""Whoever tries the demo can log in as the coordinator: load_demo gives the demo users with a second
factor an authenticator of their own, and `demo_code` prints the code it shows now."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from demo.management.commands.load_demo import DEMO_PASSWORD


def test_the_demo_coordinator_logs_in_with_the_printed_code(db):
    out = io.StringIO()
    call_command("load_demo", requests=4, stdout=out)
    printed = out.getvalue()
    assert "manage.py demo_code coordinator" in printed
    assert re.search(r"coordinator\s+ключ [A-Z2-7]{4}( [A-Z2-7]{4}){7}", printed), printed
    assert re.search(r"sysadmin\s+ключ ", printed) and not re.search(r"operator\s+ключ ", printed)

    client = Client()
    response = client.post("/staff/login/", {"username": "coordinator", "password": DEMO_PASSWORD})
    assert response["Location"] == "/staff/login/code/?next=%2Fstaff%2F"
    code = io.StringIO()
    call_command("demo_code", "coordinator", stdout=code)
    digits = code.getvalue().split()[0]
    assert re.fullmatch(r"\d{6}", digits)
    assert client.post("/staff/login/code/", {"code": digits})["Location"] == "/staff/"
    assert client.get("/staff/requests/").status_code == 200

    # Run again (make run does): the same key, nothing new.
    again = io.StringIO()
    call_command("load_demo", requests=4, stdout=again)
    key = re.search(r"coordinator\s+ключ ([A-Z2-7 ]+)", printed).group(1)
    assert f"coordinator  ключ {key}" in again.getvalue()


def test_demo_code_is_no_way_around_a_real_persons_second_factor(world):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=world.users["coordinator"], name="Застосунок-автентифікатор", confirmed=True)
    with pytest.raises(CommandError, match="no demo authenticator"):
        call_command("demo_code", "coordinator")

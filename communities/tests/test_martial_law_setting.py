"""VALIZA_MARTIAL_LAW_UNTIL: empty, none, or the last day of martial law; anything else stops the start."""

import os
import secrets
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from valiza.settings import env_martial_law_until

ROOT = Path(__file__).resolve().parents[2]
# A key a server would accept (settings refuse a weak one when debug is off).
SERVER_KEY = secrets.token_urlsafe(50)
NAME = "VALIZA_MARTIAL_LAW_UNTIL"


@pytest.mark.parametrize(("value", "expected"), [
    ("", None),
    ("  ", None),
    ("none", date.min),
    ("None", date.min),
    ("2027-05-09", date(2027, 5, 9)),
])
def test_values_the_setting_accepts(monkeypatch, value, expected):
    monkeypatch.setenv(NAME, value)
    assert env_martial_law_until(NAME) == expected


def test_an_unset_variable_means_martial_law_in_force(monkeypatch):
    monkeypatch.delenv(NAME, raising=False)
    assert env_martial_law_until(NAME) is None


def test_a_date_in_another_format_is_refused(monkeypatch):
    monkeypatch.setenv(NAME, "09.05.2027")
    with pytest.raises(ImproperlyConfigured, match="YYYY-MM-DD"):
        env_martial_law_until(NAME)


def test_settings_refuse_to_start_with_a_wrong_value():
    clean = {k: v for k, v in os.environ.items() if not k.startswith("VALIZA_") and k != "DATABASE_URL"}
    clean.update({"VALIZA_ENV_FILE": "/nonexistent", "VALIZA_SECRET_KEY": SERVER_KEY, NAME: "soon"})
    result = subprocess.run([sys.executable, "-c", "import valiza.settings"], cwd=ROOT, env=clean,
                            capture_output=True, text=True, check=False)
    assert result.returncode != 0 and "VALIZA_MARTIAL_LAW_UNTIL must be empty" in result.stderr

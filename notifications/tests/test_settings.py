import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# A key a server would accept (settings refuse a weak one when debug is off).
SERVER_KEY = secrets.token_urlsafe(50)


def _import_settings(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("VALIZA_") and k != "DATABASE_URL"}
    clean.update({"VALIZA_ENV_FILE": "/nonexistent", "VALIZA_SECRET_KEY": SERVER_KEY, **env})
    return subprocess.run([sys.executable, "-c", "import valiza.settings as s; print(s.TASKS['default']['BACKEND'])"],
                          cwd=ROOT, env=clean, capture_output=True, text=True, check=False)


def test_settings_default_to_the_database_task_backend_and_the_file_gateway():
    result = _import_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django_tasks_db.DatabaseBackend"


def test_settings_refuse_an_unknown_gateway_or_task_backend():
    result = _import_settings(VALIZA_SMS_GATEWAY="pigeon")
    assert result.returncode != 0 and "VALIZA_SMS_GATEWAY must be" in result.stderr
    result = _import_settings(VALIZA_TASKS_BACKEND="cron")
    assert result.returncode != 0 and "VALIZA_TASKS_BACKEND must be" in result.stderr


def test_turbosms_needs_a_token_and_a_sender():
    result = _import_settings(VALIZA_SMS_GATEWAY="turbosms", VALIZA_TURBOSMS_SENDER="Valiza")
    assert result.returncode != 0 and "VALIZA_TURBOSMS_TOKEN" in result.stderr
    result = _import_settings(VALIZA_SMS_GATEWAY="turbosms", VALIZA_TURBOSMS_SENDER="Valiza",
                              VALIZA_TURBOSMS_TOKEN="t")
    assert result.returncode == 0, result.stderr

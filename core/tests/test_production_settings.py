"""Production settings come from the environment and pass Django's deployment checks with no warning;
a wrong value of the new settings stops the start with a message naming it."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "VALIZA_DEBUG": "false", "VALIZA_ALLOWED_HOSTS": "valiza.example.gov.ua",
    "VALIZA_CSRF_TRUSTED_ORIGINS": "https://valiza.example.gov.ua", "VALIZA_SECURE_COOKIES": "true",
    "VALIZA_SSL_REDIRECT": "true", "VALIZA_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO",
    "VALIZA_HSTS_SECONDS": "31536000", "VALIZA_HSTS_INCLUDE_SUBDOMAINS": "true", "VALIZA_HSTS_PRELOAD": "true",
}


def _run(args, **env):
    # As on a server: none of this checkout's or this test run's settings (conftest allows async-unsafe
    # ORM calls for Playwright, which the deployment checks rightly refuse).
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("VALIZA_") and k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    clean.update({"VALIZA_ENV_FILE": "/nonexistent", "VALIZA_SECRET_KEY": secrets.token_urlsafe(50), **env})
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120)


def test_production_settings_pass_the_deployment_checks_without_a_warning():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_https_settings_the_deployment_checks_fail():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                  **{**PRODUCTION, "VALIZA_HSTS_SECONDS": "0", "VALIZA_SSL_REDIRECT": "false"})
    assert result.returncode != 0 and "security.W004" in result.stderr + result.stdout


def test_wrong_values_of_the_new_settings_stop_the_start():
    for name, value, message in (
        ("VALIZA_SENDFILE", "apache", "VALIZA_SENDFILE must be empty or nginx"),
        ("VALIZA_SENDFILE_URL", "protected", "VALIZA_SENDFILE_URL must be a path"),
        ("VALIZA_PROXY_SSL_HEADER", "X-Forwarded-Proto", "VALIZA_PROXY_SSL_HEADER must be a request header"),
        ("VALIZA_HSTS_SECONDS", "a year", "VALIZA_HSTS_SECONDS must be a whole number"),
    ):
        result = _run(["-c", "import valiza.settings"], **{name: value})
        assert result.returncode != 0 and message in result.stderr, (name, result.stderr[-300:])


def test_a_server_refuses_a_weak_or_example_secret():
    for key, reason in (("change-me", "an example value"), ("Change_Me_" + secrets.token_urlsafe(50), "an example value"),
                        ("django-insecure-" + secrets.token_urlsafe(50), "an example value"),
                        (secrets.token_urlsafe(30), "fewer than 50"), ("ab" * 40, "fewer than 5 different")):
        result = _run(["-c", "import valiza.settings"], VALIZA_SECRET_KEY=key)
        assert result.returncode != 0, key
        assert "VALIZA_SECRET_KEY is too weak for a server" in result.stderr and reason in result.stderr, key
        assert key not in result.stderr  # the message never repeats the secret
    assert _run(["-c", "import valiza.settings"]).returncode == 0
    # A developer's machine (debug on) takes any.
    assert _run(["-c", "import valiza.settings"], VALIZA_SECRET_KEY="change-me", VALIZA_DEBUG="true").returncode == 0


def test_cookies_are_https_only_unless_explicitly_off():
    show = "import valiza.settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    assert _run(["-c", show]).stdout.split() == ["True", "True"]
    assert _run(["-c", show], VALIZA_DEBUG="true").stdout.split() == ["True", "True"]
    assert _run(["-c", show], VALIZA_SECURE_COOKIES="false").stdout.split() == ["False", "False"]
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    assert re.search(r"^VALIZA_SECURE_COOKIES=true\b", example, re.M)
    # The .env that `make run` writes for this machine's plain http says so.
    assert "VALIZA_SECURE_COOKIES=false" in (ROOT / "Makefile").read_text(encoding="utf-8")

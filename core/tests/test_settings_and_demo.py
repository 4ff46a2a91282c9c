import ast
import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.core.management import call_command

from accounts.models import User
from catalogue.models import Service
from communities.models import Community
from visits.models import StatusChange, VisitRequest

ROOT = Path(__file__).resolve().parents[2]
# A key a server would accept (settings refuse a weak one when debug is off).
SERVER_KEY = secrets.token_urlsafe(50)


def _import_settings(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("VALIZA_") and k != "DATABASE_URL"}
    clean.update({"VALIZA_ENV_FILE": "/nonexistent", **env})
    return subprocess.run(
        [sys.executable, "-c", "import valiza.settings"], cwd=ROOT, env=clean,
        capture_output=True, text=True,
    )


def test_settings_refuse_to_start_without_secret_key():
    result = _import_settings()
    assert result.returncode != 0 and "VALIZA_SECRET_KEY is not set" in result.stderr


def test_settings_refuse_a_wrong_boolean_or_number():
    result = _import_settings(VALIZA_SECRET_KEY=SERVER_KEY, VALIZA_DEBUG="maybe")
    assert result.returncode != 0 and "VALIZA_DEBUG must be true or false" in result.stderr
    result = _import_settings(VALIZA_SECRET_KEY=SERVER_KEY, VALIZA_MAX_BODY_BYTES="lots")
    assert result.returncode != 0 and "VALIZA_MAX_BODY_BYTES must be a whole number" in result.stderr


def test_settings_refuse_an_unknown_database_url():
    result = _import_settings(VALIZA_SECRET_KEY=SERVER_KEY, DATABASE_URL="nosuchdb://x")
    assert result.returncode != 0


IMG_SRC = "import valiza.settings as s; print(' '.join(s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']))"


def _img_src(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("VALIZA_")}
    clean.update({"VALIZA_ENV_FILE": "/nonexistent", "VALIZA_SECRET_KEY": SERVER_KEY, **env})
    return subprocess.run(
        [sys.executable, "-c", IMG_SRC],
        cwd=ROOT, env=clean, capture_output=True, text=True,
    )


def test_map_tile_host_is_allowed_by_the_csp_only_when_configured():
    # OpenStreetMap's tiles by default (issue 10); an empty setting turns tiles off.
    assert _img_src().stdout.split() == ["'self'", "data:", "https://tile.openstreetmap.org"]
    assert _img_src(VALIZA_MAP_TILE_URL="").stdout.split() == ["'self'", "data:"]
    result = _img_src(VALIZA_MAP_TILE_URL="https://{s}.tiles.example.org/osm/{z}/{x}/{y}.png")
    assert result.stdout.split() == ["'self'", "data:", "https://*.tiles.example.org"]
    result = _img_src(VALIZA_MAP_TILE_URL="http://127.0.0.1:8080/{z}/{x}/{y}.png")
    assert result.stdout.split()[-1] == "http://127.0.0.1:8080"


MAP = ("import valiza.settings as s; print(repr((s.VALIZA_MAP_TILE_URL, s.VALIZA_MAP_TILE_ATTRIBUTION)))")


def _map(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("VALIZA_")}
    clean.update({"VALIZA_ENV_FILE": "/nonexistent", "VALIZA_SECRET_KEY": SERVER_KEY, **env})
    return subprocess.run([sys.executable, "-c", MAP], cwd=ROOT, env=clean, capture_output=True, text=True).stdout


def test_openstreetmap_tiles_by_default_with_their_attribution():
    url, attribution = ast.literal_eval(_map())
    assert url == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert "OpenStreetMap contributors" in attribution and "openstreetmap.org/copyright" in attribution
    assert ast.literal_eval(_map(VALIZA_MAP_TILE_URL="")) == ("", "")
    other = ast.literal_eval(_map(VALIZA_MAP_TILE_URL="https://tiles.example.org/{z}/{x}/{y}.png"))
    assert other == ("https://tiles.example.org/{z}/{x}/{y}.png", "")


def test_settings_refuse_a_wrong_tile_url():
    for bad in ("tiles.example.org/{z}/{x}/{y}.png", "https://tiles.example.org/map.png",
                "javascript:alert(1)//{z}/{x}/{y}", "https://a.{s}.example.org/{z}/{x}/{y}.png"):
        result = _img_src(VALIZA_MAP_TILE_URL=bad)
        assert result.returncode != 0 and "VALIZA_MAP_TILE_URL must be an http(s) tile URL" in result.stderr, bad


def test_secret_key_can_come_from_a_file(tmp_path):
    key = tmp_path / "key"
    key.write_text(SERVER_KEY + "\n")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("VALIZA_")}
    clean.update({"VALIZA_ENV_FILE": "/nonexistent", "VALIZA_SECRET_KEY_FILE": str(key)})
    result = subprocess.run([sys.executable, "-c", "import valiza.settings as s; print(s.SECRET_KEY)"],
                            cwd=ROOT, env=clean, capture_output=True, text=True)
    assert result.stdout.strip() == SERVER_KEY


def test_demo_data_loads_twice_without_duplicates(db):
    call_command("load_demo", quiet=True)
    counts = (Community.objects.count(), Service.objects.count(), User.objects.count(),
              VisitRequest.objects.count(), StatusChange.objects.count())
    call_command("load_demo", quiet=True)
    assert counts == (Community.objects.count(), Service.objects.count(), User.objects.count(),
                      VisitRequest.objects.count(), StatusChange.objects.count())
    assert counts[0] == 1 and counts[3] == 30
    statuses = set(VisitRequest.objects.values_list("status", flat=True))
    assert statuses == {"new", "needs_info", "accepted", "rejected", "scheduled"}
    # The field administrator has today's published trip to load in the field client, made once.
    from django.utils import timezone

    from planning.models import Trip

    trip = Trip.objects.get(day=timezone.localdate(), plan__state="published")
    assert trip.team.members.filter(username="field").exists()
    assert 1 <= trip.stops.count() <= 5
    assert all(s.request.status == "scheduled" for s in trip.stops.all())
    community = Community.objects.get()
    assert community.settlements.filter(is_remote=True).exists()
    assert {u.role for u in User.objects.all()} == {"operator", "coordinator", "field_admin", "partner",
                                                     "technician", "sysadmin", "quality", "starosta",
                                                     "communications"}
    # The demo starosta and district council answer for the remote village (issue 12).
    assert [s.is_remote for s in User.objects.get(username="starosta").settlements.all()] == [True]
    assert community.district_contacts.get().settlements.get().is_remote
    assert Service.objects.filter(mobile_allowed=False).exists()
    # A woman's name with a woman's patronymic, a man's with a man's (never "Олег Миколаївна").
    from demo.management.commands.load_demo import MEN, WOMEN

    for name in VisitRequest.objects.values_list("applicant_name", flat=True):
        _family, given, patronymic = name.split()
        assert given in WOMEN + MEN, name
        assert patronymic.endswith("вна") == (given in WOMEN), name
        assert patronymic.endswith("вич") == (given in MEN), name
    # The quality officer is a woman with a woman's surname (Відгукова, not Відгуков).
    officer = User.objects.get(role="quality")
    assert officer.first_name in WOMEN and officer.last_name.endswith("ова"), officer

"""The field client's pages: the app shell (login and field.work), its service worker and manifest."""

import json
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from field.tests.factories import published_trip
from field.views import STATIC_ASSETS

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_the_staff_login_and_back(client):
    response = client.get("/field/")
    assert response.status_code == 302
    assert response["Location"] == "/staff/login/?next=/field/"


# (the partner specialist works joint trips on the field client too: issue 12, field/tests/test_partner.py)
@pytest.mark.parametrize("role", ["operator", "coordinator", "technician", "sysadmin", "starosta"])
def test_roles_without_field_work_get_403(world, login, role):
    assert login(world.users[role]).get("/field/").status_code == 403


def test_field_administrator_gets_the_shell_with_its_scripts_and_manifest(world, login):
    response = login(world.users["field_admin"]).get("/field/")
    assert response.status_code == 200
    html = response.content.decode()
    # One entry module; it imports the others (the service worker keeps them all, see below).
    assert '<script type="module" src="/static/field/main.js"></script>' in html
    assert '<link rel="modulepreload" href="/static/field/db.js">' in html
    assert 'rel="manifest" href="/field/manifest.webmanifest"' in html
    assert 'lang="uk"' in html
    # The service worker keeps its own copy; the browser's HTTP cache must not.
    assert "no-store" in response["Cache-Control"]


def test_the_shell_holds_no_personal_data_nor_any_token(world, login):
    """It is cached on the laptop: the day's people, the user and the CSRF token come from the API."""
    published_trip(world)
    user = world.users["field_admin"]
    user.first_name, user.last_name = "Олена", "Адміністраторка"
    user.save()
    html = login(user).get("/field/").content.decode()
    for secret in ("Олена", "Адміністраторка", user.username, "Відвідувана Особа", "Польова", "+38067",
                   "csrfmiddlewaretoken", "csrftoken", world.a.name):
        assert secret not in html, secret
    assert "<script>" not in html and "style=" not in html  # strict CSP: no inline script or style


def test_the_shell_declares_its_automation_hooks(world, login):
    html = login(world.users["field_admin"]).get("/field/").content.decode()
    for testid in ("nav-day", "nav-outbox", "outbox-badge", "net-status", "logout", "app"):
        assert f'data-testid="{testid}"' in html


@pytest.mark.parametrize("who", [None, "field_admin", "operator"])
def test_service_worker_is_javascript_from_field_and_never_cached(world, client, who):
    if who:
        client.force_login(world.users[who])
    response = client.get("/field/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    assert 'const SHELL = "/field/";' in body
    assert 'url.pathname.startsWith("/api/")' in body  # the API is never cached


def test_service_worker_caches_every_asset_of_the_shell_under_a_versioned_name(client):
    body = client.get("/field/sw.js").content.decode()
    version = body.split('const VERSION = "', 1)[1].split('"', 1)[0]
    assert len(version) == 12
    assert 'const CACHE = "valiza-field-" + VERSION;' in body
    assets = json.loads(body.split("const ASSETS = ", 1)[1].split(";\n", 1)[0])
    assert assets == [f"/static/{a}" for a in STATIC_ASSETS]
    for asset in STATIC_ASSETS:
        assert finders.find(asset), asset


def test_the_service_worker_keeps_every_module_the_client_imports():
    """Offline, a module missing from the worker's cache would stop the whole app from starting."""
    import posixpath
    import re

    field_dir = Path(finders.find("field/main.js")).parent
    on_disk = {f"field/{p.name}" for p in field_dir.glob("*.js")}
    assert on_disk <= set(STATIC_ASSETS), on_disk - set(STATIC_ASSETS)
    imported = set()
    for name in sorted(a for a in STATIC_ASSETS if a.endswith(".js")):
        text = Path(finders.find(name)).read_text()
        for target in re.findall(r'^(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"', text, re.M | re.S):
            assert target.startswith("."), (name, target)  # no bare names: there is no build step
            imported.add(posixpath.normpath(posixpath.join(posixpath.dirname(name), target)))
    assert {"field/db.js", "vendor/idb-8.0.4/index.js", "vendor/noble-hashes-2.4.0/sha256.js"} <= imported
    assert imported <= set(STATIC_ASSETS), imported - set(STATIC_ASSETS)


def test_the_cache_version_changes_with_the_assets(client, monkeypatch):
    from field import views

    before = client.get("/field/sw.js").content.decode()
    monkeypatch.setattr(views, "STATIC_ASSETS", views.STATIC_ASSETS[:-1])
    after = client.get("/field/sw.js").content.decode()
    assert before.split('VERSION = "')[1][:12] != after.split('VERSION = "')[1][:12]


def test_manifest_starts_the_app_at_field(client):
    response = client.get("/field/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["start_url"] == "/field/" and data["scope"] == "/field/"
    assert data["lang"] == "uk" and data["display"] == "standalone"
    assert data["icons"][0]["src"] == "/static/field/icon.svg"


def test_field_administrator_home_page_links_to_the_field_client(world, login):
    html = login(world.users["field_admin"]).get("/staff/").content.decode()
    assert 'href="/field/"' in html


def test_other_roles_home_page_has_no_field_client_link(world, login):
    html = login(world.users["technician"]).get("/staff/").content.decode()
    assert 'href="/field/"' not in html

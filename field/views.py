"""The offline field client (ADR 7): the app shell, its service worker and its manifest.

The shell is cached on the laptop by the service worker, so it carries no personal data and no
per-user token: everything the day needs comes from the API (`/api/v1/field/…`) into IndexedDB.
"""

import hashlib
import json

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts.access import public, staff_required

# What the service worker keeps for offline use, beside the shell: every ES module of the client
# (a test checks each one imported is listed) and the vendored modules they import. Order does not matter.
CLIENT_MODULES = (
    "main", "dom", "db", "net", "hash", "storage", "state", "limits", "sync", "day", "stop", "payment", "act",
    "photos", "video", "outbox", "reception", "instructions",
)
STATIC_ASSETS = (
    "css/valiza.css",
    "field/field.css",
    *(f"field/{name}.js" for name in CLIENT_MODULES),
    "vendor/idb-8.0.4/index.js",
    "vendor/noble-hashes-2.4.0/sha256.js",
    "field/icon.svg",
    "favicon.svg",
)


def _cache_version():
    """A short hash of the shell template and every cached asset: a change of any of them gives a
    new cache name, so the laptop drops the old copies on its next visit online."""
    digest = hashlib.sha256()
    for name in ("field/shell.html", "field/sw.js"):
        digest.update(get_template(name).template.source.encode())
    for asset in STATIC_ASSETS:
        path = finders.find(asset)
        if path:
            with open(path, "rb") as fh:
                digest.update(fh.read())
    return digest.hexdigest()[:12]


@never_cache
@staff_required("field.work")
def shell(request):
    modules = [a for a in STATIC_ASSETS if a.endswith(".js") and a != "field/main.js"]
    return render(request, "field/shell.html", {"modules": modules})


@never_cache
@public
def service_worker(request):
    """Served from /field/ so its scope is /field/; no personal data, so no login needed (the
    browser re-fetches it to look for updates, logged in or not)."""
    body = get_template("field/sw.js").render({
        "version": _cache_version(),
        "assets_json": json.dumps([static(a) for a in STATIC_ASSETS]),
    })
    return HttpResponse(body, content_type="text/javascript; charset=utf-8")


@public
def manifest(request):
    data = {
        "name": _("Валіза — виїзд"),
        "short_name": _("Валіза"),
        "description": _("Робота на виїзді без інтернету: зупинки дня, документи, оплата, акти."),
        "lang": "uk",
        "start_url": "/field/",
        "scope": "/field/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#005bbb",
        "icons": [{"src": static("field/icon.svg"), "sizes": "any", "type": "image/svg+xml"}],
    }
    response = HttpResponse(json.dumps(data, ensure_ascii=False), content_type="application/manifest+json")
    response["Cache-Control"] = "no-cache"
    return response

"""Issue 9: the API's schema and docs page list every endpoint that serves personal data, so they are
served to staff only (any role); citizens' pages and the public catalogue are not affected."""

import json

import pytest
from django.test import Client
from ninja.responses import NinjaJSONEncoder

from valiza.api import api

ROLES = ["operator", "coordinator", "field_admin", "partner", "technician", "sysadmin"]


@pytest.mark.parametrize("url", ["/api/v1/openapi.json", "/api/v1/docs"])
def test_an_anonymous_visitor_is_sent_to_the_login_page(db, url):
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/staff/login/?next={url}"


@pytest.mark.parametrize("role", ROLES)
def test_staff_of_any_role_read_the_schema_and_the_docs(world, role):
    client = Client()
    client.force_login(world.users[role])
    assert client.get("/api/v1/docs").status_code == 200
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    # What the field tests check answers against (field/tests/openapi.py) is what is served.
    assert response.json() == json.loads(json.dumps(api.get_openapi_schema(), cls=NinjaJSONEncoder))


def test_a_logged_in_user_without_a_role_is_refused(world):
    from accounts.models import User

    nobody = User.objects.create_user(username="nobody", password="x-pass-123", role="")
    client = Client()
    client.force_login(nobody)
    assert client.get("/api/v1/openapi.json").status_code == 403


def test_citizens_pages_and_the_public_catalogue_are_not_affected(world):
    client = Client()
    for url in ("/", f"/{world.a.slug}/", f"/{world.a.slug}/request/", f"/{world.a.slug}/points/",
                "/api/v1/catalogue/services"):
        assert client.get(url, follow=True).status_code == 200, url
    assert any(s["code"] == "RES-REG" for s in client.get("/api/v1/catalogue/services").json())

"""No copy of a page with personal data stays in a browser's or a proxy's cache: every staff and admin
page, the citizens' status and confirmation pages and every answer to a form send Cache-Control:
no-store (finding 9); pages with nothing personal stay cacheable."""

from django.test import Client

from core.tests import test_access_matrix as matrix

PERSONAL_PUBLIC = {"public:request_done", "public:status", "points:book", "points:booked", "points:manage"}


def _no_store(response):
    return "no-store" in response.get("Cache-Control", "")


def test_every_staff_page_says_no_store_to_every_role(world):
    problems = []
    for key in matrix.ACCESS:
        if key.startswith("api/") or "GET" not in matrix.ACCESS[key]:
            continue
        url = matrix._url(world, key)
        if not url.startswith("/staff/") and key not in PERSONAL_PUBLIC:
            continue
        for who in matrix.EVERYONE:
            response = matrix._client(world, who).get(url)
            if not _no_store(response):
                problems.append(f"{who}: GET {url} ({response.status_code}): {response.get('Cache-Control')}")
    assert not problems, "\n".join(problems)


def test_the_admin_site_says_no_store(world):
    client = Client()
    client.force_login(world.users["sysadmin"])
    for url in ("/admin/", "/admin/accounts/user/", "/admin/login/"):
        assert _no_store(client.get(url)), url


def test_the_status_page_with_a_request_found_says_no_store(world):
    response = Client().post(f"/{world.a.slug}/status/", {"number": world.req.number, "phone": "067 123 45 67"})
    assert world.req.number in response.content.decode() and _no_store(response)


def test_pages_without_personal_data_stay_cacheable(world):
    client = Client()
    for url in ("/", f"/{world.a.slug}/", f"/{world.a.slug}/points/", "/static/css/valiza.css"):
        response = client.get(url)
        assert response.status_code == 200 and not _no_store(response), url

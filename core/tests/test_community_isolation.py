"""One community's staff never reach another community's people: every object of community B
answers 404 to community A's staff (exactly like an id that does not exist), and B's requests
never show up in A's lists, searches, duplicate checks or access log."""

import json
import re

import pytest
from django.test import Client

from audit.models import AccessLog
from conftest import intake_post_data
from visits.models import Status, StatusChange, VisitRequest

# A's roles that can see requests at all (the others are refused before any lookup: see
# test_access_matrix).
REQUEST_STAFF = ["operator", "coordinator"]


def _client(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _page(response):
    """The page without what differs on every response (the masked CSRF token)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def _b_state(world):
    req = VisitRequest.objects.get(pk=world.b_req.pk)
    return (req.status, req.applicant_name, req.street, StatusChange.objects.filter(request=req).count())


@pytest.fixture
def b_request_untouched(world):
    before = _b_state(world)
    yield
    assert _b_state(world) == before, "community B's request was changed from community A"
    assert not AccessLog.objects.filter(object_id=str(world.b_req.pk)).exists(), \
        "a view of B's request was logged, so it was shown"


@pytest.mark.usefixtures("b_request_untouched")
@pytest.mark.parametrize("role", REQUEST_STAFF)
def test_staff_of_one_community_get_404_for_every_page_of_another_communitys_request(world, role):
    client = _client(world.users[role])
    pk = world.b_req.pk
    assert client.get(f"/staff/requests/{pk}/").status_code == 404
    assert client.get(f"/staff/requests/{pk}/edit/").status_code == 404
    assert client.post(f"/staff/requests/{pk}/edit/", intake_post_data(world, not_duplicate="1")).status_code == 404
    assert client.post(f"/staff/requests/{pk}/edit/").status_code == 404
    decide = client.post(f"/staff/requests/{pk}/decide/", {"action": Status.REJECTED, "reason": "false_call"})
    # The operator may not decide at all (403, before any lookup); the coordinator gets 404.
    assert decide.status_code == (404 if role == "coordinator" else 403)


@pytest.mark.usefixtures("b_request_untouched")
@pytest.mark.parametrize("role", REQUEST_STAFF)
def test_staff_of_one_community_get_404_from_the_api_for_another_communitys_request(world, role):
    client = _client(world.users[role])
    pk = world.b_req.pk
    assert client.get(f"/api/v1/requests/{pk}").status_code == 404
    decision = client.post(f"/api/v1/requests/{pk}/decision",
                           json.dumps({"status": Status.REJECTED, "reason": "false_call"}),
                           content_type="application/json")
    assert decision.status_code == (404 if role == "coordinator" else 403)


def test_another_communitys_request_looks_exactly_like_one_that_does_not_exist(world):
    client = _client(world.users["coordinator"])
    missing = VisitRequest.objects.order_by("-pk").first().pk + 1000
    for path in ("/staff/requests/{}/", "/staff/requests/{}/edit/"):
        other, absent = client.get(path.format(world.b_req.pk)), client.get(path.format(missing))
        assert other.status_code == absent.status_code == 404
        assert _page(other) == _page(absent)
    assert client.get(f"/api/v1/requests/{world.b_req.pk}").json() == \
        client.get(f"/api/v1/requests/{missing}").json()


@pytest.mark.parametrize("role", REQUEST_STAFF)
def test_another_communitys_requests_never_appear_in_the_list_page(world, role):
    client = _client(world.users[role])
    b = world.b_req
    searches = [
        {}, {"q": "Чужа"}, {"q": "Чужа Людина"}, {"q": b.number}, {"q": b.applicant_phone},
        {"q": b.applicant_phone[-7:]}, {"q": b.street}, {"status": Status.NEW},
        {"settlement": world.b_city.pk}, {"category": world.b_cat["disability_1"].pk},
        {"age_from": 0, "age_to": 130}, {"waiting_days": 0},
    ]
    for params in searches:
        response = client.get("/staff/requests/", params)
        assert response.status_code == 200, params
        listed = {r.pk for r in response.context["page"].object_list}
        assert b.pk not in listed, f"B's request listed for {params}"
        assert f"/staff/requests/{b.pk}/" not in response.content.decode(), params
    assert world.req.pk in {r.pk for r in client.get("/staff/requests/").context["page"].object_list}
    # The status counters count A's requests only.
    response = client.get("/staff/requests/")
    assert response.context["counts"] == [
        (value, label, VisitRequest.objects.filter(community=world.a, status=value).count())
        for value, label, _n in response.context["counts"]
    ]


@pytest.mark.parametrize("role", REQUEST_STAFF)
def test_another_communitys_requests_never_appear_in_the_api_list(world, role):
    client = _client(world.users[role])
    for params in ({}, {"status": Status.NEW}, {"page": 1}):
        rows = client.get("/api/v1/requests/", params).json()["items"]
        ids = {row["id"] for row in rows}
        assert world.b_req.pk not in ids, params
        assert world.req.pk in ids, params


def test_the_duplicate_check_never_shows_another_communitys_person(world):
    client = _client(world.users["operator"])
    b, a = world.b_req, world.req
    same_person_as_b = intake_post_data(
        world, applicant_name=b.applicant_name, applicant_phone=b.applicant_phone,
        applicant_birth_date=b.applicant_birth_date.strftime("%d.%m.%Y"), street="вул. Нова", building="99",
    )
    same_person_as_a = {**same_person_as_b, "applicant_name": a.applicant_name, "applicant_phone": a.applicant_phone}
    # The check works: A's own person is found...
    assert a.number in client.post("/staff/requests/check/", same_person_as_a).content.decode()
    # ...B's person is not, neither in the live check nor on saving.
    for url in ("/staff/requests/check/", "/staff/requests/new/"):
        response = client.post(url, same_person_as_b)
        assert b.number not in response.content.decode(), url
    # Not taken for a duplicate, so the request was simply saved in A.
    assert VisitRequest.objects.filter(community=world.a, applicant_name=b.applicant_name).count() == 1


def test_the_public_status_lookup_finds_a_request_only_in_its_own_community(world):
    client = Client(raise_request_exception=False)
    b = world.b_req
    data = {"number": b.number, "phone": b.applicant_phone}
    assert b.number in client.post(f"/{world.b.slug}/status/", data).content.decode()
    response = client.post(f"/{world.a.slug}/status/", data)
    assert response.context["not_found"] is True
    assert response.context["found"] is None


def test_each_coordinator_sees_only_their_own_communitys_access_log(world):
    a_coord, b_coord = world.users["coordinator"], world.b_coordinator
    _client(a_coord).get(f"/staff/requests/{world.req.pk}/")
    _client(b_coord).get(f"/staff/requests/{world.b_req.pk}/")
    assert AccessLog.objects.filter(community=world.a).count() == 1
    assert AccessLog.objects.filter(community=world.b).count() == 1

    b_page = _client(b_coord).get("/staff/access-log/")
    assert [e.object_id for e in b_page.context["page"].object_list] == [str(world.b_req.pk)]
    html = b_page.content.decode()
    assert world.b_req.number in html and world.req.number not in html

    a_page = _client(a_coord).get("/staff/access-log/")
    assert [e.object_id for e in a_page.context["page"].object_list] == [str(world.req.pk)]
    html = a_page.content.decode()
    assert world.req.number in html and world.b_req.number not in html


# -- issue 12: the starosta and the partner specialist ----------------------------------------

@pytest.mark.usefixtures("b_request_untouched")
def test_a_starosta_never_sees_nor_files_into_another_community(world):
    client = _client(world.users["starosta"])
    page = client.get("/staff/starosta/").content.decode()
    assert world.b_req.number not in page and world.b_city.name not in page
    before = VisitRequest.objects.filter(community=world.b).count()
    response = client.post("/staff/starosta/new/", intake_post_data(
        world, settlement=str(world.b_city.pk), requester_phone="067 111 22 33"))
    assert response.status_code == 403
    assert VisitRequest.objects.filter(community=world.b).count() == before
    assert client.get(f"/staff/requests/{world.b_req.pk}/").status_code == 403


def test_a_partner_never_sees_another_communitys_cases(world):
    from journal import actions as journal_actions

    [b_case] = journal_actions.register_cases(world.b_req, [world.svc_bio], by=world.b_coordinator)
    partner = world.users["partner"]  # of the national provider, as B's case is
    client = _client(partner)
    assert client.get(f"/staff/journal/{b_case.pk}/").status_code == 404
    assert b_case.pk not in {c.pk for c in client.get("/staff/journal/").context["page"].object_list}
    assert not AccessLog.objects.filter(object_id=str(b_case.pk)).exists()

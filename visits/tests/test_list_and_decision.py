from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import make_request
from visits import actions
from visits.models import VisitRequest


def _make_many(world, n):
    for i in range(n):
        make_request(world, applicant_name=f"Людина {i}", applicant_phone=f"+38067{1000000 + i}",
                     street=f"Вулиця {i}", services=[world.svc_reg, world.svc_cert])


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_list_query_count_does_not_grow_with_rows(world, login):
    client = login(world.users["coordinator"])
    filtered = "/staff/requests/?status=new&service=%d&age_from=60" % world.svc_reg.pk
    _make_many(world, 3)
    few = _count_queries(client, "/staff/requests/")
    few_filtered = _count_queries(client, filtered)
    _make_many(world, 20)
    assert _count_queries(client, "/staff/requests/") == few
    assert _count_queries(client, filtered) == few_filtered


def test_api_list_query_count_does_not_grow_with_rows(world, login):
    client = login(world.users["coordinator"])
    _make_many(world, 3)
    few = _count_queries(client, "/api/v1/requests/")
    _make_many(world, 20)
    assert _count_queries(client, "/api/v1/requests/") == few


@pytest.mark.parametrize("query,expected", [
    ("status=new", {"Коваленко Марія Іванівна", "Молода", "Сільська"}),
    ("status=accepted", {"Прийнята"}),
    ("age_from=80", {"Коваленко Марія Іванівна", "Прийнята", "Сільська"}),
    ("age_to=50", {"Молода"}),
    ("waiting_days=10", {"Прийнята"}),
    ("q=молода", {"Молода"}),
])
def test_list_filters(world, login, query, expected):
    make_request(world, applicant_name="Молода", applicant_birth_date=date(1990, 1, 1),
                 applicant_phone="+380501110000", street="А", building="1")
    make_request(world, applicant_name="Сільська", settlement=world.village,
                 applicant_phone="+380501110001", street="Б", building="2")
    old = make_request(world, applicant_name="Прийнята", applicant_phone="+380501110002",
                       street="В", building="3", services=[world.svc_reg])
    actions.accept(old, by=world.users["coordinator"])
    VisitRequest.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=12))
    client = login(world.users["operator"])
    page = client.get("/staff/requests/?" + query).context["page"]
    assert {r.applicant_name for r in page.object_list} == expected


def test_list_filter_by_settlement_category_and_service(world, login):
    village = make_request(world, applicant_name="Сільська", settlement=world.village, applicant_birth_date=date(1990, 1, 1),
                           applicant_phone="+380501110001", street="Б", building="2",
                           services=[world.svc_reg])
    client = login(world.users["operator"])
    for query in (f"settlement={world.village.pk}", f"category={world.cat['remote'].pk}",
                  f"service={world.svc_reg.pk}"):
        page = client.get("/staff/requests/?" + query).context["page"]
        assert [r.pk for r in page.object_list] == [village.pk], query


def test_list_pages_by_25(world, login):
    _make_many(world, 30)
    client = login(world.users["operator"])
    first = client.get("/staff/requests/").context["page"]
    second = client.get("/staff/requests/?page=2").context["page"]
    assert len(first.object_list) == 25 and len(second.object_list) == 6
    assert client.get("/staff/requests/?page=abc").status_code == 200


def test_bad_filter_values_show_the_list_unfiltered(world, login):
    client = login(world.users["operator"])
    response = client.get("/staff/requests/?age_from=abc&settlement=999999&status=nonsense")
    assert response.status_code == 200
    assert "Оберіть" in response.content.decode() or response.context["form"].errors


def test_coordinator_accepts_on_the_detail_page(world, login):
    client = login(world.users["coordinator"])
    response = client.post(f"/staff/requests/{world.req.pk}/decide/", {"action": "accepted", "comment": "Гаразд"})
    assert response.status_code == 302
    world.req.refresh_from_db()
    assert world.req.status == "accepted"
    page = client.get(f"/staff/requests/{world.req.pk}/").content.decode()
    assert "Гаразд" in page and "coordinator" in page.lower()


def test_rejecting_without_reason_shows_message_and_changes_nothing(world, login):
    client = login(world.users["coordinator"])
    response = client.post(f"/staff/requests/{world.req.pk}/decide/", {"action": "rejected"}, follow=True)
    assert "Оберіть причину відмови." in response.content.decode()
    world.req.refresh_from_db()
    assert world.req.status == "new"


def test_operator_cannot_decide(world, login):
    client = login(world.users["operator"])
    response = client.post(f"/staff/requests/{world.req.pk}/decide/", {"action": "accepted"})
    assert response.status_code == 403
    world.req.refresh_from_db()
    assert world.req.status == "new"


def test_api_decision_and_conflict(world, login):
    client = login(world.users["coordinator"])
    url = f"/api/v1/requests/{world.req.pk}/decision"
    response = client.post(url, {"status": "rejected", "reason": "false_call"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    response = client.post(url, {"status": "accepted"}, content_type="application/json")
    assert response.status_code == 409
    assert "не можна" in response.json()["detail"]

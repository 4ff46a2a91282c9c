"""Every look at a person's record leaves a line in the access log (who, when, which record, from
where), the coordinator reads those lines, and nobody else can."""

import pytest
from django.test import Client
from django.utils import timezone

from audit.models import AccessLog
from conftest import intake_post_data

# How each way of seeing a record is opened, and the action it is logged as.
VIEWS = {
    "detail page": ("get", "/staff/requests/{pk}/", "view"),
    "edit page": ("get", "/staff/requests/{pk}/edit/", "edit"),
    "edit page posted empty": ("post", "/staff/requests/{pk}/edit/", "edit"),
    "edit page posted with errors": ("post_invalid", "/staff/requests/{pk}/edit/", "edit"),
    "API detail": ("get", "/api/v1/requests/{pk}", "api_view"),
}


def _client(user, **defaults):
    client = Client(raise_request_exception=False, **defaults)
    client.force_login(user)
    return client


def _open(client, world, how):
    method, url, _action = VIEWS[how]
    url = url.format(pk=world.req.pk)
    if method == "get":
        return client.get(url)
    if method == "post":
        return client.post(url)
    return client.post(url, intake_post_data(world, applicant_name=""))


@pytest.mark.parametrize("role", ["operator", "coordinator"])
@pytest.mark.parametrize("how", VIEWS)
def test_each_view_of_a_persons_record_writes_who_when_which_record_and_from_where(world, role, how):
    user = world.users[role]
    client = _client(user, REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="Firefox test")
    started = timezone.now()
    response = _open(client, world, how)
    assert response.status_code == 200
    shown = response.json()["applicant_name"] if how == "API detail" else response.content.decode()
    if how != "edit page posted with errors":  # that one shows what was posted, and the number
        assert world.req.applicant_name in shown  # the record was shown

    entry = AccessLog.objects.get()
    assert entry.user == user
    assert started <= entry.at <= timezone.now()
    assert (entry.object_type, entry.object_id, entry.object_label) == (
        "visits.visitrequest", str(world.req.pk), world.req.number)
    assert entry.community_id == world.a.pk
    assert entry.action == VIEWS[how][2]
    assert entry.ip == "203.0.113.7"
    assert entry.user_agent == "Firefox test"
    assert entry.path.startswith(VIEWS[how][1].format(pk=world.req.pk))


def test_every_visit_is_a_new_line(world):
    client = _client(world.users["operator"])
    for _ in range(3):
        client.get(f"/staff/requests/{world.req.pk}/")
    assert AccessLog.objects.filter(action="view").count() == 3


def test_behind_a_proxy_the_client_address_comes_from_the_configured_header(world, settings):
    settings.VALIZA_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    client = _client(world.users["operator"], REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="198.51.100.23")
    client.get(f"/staff/requests/{world.req.pk}/")
    assert AccessLog.objects.get().ip == "198.51.100.23"


def test_an_address_that_is_not_an_ip_is_logged_as_unknown_rather_than_failing(world, settings):
    settings.VALIZA_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    client = _client(world.users["operator"], HTTP_X_REAL_IP="<script>, 1.2.3.4")
    assert client.get(f"/staff/requests/{world.req.pk}/").status_code == 200
    assert AccessLog.objects.get().ip is None


def test_lists_and_refused_or_missing_records_write_nothing(world):
    operator = _client(world.users["operator"])
    operator.get("/staff/requests/")
    operator.get("/api/v1/requests/")
    operator.get(f"/staff/requests/{world.b_req.pk}/")  # another community: 404
    operator.get(f"/api/v1/requests/{world.b_req.pk}")
    _client(world.users["technician"]).get(f"/staff/requests/{world.req.pk}/")  # 403
    assert not AccessLog.objects.exists()


def test_the_coordinators_access_log_page_lists_every_view_with_who_what_and_where(world):
    operator = _client(world.users["operator"], REMOTE_ADDR="203.0.113.7")
    operator.get(f"/staff/requests/{world.req.pk}/")
    operator.get(f"/staff/requests/{world.req.pk}/edit/")
    operator.get(f"/api/v1/requests/{world.req.pk}")

    response = _client(world.users["coordinator"]).get("/staff/access-log/")
    assert response.status_code == 200
    entries = list(response.context["page"].object_list)
    assert [e.action for e in entries] == ["api_view", "edit", "view"]  # newest first
    html = response.content.decode()
    for text in ("перегляд", "редагування", "перегляд через API", world.req.number, "203.0.113.7",
                 str(world.users["operator"]), f"/staff/requests/{world.req.pk}/"):
        assert text in html, text


def test_opening_the_access_log_is_itself_not_a_view_of_a_record(world):
    _client(world.users["coordinator"]).get("/staff/access-log/")
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("role", ["operator", "field_admin", "partner", "technician", "sysadmin"])
def test_no_one_but_the_coordinator_can_open_the_access_log(world, role):
    _client(world.users["operator"]).get(f"/staff/requests/{world.req.pk}/")
    response = _client(world.users[role]).get("/staff/access-log/")
    assert response.status_code == 403
    assert world.req.number not in response.content.decode()

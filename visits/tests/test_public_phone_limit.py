"""Issue 9, finding 8 on the request form: one phone, from several addresses, may have at most
VALIZA_PUBLIC_REQUESTS_PER_PHONE open requests sent from the web; more are asked for by phone."""

import pytest
from django.test import Client

from conftest import intake_post_data
from visits.models import Status, VisitRequest


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.VALIZA_PUBLIC_REQUESTS_PER_PHONE = 3
    settings.VALIZA_PUBLIC_REQUEST_LIMIT = 100  # the per-address limit is not what is tested here


def _send(world, ip, **fields):
    data = {k: v for k, v in intake_post_data(world, **fields).items() if k != "channel"}
    return Client(REMOTE_ADDR=ip).post(f"/{world.a.slug}/request/", data)


def test_one_phone_from_several_addresses_sends_three_open_requests_and_no_more(world):
    for i in range(3):
        response = _send(world, f"192.0.2.{i}", applicant_name=f"Людина {i}", street=f"вул. {i}",
                         applicant_phone="050 999 88 77")
        assert response.status_code == 302, i
    before = VisitRequest.objects.count()
    response = _send(world, "192.0.2.50", applicant_name="Четверта Людина", street="вул. 4",
                     applicant_phone="050 999 88 77")
    html = response.content.decode()
    assert response.status_code == 200
    assert "уже є кілька заявок, які ще не виконано" in html and "050 999 8877" in html
    assert world.a.phone in html
    assert VisitRequest.objects.count() == before
    # The same phone as the helper's ("for a neighbour") counts as well.
    response = _send(world, "192.0.2.51", for_someone_else="1", requester_name="Сусідка",
                     requester_phone="050 999 88 77", requester_relation="neighbour", applicant_phone="",
                     applicant_name="П'ята Людина", street="вул. 5")
    assert response.status_code == 200 and VisitRequest.objects.count() == before
    # Another phone is not affected.
    assert _send(world, "192.0.2.50", applicant_phone="050 111 22 33", street="вул. 6").status_code == 302


def test_closed_requests_and_requests_taken_by_phone_do_not_count(world):
    for i in range(3):
        assert _send(world, f"192.0.2.{i}", street=f"вул. {i}", applicant_phone="050 999 88 77").status_code == 302
    VisitRequest.objects.filter(street="вул. 0").update(status=Status.REJECTED)
    assert _send(world, "192.0.2.9", street="вул. 9", applicant_phone="050 999 88 77").status_code == 302
    # world.req was taken by phone with +380671234567; the web form still takes three with that number.
    for i in range(3):
        assert _send(world, f"192.0.2.{20 + i}", street=f"вул. {20 + i}").status_code == 302

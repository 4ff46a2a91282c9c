"""Issue 17: past its numbered pages the staff request list goes on by cursor ("Далі →", keyset), with
no request shown twice or skipped, also when many were created in the same second."""

import datetime
import html
import re

import pytest
import time_machine
from django.utils import timezone

from conftest import make_request
from core import paging
from visits import views
from visits.models import VisitRequest


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    monkeypatch.setattr(paging, "MAX_PAGE", 2)


def _requests(world, **only):
    """Nine requests: three groups created at the very same moment, one apart."""
    moment = timezone.now().replace(microsecond=0)
    made = [
        make_request(world, applicant_name=f"Людина {i}", applicant_phone=f"+38067{2100000 + i}", street=f"Вулиця {i}")
        for i in range(9)
    ]
    for i, req in enumerate(made):
        VisitRequest.objects.filter(pk=req.pk).update(created_at=moment - datetime.timedelta(minutes=i // 3))
    return list(
        VisitRequest.objects.filter(community=world.a, **only).order_by("-created_at", "-id").values_list("number", flat=True)
    )


def _numbers(page):
    return re.findall(r'href="/staff/requests/\d+/">(\d{4}-\d{4})</a>', page)


def _next(page):
    found = re.search(r'href="\?([^"]*after=[^"]+)" id="next-by-cursor"', page)
    return html.unescape(found.group(1)) if found else None


@time_machine.travel(datetime.datetime(2026, 5, 12, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_the_list_goes_on_by_cursor_past_the_numbered_pages_without_duplicates_or_gaps(world, login, small_pages):
    expected = _requests(world)
    client = login(world.users["operator"])
    seen = []
    for number in (1, 2):
        page = client.get(f"/staff/requests/?page={number}").content.decode()
        seen += _numbers(page)
    assert 'id="next-by-cursor"' in page  # the last numbered page offers "Далі →"
    query = _next(page)
    while query:
        page = client.get(f"/staff/requests/?{query}").content.decode()
        assert "На першу сторінку" in page
        seen += _numbers(page)
        query = _next(page)
    assert seen == expected and len(set(seen)) == len(expected) >= 9


@time_machine.travel(datetime.datetime(2026, 5, 12, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_the_cursor_keeps_the_filters_and_a_bad_cursor_shows_the_first_page(world, login, small_pages):
    expected = _requests(world, status="new")
    client = login(world.users["operator"])
    page = client.get("/staff/requests/?status=new&page=2").content.decode()
    query = _next(page)
    assert "status=new" in query
    assert _numbers(client.get(f"/staff/requests/?{query}").content.decode()) == expected[4:6]
    everything = list(
        VisitRequest.objects.filter(community=world.a).order_by("-created_at", "-id").values_list("number", flat=True)
    )
    for bad in ("x", "%25%25", "A" * 300, paging.encode_cursor(timezone.now(), 1)[:-3]):
        page = client.get(f"/staff/requests/?after={bad}").content.decode()
        assert _numbers(page) == everything[:2] and "Сторінка 1" in page

"""Issue 17: the board lists only the first of its partly served and late requests (the oldest), so a
national city's thousands do not make it slow; the rest are one link away. Moments derive from the
week's own cut-off, frozen with time-machine."""

import datetime

import pytest
import time_machine

from conftest import before_cutoff, make_request
from planning import actions, views
from visits import actions as visit_actions
from visits.models import Status, VisitRequest

MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def two_shown(monkeypatch):
    monkeypatch.setattr(views, "LIST_SHOWN", 2)


def _board(login, world, week):
    return login(world.users["coordinator"]).get(f"/staff/planning/?week={week.monday.isoformat()}").content.decode()


def test_the_late_list_shows_the_oldest_first_and_says_there_are_more(world, login, two_shown):
    week = actions.week_for(world.a, actions.next_monday())
    late = []
    for minutes in (3, 1, 2):
        req = make_request(world, applicant_name=f"Пізня {minutes} Олена Петрівна")
        with time_machine.travel(week.cutoff_at + minutes * MINUTE, tick=False):
            visit_actions.accept(req, by=world.users["coordinator"])
        late.append(req)
    page = _board(login, world, week)
    assert 'id="late-requests"' in page and 'id="late-more"' in page
    assert late[1].number in page and late[2].number in page
    assert late[0].number not in page  # the newest of the three waits for the list to shorten


def test_the_partly_served_list_is_capped_with_a_link_to_the_request_list(world, login, two_shown):
    week = actions.week_for(world.a, actions.next_monday())
    rows = []
    for days in (3, 5, 4):
        req = make_request(world, services=[world.svc_reg, world.svc_cert])
        visit_actions.accept(req, by=world.users["coordinator"])
        before_cutoff(req)
        VisitRequest.objects.filter(pk=req.pk).update(
            status=Status.PARTLY_SERVED, created_at=week.cutoff_at - datetime.timedelta(days=days)
        )
        first = req.services.order_by("pk").first()
        first.done_at = week.cutoff_at - datetime.timedelta(days=1)
        first.save(update_fields=["done_at"])
        rows.append(req)
    page = _board(login, world, week)
    assert 'id="partly-served"' in page and 'id="partly-more"' in page
    assert "?status=partly_served" in page
    assert rows[1].number in page and rows[2].number in page  # the two oldest
    assert rows[0].number not in page


def test_no_note_of_more_when_everything_is_shown(world, login):
    week = actions.week_for(world.a, actions.next_monday())
    req = make_request(world)
    with time_machine.travel(week.cutoff_at + MINUTE, tick=False):
        visit_actions.accept(req, by=world.users["coordinator"])
    page = _board(login, world, week)
    assert req.number in page and 'id="late-more"' not in page and 'id="partly-more"' not in page


def test_the_partly_served_shown_are_the_oldest_with_a_done_service_not_the_oldest_in_the_pool(
        world, login, two_shown):
    # Issue 17: "has a done service" is asked of the pool oldest first and only until the list is full, so
    # older requests with nothing done must be passed over, and a newer partly served one left out.
    week = actions.week_for(world.a, actions.next_monday())
    older, partly = [], []
    for days in (9, 8):
        req = make_request(world)
        visit_actions.accept(req, by=world.users["coordinator"])
        before_cutoff(req)
        VisitRequest.objects.filter(pk=req.pk).update(created_at=week.cutoff_at - datetime.timedelta(days=days))
        older.append(req)
    for days in (5, 3, 4):
        req = make_request(world, services=[world.svc_reg, world.svc_cert])
        visit_actions.accept(req, by=world.users["coordinator"])
        before_cutoff(req)
        VisitRequest.objects.filter(pk=req.pk).update(
            status=Status.PARTLY_SERVED, created_at=week.cutoff_at - datetime.timedelta(days=days))
        req.services.filter(pk=req.services.order_by("pk").first().pk).update(
            done_at=week.cutoff_at - datetime.timedelta(days=1))
        partly.append(req)
    response = login(world.users["coordinator"]).get(f"/staff/planning/?week={week.monday.isoformat()}")
    assert [r.pk for r in response.context["partly"]] == [partly[0].pk, partly[2].pk]
    assert response.context["partly_more"]
    assert response.context["pool_count"] == 5

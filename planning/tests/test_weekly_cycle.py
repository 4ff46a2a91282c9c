"""Issue 10, "the weekly cycle kept": a request accepted after a week's cut-off waits for the following
week unless the coordinator includes it (recorded); a plan published after the deadline is marked late.
Every moment is derived from the week's own cut-off and deadline, frozen with time-machine."""

import datetime

import time_machine

from conftest import make_request
from demo.trips import published_trip
from field.tests.factories import field_team
from planning import actions, build
from planning.models import Inclusion, Plan
from visits import actions as visit_actions

MINUTE = datetime.timedelta(minutes=1)


def accepted_at(world, moment, **fields):
    req = make_request(world, **fields)
    with time_machine.travel(moment, tick=False):
        visit_actions.accept(req, by=world.users["coordinator"])
    req.refresh_from_db()
    return req


def ids(week):
    return set(build.pool(week).values_list("pk", flat=True))


def test_a_request_accepted_after_the_cutoff_waits_for_the_following_week(world, login):
    week = actions.week_for(world.a, actions.next_monday())
    following = actions.week_for(world.a, week.monday + datetime.timedelta(days=7))
    early = accepted_at(world, week.cutoff_at - MINUTE, applicant_name="Рання Ганна Іванівна")
    late = accepted_at(world, week.cutoff_at + MINUTE, applicant_name="Пізня Олена Петрівна")
    assert late.accepted_at > week.cutoff_at >= early.accepted_at
    assert early.pk in ids(week) and late.pk not in ids(week)
    assert late.pk in ids(following)
    assert list(build.late(week)) == [late]

    client = login(world.users["coordinator"])
    page = client.get(f"/staff/planning/?week={week.monday.isoformat()}").content.decode()
    assert 'id="late-requests"' in page and late.number in page and "Включити в цей тиждень" in page

    response = client.post(f"/staff/planning/week/{week.pk}/include/{late.pk}/")
    assert response.status_code == 302
    inclusion = Inclusion.objects.get(week=week, request=late)
    assert inclusion.by == world.users["coordinator"]
    assert late.pk in ids(week)
    note = late.history.order_by("pk").last()
    assert note.by == world.users["coordinator"] and "включив заявку до плану" in note.comment
    # Including it again records nothing more.
    client.post(f"/staff/planning/week/{week.pk}/include/{late.pk}/")
    assert late.history.filter(comment=note.comment).count() == 1


def test_a_request_returned_to_the_pool_keeps_its_first_acceptance(world):
    week = actions.week_for(world.a, actions.next_monday())
    req = accepted_at(world, week.cutoff_at - MINUTE)
    visit_actions.change_status(req, "scheduled", by=None)
    with time_machine.travel(week.cutoff_at + 60 * MINUTE, tick=False):
        visit_actions.change_status(req, "accepted", by=None, comment="повернуто")
    req.refresh_from_db()
    assert req.accepted_at == week.cutoff_at - MINUTE
    assert req.pk in ids(week)


def test_only_a_coordinator_may_include(world, login):
    week = actions.week_for(world.a, actions.next_monday())
    late = accepted_at(world, week.cutoff_at + MINUTE)
    response = login(world.users["operator"]).post(f"/staff/planning/week/{week.pk}/include/{late.pk}/")
    assert response.status_code in (302, 403, 404)
    assert not Inclusion.objects.exists()
    # Another community's request is not found.
    response = login(world.users["coordinator"]).post(f"/staff/planning/week/{week.pk}/include/{world.b_req.pk}/")
    assert response.status_code == 404


def _approved(world, week):
    trip = published_trip(field_team(world), week.monday + datetime.timedelta(days=1), [],
                          by=world.users["coordinator"])
    Plan.objects.filter(pk=trip.plan_id).update(state=Plan.State.APPROVED, published_at=None)
    return trip.plan


def test_a_plan_published_after_the_deadline_is_marked_late(world, login):
    week = actions.week_for(world.a, actions.next_monday())
    on_time = _approved(world, week)
    with time_machine.travel(week.publish_by - MINUTE, tick=False):
        on_time = actions.publish(on_time, by=world.users["coordinator"])
    assert not on_time.published_late
    revision = _approved(world, week)
    with time_machine.travel(week.publish_by + MINUTE, tick=False):
        revision = actions.publish(revision, by=world.users["coordinator"])
    assert revision.published_late
    page = login(world.users["coordinator"]).get(
        f"/staff/planning/?week={week.monday.isoformat()}&plan={revision.pk}").content.decode()
    assert 'id="published-late"' in page

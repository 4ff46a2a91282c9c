"""Issue 10: a partly served request keeps the services not yet done in the pool, visibly, with the
reason; the next plan takes only those. Dates derive from the frozen "now" (conftest)."""

import datetime

from django.utils import timezone

from demo.trips import published_trip as trip_of
from field.tests.factories import field_team, published_trip
from field.tests.syncing import accept, outcome, send
from planning import actions as planning_actions
from planning import build, pdf
from planning.models import Plan
from visits.models import Status, VisitRequest


def test_the_rest_of_a_partly_served_request_is_planned_again_and_shown(world, login, no_case_files):
    today = timezone.localdate()
    trip = published_trip(world, day=today)
    stop = trip.stops.order_by("position").first()
    req = stop.request  # asked for registration and a certificate
    VisitRequest.objects.filter(pk=req.pk).update(created_at=timezone.now() - datetime.timedelta(days=10))
    answer, code = send(world.users["field_admin"], [
        accept(world, stop, seq=1), outcome(stop, "partly_served", seq=2, note="немає довідки про доходи")])
    assert code == 200, answer
    req.refresh_from_db()
    assert req.status == Status.PARTLY_SERVED
    comment = req.history.last().comment
    assert "Лишилася 1 послуга: Довідка про зареєстрованих" in comment and "немає довідки про доходи" in comment

    following = planning_actions.next_monday(today)
    week = planning_actions.week_for(world.a, following)
    assert req.pk in set(build.pool(week).values_list("pk", flat=True))
    visit = next(v for v in build.build_problem(week).problem.visits if v.id == req.pk)
    assert visit.service == world.a.setup_minutes + world.svc_cert.minutes  # registration is done

    page = login(world.users["coordinator"]).get(f"/staff/planning/?week={following.isoformat()}").content.decode()
    assert 'id="partly-served"' in page and "лишилася 1 послуга: Довідка про зареєстрованих" in page
    assert "немає довідки про доходи" in page

    # The next week's plan schedules it again; once served it leaves the pool for good.
    second = trip_of(field_team(world, name="Друга"), following, [], by=world.users["coordinator"])
    Plan.objects.filter(pk=second.plan_id).update(state=Plan.State.APPROVED, published_at=None)
    second.stops.create(position=1, request=req, arrival=second.leave_at, start=second.leave_at, end=second.return_at,
                        window_start=second.leave_at, window_end=second.return_at)
    planning_actions.publish(second.plan, by=world.users["coordinator"])
    req.refresh_from_db()
    assert req.status == Status.SCHEDULED
    # The route sheet of the new trip lists only what is still to do.
    [row] = pdf._stop_rows(list(second.stops.all()), second.day)
    assert [rs.service for rs in row["services"]] == [world.svc_cert]
    assert req.pk not in set(build.pool(planning_actions.week_for(world.a, following + datetime.timedelta(days=7)))
                             .values_list("pk", flat=True))


def test_a_partly_served_request_with_nothing_left_is_not_planned(world, no_case_files):
    today = timezone.localdate()
    trip = published_trip(world, day=today)
    stop = trip.stops.order_by("position").last()  # asked for the certificate only
    req = stop.request
    VisitRequest.objects.filter(pk=req.pk).update(created_at=timezone.now() - datetime.timedelta(days=10))
    certificate = [{"service_id": world.svc_cert.pk, "provisional_number": "T-1", "delivery": "post", "documents": []}]
    answer, code = send(world.users["field_admin"], [accept(world, stop, seq=1, services=certificate),
                                                     outcome(stop, "partly_served", seq=2)])
    assert code == 200, answer
    week = planning_actions.week_for(world.a, planning_actions.next_monday(today))
    assert req.pk not in set(build.pool(week).values_list("pk", flat=True))

"""A hand-built fortnight of community A with every indicator's value known (test_figures.py pins them).

The period is two whole weeks, Monday S to Sunday E = S + 13, six weeks before the frozen today. Rows
sit on both edges of the period and just outside it; a few were recorded long after they happened.
Every row is written directly (no action), so each value below can be checked by hand.
"""

import datetime
import itertools
import zoneinfo
from decimal import Decimal

from django.utils import timezone

from field.models import Visit
from journal.models import Case, CaseState, RefusalReason
from planning.models import Plan, PlanningWeek, Stop, Trip
from quality.models import Complaint, Feedback, SurveyTask
from teams.models import Team
from visits.models import Channel, RejectReason, RequestedService, Status, VisitRequest

KYIV = zoneinfo.ZoneInfo("Europe/Kyiv")
_numbers = itertools.count(1)


def period(weeks_back=6):
    today = timezone.localdate()
    start = today - datetime.timedelta(days=today.weekday(), weeks=weeks_back)
    return start, start + datetime.timedelta(days=13)


def at(day, hour=0, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=KYIV)


def request(world, created, *, settlement=None, services=(), community=None, **fields):
    req = VisitRequest.objects.create(
        community=community or world.a,
        channel=fields.pop("channel", Channel.PHONE),
        applicant_name="Людина Для Статистики",
        applicant_birth_date=datetime.date(1940, 1, 1),
        settlement=settlement or world.city,
        street="вул. Садова",
        building=str(next(_numbers)),
        consent_at=created,
        consent_by="Людина",
        warning_acknowledged_at=created,
        created_at=created,
        eligibility="eligible",
        **fields,
    )
    for service in services:
        RequestedService.objects.create(request=req, service=service)
    return req


def team(world, name):
    return Team.objects.get_or_create(community=world.a, name=name, defaults={"office": world.a.offices.get()})[0]


def week(world, monday, publish_by=None):
    publish_by = publish_by or at(monday - datetime.timedelta(days=3), 14)
    return PlanningWeek.objects.get_or_create(
        community=world.a, monday=monday, defaults={"cutoff_at": publish_by, "publish_by": publish_by}
    )[0]


def visit(world, req, started, window, team_name, outcome="served"):
    """A visit of `req` started at `started` (None: not started), told the window (from, to) hours."""
    day = started.date() if started else timezone.localdate()
    plan = Plan.objects.get_or_create(
        week=week(world, day - datetime.timedelta(days=day.weekday())), version=50, defaults={"state": Plan.State.DRAFT}
    )[0]
    trip = Trip.objects.get_or_create(
        plan=plan, team=team(world, team_name), day=day, defaults={"leave_at": at(day, 8), "return_at": at(day, 17)}
    )[0]
    stop = Stop.objects.create(
        trip=trip,
        position=trip.stops.count() + 1,
        request=req,
        arrival=at(day, 9),
        start=at(day, 9),
        end=at(day, 10),
        window_start=at(day, *window[0]),
        window_end=at(day, *window[1]),
    )
    return Visit.objects.create(stop=stop, community=world.a, request=req, started_at=started, outcome=outcome)


def case(world, *, service, accepted, handover_due, provider_due, req=None, community=None, **fields):
    community = community or world.a
    return Case.objects.create(
        community=community,
        office=community.offices.get(),
        request=req,
        service=service,
        number=f"T-{next(_numbers)}",
        accepted_at=accepted,
        handover_due=handover_due,
        provider_due=provider_due,
        **fields,
    )


def survey(world, v, closed, rating):
    return SurveyTask.objects.create(
        community=world.a,
        visit=v,
        request=v.request,
        call_from=closed,
        created_at=closed,
        closed_at=closed,
        rating=rating,
        state=SurveyTask.State.ANSWERED,
    )


def feedback(world, received, rating, req=None):
    return Feedback.objects.create(
        community=world.a, channel="social", request=req, rating=rating, received_on=received, created_at=at(received, 12)
    )


def complaint(community, received):
    return Complaint.objects.create(
        community=community,
        channel="phone",
        received_on=received,
        person_name="Скаржник",
        text="Скарга",
        due_on=received + datetime.timedelta(days=14),
        created_at=at(received, 12),
    )


def build(world, weeks_back=6):
    """The data set; returns a namespace of its rows and the period (start, end)."""
    S, E = period(weeks_back)

    def d(n):
        return S + datetime.timedelta(days=n)

    ns = type("DataSet", (), {})()
    ns.start, ns.end = S, E
    reg, cert = world.svc_reg, world.svc_cert

    # Requests: four in the period (two on its edges), two just outside.
    ns.r1 = request(world, at(S), services=[reg, cert])
    ns.r2 = request(world, at(d(1), 10), services=[cert])
    ns.r3 = request(world, at(E, 23, 59), settlement=world.village, services=[cert])
    ns.r4 = request(world, at(d(2), 11), services=[reg], status=Status.REJECTED, reject_reason=RejectReason.FALSE_CALL)
    ns.r_out1 = request(world, at(d(-1), 23, 59), services=[reg])
    ns.r_out2 = request(world, at(E + datetime.timedelta(days=1)), services=[cert])
    # Another community's rows never count.
    request(
        world,
        at(d(3)),
        community=world.b,
        settlement=world.b_city,
        services=[reg],
        status=Status.REJECTED,
        reject_reason=RejectReason.FALSE_CALL,
    )

    # Visits: window 10:00–11:00 unless said.
    ns.v1 = visit(world, ns.r1, at(d(2), 10, 15), ((10, 0), (11, 0)), "Перша")  # in the window
    ns.v2 = visit(world, ns.r2, at(d(8), 12, 30), ((10, 0), (11, 0)), "Друга")  # late
    ns.v3 = visit(world, ns.r_out1, at(S, 9), ((9, 0), (10, 0)), "Перша")  # on the window's first minute
    ns.v4 = visit(world, ns.r3, at(E + datetime.timedelta(days=1), 9), ((9, 0), (10, 0)), "Перша")  # after
    ns.v7 = visit(world, ns.r_out1, at(d(4), 10, 30), ((10, 0), (11, 0)), "Перша", outcome="not_at_home")

    # Plans: the first week's first publication on time (its revision late), the second week's late.
    first, second = week(world, S), week(world, d(7))
    Plan.objects.create(week=first, version=1, state=Plan.State.SUPERSEDED, published_at=at(d(-3), 13))
    Plan.objects.create(week=first, version=2, state=Plan.State.PUBLISHED, published_at=at(d(-1), 9), published_late=True)
    Plan.objects.create(week=second, version=1, state=Plan.State.PUBLISHED, published_at=at(d(4), 16), published_late=True)
    Plan.objects.create(
        week=week(world, d(14)), version=1, state=Plan.State.PUBLISHED, published_at=at(d(20), 9), published_late=True
    )  # a week after the period

    # Cases.
    ns.r1_code = RefusalReason.objects.get_or_create(
        provider=reg.provider, code="R1", defaults={"title": "Неповний пакет документів"}
    )[0]
    ns.c1 = case(
        world,
        service=reg,
        req=ns.r1,
        accepted=at(d(2), 11),
        handover_due=d(3),
        provider_due=E,
        handed_over_on=d(3),
        decided_on=E + datetime.timedelta(days=3),
        granted=True,
        state=CaseState.DECIDED,
    )
    ns.c2 = case(
        world,
        service=cert,
        req=ns.r1,
        accepted=at(d(2), 11),
        handover_due=d(3),
        provider_due=d(5),
        handed_over_on=d(4),
        decided_on=d(5),
        granted=False,
        refusal_code=ns.r1_code,
        state=CaseState.DECIDED,
    )
    ns.c3 = case(
        world, service=cert, req=ns.r2, accepted=at(d(5), 12), handover_due=E + datetime.timedelta(days=1), provider_due=d(16)
    )
    ns.c4 = case(world, service=reg, req=ns.r_out1, accepted=at(d(-3), 12), handover_due=S, provider_due=d(1))
    # Recorded ten days after the period closed: counted by the days it happened.
    recorded = at(E + datetime.timedelta(days=10), 9)
    ns.c5 = case(
        world,
        service=cert,
        accepted=at(d(1), 9),
        handover_due=d(2),
        provider_due=d(4),
        handed_over_on=d(2),
        handed_over_at=recorded,
        decided_on=d(4),
        decided_at=recorded,
        granted=False,
        refusal_reason="Інша підстава",
        state=CaseState.DECIDED,
    )
    ns.c6 = case(
        world,
        service=cert,
        accepted=at(d(1), 10),
        handover_due=d(2),
        provider_due=d(3),
        closed_on=d(2),
        state=CaseState.WITHDRAWN,
    )
    ns.c7 = case(
        world, service=reg, accepted=at(S), handover_due=d(1), provider_due=d(3), handed_over_on=d(1), state=CaseState.SUSPENDED
    )
    ns.c8 = case(
        world,
        service=reg,
        accepted=at(d(-10), 9),
        handover_due=d(-9),
        provider_due=d(20),
        handed_over_on=d(-9),
        decided_on=d(2),
        granted=True,
        state=CaseState.DECIDED,
    )
    case(world, service=reg, community=world.b, accepted=at(d(2), 9), handover_due=d(3), provider_due=d(4), fee_paid=Decimal("0"))

    # Ratings: surveys by the day they closed, feedback by its day.
    survey(world, ns.v1, at(d(3), 10), 5)
    survey(world, ns.v2, at(d(9), 10), 3)
    survey(world, ns.v3, at(d(1), 10), 4)
    survey(world, ns.v4, at(E + datetime.timedelta(days=2), 10), 5)
    feedback(world, E, 5, req=ns.r3)
    feedback(world, d(3), 2)
    feedback(world, d(4), None)

    for day in (S, E, E + datetime.timedelta(days=1)):
        complaint(world.a, day)
    complaint(world.b, d(2))
    return ns

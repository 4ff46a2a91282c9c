"""Turn a community's week (teams, shifts, accepted requests, pins) into a solver Problem, and the
solver's Solution back into trips and stops. The "plan the week" button, the background task and
`bench_week` all go through here."""

import dataclasses
import datetime
import math
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from communities.workdays import WorkCalendar
from eligibility.models import EligibilityCategory
from equipment import readiness
from planning import solver
from planning.travel import CITY, VILLAGE, HaversineTravelTime, OsrmTravelTime, great_circle_m
from teams import rosters
from visits import conflicts
from visits.models import Channel, RequestedService, Status, VisitRequest

from .models import Inclusion, Pin, Plan, PlanningWeek, Session, Stop


def travel_provider():
    """The configured TravelTime provider (settings VALIZA_TRAVEL_*)."""
    if settings.VALIZA_OSRM_URL:
        return OsrmTravelTime(settings.VALIZA_OSRM_URL)
    return HaversineTravelTime(
        road_factor=settings.VALIZA_ROAD_FACTOR,
        speeds_kmh={CITY: settings.VALIZA_SPEED_CITY_KMH, VILLAGE: settings.VALIZA_SPEED_VILLAGE_KMH},
    )


def minute_of_week(week, day, clock):
    """Minutes from Monday 00:00 of `week` to `clock` on `day` (local time)."""
    return (day - week.monday).days * 24 * 60 + clock.hour * 60 + clock.minute


def at_minute(week, minute):
    """The aware local datetime `minute` minutes after Monday 00:00 of `week`."""
    naive = datetime.datetime.combine(week.monday, datetime.time()) + datetime.timedelta(minutes=int(minute))
    return timezone.make_aware(naive)


def skill_for_provider(provider_id):
    return f"provider:{provider_id}"


def working_days(week):
    """The days of the week on which teams may travel (the working-day calendar decides)."""
    calendar = WorkCalendar(week.community)  # one query for the overrides, not one per day
    return [d for d in week.days if calendar.is_working_day(d)]


@dataclass
class Built:
    problem: solver.Problem
    requests: dict  # visit id → VisitRequest
    shifts: dict  # shift id → (team, day)
    basis: dict  # str(request id) → updated_at isoformat
    sessions: dict = field(default_factory=dict)  # visit id → (Session, date)
    skipped: dict = field(default_factory=dict)  # visit id → reason it was left out before solving
    team_days: dict = field(default_factory=dict)  # day → [rosters.DayTeam] (who travels, who does not and why)


# A session's own team does not work that day (day off, no hours, inactive): nobody else may
# stand in, so the session is reported rather than given to the solver.
TEAM_OFF = "team_off"


def session_visit_id(session, day):
    # A string, so it never collides with a request's integer id in the same problem.
    return f"session:{session.pk}:{day.isoformat()}"


def held_elsewhere(week):
    """Ids of requests another week's published plan holds: scheduled on its trip and not yet given
    back. Such a request belongs to that trip until its outcome arrives or the night after its day
    (actions.return_unvisited) puts it back in the pool (ACCEPTED): no other week may plan it."""
    return (Stop.objects.filter(trip__plan__state=Plan.State.PUBLISHED, trip__plan__week__community=week.community,
                                request__status=Status.SCHEDULED)
            .exclude(trip__plan__week=week).values("request_id"))


def pool(week):
    """The week's pool: accepted requests, partly served ones with services still to do, and the
    scheduled ones this week's own published plan holds (a revision plans them again). Never a
    request another week's published trip holds, nor a person served at a fixed-point reception (issue 12:
    scheduled or partly served there, it is not a home visit's unless the coordinator returns it to the pool)."""
    # Partly served ones with services still to do, looked for among the community's partly served only (issue
    # 17: a correlated EXISTS here was hashed over every not-done service of the country, ~200 ms at 1 M).
    rest = RequestedService.objects.filter(done_at__isnull=True, request__community=week.community,
                                           request__status=Status.PARTLY_SERVED).values("request_id")
    # The status first on its own (issue 17): the (community, status, created_at) index then bounds the
    # rows read to the pool's, instead of every request the community ever had.
    return (VisitRequest.objects.filter(community=week.community,
                                        status__in=[Status.ACCEPTED, Status.SCHEDULED, Status.PARTLY_SERVED])
            .filter(Q(status__in=[Status.ACCEPTED, Status.SCHEDULED]) | Q(pk__in=rest))
            .exclude(channel=Channel.POINT, status__in=[Status.SCHEDULED, Status.PARTLY_SERVED])
            .exclude(pk__in=held_elsewhere(week))
            .exclude(pk__in=late(week).values("pk")))


def late(week):
    """Requests accepted after the week's cut-off and not included by hand: they wait for the
    following week (seed 004 §5.3). A request returned to the pool keeps its first acceptance time."""
    included = Inclusion.objects.filter(week=week).values("request_id")
    return (VisitRequest.objects.filter(community=week.community, status=Status.ACCEPTED,
                                        accepted_at__gt=week.cutoff_at)
            .exclude(pk__in=included))


def plannable_requests(week):
    return (
        pool(week)
        .select_related("settlement", "category", "eligible_by")
        .prefetch_related("services__service")
        .order_by("created_at", "id")
    )


def build_problem(week: PlanningWeek, *, requests=None, today=None) -> Built:
    community = week.community
    today = today or timezone.localdate()
    days = set(working_days(week))
    teams = rosters.teams_for_rosters(community, "partner_providers")
    # Who travels with which team each day; a team that shares its people, car or suitcase with
    # another at the same hours, has nobody that day, or whose suitcase is not ready (a needed device
    # broken, the day's pre-trip check failed, out of service) gets no shift (teams/rosters.py).
    team_days = rosters.plan_days(teams, days, readiness.unready(community, days))
    depots, shifts, shift_map = {}, [], {}
    working = {(e.team.pk, day): e for day, entries in team_days.items() for e in entries if e.works}
    for team in teams:
        office = team.office
        depots.setdefault(office.pk, solver.Depot(office.pk, (float(office.latitude), float(office.longitude))))
        for day in sorted(days):
            entry = working.get((team.pk, day))
            if entry is None:
                continue
            skills = frozenset(skill_for_provider(p.pk) for p in team.partner_providers.all())
            autonomy = team.suitcase.autonomy_minutes if team.suitcase else solver.AUTONOMY_MINUTES
            sid = f"{team.pk}:{day.isoformat()}"
            shifts.append(solver.Shift(
                id=sid, depot=office.pk, start=minute_of_week(week, day, entry.start),
                end=minute_of_week(week, day, entry.end), max_duration=autonomy, skills=skills, team=team.pk,
            ))
            shift_map[sid] = (team, day)

    # A team without a vehicle walks: a visit beyond the community's walking radius from its office
    # may not go to its shifts (a team with no car was once sent 56 km).
    walking = {sid: (float(t.office.latitude), float(t.office.longitude))
               for sid, (t, _day) in shift_map.items() if t.vehicle_id is None}
    radius_m = float(community.walking_radius_km) * 1000

    def out_of_reach(visit):
        if not walking or visit.coords is None:
            return visit
        far = frozenset(sid for sid, office in walking.items() if great_circle_m(office, visit.coords) > radius_m)
        return dataclasses.replace(visit, excluded_shifts=far) if far else visit

    # Issue 16: a staff member who declared a conflict of interest with a person or an address is not
    # sent there: the shifts they travel on may not serve that visit (visits/conflicts.py).
    declared = conflicts.declarations(community.pk)
    travellers = {sid: set(working[(t.pk, day)].people) for sid, (t, day) in shift_map.items()}

    def conflicted(visit, req):
        users = conflicts.conflicted_users(req, declared) if declared else set()
        if not users:
            return visit
        barred = frozenset(sid for sid, people in travellers.items() if people & users)
        return dataclasses.replace(visit, excluded_shifts=visit.excluded_shifts | barred) if barred else visit

    pins = {p.request_id: p for p in Pin.objects.filter(week=week)}
    requests = list(requests if requests is not None else plannable_requests(week))
    visits, by_id, basis = [], {}, {}
    for req in requests:
        visit = out_of_reach(_visit(week, req, days, pins.get(req.pk), community.setup_minutes, today))
        visits.append(conflicted(visit, req))
        by_id[req.pk] = req
        basis[str(req.pk)] = req.updated_at.isoformat()
    sessions, skipped = {}, {}
    for session in plannable_sessions(community):
        for day in sorted(days):
            if day.weekday() != session.weekday:
                continue
            visit = _session_visit(week, session, day)
            sessions[visit.id] = (session, day)
            if visit.pinned_shift is not None and visit.pinned_shift not in shift_map:
                skipped[visit.id] = TEAM_OFF
            else:
                visits.append(out_of_reach(visit))
    problem = solver.Problem(depots=list(depots.values()), shifts=shifts, visits=visits, travel=travel_provider())
    return Built(problem, by_id, shift_map, basis, sessions, skipped, team_days)


def plannable_sessions(community):
    return (
        Session.objects.filter(fixed_point__community=community, fixed_point__is_active=True)
        .select_related("fixed_point__settlement", "team")
        .order_by("pk")
    )


def _session_visit(week, session, day):
    """A session on a day is one long stop: the team is at the fixed point from its start to its
    end, whoever booked. It is required (people were told to come) and pinned to its start; to
    its team's shift that day when the session names a team."""
    point = session.fixed_point
    start = minute_of_week(week, day, session.start)
    return solver.Visit(
        id=session_visit_id(session, day),
        coords=(float(point.latitude), float(point.longitude)),
        service=session.minutes,
        windows=((start, start),),
        pinned_start=start,
        pinned_shift=f"{session.team_id}:{day.isoformat()}" if session.team_id else None,
        required=True,
        area=VILLAGE if point.settlement.is_remote else CITY,
    )


def _visit(week, req, days, pin, setup_minutes, today):
    # Only what is still to do: the services accepted at an earlier visit are done.
    services = [rs.service for rs in req.services.all() if rs.done_at is None]
    service_minutes = setup_minutes + sum(s.minutes for s in services)
    if req.is_result_visit:
        # A repeat visit only hands over a result: its own short duration (journal.actions.plan_repeat_visit).
        service_minutes = req.visit_minutes or setup_minutes
    skills = frozenset(skill_for_provider(s.provider_id) for s in services if s.needs_partner)
    preferred = set(req.preferred_weekdays or []) or {0, 1, 2, 3, 4, 5}
    start = req.window_start or datetime.time(0, 0)
    end = req.window_end or datetime.time(23, 59)
    windows = []
    for day in sorted(days):
        if day.weekday() not in preferred:
            continue
        a = minute_of_week(week, day, start)
        b = minute_of_week(week, day, end) - service_minutes  # the visit must end by `end`
        if b >= a:
            windows.append((a, b))
    if not windows:
        # No day suits: an impossible window so the solver reports "no window fits".
        windows = [(0, 0)]
    coords = None
    if req.latitude is not None and req.longitude is not None:
        coords = (float(req.latitude), float(req.longitude))
    in_hospital = req.eligible_by_id is not None and req.eligible_by.kind == EligibilityCategory.HOSPITAL
    waiting = max(0, (today - timezone.localtime(req.created_at).date()).days)
    pinned_shift = pinned_start = None
    if pin is not None:
        pinned_shift = f"{pin.team_id}:{pin.day.isoformat()}"
        if pin.start:
            pinned_start = minute_of_week(week, pin.day, pin.start)
    return solver.Visit(
        id=req.pk, coords=coords, service=service_minutes, windows=tuple(windows), skills=skills,
        prize=solver.priority_prize(in_hospital=in_hospital, days_waiting=waiting),
        pinned_shift=pinned_shift, pinned_start=pinned_start,
        area=VILLAGE if req.settlement.is_remote else CITY,
    )


def citizen_window(week, start_minute):
    """What the citizen is told: the planned start, widened to a window of whole half hours.

    The planned start minus 30 minutes, rounded down, to plus 30 minutes, rounded up: traffic and
    a long previous visit are absorbed without calling everyone.
    """
    a = math.floor((start_minute - 30) / 30) * 30
    b = math.ceil((start_minute + 30) / 30) * 30
    return at_minute(week, a), at_minute(week, b)

"""A month of a city's weekly cycle, for `bench_week --month`.

1,500 requests arrive over four weeks in a city of seven districts and six villages (the same
geography as the one-week bench); 10 teams plan, publish and work each week. Time moves with
time_machine from event to event (a request accepted, a week planned at its cut-off, a day's
outcomes in the evening, the night's return of unvisited requests), so every rule that reads the
clock (the cut-off, "the visit day is over", the night return) runs as it would in a real month.

Checked at the end, from the database alone:
- twice: a request on the published trips of two weeks with no return to the pool in between (served
  once and planned again, or planned into next week while its visit was still to come);
- lost: a request accepted before a week's cut-off and waiting in the pool when the week was planned,
  but neither on that plan's trips nor in its list of requests it could not fit; or a request that
  ends the month in a state other than served, waiting or scheduled.
"""

import dataclasses
import datetime
import random
import time
from decimal import Decimal

from django.db.models import Min, Q
from django.utils import timezone

from accounts import roles
from accounts.models import User
from addresses.models import LocationSource
from bench.planning.city import DISTRICTS, VILLAGE_SHARE, VILLAGES
from catalogue.models import Provider, Service
from communities.models import Community, Office, Settlement
from eligibility.models import EligibilityCategory
from eligibility.rules import ensure_mandatory_categories
from planning import actions
from planning.models import Plan, Stop, Trip, Unplanned
from teams import rosters
from teams.models import MembershipChange, Suitcase, Team, TeamShift, Vehicle
from visits import actions as visit_actions
from visits.models import Channel, RequestedService, Status, StatusChange, VisitRequest

# Share of requests whose house the geocoders could not find: placed at their settlement's centre.
APPROXIMATE_SHARE = 0.08
# What happens at a stop: served, partly served, nobody at home (back to the pool), no outcome synced
# (the night's return puts it back).
OUTCOMES = [("served", 0.80), ("partly", 0.04), ("not_home", 0.09), ("silent", 0.07)]


@dataclasses.dataclass
class Month:
    community: Community
    coordinator: User
    settlements: dict
    services: list
    categories: list
    mondays: list
    teams: list
    made: int = 0


@dataclasses.dataclass
class Report:
    weeks: int = 0
    planned: int = 0
    plan_s: list = dataclasses.field(default_factory=list)
    lost: set = dataclasses.field(default_factory=set)
    twice: set = dataclasses.field(default_factory=set)
    unplanned: int = 0
    approximate: int = 0
    served: int = 0
    distinct_planned: int = 0
    people_twice: int = 0
    things_twice: int = 0
    lines: list = dataclasses.field(default_factory=list)


def run(opts, write):
    import time_machine  # a dev requirement: the bench moves the clock through the month

    rnd = random.Random(opts["seed"])
    first = opts.get("start") or actions.next_monday()
    if first.weekday() != 0:
        raise ValueError("start must be a Monday")
    weeks = opts["weeks"]
    tz = timezone.get_current_timezone()

    def at(day, hour, minute=0):
        return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=tz)

    with time_machine.travel(at(first - datetime.timedelta(days=14), 8), tick=False):
        month = _setup(rnd, opts, first)
    report = Report()
    events = _timeline(month, weeks, opts["requests"], at)
    for moment, _order, kind, arg in sorted(events, key=lambda e: (e[0], e[1])):
        with time_machine.travel(moment, tick=False):
            if kind == "arrive":
                _arrive(month, rnd, arg, report)
            elif kind == "plan":
                _plan_week(month, arg, opts, report, write)
            elif kind == "outcomes":
                _outcomes(month, rnd, arg)
            elif kind == "return":
                actions.return_unvisited()
    _final_checks(month, report)
    return report


def _timeline(month, weeks, total, at):
    """(moment, order, kind, argument) for the whole month: arrivals on every working day from the week
    before the first planned week, each week planned at its cut-off, outcomes each evening, returns
    each night."""
    events = []
    arrival_days = []
    for k in range(-1, weeks - 1):
        monday = month.mondays[0] + datetime.timedelta(days=7 * k)
        arrival_days += [monday + datetime.timedelta(days=i) for i in range(5)]
    per_day = [total // len(arrival_days)] * len(arrival_days)
    for i in range(total - sum(per_day)):
        per_day[i] += 1
    for day, n in zip(arrival_days, per_day, strict=True):
        morning = int(n * 0.4)
        events.append((at(day, 9), 0, "arrive", n and morning))
        events.append((at(day, 15), 0, "arrive", n - morning))
    for monday in month.mondays:
        week = actions.week_for(month.community, monday)
        # Half an hour after the cut-off: what came before it is in, what came after waits a week.
        events.append((week.cutoff_at + datetime.timedelta(minutes=30), 1, "plan", monday))
        for i in range(7):
            day = monday + datetime.timedelta(days=i)
            events.append((at(day, 18), 2, "outcomes", day))
            events.append((at(day + datetime.timedelta(days=1), 0, 30), 3, "return", None))
    return events


def _setup(rnd, opts, first):
    community = Community.objects.create(name="Бенчмарк-місто (місяць)", slug=f"bench-month-{rnd.randint(0, 10**9)}")
    ensure_mandatory_categories(community)
    categories = list(EligibilityCategory.objects.filter(community=community, kind__in=["disability_1", "lkk"]))
    settlements = {}
    for name, lat, lon, _share in DISTRICTS:
        settlements[name] = Settlement.objects.create(
            community=community, name=name, latitude=Decimal(str(lat)), longitude=Decimal(str(lon)))
    for name, lat, lon in VILLAGES:
        settlements[name] = Settlement.objects.create(
            community=community, name=name, is_remote=True, latitude=Decimal(str(lat)), longitude=Decimal(str(lon)))
    provider = Provider.objects.create(community=community, name="ЦНАП")
    services = [Service.objects.create(code=f"M{community.pk}-{i}", name_uk=f"Послуга {i}", provider=provider,
                                       minutes=m) for i, m in enumerate([10, 15, 20, 30, 40])]
    coordinator = User.objects.create(username=f"bench-month-{community.pk}", role=roles.COORDINATOR,
                                      community=community)
    mondays = [first + datetime.timedelta(days=7 * k) for k in range(opts["weeks"])]
    teams = _teams(community, opts["teams"], mondays)
    return Month(community, coordinator, settlements, services, categories, mondays, teams)


def _teams(community, n, mondays):
    """n teams from the district offices, each with two administrators, a vehicle and a suitcase.

    The last two teams work part of the week (Monday–Wednesday and Thursday–Friday) and share one
    administrator: the same person on different days, never twice on one day. On Wednesdays someone of
    the first team is on leave and a member of the third team stands in.
    """
    offices = {}
    teams = []
    staff = [User.objects.create(username=f"m{community.pk}-admin-{i}", role=roles.FIELD_ADMIN, community=community)
             for i in range(2 * n)]
    for i in range(n):
        district = DISTRICTS[i % len(DISTRICTS)]
        office = offices.get(district[0]) or Office.objects.create(
            community=community, name=f"ЦНАП {district[0]}", address=district[0],
            latitude=Decimal(str(district[1])), longitude=Decimal(str(district[2])))
        offices[district[0]] = office
        vehicle = Vehicle.objects.create(community=community, name=f"Авто {i + 1}")
        suitcase = Suitcase.objects.create(community=community, name=f"Валіза {i + 1}", autonomy_minutes=360)
        team = Team.objects.create(community=community, name=f"Команда {i + 1:02d}", office=office,
                                   vehicle=vehicle, suitcase=suitcase)
        weekdays = range(5)
        if n >= 2 and i == n - 2:
            weekdays = range(3)
        elif n >= 2 and i == n - 1:
            weekdays = range(3, 5)
        for weekday in weekdays:
            TeamShift.objects.create(team=team, weekday=weekday, start=datetime.time(9), end=datetime.time(17))
        members = [staff[2 * i], staff[2 * i + 1]]
        if n >= 2 and i == n - 1:
            members[1] = staff[2 * (n - 2) + 1]  # shared with the Monday–Wednesday team
        team.members.set(members)
        teams.append(team)
    if n >= 3:
        # Every Wednesday of the month one administrator of the first team is away and a member of the
        # third team stands in for the day: the third team goes out without them (teams/rosters.py).
        for monday in mondays:
            wednesday = monday + datetime.timedelta(days=2)
            MembershipChange.objects.create(team=teams[0], user=staff[0], kind=MembershipChange.Kind.AWAY,
                                            date_from=wednesday, date_to=wednesday, note="відпустка")
            MembershipChange.objects.create(team=teams[0], user=staff[5], kind=MembershipChange.Kind.JOINS,
                                            date_from=wednesday, date_to=wednesday, note="заміна на день")
    return teams


def _arrive(month, rnd, n, report):
    """n requests accepted now, a few of them placed only at their settlement's centre."""
    if not n:
        return
    community = month.community
    now = timezone.now()
    weights = [d[3] for d in DISTRICTS] + [VILLAGE_SHARE]
    reqs = []
    for _ in range(n):
        k = month.made
        month.made += 1
        pick = rnd.choices(range(len(weights)), weights)[0]
        if pick < len(DISTRICTS):
            name, lat, lon, _share = DISTRICTS[pick]
            lat, lon = rnd.gauss(lat, 0.018), rnd.gauss(lon, 0.022)
        else:
            name, lat, lon = rnd.choice(VILLAGES)
            lat, lon = rnd.gauss(lat, 0.004), rnd.gauss(lon, 0.005)
        settlement = month.settlements[name]
        approximate = rnd.random() < APPROXIMATE_SHARE
        if approximate:
            lat, lon = float(settlement.latitude), float(settlement.longitude)
            report.approximate += 1
        window = rnd.choice([(9, 13), (13, 17), (9, 17), (10, 15), (9, 17)])
        days = sorted(rnd.sample(range(5), rnd.choice([2, 3, 5, 5])))
        reqs.append(VisitRequest(
            community=community, number=f"{k:04d}-{community.pk % 10000:04d}", status=Status.ACCEPTED,
            channel=Channel.PHONE, applicant_name=f"Людина {k}", applicant_birth_date=datetime.date(1940, 1, 1),
            applicant_phone=f"+38067{1000000 + k}", settlement=settlement, street="вул. Тестова",
            building=str(k), latitude=Decimal(f"{lat:.6f}"), longitude=Decimal(f"{lon:.6f}"),
            location_source=LocationSource.SETTLEMENT if approximate else LocationSource.REGISTER,
            location_approximate=approximate,
            category=rnd.choice(month.categories), evidence_available=True, eligibility="eligible",
            preferred_weekdays=days, window_start=datetime.time(window[0]), window_end=datetime.time(window[1]),
            consent_at=now, consent_by="x", warning_acknowledged_at=now, created_at=now, accepted_at=now,
            name_key=f"людина {k}", address_key=f"{k}",
        ))
    made = VisitRequest.objects.bulk_create(reqs)
    numbers = [r.number for r in made]
    fresh = list(VisitRequest.objects.filter(community=community, number__in=numbers))
    RequestedService.objects.bulk_create([
        RequestedService(request=req, service=service)
        for req in fresh for service in rnd.sample(month.services, rnd.choice([1, 1, 2]))
    ])
    StatusChange.objects.bulk_create([StatusChange(request=r, to_status=Status.ACCEPTED) for r in fresh])


def _plan_week(month, monday, opts, report, write):
    week = actions.week_for(month.community, monday)
    # Who should be in this week's pool: waiting now and accepted before the cut-off, or partly served
    # with services still to do.
    waiting = set(VisitRequest.objects.filter(community=month.community).filter(
        Q(status=Status.ACCEPTED, accepted_at__lte=week.cutoff_at)
        | Q(status=Status.PARTLY_SERVED, services__done_at__isnull=True)).values_list("pk", flat=True))
    plan = actions.start_planning(week, by=month.coordinator, time_limit_s=int(opts["time_limit"]))
    started = time.perf_counter()
    plan = actions.run_planning(plan.pk)
    seconds = time.perf_counter() - started
    if plan.state != Plan.State.DRAFT:
        raise RuntimeError(f"planning week {monday} failed: {plan.message}")
    actions.approve(plan, by=month.coordinator)
    actions.publish(plan, by=month.coordinator)
    on_trips = set(Stop.objects.filter(trip__plan=plan, request__isnull=False).values_list("request_id", flat=True))
    left = set(Unplanned.objects.filter(plan=plan, request__isnull=False).values_list("request_id", flat=True))
    report.lost |= waiting - on_trips - left
    report.weeks += 1
    report.planned += len(on_trips)
    report.unplanned += len(left)
    report.plan_s.append(seconds)
    line = (f"week={monday.isoformat()} pool={len(on_trips) + len(left)} planned={len(on_trips)} "
            f"unplanned={len(left)} trips={plan.trips.count()} plan_s={seconds:.1f}")
    report.lines.append(line)
    write(line)


def _outcomes(month, rnd, day):
    """The evening of `day`: outcomes of its published stops reach the server (most of them)."""
    stops = (Stop.objects.filter(trip__plan__week__community=month.community, trip__plan__state=Plan.State.PUBLISHED,
                                 trip__day=day, request__status=Status.SCHEDULED)
             .select_related("request").order_by("trip__team__name", "position"))
    kinds, weights = zip(*OUTCOMES, strict=True)
    now = timezone.now()
    for stop in stops:
        kind = rnd.choices(kinds, weights)[0]
        req = stop.request
        when = day.strftime("%d.%m.%Y")
        todo = [s.pk for s in visit_actions.remaining_services(req)]
        if kind == "partly" and len(todo) < 2:
            kind = "served"
        if kind == "silent":
            continue
        # As the laptop's outcome does (field/sync/outcome.py): services done, reminders withdrawn.
        if kind == "served":
            visit_actions.mark_services_done(req, todo, at=now)
            visit_actions.change_status(req, Status.SERVED, by=None, comment=f"Візит {when}: обслуговано.")
        elif kind == "partly":
            visit_actions.mark_services_done(req, todo[:1], at=now)
            visit_actions.change_status(req, Status.PARTLY_SERVED, by=None,
                                        comment=f"Візит {when}: обслуговано частково.")
        else:
            visit_actions.change_status(req, Status.ACCEPTED, by=None,
                                        comment=f"Візит {when}: нікого немає вдома. Заявка повертається до планування.")
        actions.cancel_reminders(req, plan=stop.trip.plan)


def _final_checks(month, report):
    """Twice: two published trips of one request with no return to the pool between them (back to
    waiting, or partly served with services still to do)."""
    published = (Stop.objects.filter(trip__plan__week__community=month.community, request__isnull=False,
                                     trip__plan__state=Plan.State.PUBLISHED)
                 .select_related("trip__plan").order_by("request_id", "trip__day"))
    by_request = {}
    for stop in published:
        by_request.setdefault(stop.request_id, []).append(stop)
    back = {}
    for change in StatusChange.objects.filter(request__community=month.community,
                                              to_status__in=[Status.ACCEPTED, Status.PARTLY_SERVED]).exclude(
            from_status__in=["", Status.NEW, Status.NEEDS_INFO]):
        back.setdefault(change.request_id, []).append(change.at)
    for request_id, stops in by_request.items():
        for first, second in zip(stops, stops[1:], strict=False):
            day_began = datetime.datetime.combine(first.trip.day, datetime.time(), tzinfo=timezone.get_current_timezone())
            returned = any(day_began <= moment <= second.trip.plan.published_at for moment in back.get(request_id, []))
            if not returned:
                report.twice.add(request_id)
    # One person, vehicle or suitcase in at most one trip a day (who travels: teams/rosters.py).
    trips = Trip.objects.filter(plan__week__community=month.community, plan__state=Plan.State.PUBLISHED)
    teams = rosters.teams_for_rosters(month.community)
    for day in sorted(set(trips.values_list("day", flat=True))):
        entries = {e.team.pk: e for e in rosters.plan_days(teams, [day])[day]}
        people, things = [], []
        for trip in trips.filter(day=day):
            entry = entries.get(trip.team_id)
            people += list(entry.people) if entry else []
            things += [("v", trip.vehicle_id), ("s", trip.suitcase_id)]
        report.people_twice += len(people) - len(set(people))
        things = [t for t in things if t[1] is not None]
        report.things_twice += len(things) - len(set(things))
    ends = dict(VisitRequest.objects.filter(community=month.community).values_list("pk", "status"))
    fine = {Status.SERVED, Status.PARTLY_SERVED, Status.ACCEPTED, Status.SCHEDULED}
    report.lost |= {pk for pk, status in ends.items() if status not in fine}
    report.served = sum(1 for status in ends.values() if status == Status.SERVED)
    first_plans = (Stop.objects.filter(trip__plan__week__community=month.community, request__isnull=False,
                                       trip__plan__state=Plan.State.PUBLISHED)
                   .values("request_id").annotate(first=Min("trip__day")))
    report.distinct_planned = len(first_plans)

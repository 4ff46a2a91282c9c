"""A realistic week: Valiza's plan against a coordinator's plan by hand.

A long city of about 650,000 people in 7 districts plus villages around it (as Kryvyi Rih, seed
004), 500 accepted requests over 5 days with time windows, 4 teams from 4 district offices. The
data is created in the database and rolled back at the end; the plan is made by the same code as
the "plan the week" button (planning.actions.run_planning). The hand plan (bench.planning.hand_plan) uses
the same travel times. Both are checked by planning.checks.
"""

import dataclasses
import datetime
import random
import time
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts import roles
from accounts.models import User
from bench.planning import month
from bench.planning.city import DISTRICTS, VILLAGE_SHARE, VILLAGES
from bench.planning.hand_plan import hand_plan
from catalogue.models import Provider, Service
from communities.models import Community, Office, Settlement
from eligibility.models import EligibilityCategory
from eligibility.rules import ensure_mandatory_categories
from planning import actions, build, solver
from planning.checks import check_solution
from planning.models import Stop
from teams.models import Suitcase, Team, TeamShift, Vehicle
from visits.models import Channel, RequestedService, Status, StatusChange, VisitRequest

OFFICES = ["Покровський", "Металургійний", "Довгинцівський", "Інгулецький"]


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Compare Valiza's weekly plan with a hand-made one on a generated city of 650,000 people."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=500)
        parser.add_argument("--teams", type=int, default=4)
        parser.add_argument("--time-limit", type=float, default=8.0,
                            help="solver search time, seconds (the whole plan must take ≤ 10 s)")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument(
            "--month", action="store_true",
            help="a month of the weekly cycle instead: --requests (default 1500) arrive over --weeks weeks "
                 "for --teams (default 10) teams; each week planned at its cut-off, published, worked; the last "
                 "line is weeks=… planned=… twice=… lost=… max_plan_s=…")
        parser.add_argument("--weeks", type=int, default=4, help="with --month: weeks planned")

    def handle(self, *args, **opts):
        try:
            with transaction.atomic():
                if opts["month"]:
                    self._month(opts)
                else:
                    self._run(opts)
                raise Rollback
        except Rollback:
            pass

    def _month(self, opts):
        # One week's defaults (500 requests, 4 teams, 8 s) are not the month's.
        argv_defaults = {"requests": 500, "teams": 4, "time_limit": 8.0}
        month_defaults = {"requests": 1500, "teams": 10, "time_limit": 20.0}
        for key, value in month_defaults.items():
            if opts[key] == argv_defaults[key]:
                opts[key] = value
        self.stdout.write(f"month: requests={opts['requests']} teams={opts['teams']} weeks={opts['weeks']} "
                          f"time_limit_s={opts['time_limit']} seed={opts['seed']}")
        report = month.run(opts, self.stdout.write)
        self.stdout.write(
            f"requests={opts['requests']} approximate={report.approximate} served={report.served} "
            f"unplanned_rows={report.unplanned} distinct_planned={report.distinct_planned} "
            f"people_in_two_trips={report.people_twice} vehicles_or_suitcases_in_two_trips={report.things_twice}")
        self.stdout.write(
            f"weeks={report.weeks} planned={report.planned} twice={len(report.twice)} lost={len(report.lost)} "
            f"max_plan_s={max(report.plan_s, default=0):.1f}")

    def _run(self, opts):
        rnd = random.Random(opts["seed"])
        community, week, coordinator = self._community(rnd, opts)
        built = build.build_problem(week)
        problem = built.problem

        started = time.perf_counter()
        hand = hand_plan(problem)
        hand_s = time.perf_counter() - started
        hand_check = check_solution(problem, hand)

        plan = actions.start_planning(week, by=coordinator, time_limit_s=int(opts["time_limit"]))
        started = time.perf_counter()
        plan = actions.run_planning(plan.pk)
        valiza_s = time.perf_counter() - started
        if plan.state != plan.State.DRAFT:
            self.stderr.write(f"planning failed: {plan.message}")
            return
        valiza = _solution_from_db(plan, built)
        valiza_check = check_solution(problem, valiza)

        self.stdout.write(f"requests={len(problem.visits)} teams={opts['teams']} shifts={len(problem.shifts)} "
                          f"time_limit_s={opts['time_limit']}")
        self.stdout.write(f"{'':8} {'visits':>7} {'travel_min':>11} {'travel/visit':>13} {'km':>8} {'run_s':>7} {'feasible':>9}")
        for name, sol, chk, secs in (("hand", hand, hand_check, hand_s), ("valiza", valiza, valiza_check, valiza_s)):
            t = sol.totals
            per = t.travel / t.visits if t.visits else 0
            self.stdout.write(f"{name:8} {t.visits:7d} {t.travel:11d} {per:13.1f} {t.distance / 1000:8.1f} "
                              f"{secs:7.2f} {str(chk.ok):>9}")
            for v in chk.violations[:5]:
                self.stdout.write(f"  ! {v}")
        # The same visits as the hand plan served: Valiza plans exactly those (all required).
        served = {s.visit_id for r in hand.routes for s in r.stops}
        same = [dataclasses.replace(v, required=True) for v in problem.visits if v.id in served]
        started = time.perf_counter()
        same_sol = solver.solve(dataclasses.replace(problem, visits=same), opts["time_limit"])
        same_s = time.perf_counter() - started
        same_check = check_solution(dataclasses.replace(problem, visits=same), same_sol)
        t = same_sol.totals
        self.stdout.write(f"{'same':8} {t.visits:7d} {t.travel:11d} {t.travel / max(t.visits, 1):13.1f} "
                          f"{t.distance / 1000:8.1f} {same_s:7.2f} {str(same_check.ok):>9}   (Valiza on the hand plan's visits)")
        same_less = 100 * (1 - t.travel / hand.totals.travel) if hand.totals.travel else 0
        self.stdout.write(f"same_visits_travel_less_pct={same_less:.1f} same_visits_planned={t.visits}/{len(same)}")
        less = 100 * (1 - valiza.totals.travel / hand.totals.travel) if hand.totals.travel else 0
        less_per = 100 * (1 - (valiza.totals.travel / valiza.totals.visits) / (hand.totals.travel / hand.totals.visits)) \
            if hand.totals.visits and valiza.totals.visits else 0
        self.stdout.write(
            f"valiza_plan_s={valiza_s:.2f} travel_less_pct={less:.1f} travel_per_visit_less_pct={less_per:.1f} "
            f"visits_valiza={valiza.totals.visits} visits_hand={hand.totals.visits}"
        )

    def _community(self, rnd, opts):
        community = Community.objects.create(name="Бенчмарк-місто", slug=f"bench-{rnd.randint(0, 10**9)}")
        ensure_mandatory_categories(community)
        categories = list(EligibilityCategory.objects.filter(community=community, kind__in=["disability_1", "lkk"]))
        settlements = {}
        for name, lat, lon, _share in DISTRICTS:
            settlements[name] = Settlement.objects.create(community=community, name=name, latitude=Decimal(str(lat)),
                                                          longitude=Decimal(str(lon)))
        for name, lat, lon in VILLAGES:
            settlements[name] = Settlement.objects.create(community=community, name=name, is_remote=True,
                                                          latitude=Decimal(str(lat)), longitude=Decimal(str(lon)))
        provider = Provider.objects.create(community=community, name="ЦНАП")
        services = [Service.objects.create(code=f"B{community.pk}-{i}", name_uk=f"Послуга {i}", provider=provider,
                                           minutes=m) for i, m in enumerate([10, 15, 20, 30, 40])]
        coordinator = User.objects.create(username=f"bench-{community.pk}", role=roles.COORDINATOR, community=community)
        suitcase = None
        for i in range(opts["teams"]):
            district = next(d for d in DISTRICTS if d[0] == OFFICES[i % len(OFFICES)])
            office = Office.objects.create(community=community, name=f"ЦНАП {district[0]}", address=district[0],
                                           latitude=Decimal(str(district[1])), longitude=Decimal(str(district[2])))
            suitcase = Suitcase.objects.create(community=community, name=f"Валіза {i + 1}", autonomy_minutes=360)
            vehicle = Vehicle.objects.create(community=community, name=f"Авто {i + 1}")
            team = Team.objects.create(community=community, name=f"Команда {i + 1}", office=office, suitcase=suitcase,
                                       vehicle=vehicle)
            for weekday in range(5):
                TeamShift.objects.create(team=team, weekday=weekday, start=datetime.time(9), end=datetime.time(17))

        monday = actions.next_monday()
        week = actions.week_for(community, monday)
        now = timezone.now()
        weights = [d[3] for d in DISTRICTS] + [VILLAGE_SHARE]
        reqs, links = [], []
        for n in range(opts["requests"]):
            pick = rnd.choices(range(len(weights)), weights)[0]
            if pick < len(DISTRICTS):
                name, lat, lon, _ = DISTRICTS[pick]
                lat, lon = rnd.gauss(lat, 0.018), rnd.gauss(lon, 0.022)
            else:
                name, lat, lon = rnd.choice(VILLAGES)
                lat, lon = rnd.gauss(lat, 0.004), rnd.gauss(lon, 0.005)
            window = rnd.choice([(9, 13), (13, 17), (9, 17), (10, 15), (9, 17)])
            days = sorted(rnd.sample(range(5), rnd.choice([1, 2, 2, 3, 5])))
            reqs.append(VisitRequest(
                community=community, number=f"{n:04d}-{community.pk % 10000:04d}", status=Status.ACCEPTED,
                channel=Channel.PHONE, applicant_name=f"Людина {n}", applicant_birth_date=datetime.date(1940, 1, 1),
                applicant_phone=f"+38067{1000000 + n}", settlement=settlements[name], street="вул. Тестова",
                building=str(n), latitude=Decimal(f"{lat:.6f}"), longitude=Decimal(f"{lon:.6f}"),
                category=rnd.choice(categories), evidence_available=True, eligibility="eligible",
                preferred_weekdays=days, window_start=datetime.time(window[0]), window_end=datetime.time(window[1]),
                consent_at=now, consent_by="x", warning_acknowledged_at=now,
                created_at=now - datetime.timedelta(minutes=opts["requests"] - n),
                name_key=f"людина {n}", address_key=f"{n}",
            ))
        VisitRequest.objects.bulk_create(reqs)
        for req in VisitRequest.objects.filter(community=community):
            for service in rnd.sample(services, rnd.choice([1, 1, 2])):
                links.append(RequestedService(request=req, service=service))
        RequestedService.objects.bulk_create(links)
        StatusChange.objects.bulk_create(
            [StatusChange(request=r, to_status=Status.ACCEPTED) for r in VisitRequest.objects.filter(community=community)]
        )
        return community, week, coordinator


def _solution_from_db(plan, built):
    """Valiza's stored trips as a solver Solution, so the same checker judges both plans."""
    week = plan.week
    stops = {}
    for stop in Stop.objects.filter(trip__plan=plan).select_related("trip").order_by("trip", "position"):
        sid = f"{stop.trip.team_id}:{stop.trip.day.isoformat()}"
        stops.setdefault(sid, []).append(stop)
    places, depot_index, visit_index = built.problem.places()
    durations, distances = solver.integer_matrices(built.problem.travel.matrix(places))
    visits = {v.id: v for v in built.problem.visits}

    def minute(dt):
        return int((timezone.localtime(dt).replace(tzinfo=None)
                    - datetime.datetime.combine(week.monday, datetime.time())).total_seconds() // 60)

    routes = []
    for shift in built.problem.shifts:
        rows = []
        for stop in stops.get(shift.id, []):
            visit = visits[stop.request_id]
            start = minute(stop.start)
            window = next((w for w in visit.allowed_windows() if w[0] <= start <= w[1]), visit.allowed_windows()[0])
            rows.append((visit, window, visit_index[visit.id]))
        routes.append(solver.schedule_route(shift, rows, depot_index[shift.depot], durations, distances))
    served = {s.visit_id for r in routes for s in r.stops}
    unplanned = [solver.Unplanned(v.id, "no_capacity") for v in built.problem.visits if v.id not in served]
    return solver.Solution(routes=routes, unplanned=unplanned, totals=solver.totals(routes))

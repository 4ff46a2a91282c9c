"""An independent check of a plan against its problem, with exact (unrounded) travel times.

Used by the tests and the benchmark; it knows nothing of PyVRP. For every route it re-reads the
published times and checks that they can really be kept when travel takes the provider's exact
time: leave no earlier than the shift starts, each start of service at or after the previous end
plus the exact travel time, inside one of the visit's windows (or at its pinned time), back at the
depot by the end of the shift, within the shift's maximum duration (suitcase autonomy), the load
within capacity, the team has the skills, pins respected, each visit planned or listed as
unplanned exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from planning.solver import REASONS, Problem, Solution
from planning.travel import TravelMatrix

TOLERANCE = 1e-6


@dataclass
class CheckReport:
    violations: list[str] = field(default_factory=list)
    distance: float = 0.0  # exact distance of all routes, in the provider's unit
    travel: float = 0.0  # exact travel time of all routes
    unplanned: int = 0
    unserved_required: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations


def check_solution(
    problem: Problem,
    solution: Solution,
    matrix: TravelMatrix | None = None,
    tolerance: float = TOLERANCE,
) -> CheckReport:
    """``matrix`` must be the provider's float matrix on ``problem.places()``; computed if None."""
    places, depot_index, visit_index = problem.places()
    if matrix is None:
        matrix = problem.travel.matrix(places)
    dur, dist = np.asarray(matrix.durations, float), np.asarray(matrix.distances, float)
    report = CheckReport()
    bad = report.violations.append

    shifts = {s.id: s for s in problem.shifts}
    visits = {v.id: v for v in problem.visits}
    seen: dict = {}
    route_shifts = set()

    for route in solution.routes:
        shift = shifts.get(route.shift_id)
        if shift is None:
            bad(f"route for unknown shift {route.shift_id!r}")
            continue
        if route.shift_id in route_shifts:
            bad(f"shift {shift.id!r} has two routes")
        route_shifts.add(route.shift_id)
        if not route.stops:
            continue
        depot = depot_index[shift.depot]
        where = f"shift {shift.id!r}"
        if route.depart < shift.start - tolerance:
            bad(f"{where}: leaves at {route.depart}, before the shift starts at {shift.start}")
        t, prev, load = float(route.depart), depot, 0
        for stop in route.stops:
            visit = visits.get(stop.visit_id)
            if visit is None:
                bad(f"{where}: unknown visit {stop.visit_id!r}")
                continue
            seen[visit.id] = seen.get(visit.id, 0) + 1
            at = f"{where}, visit {visit.id!r}"
            loc = visit_index.get(visit.id)
            if loc is None:
                bad(f"{at}: planned without coordinates")
                continue
            if not visit.skills <= shift.skills:
                bad(f"{at}: needs {sorted(visit.skills - shift.skills)} the team lacks")
            if visit.pinned_shift is not None and visit.pinned_shift != shift.id:
                bad(f"{at}: pinned to shift {visit.pinned_shift!r}")
            if shift.id in visit.excluded_shifts:
                bad(f"{at}: shift {shift.id!r} may not serve it (out of reach)")
            leg, leg_d = dur[prev, loc], dist[prev, loc]
            report.travel += leg
            report.distance += leg_d
            earliest = t + leg
            if not np.isfinite(earliest):
                bad(f"{at}: cannot be reached")
            elif stop.start < earliest - tolerance:
                bad(f"{at}: starts at {stop.start}, cannot arrive before {earliest:.4f}")
            if stop.arrival > stop.start:
                bad(f"{at}: starts at {stop.start} before its arrival {stop.arrival}")
            if visit.pinned_start is not None and stop.start != visit.pinned_start:
                bad(f"{at}: pinned to start at {visit.pinned_start}, starts at {stop.start}")
            windows = visit.allowed_windows()
            if not any(a - tolerance <= stop.start <= b + tolerance for a, b in windows):
                bad(f"{at}: starts at {stop.start}, outside its windows {list(windows)}")
            if stop.end != stop.start + visit.service:
                bad(f"{at}: ends at {stop.end}, service is {visit.service}")
            load += visit.demand
            t, prev = float(stop.end), loc
        leg, leg_d = dur[prev, depot], dist[prev, depot]
        report.travel += leg
        report.distance += leg_d
        back = t + leg
        if route.back < back - tolerance:
            bad(f"{where}: back at {route.back}, cannot be back before {back:.4f}")
        if max(back, route.back) > shift.end + tolerance:
            bad(f"{where}: back at {max(back, route.back)}, after the shift ends at {shift.end}")
        limit = shift.max_duration
        if limit is not None and max(back, route.back) - route.depart > limit + tolerance:
            bad(f"{where}: out {max(back, route.back) - route.depart}, limit {limit}")
        if shift.capacity is not None and load > shift.capacity:
            bad(f"{where}: load {load} over capacity {shift.capacity}")

    unplanned = {}
    for u in solution.unplanned:
        if u.visit_id not in visits:
            bad(f"unplanned unknown visit {u.visit_id!r}")
        if u.visit_id in unplanned:
            bad(f"visit {u.visit_id!r} listed twice as unplanned")
        if u.reason not in REASONS:
            bad(f"visit {u.visit_id!r}: unknown reason {u.reason!r}")
        unplanned[u.visit_id] = u.reason
    for visit in problem.visits:
        n = seen.get(visit.id, 0)
        if n > 1:
            bad(f"visit {visit.id!r} planned {n} times")
        if n and visit.id in unplanned:
            bad(f"visit {visit.id!r} both planned and unplanned")
        if not n and visit.id not in unplanned:
            bad(f"visit {visit.id!r} neither planned nor unplanned")
        if not n and visit.required:
            report.unserved_required.append(visit.id)
    report.unplanned = len(unplanned)
    return report

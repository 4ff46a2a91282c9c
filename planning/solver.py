"""The week planner's solver layer: a planning problem in, routes per shift out (no ORM here).

Modelling (DESIGN.md, stack row "planning"): PyVRP 0.14 behind this adapter.

- Time is one integer axis (minutes from the start of the planning week for Valiza; any unit for
  benchmarks), so a shift on Tuesday and one on Thursday live in the same problem.
- Each `Shift` (one team on one day) becomes a PyVRP vehicle: its depot, its hours as the vehicle
  time window (leave no earlier than ``start``, be back by ``end``), the suitcase autonomy as the
  route's maximum duration (travel + waiting + service). Identical shifts share a vehicle type.
- Each `Visit` becomes one PyVRP client per allowed window; a visit with several windows (several
  allowed days) is a mutually exclusive client group, so it is served at most once — exactly once
  when it is required. A window bounds the START of service.
- Skills and pins: PyVRP has no client–vehicle compatibility, so each distinct "who may not serve
  what" gets its own routing profile in which the arcs into a forbidden visit cost and take
  ``pyvrp.constants.MAX_VALUE``. A visit pinned to a shift may only be served by it (and only
  within its hours); a pinned start time becomes the window ``[t, t]``.
- Optional visits carry their priority as a prize; required visits must be served. If required
  visits cannot all be served, the solver runs again with them as optional with a prize larger
  than any route could cost, and lists the ones left out.
- Durations and distances from the `TravelTimeProvider` are rounded UP to integers, so the times
  given to citizens are never earlier than the provider's own travel times allow.

Before solving, every visit is checked alone (`unplanned_reason`), in this order:
``no_coordinates`` (none, or no road to it from any depot), ``no_skill`` (no shift has the skills,
or it is pinned to one that lacks them), ``out_of_reach`` (every such shift is among the visit's
``excluded_shifts``: a team on foot and the visit beyond its walking radius), ``no_window_fits``
(no allowed shift can get there, serve it within a window and be back in its hours),
``beyond_autonomy`` (depot → visit → depot with the service exceeds every such shift's max
duration), ``no_capacity`` (demand over capacity). What cannot be served even by itself is left
out with that reason; what the optimisation leaves out gets ``no_capacity`` (did not fit in the
time available).
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from pyvrp import Model
from pyvrp import solve as pyvrp_solve
from pyvrp.constants import MAX_VALUE
from pyvrp.exceptions import PenaltyBoundWarning
from pyvrp.stop import MultipleCriteria, NoImprovement

from planning.travel import (
    CITY,
    EuclideanTravelTime,
    HaversineTravelTime,
    MatrixTravelTime,
    OsrmTravelTime,
    Place,
    TravelMatrix,
    TravelTimeError,
    TravelTimeProvider,
)

__all__ = [
    "AUTONOMY_MINUTES",
    "BEYOND_AUTONOMY",
    "NO_CAPACITY",
    "NO_COORDINATES",
    "NO_SKILL",
    "NO_WINDOW_FITS",
    "OUT_OF_REACH",
    "REASONS",
    "Depot",
    "EuclideanTravelTime",
    "HaversineTravelTime",
    "MatrixTravelTime",
    "OsrmTravelTime",
    "Place",
    "Problem",
    "ProblemError",
    "Progress",
    "Route",
    "Shift",
    "Solution",
    "Stop",
    "Totals",
    "TravelMatrix",
    "TravelTimeError",
    "TravelTimeProvider",
    "Unplanned",
    "Visit",
    "integer_matrices",
    "priority_prize",
    "schedule_route",
    "solve",
    "unplanned_reason",
]

AUTONOMY_MINUTES = 6 * 60  # the suitcase works about 6 hours on battery (seed 002)

NO_COORDINATES = "no_coordinates"
NO_SKILL = "no_skill"
OUT_OF_REACH = "out_of_reach"
NO_WINDOW_FITS = "no_window_fits"
BEYOND_AUTONOMY = "beyond_autonomy"
NO_CAPACITY = "no_capacity"
# In the order they are checked.
REASONS = (NO_COORDINATES, NO_SKILL, OUT_OF_REACH, NO_WINDOW_FITS, BEYOND_AUTONOMY, NO_CAPACITY)

FORBIDDEN = int(MAX_VALUE)  # cost and duration of an arc that must not be used
MAX_TIME = FORBIDDEN  # "no limit" on the time axis

Id = Hashable
Window = tuple[int, int]


class ProblemError(ValueError):
    """The problem itself is malformed (duplicate ids, a shift ending before it starts, …)."""


# --------------------------------------------------------------------------------------------
# Problem


@dataclass(frozen=True)
class Depot:
    """Where shifts start and end (the office). ``coords`` as the travel provider expects them."""

    id: Id
    coords: tuple[float, float]
    area: str = CITY


@dataclass(frozen=True)
class Shift:
    """One team on one day. ``start``/``end`` on the week axis: leave the depot no earlier than
    ``start`` and be back by ``end``. ``max_duration`` caps the route from leaving to coming back
    (the suitcase autonomy); ``None`` means only the shift hours limit it."""

    id: Id
    depot: Id
    start: int
    end: int
    max_duration: int | None = AUTONOMY_MINUTES
    skills: frozenset[str] = frozenset()
    capacity: int | None = None
    team: Id | None = None

    def __post_init__(self):
        object.__setattr__(self, "skills", frozenset(self.skills))

    @property
    def duration_limit(self) -> int:
        span = self.end - self.start
        return span if self.max_duration is None else min(span, self.max_duration)


@dataclass(frozen=True)
class Visit:
    """A request to be served at an address.

    ``windows`` are the allowed intervals for the START of service (one per allowed day, say);
    empty means any time within a shift. ``service`` is the time at the door. ``skills`` must all
    be in the serving shift's skills. ``prize`` is the priority of an optional visit (see
    `priority_prize`); a ``required`` visit must be served. ``pinned_shift`` restricts it to that
    shift; ``pinned_start`` fixes the start of service. ``excluded_shifts`` may not serve it (a
    team without a vehicle, the visit beyond its walking radius).
    """

    id: Id
    coords: tuple[float, float] | None
    service: int = 0
    windows: tuple[Window, ...] = ()
    skills: frozenset[str] = frozenset()
    prize: int = 0
    required: bool = False
    pinned_shift: Id | None = None
    pinned_start: int | None = None
    demand: int = 0
    area: str = CITY
    excluded_shifts: frozenset = frozenset()

    def __post_init__(self):
        object.__setattr__(self, "skills", frozenset(self.skills))
        object.__setattr__(self, "excluded_shifts", frozenset(self.excluded_shifts))
        object.__setattr__(self, "windows", tuple((int(a), int(b)) for a, b in self.windows))

    def allowed_windows(self) -> tuple[Window, ...]:
        if self.pinned_start is not None:
            return ((self.pinned_start, self.pinned_start),)
        return self.windows or ((0, MAX_TIME),)


@dataclass
class Problem:
    """Everything one planning run needs. Cost of a route = ``travel_time_cost`` per time unit of
    travel + ``distance_cost`` per distance unit (metres) + ``shift_fixed_cost`` if used; the
    solver minimises cost + prizes of the optional visits left out."""

    depots: Sequence[Depot]
    shifts: Sequence[Shift]
    visits: Sequence[Visit]
    travel: TravelTimeProvider = field(default_factory=HaversineTravelTime)
    travel_time_cost: int = 1
    distance_cost: int = 0
    shift_fixed_cost: int = 0

    def places(self) -> tuple[list[Place], dict[Id, int], dict[Id, int]]:
        """The places the travel matrix is built on: depots first, then every visit that has
        coordinates, in the problem's order. Returns (places, depot index, visit index)."""
        places = [Place(tuple(d.coords), d.area) for d in self.depots]
        depot_index = {d.id: i for i, d in enumerate(self.depots)}
        visit_index: dict[Id, int] = {}
        for v in self.visits:
            if v.coords is not None:
                visit_index[v.id] = len(places)
                places.append(Place(tuple(v.coords), v.area))
        return places, depot_index, visit_index

    def validate(self) -> None:
        for kind, items in (("depot", self.depots), ("shift", self.shifts), ("visit", self.visits)):
            ids = [x.id for x in items]
            if len(set(ids)) != len(ids):
                raise ProblemError(f"duplicate {kind} id")
        depot_ids = {d.id for d in self.depots}
        shift_ids = {s.id for s in self.shifts}
        for s in self.shifts:
            if s.start < 0:
                raise ProblemError(f"shift {s.id!r}: times on the week axis start at 0")
            if s.depot not in depot_ids:
                raise ProblemError(f"shift {s.id!r}: unknown depot {s.depot!r}")
            if s.end < s.start:
                raise ProblemError(f"shift {s.id!r} ends before it starts")
            if s.max_duration is not None and s.max_duration < 0:
                raise ProblemError(f"shift {s.id!r}: negative max_duration")
            if s.capacity is not None and s.capacity < 0:
                raise ProblemError(f"shift {s.id!r}: negative capacity")
        for v in self.visits:
            if v.service < 0 or v.demand < 0 or v.prize < 0:
                raise ProblemError(f"visit {v.id!r}: negative service, demand or prize")
            if any(b < a or a < 0 for a, b in v.windows):
                raise ProblemError(f"visit {v.id!r}: a window ends before it starts or before 0")
            if v.pinned_start is not None and v.pinned_start < 0:
                raise ProblemError(f"visit {v.id!r}: pinned start before 0")
            if v.pinned_shift is not None and v.pinned_shift not in shift_ids:
                raise ProblemError(f"visit {v.id!r}: pinned to unknown shift {v.pinned_shift!r}")
        for name in ("travel_time_cost", "distance_cost", "shift_fixed_cost"):
            if getattr(self, name) < 0:
                raise ProblemError(f"{name} must not be negative")


def priority_prize(
    *,
    base: int = 10_000,
    in_hospital: bool = False,
    days_waiting: int = 0,
    days_to_deadline: int | None = None,
) -> int:
    """A prize for an optional visit from its priority. ``base`` (in cost units: minutes of
    travel by default) should exceed any detour a team would make for one visit, so every visit
    that fits is served; the bonuses decide who is left out when not all fit: hospital first,
    then a legal deadline within the next days, then those who have waited longest."""
    prize = base
    if in_hospital:
        prize += 4 * base
    if days_to_deadline is not None:
        prize += max(0, 10 - days_to_deadline) * base // 5
    prize += min(max(days_waiting, 0), 60) * base // 50
    return prize


# --------------------------------------------------------------------------------------------
# Solution


@dataclass(frozen=True)
class Stop:
    visit_id: Id
    arrival: int
    start: int
    end: int
    wait: int
    window: Window
    travel: int  # from the previous stop (or the depot)
    distance: int


@dataclass
class Route:
    shift_id: Id
    stops: list[Stop]
    depart: int  # leaves the depot
    back: int  # returns to the depot
    travel: int
    distance: int
    wait: int
    service: int

    @property
    def duration(self) -> int:
        return self.back - self.depart if self.stops else 0

    @property
    def visit_ids(self) -> list[Id]:
        return [s.visit_id for s in self.stops]


@dataclass(frozen=True)
class Unplanned:
    visit_id: Id
    reason: str


@dataclass(frozen=True)
class Totals:
    visits: int
    travel: int
    distance: int
    wait: int
    service: int
    shifts_used: int


@dataclass
class Solution:
    routes: list[Route]  # one per shift, in the problem's shift order (stops may be empty)
    unplanned: list[Unplanned]  # in the problem's visit order
    totals: Totals
    objective: int = 0  # the adapter's cost of the routes (without prizes)
    feasible: bool = True  # as PyVRP judged its best solution
    runtime_s: float = 0.0
    iterations: int = 0

    def route(self, shift_id: Id) -> Route:
        for r in self.routes:
            if r.shift_id == shift_id:
                return r
        raise KeyError(shift_id)

    def shift_of(self, visit_id: Id) -> Id | None:
        for r in self.routes:
            if visit_id in r.visit_ids:
                return r.shift_id
        return None

    def stop(self, visit_id: Id) -> Stop | None:
        for r in self.routes:
            for s in r.stops:
                if s.visit_id == visit_id:
                    return s
        return None

    @property
    def reasons(self) -> dict[Id, str]:
        return {u.visit_id: u.reason for u in self.unplanned}


@dataclass(frozen=True)
class Progress:
    fraction: float  # of the time limit used
    elapsed_s: float
    best_cost: int | None  # cost of the best feasible solution so far


ProgressCallback = Callable[[Progress], object]


# --------------------------------------------------------------------------------------------
# Helpers shared with the checker and the benchmark baselines


def integer_matrices(matrix: TravelMatrix) -> tuple[np.ndarray, np.ndarray]:
    """Durations and distances rounded UP to int64; unreachable (inf/nan) → FORBIDDEN."""
    out = []
    for m in (matrix.durations, matrix.distances):
        finite = np.isfinite(m)
        # A hair below the value before ceil() so that float noise on an exact integer
        # (100 * 5.0 → 500.00000000000006) does not add a whole unit.
        rounded = np.ceil(np.where(finite, m, 0.0) - 1e-9)
        rounded = np.clip(rounded, 0, FORBIDDEN).astype(np.int64)
        rounded[~finite] = FORBIDDEN
        np.fill_diagonal(rounded, 0)
        out.append(rounded)
    return out[0], out[1]


def schedule_route(
    shift: Shift,
    stops: Sequence[tuple[Visit, Window, int]],
    depot_loc: int,
    durations: np.ndarray,
    distances: np.ndarray,
) -> Route:
    """Times for an ordered list of (visit, chosen window, matrix index): leave as late as
    possible without arriving later anywhere (the shortest route duration), wait for windows."""

    def forward(depart: int):
        t, prev, rows = depart, depot_loc, []
        for visit, (early, _late), loc in stops:
            arrival = t + int(durations[prev, loc])
            start = max(arrival, early)
            rows.append((arrival, start, start - arrival))
            t, prev = start + visit.service, loc
        return rows, t + int(durations[prev, depot_loc])

    rows, back = forward(shift.start)
    if stops:
        waited, delay = 0, None
        for (_arrival, start, wait), (_visit, (_early, late), _loc) in zip(rows, stops, strict=True):
            waited += wait
            room = late - start + waited
            delay = room if delay is None else min(delay, room)
        delay = max(0, min(waited, delay))
        rows, back = forward(shift.start + delay)
        depart = shift.start + delay
    else:
        depart, back = shift.start, shift.start

    out, prev, travel, dist, wait, service = [], depot_loc, 0, 0, 0, 0
    for (arrival, start, w), (visit, window, loc) in zip(rows, stops, strict=True):
        leg, leg_d = int(durations[prev, loc]), int(distances[prev, loc])
        out.append(Stop(visit.id, arrival, start, start + visit.service, w, window, leg, leg_d))
        travel, dist, wait, service = travel + leg, dist + leg_d, wait + w, service + visit.service
        prev = loc
    if stops:
        travel += int(durations[prev, depot_loc])
        dist += int(distances[prev, depot_loc])
    return Route(shift.id, out, depart, back, travel, dist, wait, service)


def _fits_window(
    visit: Visit, window: Window, shift: Shift, out: int, back: int
) -> bool:
    early, late = window
    start = max(early, shift.start + out)
    return start <= late and start + visit.service + back <= shift.end


def unplanned_reason(
    visit: Visit,
    shifts: Sequence[Shift],
    depot_index: dict[Id, int],
    loc: int | None,
    durations: np.ndarray,
) -> str | None:
    """Why this visit cannot be served even if it were the only one, or None if it could.
    Checked in the order of `REASONS`; deterministic (no solver involved)."""
    return _screen(visit, shifts, depot_index, loc, durations)[0]


def _screen(visit, shifts, depot_index, loc, durations):
    """(reason, shifts that may serve it, windows that fit one of those shifts)."""
    if loc is None or visit.coords is None:
        return NO_COORDINATES, [], []
    if depot_index and all(
        durations[d, loc] >= FORBIDDEN or durations[loc, d] >= FORBIDDEN
        for d in set(depot_index.values())
    ):
        return NO_COORDINATES, [], []  # no road to or from it: the location needs fixing
    skilled = [s for s in shifts if visit.skills <= s.skills]
    if visit.skills and not skilled:
        return NO_SKILL, [], []
    if visit.pinned_shift is not None:
        pinned = [s for s in shifts if s.id == visit.pinned_shift]
        if pinned and not visit.skills <= pinned[0].skills:
            return NO_SKILL, [], []
        skilled = [s for s in skilled if s.id == visit.pinned_shift]
    if visit.excluded_shifts and skilled:
        skilled = [s for s in skilled if s.id not in visit.excluded_shifts]
        if not skilled:
            return OUT_OF_REACH, [], []
    windows = _windows_for(visit, skilled)

    def legs(s):
        d = depot_index[s.depot]
        return int(durations[d, loc]), int(durations[loc, d])

    timed = [
        s for s in skilled if any(_fits_window(visit, w, s, *legs(s)) for w in windows)
    ]
    if not timed:
        return NO_WINDOW_FITS, [], []
    autonomous = [s for s in timed if sum(legs(s)) + visit.service <= s.duration_limit]
    if not autonomous:
        return BEYOND_AUTONOMY, [], []
    roomy = [s for s in autonomous if s.capacity is None or visit.demand <= s.capacity]
    if not roomy:
        return NO_CAPACITY, [], []
    kept = [w for w in windows if any(_fits_window(visit, w, s, *legs(s)) for s in roomy)]
    return None, skilled, kept


def _windows_for(visit: Visit, candidates: Sequence[Shift]) -> list[Window]:
    windows = list(visit.allowed_windows())
    if visit.pinned_shift is not None and candidates:
        s = candidates[0]
        windows = [(max(a, s.start), min(b, s.end)) for a, b in windows]
        windows = [(a, b) for a, b in windows if a <= b]
    return windows


# --------------------------------------------------------------------------------------------
# Solving


class _StopAndReport:
    """PyVRP stopping criterion: a time limit, with progress reports on the way."""

    def __init__(self, time_limit_s: float, progress: ProgressCallback | None, every_s=0.25):
        self.time_limit_s = max(0.0, float(time_limit_s))
        self.progress = progress
        self.every_s = every_s
        self.started: float | None = None
        self.last_report = -math.inf
        self.cancelled = False

    def __call__(self, best_cost) -> bool:
        now = time.perf_counter()
        if self.started is None:
            self.started = now
        elapsed = now - self.started
        if self.progress is not None and elapsed - self.last_report >= self.every_s:
            self.last_report = elapsed
            cost = int(best_cost) if best_cost < FORBIDDEN else None
            fraction = 1.0 if self.time_limit_s == 0 else min(1.0, elapsed / self.time_limit_s)
            if self.progress(Progress(fraction, elapsed, cost)) is True:
                self.cancelled = True
        return self.cancelled or elapsed >= self.time_limit_s


def solve(
    problem: Problem,
    time_limit_s: float,
    seed: int = 1,
    progress: ProgressCallback | None = None,
    no_improvement: int | None = None,
) -> Solution:
    """Plan ``problem`` within ``time_limit_s`` seconds of search.

    ``progress`` (optional) is called about four times a second with a `Progress`; if it returns
    ``True`` the search stops and the best plan so far is returned. The search runs for the whole
    time limit (PyVRP has no proof of optimality to stop on), twice when the required visits turn
    out not to fit together (the second run treats them as optional with a prize above any route
    cost). With ``no_improvement`` it also stops after that many iterations without a better plan
    (tests: a small problem converges long before its time limit, and the answer then depends on
    the seed alone, not on the machine's speed). The travel matrix is computed before the clock
    starts. Raises `ProblemError` for a malformed problem and `TravelTimeError` when the travel
    provider fails.
    """
    started = time.perf_counter()
    problem.validate()
    places, depot_index, visit_index = problem.places()
    durations, distances = integer_matrices(problem.travel.matrix(places))

    reasons: dict[Id, str] = {}
    plannable: list[tuple[Visit, list[Shift], list[Window]]] = []
    for visit in problem.visits:
        reason, allowed, windows = _screen(
            visit, problem.shifts, depot_index, visit_index.get(visit.id), durations
        )
        if reason is None:
            plannable.append((visit, allowed, windows))
        else:
            reasons[visit.id] = reason

    iterations, feasible, chosen = 0, True, {}
    if plannable:
        adapter = _Adapter(problem, plannable, depot_index, visit_index, durations, distances)
        chosen, iterations, feasible = adapter.run(time_limit_s, seed, progress, no_improvement)
    elif progress is not None:
        progress(Progress(1.0, 0.0, 0))

    routes = []
    served: set[Id] = set()
    for shift in problem.shifts:
        stops = [
            (visit, window, visit_index[visit.id]) for visit, window in chosen.get(shift.id, [])
        ]
        served.update(v.id for v, _w, _l in stops)
        routes.append(
            schedule_route(shift, stops, depot_index[shift.depot], durations, distances)
        )
    unplanned = [
        Unplanned(v.id, reasons.get(v.id, NO_CAPACITY)) for v in problem.visits if v.id not in served
    ]
    return Solution(
        routes=routes,
        unplanned=unplanned,
        totals=totals(routes),
        objective=objective(problem, routes),
        feasible=feasible,
        runtime_s=time.perf_counter() - started,
        iterations=iterations,
    )


def totals(routes: Iterable[Route]) -> Totals:
    """The sums over the routes that visit anyone (also for the benchmarks' own plans)."""
    routes = [r for r in routes if r.stops]
    return Totals(
        visits=sum(len(r.stops) for r in routes),
        travel=sum(r.travel for r in routes),
        distance=sum(r.distance for r in routes),
        wait=sum(r.wait for r in routes),
        service=sum(r.service for r in routes),
        shifts_used=len(routes),
    )


def objective(problem: Problem, routes: Iterable[Route]) -> int:
    """What the routes cost by the problem's weights (prizes of visits left out not counted)."""
    return sum(
        problem.travel_time_cost * r.travel
        + problem.distance_cost * r.distance
        + problem.shift_fixed_cost
        for r in routes
        if r.stops
    )


class _Adapter:
    """Builds the PyVRP model for the plannable visits and reads its answer back."""

    def __init__(self, problem, plannable, depot_index, visit_index, durations, distances):
        self.problem = problem
        self.plannable = plannable
        self.n_depots = len(problem.depots)
        # Model locations: depots, then one per plannable visit (its own location, so that
        # skills and pins can close the arcs into it without touching a neighbour's).
        self.rows = list(range(self.n_depots)) + [visit_index[v.id] for v, _s, _w in plannable]
        sub = np.ix_(self.rows, self.rows)
        self.durations = durations[sub]
        unreachable = (durations[sub] >= FORBIDDEN) | (distances[sub] >= FORBIDDEN)
        cost = problem.travel_time_cost * np.where(unreachable, 0, durations[sub]) + (
            problem.distance_cost * np.where(unreachable, 0, distances[sub])
        )
        cost = np.minimum(cost, FORBIDDEN).astype(np.int64)
        cost[unreachable] = FORBIDDEN
        self.cost = cost
        self.depot_index = depot_index

    def _profiles(self):
        """Shift → profile index; profile → model locations no shift of it may enter."""
        forbidden_by_shift = {}
        for shift in self.problem.shifts:
            closed = []
            for i, (_visit, allowed, windows) in enumerate(self.plannable):
                if any(s.id == shift.id for s in allowed):
                    continue
                # Only close what the shift could reach in time anyway (fewer profiles).
                if any(a <= shift.end and b >= shift.start for a, b in windows):
                    closed.append(self.n_depots + i)
            forbidden_by_shift[shift.id] = tuple(closed)
        signatures = sorted(set(forbidden_by_shift.values()), key=lambda t: (len(t), t))
        index = {sig: i for i, sig in enumerate(signatures)}
        return {sid: index[sig] for sid, sig in forbidden_by_shift.items()}, signatures

    def build(self, required_as_optional: bool):
        problem, m = self.problem, Model()
        locations = []
        for depot in problem.depots:
            locations.append(m.add_location(*map(float, depot.coords), name=str(depot.id)))
        for visit, _allowed, _windows in self.plannable:
            locations.append(m.add_location(*map(float, visit.coords), name=str(visit.id)))
        depots = [m.add_depot(locations[i]) for i in range(self.n_depots)]

        shift_profile, signatures = self._profiles()
        profiles = [m.add_profile(name=f"p{i}") for i in range(len(signatures))]

        with_load = any(s.capacity is not None for s in problem.shifts)
        total_demand = sum(v.demand for v, _s, _w in self.plannable)
        groups: dict[tuple, list[Shift]] = {}
        for shift in problem.shifts:
            key = (
                shift.depot,
                shift.start,
                shift.end,
                shift.max_duration,
                shift.capacity,
                shift_profile[shift.id],
            )
            groups.setdefault(key, []).append(shift)
        self.type_shifts = []
        for (depot_id, start, end, max_dur, capacity, prof), shifts in groups.items():
            kwargs = {}
            if max_dur is not None:
                kwargs["shift_duration"] = int(max_dur)
            if with_load:
                kwargs["capacity"] = [int(capacity if capacity is not None else total_demand + 1)]
            m.add_vehicle_type(
                num_available=len(shifts),
                start_depot=depots[self.depot_index[depot_id]],
                end_depot=depots[self.depot_index[depot_id]],
                fixed_cost=int(problem.shift_fixed_cost),
                tw_early=int(start),
                tw_late=int(end),
                profile=profiles[prof],
                unit_distance_cost=1,
                unit_duration_cost=0,
                name=",".join(str(s.id) for s in shifts),
                **kwargs,
            )
            self.type_shifts.append(shifts)

        big_prize = self._big_prize()
        self.clients = []  # model client index → (visit, window)
        for i, (visit, _allowed, windows) in enumerate(self.plannable):
            required = visit.required and not required_as_optional
            prize = big_prize if visit.required else int(visit.prize)
            load = {"delivery": [int(visit.demand)]} if with_load else {}
            group = None
            if len(windows) > 1:
                group = m.add_client_group(required=required, name=str(visit.id))
            for window in windows:
                m.add_client(
                    locations[self.n_depots + i],
                    service_duration=int(visit.service),
                    tw_early=int(window[0]),
                    tw_late=int(window[1]),
                    prize=prize,
                    required=required and group is None,
                    group=group,
                    name=str(visit.id),
                    **load,
                )
                self.clients.append((visit, window))

        data = m.data()
        cost_mats, dur_mats = [], []
        for closed in signatures:
            cost, dur = self.cost.copy(), self.durations.copy()
            if closed:
                cost[:, list(closed)] = FORBIDDEN
                dur[:, list(closed)] = FORBIDDEN
                for j in closed:
                    cost[j, j] = dur[j, j] = 0
            cost_mats.append(cost)
            dur_mats.append(dur)
        return data.replace(distance_matrices=cost_mats, duration_matrices=dur_mats)

    def _big_prize(self) -> int:
        finite = self.cost[self.cost < FORBIDDEN]
        worst_arc = int(finite.max()) if finite.size else 0
        optional = sum(int(v.prize) for v, _s, _w in self.plannable if not v.required)
        return min(2 * worst_arc + optional + int(self.problem.shift_fixed_cost) + 1, FORBIDDEN)

    def run(self, time_limit_s, seed, progress, no_improvement=None):
        with warnings.catch_warnings():
            # Expected when the required visits cannot all be served: handled below.
            warnings.simplefilter("ignore", PenaltyBoundWarning)
            return self._run(time_limit_s, seed, progress, no_improvement)

    @staticmethod
    def _stop(time_limit_s, progress, no_improvement):
        stop = _StopAndReport(time_limit_s, progress)
        if not no_improvement:
            return stop
        # The time limit first: MultipleCriteria stops at the first that says so, and progress
        # reports come from that one.
        return MultipleCriteria([stop, NoImprovement(no_improvement)])

    def _run(self, time_limit_s, seed, progress, no_improvement):
        data = self.build(required_as_optional=False)
        stop = self._stop(time_limit_s, progress, no_improvement)
        result = pyvrp_solve(data, stop, seed=seed, collect_stats=False, display=False)
        iterations = result.num_iterations
        if not result.best.is_feasible() and any(v.required for v, _s, _w in self.plannable):
            data = self.build(required_as_optional=True)
            stop = self._stop(time_limit_s, progress, no_improvement)
            result = pyvrp_solve(data, stop, seed=seed, collect_stats=False, display=False)
            iterations += result.num_iterations
        best = result.best
        if progress is not None:
            cost = int(result.cost()) if result.is_feasible() else None
            progress(Progress(1.0, result.runtime, cost))

        chosen: dict[Id, list[tuple[Visit, Window]]] = {}
        used = [0] * len(self.type_shifts)
        for route in best.routes():
            if not route.is_feasible():
                continue  # safety net: its visits are listed as unplanned
            vt = route.vehicle_type()
            shift = self.type_shifts[vt][used[vt]]
            used[vt] += 1
            chosen[shift.id] = [self.clients[a.idx] for a in route.schedule() if a.is_client()]
        return chosen, iterations, best.is_feasible()

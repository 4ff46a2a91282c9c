"""Benchmark-only baselines: OR-Tools and VROOM on the same `Problem`, answering a `Solution`.

Not used by Valiza at run time; their packages are in requirements-dev.txt only. Both get the same
integer (rounded-up) matrices as PyVRP, and their routes are timed by the same
`solver.schedule_route`, so the same checker judges all three. They model what the Solomon
benchmark needs: one window per visit, shift hours, capacity, distance objective; every visit
required (a visit they leave out is listed as unplanned).
"""

from __future__ import annotations

import time
from datetime import timedelta

from planning.solver import (
    NO_CAPACITY,
    Problem,
    Solution,
    Unplanned,
    integer_matrices,
    objective,
    schedule_route,
    totals,
)


def _prepare(problem: Problem):
    problem.validate()
    places, depot_index, visit_index = problem.places()
    durations, distances = integer_matrices(problem.travel.matrix(places))
    cost = problem.travel_time_cost * durations + problem.distance_cost * distances
    return places, depot_index, visit_index, durations, distances, cost


def _solution(problem, sequences, depot_index, visit_index, durations, distances, started, **kw):
    """sequences: shift index → list of visit indices (into problem.visits)."""
    routes, served = [], set()
    for k, shift in enumerate(problem.shifts):
        stops = []
        for vi in sequences.get(k, []):
            visit = problem.visits[vi]
            served.add(visit.id)
            stops.append((visit, visit.allowed_windows()[0], visit_index[visit.id]))
        routes.append(schedule_route(shift, stops, depot_index[shift.depot], durations, distances))
    unplanned = [Unplanned(v.id, NO_CAPACITY) for v in problem.visits if v.id not in served]
    return Solution(
        routes=routes,
        unplanned=unplanned,
        totals=totals(routes),
        objective=objective(problem, routes),
        runtime_s=time.perf_counter() - started,
        **kw,
    )


def solve_ortools(problem: Problem, time_limit_s: float) -> Solution | None:
    """OR-Tools routing: time and capacity dimensions, PARALLEL_CHEAPEST_INSERTION first
    solution (PATH_CHEAPEST_ARC finds none for r101/rc101 in 5 s), GUIDED_LOCAL_SEARCH.
    None when it finds no solution in time."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    started = time.perf_counter()
    _places, depot_index, visit_index, durations, distances, cost = _prepare(problem)
    visits = list(problem.visits)
    nodes = [visit_index[v.id] for v in visits]  # node i ≥ n_depots ↔ visits[i - n_depots]
    n_depots = len(problem.depots)
    matrix_of = list(range(n_depots)) + nodes
    starts = [depot_index[s.depot] for s in problem.shifts]
    manager = pywrapcp.RoutingIndexManager(len(matrix_of), len(problem.shifts), starts, starts)
    routing = pywrapcp.RoutingModel(manager)

    service = [0] * n_depots + [v.service for v in visits]

    def arc_cost(i, j):
        a, b = manager.IndexToNode(i), manager.IndexToNode(j)
        return int(cost[matrix_of[a], matrix_of[b]])

    def arc_time(i, j):
        a, b = manager.IndexToNode(i), manager.IndexToNode(j)
        return int(durations[matrix_of[a], matrix_of[b]]) + service[a]

    routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitCallback(arc_cost))
    horizon = max(s.end for s in problem.shifts)
    routing.AddDimension(routing.RegisterTransitCallback(arc_time), horizon, horizon, False, "t")
    time_dim = routing.GetDimensionOrDie("t")
    for node, visit in enumerate(visits, start=n_depots):
        early, late = visit.allowed_windows()[0]
        time_dim.CumulVar(manager.NodeToIndex(node)).SetRange(int(early), int(min(late, horizon)))
    for k, shift in enumerate(problem.shifts):
        time_dim.CumulVar(routing.Start(k)).SetRange(shift.start, shift.end)
        time_dim.CumulVar(routing.End(k)).SetRange(shift.start, shift.end)
        if shift.max_duration is not None:
            routing.solver().Add(
                time_dim.CumulVar(routing.End(k)) - time_dim.CumulVar(routing.Start(k))
                <= shift.max_duration
            )
    if any(s.capacity is not None for s in problem.shifts):
        demand = [0] * n_depots + [v.demand for v in visits]
        cb = routing.RegisterUnaryTransitCallback(lambda i: demand[manager.IndexToNode(i)])
        big = sum(demand) + 1
        caps = [s.capacity if s.capacity is not None else big for s in problem.shifts]
        routing.AddDimensionWithVehicleCapacity(cb, 0, caps, True, "load")

    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = (
        routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    )
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(int(time_limit_s * 1000))
    assignment = routing.SolveWithParameters(params)
    if assignment is None:
        return None
    sequences = {}
    for k in range(len(problem.shifts)):
        index, seq = routing.Start(k), []
        index = assignment.Value(routing.NextVar(index))
        while not routing.IsEnd(index):
            seq.append(manager.IndexToNode(index) - n_depots)
            index = assignment.Value(routing.NextVar(index))
        if seq:
            sequences[k] = seq
    return _solution(problem, sequences, depot_index, visit_index, durations, distances, started)


def solve_vroom(problem: Problem, time_limit_s: float, threads: int = 2) -> Solution | None:
    """VROOM (pyvroom), exploration level 5, stopped at ``time_limit_s``. Its cost matrix is the
    problem's cost (distance for Solomon). VROOM has no route-duration limit, so a shift's
    ``max_duration`` is not given to it (Solomon has none); the checker would flag a breach."""
    import vroom

    started = time.perf_counter()
    _places, depot_index, visit_index, durations, distances, cost = _prepare(problem)
    inp = vroom.Input()
    inp.set_durations_matrix(profile="car", matrix_input=durations.tolist())
    inp.set_costs_matrix(profile="car", matrix_input=cost.tolist())
    with_load = any(s.capacity is not None for s in problem.shifts)
    big = sum(v.demand for v in problem.visits) + 1
    for k, shift in enumerate(problem.shifts):
        depot = depot_index[shift.depot]
        inp.add_vehicle(
            vroom.Vehicle(
                id=k,
                start=depot,
                end=depot,
                capacity=[shift.capacity if shift.capacity is not None else big]
                if with_load
                else (),
                time_window=vroom.TimeWindow(shift.start, shift.end),
            )
        )
    for vi, visit in enumerate(problem.visits):
        early, late = visit.allowed_windows()[0]
        inp.add_job(
            vroom.Job(
                id=vi,
                location=visit_index[visit.id],
                default_service=visit.service,
                delivery=vroom.Amount([visit.demand]) if with_load else vroom.Amount([]),
                time_windows=[vroom.TimeWindow(int(early), int(late))],
            )
        )
    result = inp.solve(
        exploration_level=5, nb_threads=threads, timeout=timedelta(seconds=time_limit_s)
    )
    frame = result.routes
    sequences: dict[int, list[int]] = {}
    for vehicle_id, kind, job_id in zip(frame["vehicle_id"], frame["type"], frame["id"], strict=True):
        if kind == "job":
            sequences.setdefault(int(vehicle_id), []).append(int(job_id))
    return _solution(problem, sequences, depot_index, visit_index, durations, distances, started)

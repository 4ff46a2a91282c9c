"""The Solomon reader, the independent checker, and the benchmark command on a tiny instance."""

import dataclasses
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from bench.planning.solomon import parse_solomon, read_best_known, read_solomon, to_problem
from conftest import SOLVER_NO_IMPROVEMENT
from planning.checks import check_solution
from planning.solver import solve

SOLOMON = Path(settings.BASE_DIR).parent / "shared" / "benchmarks" / "solomon"

# Five customers in Solomon's format (CRLF, as the real files), capacity 20 per vehicle.
TINY = """TINY1\r
\r
VEHICLE\r
NUMBER     CAPACITY\r
  3          20\r
\r
CUSTOMER\r
CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME\r
 \r
    0      0          0          0          0        200          0\r
    1      3          4          10         0         50         10\r
    2      6          8          10        20         80         10\r
    3     -3         -4          10         0        100         10\r
    4     -6         -8           5        30        120         10\r
    5      0         10           5         0        150          5\r
"""

def test_reads_c101():
    path = SOLOMON / "c101.txt"
    if not path.exists():
        pytest.skip("shared benchmarks not present")
    instance = read_solomon(path)
    assert instance.name == "c101"
    assert (instance.vehicles, instance.capacity) == (25, 200)
    assert len(instance.rows) == 101
    assert instance.rows[0] == (0, 40.0, 50.0, 0, 0, 1236, 0)
    assert instance.rows[1] == (1, 45.0, 68.0, 10, 912, 967, 90)
    assert instance.rows[100] == (100, 55.0, 85.0, 20, 647, 726, 90)
    problem = to_problem(instance, scale=100)
    assert len(problem.shifts) == 25 and len(problem.visits) == 100
    shift = problem.shifts[0]
    assert (shift.start, shift.end, shift.capacity, shift.max_duration) == (0, 123600, 200, None)
    v = problem.visits[0]
    assert (v.id, v.coords, v.service, v.windows, v.demand, v.required) == (
        1, (45.0, 68.0), 9000, ((91200, 96700),), 10, True
    )

def test_reads_best_known_distances():
    path = SOLOMON / "best_known_distance.csv"
    if not path.exists():
        pytest.skip("shared benchmarks not present")
    best = read_best_known(path)
    assert len(best) == 56
    assert best["c101"].distance == 828.94
    assert best["r102"].exact_time_feasible is False

@pytest.mark.solver
def test_tiny_instance_solved_and_checked_with_exact_distances():
    problem = to_problem(parse_solomon(TINY))
    solution = solve(problem, 0.3, no_improvement=SOLVER_NO_IMPROVEMENT)
    report = check_solution(problem, solution)
    assert report.ok, report.violations
    assert solution.unplanned == []
    # exact Euclidean length, scaled by 100: the rounded-up integers are never shorter
    assert report.distance <= solution.totals.distance
    assert solution.totals.distance - report.distance < len(problem.visits) + 3
    # capacity 20: customers 1+2 (20) and 3+4 (15) + 5 (5) cannot share one vehicle
    assert solution.totals.shifts_used >= 2

def _mutate(solution, shift_id, index, **changes):
    route = solution.route(shift_id)
    stops = list(route.stops)
    stops[index] = dataclasses.replace(stops[index], **changes)
    return dataclasses.replace(
        solution,
        routes=[dataclasses.replace(r, stops=stops) if r is route else r for r in solution.routes],
    )

@pytest.mark.solver
def test_checker_catches_broken_plans():
    problem = to_problem(parse_solomon(TINY))
    solution = solve(problem, 0.3, no_improvement=SOLVER_NO_IMPROVEMENT)
    route = next(r for r in solution.routes if r.stops)
    first = route.stops[0]

    early = _mutate(solution, route.shift_id, 0, start=first.start - 1, end=first.end - 1)
    assert any("cannot arrive before" in v or "outside" in v for v in check_solution(
        problem, early).violations)

    late = _mutate(solution, route.shift_id, 0, start=10**6, end=10**6 + first.end - first.start)
    assert any("outside its windows" in v for v in check_solution(problem, late).violations)

    twice = dataclasses.replace(
        solution,
        routes=[
            dataclasses.replace(r, stops=[*r.stops, first]) if r is route else r
            for r in solution.routes
        ],
    )
    messages = check_solution(problem, twice).violations
    assert any("planned 2 times" in v for v in messages)

    lost = dataclasses.replace(
        solution,
        routes=[dataclasses.replace(r, stops=r.stops[1:]) if r is route else r
                for r in solution.routes],
    )
    assert any("neither planned nor unplanned" in v for v in check_solution(problem, lost).violations)

    overfull = dataclasses.replace(problem, shifts=[
        dataclasses.replace(s, capacity=1) for s in problem.shifts
    ])
    assert any("over capacity" in v for v in check_solution(overfull, solution).violations)

    short = dataclasses.replace(problem, shifts=[
        dataclasses.replace(s, max_duration=1) for s in problem.shifts
    ])
    assert any("limit 1" in v for v in check_solution(short, solution).violations)

    skilled = dataclasses.replace(problem, visits=[
        dataclasses.replace(v, skills={"social"}) if v.id == first.visit_id else v
        for v in problem.visits
    ])
    assert any("lacks" in v for v in check_solution(skilled, solution).violations)


@pytest.mark.solver
def test_bench_planner_command(tmp_path, capsys):
    folder = tmp_path / "instances"
    folder.mkdir()
    (folder / "tiny1.txt").write_text(TINY)
    best = tmp_path / "best.csv"
    best.write_text(
        "instance,vehicles,distance,convention,exact_time_feasible,source\n"
        "tiny1,2,10.0,dimacs_trunc1,True,x\n"
        "tiny1,2,60.0,double_recomputed,True,x\n"
    )
    out_csv = tmp_path / "out.csv"
    call_command(
        "bench_planner", instances=str(folder), best_known=str(best), time_limit=0.2,
        csv=str(out_csv),
    )
    lines = capsys.readouterr().out.strip().splitlines()
    assert "distance only" in lines[0]
    assert lines[-1].startswith("mean_gap_pct=") and "feasible=1/1" in lines[-1]
    assert "tiny1,valiza," in out_csv.read_text()

"""The solver on small cases with known answers. Plane coordinates, 1 distance unit = 1 minute."""

import numpy as np
import pytest

from conftest import SOLVER_NO_IMPROVEMENT
from planning.checks import check_solution
from planning.solver import (
    BEYOND_AUTONOMY,
    NO_CAPACITY,
    NO_COORDINATES,
    NO_SKILL,
    NO_WINDOW_FITS,
    Depot,
    EuclideanTravelTime,
    Problem,
    ProblemError,
    Shift,
    Visit,
    priority_prize,
    solve,
    unplanned_reason,
)

DAY = 24 * 60
LIMIT = 0.2  # seconds of search per case


def plane(shifts, visits, depots=None, **kw):
    return Problem(
        depots=depots or [Depot("office", (0, 0))],
        shifts=shifts,
        visits=visits,
        travel=EuclideanTravelTime(),
        **kw,
    )


def day_shift(id, day=0, start=8 * 60, end=17 * 60, **kw):
    kw.setdefault("depot", "office")
    return Shift(id, start=day * DAY + start, end=day * DAY + end, **kw)


def solved(problem, limit=LIMIT, **kw):
    kw.setdefault("no_improvement", SOLVER_NO_IMPROVEMENT)
    solution = solve(problem, limit, **kw)
    report = check_solution(problem, solution)
    assert report.ok, report.violations
    return solution


@pytest.mark.solver
def test_time_windows_give_the_order_and_the_times():
    problem = plane(
        [Shift("s", "office", 0, 600, max_duration=None)],
        [
            Visit("a", (10, 0), service=10, windows=((100, 120),), required=True),
            Visit("b", (20, 0), service=10, windows=((50, 60),), required=True),
        ],
    )
    solution = solved(problem)
    route = solution.route("s")
    assert route.visit_ids == ["b", "a"]
    assert [(s.start, s.end) for s in route.stops] == [(60, 70), (100, 110)]
    # leaves as late as it can without coming back later: the shortest time out
    assert route.depart == 40
    assert route.stops[0].arrival == 60 and route.stops[0].wait == 0
    assert route.stops[1].arrival == 80 and route.stops[1].wait == 20
    assert route.back == 120
    assert solution.totals.visits == 2
    assert solution.totals.travel == 40
    assert solution.totals.wait == 20
    assert solution.unplanned == []


@pytest.mark.solver
def test_a_window_no_shift_can_meet_is_unplanned_with_its_reason():
    problem = plane(
        [day_shift("mon"), day_shift("tue", day=1)],
        [
            Visit("evening", (10, 0), service=20, windows=((20 * 60, 21 * 60),)),
            Visit("tuesday", (10, 0), service=20, windows=((DAY + 9 * 60, DAY + 10 * 60),),
                  prize=1000),
            # window open, but the team cannot get there and back within the shift
            Visit("too-late", (100, 0), service=20, windows=((16 * 60 + 30, 17 * 60),)),
        ],
    )
    solution = solved(problem)
    assert solution.shift_of("tuesday") == "tue"
    assert DAY + 9 * 60 <= solution.stop("tuesday").start <= DAY + 10 * 60
    assert solution.reasons == {"evening": NO_WINDOW_FITS, "too-late": NO_WINDOW_FITS}


@pytest.mark.solver
def test_shift_hours_bound_the_route():
    # Four visits of 2.5 h each; a shift of 9 h can do at most three with travel.
    visits = [
        Visit(f"v{i}", (10, 0), service=150, prize=1000, required=False) for i in range(4)
    ]
    problem = plane([day_shift("mon", max_duration=None)], visits)
    solution = solved(problem)
    route = solution.route("mon")
    assert len(route.stops) == 3
    assert route.depart >= 8 * 60 and route.back <= 17 * 60
    assert list(solution.reasons.values()) == [NO_CAPACITY]


@pytest.mark.solver
def test_autonomy_beyond_the_suitcase_is_unplanned():
    problem = plane(
        [day_shift("mon", max_duration=120)],
        [
            Visit("far", (50, 0), service=30, prize=1000),  # 50 + 30 + 50 = 130 > 120
            Visit("near", (20, 0), service=30, prize=1000),  # 70
        ],
    )
    solution = solved(problem)
    assert solution.route("mon").visit_ids == ["near"]
    assert solution.reasons == {"far": BEYOND_AUTONOMY}


@pytest.mark.solver
def test_autonomy_limits_the_whole_route():
    # Each fits alone (20 + 30 + 20 = 70 min), together 20 + 30 + 0 + 30 + 20 = 100 > 90.
    problem = plane(
        [day_shift("mon", max_duration=90)],
        [
            Visit("a", (20, 0), service=30, prize=1000),
            Visit("b", (20, 0), service=30, prize=900),
        ],
    )
    solution = solved(problem)
    route = solution.route("mon")
    assert route.visit_ids == ["a"]
    assert route.duration <= 90
    assert solution.reasons == {"b": NO_CAPACITY}


@pytest.mark.solver
def test_skills_send_a_visit_only_to_a_team_that_has_them():
    depots = [Depot("north", (0, 100)), Depot("south", (0, 0))]
    problem = plane(
        [
            day_shift("with-social", depot="north", skills={"social"}),
            day_shift("plain", depot="south"),
        ],
        [
            # next to the south office, but only the north team has a social worker
            Visit("pension", (0, 5), service=30, skills={"social"}, required=True),
            Visit("passport", (0, -6), service=30, required=True),
            Visit("registry", (0, 7), service=30, skills={"registrar"}, required=True),
        ],
        depots=depots,
    )
    solution = solved(problem)
    assert solution.shift_of("pension") == "with-social"
    assert solution.shift_of("passport") == "plain"
    assert solution.reasons == {"registry": NO_SKILL}


@pytest.mark.solver
def test_pinned_to_a_shift_and_to_a_time():
    depots = [Depot("a", (0, 0)), Depot("b", (100, 0))]
    problem = plane(
        [day_shift("team-a", depot="a"), day_shift("team-b", depot="b")],
        [
            # close to b, but the coordinator pinned it to team a
            Visit("pinned", (95, 0), service=10, pinned_shift="team-a", required=True),
            Visit("at-ten", (5, 0), service=10, pinned_start=10 * 60, required=True),
            Visit("free", (104, 0), service=10, required=True),
        ],
        depots=depots,
    )
    solution = solved(problem)
    assert solution.shift_of("pinned") == "team-a"
    assert solution.shift_of("free") == "team-b"
    assert solution.stop("at-ten").start == 10 * 60


def test_a_pin_that_cannot_be_kept_is_explained():
    problem = plane(
        [day_shift("mon"), day_shift("tue", day=1, skills={"social"})],
        [
            Visit("needs-tue", (5, 0), service=10, windows=((DAY + 600, DAY + 700),),
                  pinned_shift="mon"),
            Visit("needs-social", (5, 0), service=10, skills={"social"}, pinned_shift="mon"),
        ],
    )
    solution = solved(problem)
    assert solution.reasons == {"needs-tue": NO_WINDOW_FITS, "needs-social": NO_SKILL}


@pytest.mark.solver
def test_multi_day_visit_is_served_once_on_an_allowed_day():
    tuesday = (DAY + 9 * 60, DAY + 12 * 60)
    thursday = (3 * DAY + 9 * 60, 3 * DAY + 12 * 60)
    shifts = [day_shift(f"d{d}", day=d) for d in range(5)]
    visits = [
        Visit("either", (10, 0), service=30, windows=(tuesday, thursday), required=True),
        Visit("optional", (12, 0), service=30, windows=(tuesday, thursday), prize=1000),
    ]
    solution = solved(plane(shifts, visits))
    for vid in ("either", "optional"):
        found = [r.shift_id for r in solution.routes if vid in r.visit_ids]
        assert len(found) == 1
        assert found[0] in ("d1", "d3")
        start = solution.stop(vid).start
        assert any(a <= start <= b for a, b in (tuesday, thursday))
    # without a Tuesday shift it must be Thursday
    solution = solved(plane([s for s in shifts if s.id != "d1"], visits))
    assert solution.shift_of("either") == "d3"


@pytest.mark.solver
def test_when_not_all_fit_the_higher_prize_is_kept():
    # Round trip east or west is exactly the whole shift; only one can be served.
    problem = plane(
        [Shift("s", "office", 0, 200, max_duration=None)],
        [
            Visit("east", (100, 0), prize=priority_prize(base=500)),
            Visit("west-hospital", (-100, 0), prize=priority_prize(base=500, in_hospital=True)),
        ],
    )
    solution = solved(problem)
    assert solution.route("s").visit_ids == ["west-hospital"]
    assert solution.reasons == {"east": NO_CAPACITY}


def test_priority_prize_orders_the_priorities():
    assert priority_prize(in_hospital=True) > priority_prize(days_to_deadline=1)
    assert priority_prize(days_to_deadline=1) > priority_prize(days_to_deadline=8)
    assert priority_prize(days_waiting=30) > priority_prize(days_waiting=2) > priority_prize()


@pytest.mark.solver
def test_required_visits_that_cannot_all_fit_are_listed_not_broken():
    problem = plane(
        [Shift("s", "office", 0, 200, max_duration=None)],
        [Visit("east", (100, 0), required=True), Visit("west", (-100, 0), required=True)],
    )
    solution = solved(problem)
    assert solution.totals.visits == 1
    assert list(solution.reasons.values()) == [NO_CAPACITY]


@pytest.mark.solver
def test_no_coordinates_is_unplanned_and_the_rest_is_planned():
    problem = plane(
        [day_shift("mon")],
        [
            Visit("nowhere", None, service=10, required=True),
            Visit("here", (3, 4), service=10, required=True),
        ],
    )
    solution = solved(problem)
    assert solution.route("mon").visit_ids == ["here"]
    assert solution.reasons == {"nowhere": NO_COORDINATES}
    assert solution.stop("here").travel == 5


@pytest.mark.parametrize(
    "problem",
    [
        Problem(depots=[], shifts=[], visits=[]),
        plane([day_shift("mon")], []),
    ],
)
def test_empty_problem_gives_an_empty_solution(problem):
    calls = []
    solution = solve(problem, 1, progress=calls.append)
    assert solution.unplanned == []
    assert all(not r.stops for r in solution.routes)
    assert solution.totals.visits == solution.totals.travel == 0
    assert [c.fraction for c in calls] == [1.0]
    assert check_solution(problem, solution).ok


def test_no_shifts_at_all():
    problem = plane([], [Visit("a", (1, 0)), Visit("b", (1, 0), skills={"social"})])
    solution = solve(problem, 1)
    assert solution.routes == []
    assert solution.reasons == {"a": NO_WINDOW_FITS, "b": NO_SKILL}


def test_reasons_are_checked_per_visit_in_a_fixed_order():
    shifts = [day_shift("mon", max_duration=60, skills={"social"}), day_shift("tue", day=1)]
    problem = plane(shifts, [])
    _places, depot_index, _ = problem.places()
    durations = np.array([[0, 40], [40, 0]])

    def reason(**kw):
        return unplanned_reason(Visit("v", (40, 0), **kw), shifts, depot_index, 1, durations)

    assert unplanned_reason(Visit("v", None), shifts, depot_index, None, durations) == (
        NO_COORDINATES
    )
    assert reason(skills={"registrar"}) == NO_SKILL
    # the only shift with the skill is Monday: the Tuesday window does not fit it
    assert reason(skills={"social"}, windows=((DAY + 600, DAY + 700),)) == NO_WINDOW_FITS
    assert reason(skills={"social"}, service=10) == BEYOND_AUTONOMY  # 40 + 10 + 40 > 60
    assert reason(service=10) is None  # Tuesday has no autonomy limit of 60
    assert reason(service=10, pinned_shift="mon") == BEYOND_AUTONOMY


@pytest.mark.solver
def test_capacity_is_respected():
    problem = plane(
        [day_shift("a", capacity=12), day_shift("b", capacity=12)],
        [Visit(i, (i + 1, 0), demand=4, required=True) for i in range(5)],
    )
    solution = solved(problem)
    assert solution.totals.visits == 5
    assert sorted(len(r.stops) for r in solution.routes) == [2, 3]
    assert solve(
        plane([day_shift("a", capacity=3)], [Visit("big", (1, 0), demand=4)]), 0.1
    ).reasons == {"big": NO_CAPACITY}


@pytest.mark.solver
def test_progress_is_reported_and_can_stop_the_search():
    problem = plane(
        [day_shift("mon")], [Visit(i, (i, i), service=5, prize=100) for i in range(1, 8)]
    )
    seen = []

    def progress(p):
        seen.append(p)
        return True  # stop at the first report

    solution = solve(problem, 30, progress=progress)
    assert solution.runtime_s < 5
    assert seen[-1].fraction == 1.0
    assert check_solution(problem, solution).ok


@pytest.mark.solver
def test_with_a_no_improvement_rule_the_search_stops_once_converged_and_repeats_itself():
    problem = plane(
        [day_shift("a", capacity=12), day_shift("b", capacity=12)],
        [Visit(i, (i + 1, i % 3), demand=4, required=True) for i in range(5)],
    )
    first = solve(problem, 30, no_improvement=200)
    assert first.runtime_s < 5 and first.iterations < 10_000
    assert check_solution(problem, first).ok and first.totals.visits == 5
    # Stopped by iterations, not by the clock: the same seed gives the same plan.
    again = solve(problem, 30, no_improvement=200)
    assert [r.visit_ids for r in again.routes] == [r.visit_ids for r in first.routes]
    assert again.iterations == first.iterations


@pytest.mark.parametrize(
    "change, message",
    [
        ({"shifts": [Shift("s", "nowhere", 0, 10)]}, "unknown depot"),
        ({"shifts": [Shift("s", "office", 10, 0)]}, "ends before"),
        ({"visits": [Visit("v", (0, 0)), Visit("v", (1, 1))]}, "duplicate visit"),
        ({"visits": [Visit("v", (0, 0), pinned_shift="x")]}, "unknown shift"),
        ({"visits": [Visit("v", (0, 0), windows=((5, 1),))]}, "window"),
    ],
)
def test_malformed_problems_are_refused(change, message):
    kwargs = {"shifts": [day_shift("mon")], "visits": []} | change
    with pytest.raises(ProblemError, match=message):
        solve(plane(**kwargs), 0.1)

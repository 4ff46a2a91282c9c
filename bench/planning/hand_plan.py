"""What a coordinator does by hand, for `bench_week` to compare against: first come, first served
by day, each team's day ordered by nearest neighbour from the office.

1. Requests in arrival order go to the earliest day they allow, to the team whose office is
   nearest, while the coordinator's estimate says that team's day still has room (service time
   plus the drive from the office, within the suitcase's hours) — a coordinator who knows the
   city, not a naive one.
2. Each team's day is ordered by nearest neighbour from the office.
3. The day is then driven for real: a visit reached after its window closes, or one that would
   bring the team back too late, is dropped (in reality: a phone call and another week).
"""

from planning.solver import Solution, Unplanned, integer_matrices, schedule_route, totals

DAY = 24 * 60


def hand_plan(problem):
    places, depot_index, visit_index = problem.places()
    durations, distances = integer_matrices(problem.travel.matrix(places))
    shifts_by_day = {}
    for shift in problem.shifts:
        shifts_by_day.setdefault(shift.start // DAY, []).append(shift)
    load = {s.id: 0 for s in problem.shifts}
    assigned = {s.id: [] for s in problem.shifts}
    for visit in problem.visits:
        if visit.id not in visit_index:
            continue
        for day in sorted(shifts_by_day):
            windows = [w for w in visit.allowed_windows() if w[0] // DAY == day]
            if not windows:
                continue
            options = [s for s in shifts_by_day[day] if visit.skills <= s.skills
                       and (visit.pinned_shift is None or visit.pinned_shift == s.id)]
            loc = visit_index[visit.id]

            def estimate(s, loc=loc, visit=visit):
                return visit.service + int(durations[depot_index[s.depot], loc])

            options = [s for s in options if load[s.id] + estimate(s) <= s.duration_limit]
            if options:
                shift = min(options, key=lambda s: durations[depot_index[s.depot], loc])
                load[shift.id] += estimate(shift)
                assigned[shift.id].append((visit, windows[0]))
                break

    routes, served = [], set()
    for shift in problem.shifts:
        depot = depot_index[shift.depot]
        todo, order, here = list(assigned[shift.id]), [], depot
        while todo:
            nxt = min(todo, key=lambda vw: durations[here, visit_index[vw[0].id]])
            todo.remove(nxt)
            order.append(nxt)
            here = visit_index[nxt[0].id]
        # Drive it: keep a stop only if it is reached within its window and the team still
        # gets back within its hours and the suitcase's battery.
        kept, t, here = [], shift.start, depot
        for visit, window in order:
            loc = visit_index[visit.id]
            start = max(t + int(durations[here, loc]), window[0])
            end = start + visit.service
            back = end + int(durations[loc, depot])
            if start > window[1] or back > shift.end or back - shift.start > shift.duration_limit:
                continue
            kept.append((visit, window, loc))
            t, here = end, loc
        routes.append(schedule_route(shift, kept, depot, durations, distances))
        served.update(v.id for v, _w, _l in kept)
    unplanned = [Unplanned(v.id, "no_capacity") for v in problem.visits if v.id not in served]
    return Solution(routes=routes, unplanned=unplanned, totals=totals(routes))

"""Benchmark the planner on Solomon VRPTW instances through the same code path as "plan the week".

    python manage.py bench_planner --instances ../shared/benchmarks/solomon \
        --best-known ../shared/benchmarks/solomon/best_known_distance.csv --time-limit 5 \
        [--baselines] [--csv OUT] [--only c101,r201]

Each instance is read by `bench.planning.solomon` into a Valiza `Problem` and solved by
`planning.solver.solve`; every route is then checked by `planning.checks` with exact Euclidean
distances and exact times (windows, capacity, shift hours). The objective is total distance only
(the vehicle count is free), so the reference is the distance-only best known value, convention
``double_recomputed``. The last line is ``mean_gap_pct=… feasible=n/m mean_wall_s=…``; with
``--baselines`` the line before it gives OR-Tools' and VROOM's mean gaps on the same machine with the
same time limit.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bench.planning.solomon import DEFAULT_SCALE, read_best_known, read_solomon, to_problem
from planning.checks import check_solution
from planning.solver import solve

SHARED = Path(settings.BASE_DIR).parent / "shared" / "benchmarks" / "solomon"


class Command(BaseCommand):
    help = "Solve Solomon VRPTW instances with the planner and compare with best known distances."

    def add_arguments(self, parser):
        parser.add_argument("--instances", default=str(SHARED), help="folder of Solomon .txt files")
        parser.add_argument(
            "--best-known",
            default=str(SHARED / "best_known_distance.csv"),
            help="best_known_distance.csv (rows of convention double_recomputed are used)",
        )
        parser.add_argument("--time-limit", type=float, default=5.0, help="seconds per instance")
        parser.add_argument("--baselines", action="store_true", help="also run OR-Tools and VROOM")
        parser.add_argument("--csv", help="write one row per instance and solver to this file")
        parser.add_argument("--only", help="comma-separated instance names, e.g. c101,r201")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--scale", type=int, default=DEFAULT_SCALE)
        parser.add_argument("--vroom-threads", type=int, default=2)

    def handle(self, *args, **opts):
        folder = Path(opts["instances"])
        if not folder.is_dir():
            raise CommandError(f"no such folder: {folder}")
        try:
            best = read_best_known(opts["best_known"])
        except OSError as exc:
            raise CommandError(f"cannot read best known file: {exc}") from exc
        files = sorted(p for p in folder.glob("*.txt") if p.stem.lower() != "source")
        if opts["only"]:
            wanted = {n.strip().lower() for n in opts["only"].split(",") if n.strip()}
            files = [p for p in files if p.stem.lower() in wanted]
            missing = wanted - {p.stem.lower() for p in files}
            if missing:
                raise CommandError(f"no instance file for: {', '.join(sorted(missing))}")
        if not files:
            raise CommandError(f"no instances in {folder}")

        limit, scale = opts["time_limit"], opts["scale"]
        solvers = [("valiza", lambda p: solve(p, limit, seed=opts["seed"]))]
        if opts["baselines"]:
            from bench.planning.baselines import solve_ortools, solve_vroom

            solvers += [
                ("ortools", lambda p: solve_ortools(p, limit)),
                ("vroom", lambda p: solve_vroom(p, limit, threads=opts["vroom_threads"])),
            ]

        out = self.stdout
        out.write(
            f"# Solomon VRPTW, {len(files)} instances, objective = total distance only (vehicles "
            f"free); reference = best known distance, convention double_recomputed; time limit "
            f"{limit:g} s; times/distances x{scale} rounded up; routes checked with exact "
            f"Euclidean distances and times"
        )
        names = [n for n, _ in solvers]
        out.write(
            f"{'instance':<9}"
            + "".join(f"{n + ' veh':>13}{n + ' dist':>15}{'gap %':>8}{'ok':>4}{'wall s':>8}"
                      for n in names)
            + f"{'best known':>12}"
        )
        rows, stats = [], {n: {"gaps": [], "feasible": 0, "walls": []} for n in names}
        for path in files:
            instance = read_solomon(path)
            ref = best.get(instance.name)
            line = f"{instance.name:<9}"
            for solver_name, run in solvers:
                problem = to_problem(instance, scale)
                started = time.perf_counter()
                solution = run(problem)
                wall = time.perf_counter() - started
                row = {"instance": instance.name, "solver": solver_name, "wall_s": f"{wall:.2f}"}
                if solution is None:
                    row.update(vehicles="", distance="", gap_pct="", feasible=False,
                               violations="no solution")
                    line += f"{'-':>13}{'no solution':>15}{'':>8}{'no':>4}{wall:>8.2f}"
                else:
                    report = check_solution(problem, solution)
                    distance = report.distance / scale
                    ok = report.ok and not solution.unplanned
                    gap = None
                    if ref:
                        gap = round(100 * (distance - ref.distance) / ref.distance, 6) + 0.0
                    if ok:
                        stats[solver_name]["feasible"] += 1
                        if gap is not None:
                            stats[solver_name]["gaps"].append(gap)
                    problems = report.violations[:3] + (
                        [f"{len(solution.unplanned)} visits unplanned"] if solution.unplanned else []
                    )
                    row.update(
                        vehicles=solution.totals.shifts_used,
                        distance=f"{distance:.2f}",
                        gap_pct="" if gap is None else f"{gap:.2f}",
                        feasible=ok,
                        violations="; ".join(problems),
                    )
                    line += (
                        f"{solution.totals.shifts_used:>13}{distance:>15.2f}"
                        f"{'' if gap is None else f'{gap:+.2f}':>8}{'yes' if ok else 'NO':>4}"
                        f"{wall:>8.2f}"
                    )
                stats[solver_name]["walls"].append(wall)
                row["reference"] = "" if ref is None else f"{ref.distance:.2f}"
                rows.append(row)
            line += f"{ref.distance if ref else float('nan'):>12.2f}"
            out.write(line)
            self.stdout.flush()

        if opts["csv"]:
            with open(opts["csv"], "w", newline="") as fh:
                fields = ["instance", "solver", "vehicles", "distance", "reference", "gap_pct",
                          "feasible", "wall_s", "violations"]
                writer = csv.DictWriter(fh, fieldnames=fields)
                writer.writeheader()
                writer.writerows(rows)

        def mean(xs):
            return sum(xs) / len(xs) if xs else float("nan")

        m = len(files)
        if opts["baselines"]:
            out.write(
                " ".join(
                    f"{n}_mean_gap_pct={mean(stats[n]['gaps']):.2f}" for n in ("ortools", "vroom")
                )
                + " "
                + " ".join(f"{n}_feasible={stats[n]['feasible']}/{m}" for n in ("ortools", "vroom"))
            )
        own = stats["valiza"]
        out.write(
            f"mean_gap_pct={mean(own['gaps']):.2f} feasible={own['feasible']}/{m} "
            f"mean_wall_s={mean(own['walls']):.2f}"
        )

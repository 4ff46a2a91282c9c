"""Solomon VRPTW instances (../shared/benchmarks/solomon) as Valiza planning problems.

One depot; the file's fleet as identical shifts with the depot's horizon as their hours and the
vehicle capacity; every customer a required visit with one window for the start of service.
Coordinates are in the plane: travel time = distance = Euclidean distance. Everything is
multiplied by ``scale`` (default 100) before the solver rounds travel UP to integers, so the routes
it returns stay feasible under exact (double-precision) times, and the distance lost to rounding is
below 1/scale per arc. The objective is distance only (``distance_cost=1``).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from planning.solver import Depot, Problem, Shift, Visit
from planning.travel import EuclideanTravelTime

DEFAULT_SCALE = 100


@dataclass(frozen=True)
class SolomonInstance:
    name: str
    vehicles: int
    capacity: int
    # rows of (number, x, y, demand, ready, due, service); row 0 is the depot
    rows: tuple[tuple[int, float, float, int, int, int, int], ...]


def parse_solomon(text: str, name: str | None = None) -> SolomonInstance:
    lines = [line.strip() for line in text.splitlines()]
    title = next(line for line in lines if line)
    try:
        v = lines.index("VEHICLE")
        vehicles, capacity = (int(x) for x in lines[v + 2].split()[:2])
        c = lines.index("CUSTOMER")
    except (ValueError, StopIteration) as exc:
        raise ValueError("not a Solomon instance: no VEHICLE/CUSTOMER sections") from exc
    rows = []
    for line in lines[c + 1 :]:
        parts = line.split()
        if len(parts) != 7 or not parts[0].isdigit():
            continue  # the column header, blank lines
        no, x, y, demand, ready, due, service = parts
        rows.append((int(no), float(x), float(y), int(demand), int(ready), int(due), int(service)))
    if not rows or rows[0][0] != 0:
        raise ValueError("not a Solomon instance: the customer table has no depot row 0")
    return SolomonInstance((name or title).lower(), vehicles, capacity, tuple(rows))


def read_solomon(path: str | Path) -> SolomonInstance:
    path = Path(path)
    return parse_solomon(path.read_text(), name=path.stem)


def to_problem(instance: SolomonInstance, scale: int = DEFAULT_SCALE) -> Problem:
    depot_row, *customers = instance.rows
    _no, dx, dy, _demand, ready, due, _service = depot_row
    depot = Depot(id=0, coords=(dx, dy))
    shifts = [
        Shift(
            id=k,
            depot=0,
            start=ready * scale,
            end=due * scale,
            max_duration=None,
            capacity=instance.capacity,
        )
        for k in range(instance.vehicles)
    ]
    visits = [
        Visit(
            id=no,
            coords=(x, y),
            service=service * scale,
            windows=((ready * scale, due * scale),),
            demand=demand,
            required=True,
        )
        for no, x, y, demand, ready, due, service in customers
    ]
    return Problem(
        depots=[depot],
        shifts=shifts,
        visits=visits,
        travel=EuclideanTravelTime(scale=scale),
        travel_time_cost=0,
        distance_cost=1,
    )


@dataclass(frozen=True)
class BestKnown:
    vehicles: int
    distance: float
    exact_time_feasible: bool | None


def read_best_known(path: str | Path, convention: str = "double_recomputed") -> dict[str, BestKnown]:
    """best_known_distance.csv rows of one convention, by lower-case instance name."""
    out = {}
    with open(path, newline="") as fh:
        for row in csv.DictReader(fh):
            if row.get("convention", convention) != convention:
                continue
            feasible = {"True": True, "False": False}.get(row.get("exact_time_feasible", ""))
            out[row["instance"].lower()] = BestKnown(
                int(row["vehicles"]), float(row["distance"]), feasible
            )
    return out

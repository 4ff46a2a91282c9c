"""Travel-time providers: who says how long it takes to get from one place to another.

A provider turns a list of places into two square matrices of floats: durations in the problem's
time unit (minutes for Valiza) and distances (metres for the geographic providers). The solver
rounds both UP to integers, so a plan computed on the rounded matrices is never late on the
provider's own times. An unreachable pair is ``inf``.

- `HaversineTravelTime` (the default, needs nothing): great-circle distance × a road factor, at a
  speed that depends on the area type at each end (city streets or village roads).
- `OsrmTravelTime`: an OSRM server's ``/table`` service (real road network), in blocks.
- `EuclideanTravelTime`: plane coordinates, for benchmark instances (Solomon).
- `MatrixTravelTime`: matrices given as they are (tests, precomputed data).
"""

from __future__ import annotations

import json
import math
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

EARTH_RADIUS_M = 6_371_008.8

CITY = "city"
VILLAGE = "village"


@dataclass(frozen=True)
class Place:
    """A point to travel between. ``coords`` is (latitude, longitude) in degrees for the
    geographic providers and (x, y) for `EuclideanTravelTime`; ``area`` picks the speed."""

    coords: tuple[float, float]
    area: str = CITY


@dataclass
class TravelMatrix:
    """``durations[i, j]`` in the problem's time unit, ``distances[i, j]`` in metres (or the
    plane's unit); floats, ``inf`` when j cannot be reached from i."""

    durations: np.ndarray
    distances: np.ndarray

    def __post_init__(self):
        self.durations = np.asarray(self.durations, dtype=float)
        self.distances = np.asarray(self.distances, dtype=float)
        n = len(self.durations)
        if self.durations.shape != (n, n) or self.distances.shape != (n, n):
            raise ValueError("travel matrices must be square and of the same size")


class TravelTimeProvider(Protocol):
    def matrix(self, places: Sequence[Place]) -> TravelMatrix: ...


class TravelTimeError(RuntimeError):
    """The provider could not produce a matrix (server down, bad answer)."""


def great_circle_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Straight-line distance in metres between two (lat, lon) points: a walking team's reach."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, max(0.0, h))))


@dataclass(frozen=True)
class HaversineTravelTime:
    """Great-circle distance × ``road_factor``, driven at ``speeds_kmh[area]``.

    An arc between two areas is taken as half the road in each: its time is the sum of the two
    halves at their own speeds. Unknown areas use ``default_speed_kmh``. Durations are in minutes.
    """

    road_factor: float = 1.35
    speeds_kmh: Mapping[str, float] = field(
        default_factory=lambda: {CITY: 22.0, VILLAGE: 40.0}
    )
    default_speed_kmh: float = 30.0

    def __post_init__(self):
        if self.road_factor < 1:
            raise ValueError("road_factor must be at least 1")
        if self.default_speed_kmh <= 0 or any(v <= 0 for v in self.speeds_kmh.values()):
            raise ValueError("speeds must be positive")

    def matrix(self, places: Sequence[Place]) -> TravelMatrix:
        n = len(places)
        if n == 0:
            return TravelMatrix(np.zeros((0, 0)), np.zeros((0, 0)))
        lat = np.radians([p.coords[0] for p in places])
        lon = np.radians([p.coords[1] for p in places])
        dlat = lat[:, None] - lat[None, :]
        dlon = lon[:, None] - lon[None, :]
        a = np.sin(dlat / 2) ** 2 + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin(dlon / 2) ** 2
        great_circle = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
        road = great_circle * self.road_factor
        # metres per minute at each end
        speed = np.array(
            [self.speeds_kmh.get(p.area, self.default_speed_kmh) * 1000 / 60 for p in places]
        )
        durations = road / 2 / speed[:, None] + road / 2 / speed[None, :]
        np.fill_diagonal(durations, 0.0)
        np.fill_diagonal(road, 0.0)
        return TravelMatrix(durations, road)


@dataclass(frozen=True)
class EuclideanTravelTime:
    """Plane distances × ``scale``, used as both duration and distance (Solomon benchmark)."""

    scale: float = 1.0
    speed: float = 1.0  # distance units per time unit

    def matrix(self, places: Sequence[Place]) -> TravelMatrix:
        if not places:
            return TravelMatrix(np.zeros((0, 0)), np.zeros((0, 0)))
        xy = np.array([p.coords for p in places], dtype=float)
        dist = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=-1)) * self.scale
        return TravelMatrix(dist / self.speed, dist)


@dataclass(frozen=True)
class MatrixTravelTime:
    """Fixed matrices, indexed by the order of the places the solver asks for."""

    durations: Sequence[Sequence[float]]
    distances: Sequence[Sequence[float]] | None = None

    def matrix(self, places: Sequence[Place]) -> TravelMatrix:
        n = len(places)
        dur = np.asarray(self.durations, dtype=float)[:n, :n]
        dist = dur if self.distances is None else np.asarray(self.distances, dtype=float)[:n, :n]
        return TravelMatrix(dur.copy(), dist.copy())


@dataclass(frozen=True)
class OsrmTravelTime:
    """Road durations and distances from an OSRM server's table service.

    ``base_url`` like ``http://127.0.0.1:5000``; requests
    ``/table/v1/{profile}/{lon,lat;...}?sources=…&destinations=…&annotations=duration,distance``
    in blocks of at most ``block`` sources × ``block`` destinations (OSRM's default
    ``--max-table-size`` is 100 coordinates per request). Seconds become minutes; ``null`` becomes
    ``inf`` (unreachable).
    """

    base_url: str
    profile: str = "driving"
    block: int = 50
    timeout_s: float = 30.0

    def matrix(self, places: Sequence[Place]) -> TravelMatrix:
        n = len(places)
        durations = np.zeros((n, n))
        distances = np.zeros((n, n))
        blocks = [list(range(i, min(i + self.block, n))) for i in range(0, n, self.block)]
        for src in blocks:
            for dst in blocks:
                dur, dist = self._table([places[i] for i in src], [places[j] for j in dst])
                durations[np.ix_(src, dst)] = dur
                distances[np.ix_(src, dst)] = dist
        np.fill_diagonal(durations, 0.0)
        np.fill_diagonal(distances, 0.0)
        return TravelMatrix(durations / 60.0, distances)

    def _table(self, sources: list[Place], destinations: list[Place]):
        coords = ";".join(
            f"{p.coords[1]:.6f},{p.coords[0]:.6f}" for p in [*sources, *destinations]
        )
        query = urllib.parse.urlencode(
            {
                "sources": ";".join(str(i) for i in range(len(sources))),
                "destinations": ";".join(
                    str(len(sources) + j) for j in range(len(destinations))
                ),
                "annotations": "duration,distance",
            },
            safe=";,",
        )
        url = f"{self.base_url.rstrip('/')}/table/v1/{self.profile}/{coords}?{query}"
        try:
            with urllib.request.urlopen(url, timeout=self.timeout_s) as response:
                body = json.load(response)
        except urllib.error.HTTPError as exc:
            # OSRM explains a refused query in a JSON body with its 400
            try:
                body = json.load(exc)
            except ValueError:
                body = None
            if not isinstance(body, dict) or "code" not in body:
                raise TravelTimeError(f"OSRM table request failed: {exc}") from exc
        except (OSError, ValueError) as exc:
            raise TravelTimeError(f"OSRM table request failed: {exc}") from exc
        if not isinstance(body, dict) or body.get("code") != "Ok":
            code = body.get("code") if isinstance(body, dict) else "no JSON object"
            message = body.get("message", "") if isinstance(body, dict) else ""
            raise TravelTimeError(f"OSRM answered {code}: {message}")
        try:
            dur = _nulls_to_inf(body["durations"], len(sources), len(destinations))
            dist = _nulls_to_inf(body["distances"], len(sources), len(destinations))
        except (KeyError, TypeError, ValueError) as exc:
            raise TravelTimeError(f"OSRM answer has no usable table: {exc}") from exc
        return dur, dist


def _nulls_to_inf(rows, n_rows: int, n_cols: int) -> np.ndarray:
    out = np.array(
        [[math.inf if v is None else float(v) for v in row] for row in rows], dtype=float
    )
    if out.shape != (n_rows, n_cols):
        raise ValueError(f"expected {n_rows}×{n_cols}, got {out.shape}")
    return out

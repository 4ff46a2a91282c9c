"""Travel-time providers; OSRM against a tiny table server started by the test."""

import json
import math
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest

from conftest import SOLVER_NO_IMPROVEMENT
from planning.checks import check_solution
from planning.solver import Depot, Problem, Shift, Visit, integer_matrices, solve
from planning.travel import (
    CITY,
    VILLAGE,
    HaversineTravelTime,
    OsrmTravelTime,
    Place,
    TravelMatrix,
    TravelTimeError,
)


def test_haversine_distance_road_factor_and_speeds():
    provider = HaversineTravelTime(road_factor=1.5, speeds_kmh={CITY: 30, VILLAGE: 60})
    # 0.1° of latitude on the mean Earth radius is 11.119 km
    places = [Place((47.9, 33.4), CITY), Place((48.0, 33.4), CITY), Place((48.0, 33.4), VILLAGE)]
    m = provider.matrix(places)
    road = 11_119.5 * 1.5
    assert m.distances[0, 1] == pytest.approx(road, rel=1e-3)
    assert m.distances[1, 0] == pytest.approx(road, rel=1e-3)
    assert m.durations[0, 1] == pytest.approx(road / (30_000 / 60), rel=1e-3)
    # city → village: half the road at each speed
    assert m.durations[0, 2] == pytest.approx(road / 2 / 500 + road / 2 / 1000, rel=1e-3)
    assert m.distances[1, 2] == 0 and m.durations[1, 1] == 0


def test_haversine_refuses_nonsense():
    with pytest.raises(ValueError):
        HaversineTravelTime(road_factor=0.5)
    with pytest.raises(ValueError):
        HaversineTravelTime(speeds_kmh={CITY: 0})


def test_rounding_is_up_and_unreachable_is_forbidden():
    durations, distances = integer_matrices(
        TravelMatrix(
            [[0, 1.2, math.inf], [3.0000000000001, 0, 2.0], [1, 1, 0]],
            [[0, 10.01, 5], [1, 0, 2], [1, 1, 0]],
        )
    )
    assert durations[0, 1] == 2 and durations[1, 0] == 3 and durations[1, 2] == 2
    assert distances[0, 1] == 11
    assert durations[0, 2] >= 2**40


class _Table(BaseHTTPRequestHandler):
    """/table/v1/driving/lon,lat;…: duration = 60 s per 0.01° of longitude, distance = 1 km per
    0.01°; a place at longitude ≥ 40 cannot be reached (null)."""

    requests: ClassVar[list] = []

    def do_GET(self):
        url = urlsplit(self.path)
        if url.path.startswith("/table/v1/broken/"):
            self._json(400, {"code": "InvalidQuery", "message": "Query string malformed"})
            return
        if not url.path.startswith("/table/v1/driving/"):
            self.send_response(404)
            self.end_headers()
            return
        coords = [tuple(map(float, c.split(","))) for c in url.path.rsplit("/", 1)[1].split(";")]
        query = parse_qs(url.query)
        sources = [int(i) for i in query["sources"][0].split(";")]
        destinations = [int(i) for i in query["destinations"][0].split(";")]
        type(self).requests.append((len(coords), len(sources), len(destinations)))

        def cell(i, j, per_unit):
            if coords[j][0] >= 40 and i != j:
                return None
            return abs(coords[i][0] - coords[j][0]) / 0.01 * per_unit

        self._json(
            200,
            {
                "code": "Ok",
                "durations": [[cell(i, j, 60) for j in destinations] for i in sources],
                "distances": [[cell(i, j, 1000) for j in destinations] for i in sources],
            },
        )

    def _json(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def osrm():
    _Table.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Table)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_osrm_table_in_blocks(osrm):
    lons = [33.40, 33.41, 33.43, 33.46, 40.0]
    places = [Place((47.9, lon)) for lon in lons]
    m = OsrmTravelTime(osrm, block=2).matrix(places)
    # 5 places in blocks of 2 → 3 × 3 requests, each with its own sources and destinations
    assert len(_Table.requests) == 9
    assert max(n for n, _s, _d in _Table.requests) <= 4
    assert m.durations[0, 3] == pytest.approx(6.0)  # 6 × 60 s = 6 minutes
    assert m.durations[3, 1] == pytest.approx(5.0)
    assert m.distances[0, 2] == pytest.approx(3000)
    assert np.isinf(m.durations[0, 4]) and np.isinf(m.distances[2, 4])
    assert m.durations[4, 0] == pytest.approx(660.0)


def test_osrm_failure_is_a_travel_time_error(osrm):
    with pytest.raises(TravelTimeError, match="InvalidQuery: Query string malformed"):
        OsrmTravelTime(osrm, profile="broken").matrix([Place((47.9, 33.4)), Place((47.9, 33.5))])
    with pytest.raises(TravelTimeError, match="404"):
        OsrmTravelTime(osrm + "/nothing-here").matrix([Place((47.9, 33.4))])
    with pytest.raises(TravelTimeError):
        OsrmTravelTime("http://127.0.0.1:9", timeout_s=2).matrix([Place((47.9, 33.4))])


@pytest.mark.solver
def test_solve_with_osrm_times(osrm):
    problem = Problem(
        depots=[Depot("office", (47.9, 33.40))],
        shifts=[Shift("mon", "office", 480, 1020)],
        visits=[
            Visit("a", (47.9, 33.45), service=20, windows=((600, 610),), required=True),
            Visit("b", (47.9, 33.38), service=20, windows=((700, 800),), required=True),
            Visit("island", (47.9, 41.0), service=20, required=True),
        ],
        travel=OsrmTravelTime(osrm),
    )
    solution = solve(problem, 0.2, no_improvement=SOLVER_NO_IMPROVEMENT)
    assert solution.route("mon").visit_ids == ["a", "b"]
    assert 600 <= solution.stop("a").start <= 610
    assert solution.stop("b").start == 700
    assert solution.totals.travel == 14  # 5 + 7 + 2 minutes
    assert solution.totals.distance == 14_000
    # OSRM has no road to it: the location needs fixing
    assert solution.reasons == {"island": "no_coordinates"}
    assert check_solution(problem, solution).ok

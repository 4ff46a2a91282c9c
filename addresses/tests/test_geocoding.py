"""The providers: the register, a Nominatim server (a real local HTTP server), the settlement's centre."""

import http.server
import json
import threading
import time
import urllib.parse
from decimal import Decimal

import pytest

from addresses.geocoding import Location, NominatimProvider, from_register, from_settlement, locate_offline
from addresses.models import AddressPoint, LocationSource
from addresses.normalise import address_key, house_key, street_key

# What nominatim.openstreetmap.org answers to /search?format=jsonv2 (a house, then a street only).
HOUSE = [{
    "place_id": 190474432, "licence": "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright",
    "osm_type": "way", "osm_id": 406216432, "lat": "48.5123456", "lon": "35.0123456", "category": "building",
    "type": "house", "place_rank": 30, "importance": 9.99999999995449e-06, "addresstype": "building", "name": "",
    "display_name": "12А, вулиця Шевченка, Місто, Громада, Район, Дніпропетровська область, 49000, Україна",
    "boundingbox": ["48.5122949", "48.5124016", "35.0122580", "35.0124406"],
}]
STREET = [{
    "place_id": 190474499, "licence": HOUSE[0]["licence"], "osm_type": "way", "osm_id": 35716300,
    "lat": "48.5100000", "lon": "35.0100000", "category": "highway", "type": "residential", "place_rank": 26,
    "importance": 0.053, "addresstype": "road", "name": "вулиця Шевченка",
    "display_name": "вулиця Шевченка, Місто, Україна", "boundingbox": ["48.50", "48.52", "35.00", "35.02"],
}]
PHOTON = {"type": "FeatureCollection", "features": [{
    "type": "Feature", "geometry": {"type": "Point", "coordinates": [35.0123456, 48.5123456]},
    "properties": {"osm_id": 406216432, "type": "house", "housenumber": "12А", "street": "вулиця Шевченка",
                   "city": "Місто", "country": "Україна"}}]}


class Nominatim(http.server.BaseHTTPRequestHandler):
    """Answers by the path's first word: /ok, /street, /empty, /slow, /garbage, /html, /error, /photon."""

    seen = []

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        Nominatim.seen.append((url.path, dict(urllib.parse.parse_qsl(url.query)), self.headers.get("User-Agent")))
        mode = url.path.strip("/").split("/")[0]
        status, body, kind = 200, b"", "application/json"
        if mode == "ok":
            body = json.dumps(HOUSE, ensure_ascii=False).encode()
        elif mode == "street":
            body = json.dumps(STREET, ensure_ascii=False).encode()
        elif mode == "empty":
            body = b"[]"
        elif mode == "slow":
            time.sleep(2)
            body = json.dumps(HOUSE).encode()
        elif mode == "garbage":
            body = b'{"lat": [1, 2], "error": "\x00\xff'
        elif mode == "wrongshape":
            body = b'[{"latitude": 48.5}]'
        elif mode == "html":
            body, kind = b"<html><body>502 Bad Gateway</body></html>", "text/html"
        elif mode == "error":
            status, body = 500, b'{"error": "internal"}'
        elif mode == "moscow":
            body = json.dumps([dict(HOUSE[0], lat="55.7558", lon="37.6173")]).encode()
        elif mode == "photon":
            body = json.dumps(PHOTON).encode()
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (the timeout tests)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Nominatim)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def provider(server, mode, **kwargs):
    return NominatimProvider(f"{server}/{mode}", timeout=kwargs.pop("timeout", 1.0), user_agent="Valiza-test", **kwargs)


def test_a_house_found_is_exact_and_the_query_is_structured(server):
    Nominatim.seen.clear()
    found = provider(server, "ok").locate("Місто", "вулиця Шевченка", "12А")
    assert found == Location(Decimal("48.512346"), Decimal("35.012346"), LocationSource.GEOCODER, approximate=False)
    path, query, agent = Nominatim.seen[-1]
    assert path == "/ok/search" and agent == "Valiza-test"
    assert query == {"format": "jsonv2", "street": "12А вулиця Шевченка", "city": "Місто", "countrycodes": "ua",
                     "limit": "1", "accept-language": "uk"}


def test_only_the_street_found_is_approximate(server):
    found = provider(server, "street").locate("Місто", "вулиця Шевченка", "12А")
    assert found.approximate and found.latitude == Decimal("48.510000")


def test_an_empty_list_is_no_result(server):
    assert provider(server, "empty").locate("Місто", "вулиця Шевченка", "12А") is None


def test_a_slow_server_times_out_without_an_exception(server, caplog):
    started = time.monotonic()
    assert provider(server, "slow", timeout=0.3).locate("Місто", "вулиця Шевченка", "12А") is None
    assert time.monotonic() - started < 1.5
    assert "geocoder unreachable" in caplog.text


@pytest.mark.parametrize("mode", ["garbage", "wrongshape", "html", "error", "moscow"])
def test_garbage_is_no_result(server, mode, caplog):
    assert provider(server, mode).locate("Місто", "вулиця Шевченка", "12А") is None
    assert "geocoder" in caplog.text


def test_a_server_that_is_not_there(caplog):
    # A port nobody listens on: refused at once.
    assert NominatimProvider("http://127.0.0.1:9", timeout=0.5).locate("Місто", "вул. Садова", "1") is None


def test_photon(server):
    Nominatim.seen.clear()
    found = provider(server, "photon", api="photon").locate("Місто", "вулиця Шевченка", "12А")
    assert found == Location(Decimal("48.512346"), Decimal("35.012346"), LocationSource.GEOCODER, approximate=False)
    path, query, _agent = Nominatim.seen[-1]
    assert path == "/photon/api" and query["q"] == "вулиця Шевченка 12А, Місто"


def test_questions_are_paced(server):
    paced = provider(server, "empty", interval=0.3)
    started = time.monotonic()
    for _ in range(3):
        paced.locate("Місто", "вулиця Шевченка", "12А")
    assert time.monotonic() - started >= 0.6


def test_the_configured_provider(settings):
    settings.VALIZA_GEOCODER_URL = ""
    assert NominatimProvider.configured() is None
    settings.VALIZA_GEOCODER_URL = "https://nominatim.example.org/"
    settings.VALIZA_GEOCODER_TIMEOUT_S = 2.5
    p = NominatimProvider.configured()
    assert (p.url, p.timeout, p.api, p.interval) == ("https://nominatim.example.org", 2.5, "nominatim", 1.0)


def _point(world, street, house, lat="48.511111", lon="35.011111"):
    return AddressPoint.objects.create(
        community=world.a, settlement=world.city, street=street, house=house,
        key=address_key(world.city.pk, street, house), street_key=street_key(street), house_key=house_key(house),
        latitude=Decimal(lat), longitude=Decimal(lon))


@pytest.mark.django_db
def test_the_register_matches_however_the_address_is_typed(world):
    _point(world, "вулиця Шевченка", "12а")
    for street, house in [("вул. Шевченка", "12-А"), ("Шевченка", "12 а"), ("вулиця ШЕВЧЕНКА", "буд. 12а")]:
        assert from_register(world.city, street, house) == Location(
            Decimal("48.511111"), Decimal("35.011111"), LocationSource.REGISTER), (street, house)
    assert from_register(world.city, "пров. Шевченка", "12а") is None  # another street type
    assert from_register(world.city, "вул. Шевченка", "12") is None
    assert from_register(world.village, "вул. Шевченка", "12а") is None


@pytest.mark.django_db
def test_a_street_without_type_and_two_streets_of_that_name_is_not_guessed(world):
    _point(world, "вулиця Садова", "1")
    _point(world, "провулок Садовий", "1")
    _point(world, "провулок Садова", "1", lat="48.52")
    assert from_register(world.city, "Садова", "1") is None
    assert from_register(world.city, "пров. Садова", "1").latitude == Decimal("48.520000")


@pytest.mark.django_db
def test_the_settlement_centre_is_approximate_and_the_last_resort(world):
    centre = from_settlement(world.city)
    assert centre.approximate and centre.source == LocationSource.SETTLEMENT
    assert centre.latitude == world.city.latitude
    assert locate_offline(world.city, "вул. Невідома", "1") == centre
    assert from_settlement(world.village) is None  # no centre known
    assert locate_offline(world.village, "вул. Невідома", "1") is None

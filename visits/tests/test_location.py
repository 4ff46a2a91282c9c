"""A request's point: found when it is saved, from the register, the server (in the background) or the
settlement's centre; a pin put by hand is never moved by the geocoder."""

import http.server
import json
import threading
import time
from decimal import Decimal

import pytest

from addresses.models import AddressPoint, LocationSource
from addresses.normalise import address_key, house_key, street_key
from conftest import make_request
from visits import actions, location
from visits.models import VisitRequest
from visits.tasks import geocode_request

pytestmark = pytest.mark.django_db

HOUSE = [{"place_id": 1, "licence": "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright",
          "osm_type": "way", "osm_id": 2, "lat": "48.5222222", "lon": "35.0222222", "category": "building",
          "type": "house", "place_rank": 30, "importance": 1e-05, "addresstype": "building", "name": "",
          "display_name": "7, вулиця Садова, Місто, Україна", "boundingbox": ["48.52", "48.53", "35.02", "35.03"]}]


class Server(http.server.BaseHTTPRequestHandler):
    delay = 0.0
    calls = 0

    def do_GET(self):
        Server.calls += 1
        time.sleep(Server.delay)
        body = json.dumps(HOUSE).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (the timeout tests)

    def log_message(self, *args):
        pass


@pytest.fixture
def geocoder(settings):
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Server)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    Server.delay, Server.calls = 0.0, 0
    settings.VALIZA_GEOCODER_URL = f"http://127.0.0.1:{httpd.server_address[1]}"
    settings.VALIZA_GEOCODER_TIMEOUT_S = 1.0
    settings.VALIZA_GEOCODER_INTERVAL_S = 0.0
    yield Server
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def no_geocoder_server(settings):
    settings.VALIZA_GEOCODER_URL = ""


def register(world, street="вулиця Садова", house="7", lat="48.533333", lon="35.033333"):
    return AddressPoint.objects.create(
        community=world.a, settlement=world.city, street=street, house=house,
        key=address_key(world.city.pk, street, house), street_key=street_key(street), house_key=house_key(house),
        latitude=Decimal(lat), longitude=Decimal(lon))


def new(world, **fields):
    # No phone: the "request received" SMS would add its own wake-up to the callbacks counted here.
    fields.setdefault("applicant_phone", "")
    fields.setdefault("latitude", None)
    fields.setdefault("longitude", None)
    return make_request(world, **fields)


def test_a_house_in_the_register_is_placed_at_once(world):
    register(world)
    req = new(world, street="вул. Садова", building="7")
    req.refresh_from_db()
    assert (req.latitude, req.longitude) == (Decimal("48.533333"), Decimal("35.033333"))
    assert (req.location_source, req.location_approximate) == (LocationSource.REGISTER, False)


def test_an_unknown_house_falls_back_to_the_settlement_centre_marked_approximate(world):
    req = new(world, street="вул. Невідома", building="1")
    req.refresh_from_db()
    assert (req.latitude, req.longitude) == (world.city.latitude, world.city.longitude)
    assert (req.location_source, req.location_approximate) == (LocationSource.SETTLEMENT, True)


def test_a_settlement_without_centre_leaves_the_request_unplaced(world):
    req = new(world, settlement=world.village)
    req.refresh_from_db()
    assert req.latitude is None and req.location_source == ""


def test_typed_coordinates_are_a_manual_pin(world):
    register(world)
    req = make_request(world, street="вул. Садова", building="7", latitude=Decimal("48.51"), longitude=Decimal("35.01"))
    req.refresh_from_db()
    assert (req.latitude, req.location_source) == (Decimal("48.510000"), LocationSource.MANUAL)


def edit(req, by, **fields):
    req = VisitRequest.objects.get(pk=req.pk)
    for name, value in fields.items():
        setattr(req, name, value)
    choices = [actions.ServiceChoice(rs.service, set()) for rs in req.services.all()]
    return actions.update_request(req, choices, by=by)


def test_a_changed_address_is_located_again(world):
    register(world)
    req = new(world, street="вул. Невідома", building="1")
    edit(req, world.users["operator"], street="Садова", building="7")
    req.refresh_from_db()
    assert (req.latitude, req.location_source) == (Decimal("48.533333"), LocationSource.REGISTER)


def test_an_edit_of_something_else_keeps_the_point(world):
    req = new(world, street="вул. Невідома", building="1")
    register(world, street="вулиця Невідома", house="1")  # came after: the point stays until the address changes
    edit(req, world.users["operator"], notes="Дзвонити після обіду", flat="9")
    req.refresh_from_db()
    assert req.location_source == LocationSource.SETTLEMENT


def test_a_manual_pin_stays_when_the_address_is_edited(world):
    register(world)
    req = make_request(world, latitude=Decimal("48.51"), longitude=Decimal("35.01"))
    edit(req, world.users["operator"], street="вул. Садова", building="7")
    req.refresh_from_db()
    assert (req.latitude, req.location_source) == (Decimal("48.510000"), LocationSource.MANUAL)


def test_cleared_coordinates_are_searched_again(world):
    register(world)
    req = make_request(world, street="вул. Садова", building="7", latitude=Decimal("48.51"), longitude=Decimal("35.01"))
    edit(req, world.users["operator"], latitude=None, longitude=None)
    req.refresh_from_db()
    assert req.location_source == LocationSource.REGISTER


def test_the_server_is_asked_in_the_background_after_the_save(world, geocoder, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        req = new(world, street="вул. Садова", building="7")
    # Saved at the settlement's centre without asking anyone; the task waits for the commit.
    assert geocoder.calls == 0 and len(callbacks) == 1
    req.refresh_from_db()
    assert req.location_source == LocationSource.SETTLEMENT
    # The worker's run.
    result = geocode_request.call(req.pk, location.location_key(req))
    assert result == {"request": req.pk, "result": "located"}
    req.refresh_from_db()
    assert (req.latitude, req.longitude) == (Decimal("48.522222"), Decimal("35.022222"))
    assert (req.location_source, req.location_approximate) == (LocationSource.GEOCODER, False)
    assert req.version == 1  # the worker's write is no edit: nobody editing gets a conflict


def test_a_register_hit_needs_no_server(world, geocoder, django_capture_on_commit_callbacks):
    register(world)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        new(world, street="вул. Садова", building="7")
    assert callbacks == []


def test_the_geocoder_never_moves_a_manual_pin(world, geocoder):
    req = new(world, street="вул. Садова", building="7")
    key = location.location_key(req)
    VisitRequest.objects.filter(pk=req.pk).update(latitude=Decimal("48.6"), longitude=Decimal("35.1"),
                                                  location_source=LocationSource.MANUAL)
    assert location.geocode_in_background(req.pk, key) == "skipped"
    req.refresh_from_db()
    assert (req.latitude, req.location_source) == (Decimal("48.600000"), LocationSource.MANUAL)


def test_an_answer_about_an_old_address_is_dropped(world, geocoder):
    req = new(world, street="вул. Садова", building="7")
    key = location.location_key(req)
    edit(req, world.users["operator"], building="9")
    assert location.geocode_in_background(req.pk, key) == "skipped"
    req.refresh_from_db()
    assert req.location_source == LocationSource.SETTLEMENT


def test_a_slow_server_does_not_hold_the_save(world, geocoder, settings, client, login,
                                             django_capture_on_commit_callbacks):
    from conftest import intake_post_data

    geocoder.delay = 5.0
    login(world.users["operator"])
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=False):
        answer = client.post("/staff/requests/new/", intake_post_data(world, latitude="", longitude=""))
    assert answer.status_code == 302
    # Well under the server's 5 s (a loaded test machine takes a second or two for the page itself).
    assert time.monotonic() - started < 4.0 and geocoder.calls == 0
    # The worker's run times out and keeps the settlement's centre; nothing raises.
    settings.VALIZA_GEOCODER_TIMEOUT_S = 0.3
    req = VisitRequest.objects.order_by("-pk").first()
    assert req.location_source == LocationSource.SETTLEMENT
    assert location.geocode_in_background(req.pk, location.location_key(req)) == "not_found"
    req.refresh_from_db()
    assert req.location_source == LocationSource.SETTLEMENT


def test_a_request_typed_on_the_public_form_lands_at_its_house_from_the_register(world):
    from django.test import Client

    from conftest import intake_post_data

    register(world, street="вулиця Садова", house="7-Б")
    data = {k: v for k, v in intake_post_data(world, street="Садова", building="7 б", latitude="48.6",
                                              longitude="35.1").items() if k != "channel"}
    assert Client().post(f"/{world.a.slug}/request/", data).status_code == 302
    req = VisitRequest.objects.latest("id")
    # The public form has no coordinates to send: whatever a client adds is ignored.
    assert (req.latitude, req.longitude) == (Decimal("48.533333"), Decimal("35.033333"))
    assert (req.location_source, req.location_approximate) == (LocationSource.REGISTER, False)


def test_after_a_register_import_open_requests_move_to_their_house(world):
    import io

    from django.core.management import call_command

    rough = new(world, street="вул. Садова", building="7")
    pinned = make_request(world, street="вул. Садова", building="7", latitude=Decimal("48.51"),
                          longitude=Decimal("35.01"))
    assert rough.location_source == LocationSource.SETTLEMENT
    register(world)
    out = io.StringIO()
    call_command("locate_requests", "--community", world.a.slug, stdout=out)
    assert "знайдено за реєстром: 1" in out.getvalue()
    rough.refresh_from_db()
    pinned.refresh_from_db()
    assert (rough.latitude, rough.location_source, rough.location_approximate) == (
        Decimal("48.533333"), LocationSource.REGISTER, False)
    assert (pinned.latitude, pinned.location_source) == (Decimal("48.510000"), LocationSource.MANUAL)

"""The planning board's map in a real browser (fixtures: core/tests/browser.py).

Every page is also checked for console errors, CSP refusals and missing static files (see `page`).
No test here reaches the internet: tile hosts are blocked in the browser context.
"""

import copy
import re
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from core.tests.browser import block
from planning.models import Plan, Stop, Trip
from planning.tests.test_plan_week import MONDAY, accepted, make_team, plan_now

pytestmark = pytest.mark.solver

BOARD = f"/staff/planning/?week={MONDAY.isoformat()}"
TILE_HOST = "https://tiles.valiza-test.invalid"
TILE_URL = TILE_HOST + "/{z}/{x}/{y}.png"


@pytest.fixture
def drafted(live_world):
    """A drafted plan of two trips: one team, on Tuesday and on Wednesday."""
    make_team(live_world)
    # About a kilometre apart, whatever other tests did before: no two stops are grouped on the map.
    for i, weekday in enumerate((1, 1, 2, 2, 2)):
        accepted(live_world, preferred_weekdays=[weekday], latitude=Decimal("48.51") + Decimal(i) / 100,
                 longitude=Decimal("35.01") + Decimal(i) / 100)
    plan = plan_now(live_world)
    assert plan.state == Plan.State.DRAFT, plan.message
    trips = list(Trip.objects.filter(plan=plan).order_by("day"))
    assert len(trips) == 2
    return plan, trips


def open_board(page, staff_login, world):
    staff_login(page, world.users["coordinator"])
    page.goto(BOARD)
    expect(page.locator("section.trip")).to_have_count(2)


def test_map_shows_office_numbered_stops_and_a_route_per_trip_without_tiles(page, live_world, drafted, staff_login):
    plan, trips = drafted
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    open_board(page, staff_login, live_world)

    box = page.locator("#board-map")
    expect(box).to_be_visible()
    stops = Stop.objects.filter(trip__plan=plan).count()
    expect(box.locator(".leaflet-marker-icon:not(.board-map__settlement)")).to_have_count(stops + 1)  # + the office
    expect(box.locator(".board-map__settlement")).to_have_text([live_world.city.name])
    expect(box.locator(".board-map__office")).to_have_count(1)
    expect(box.locator(".board-map__route")).to_have_count(2)
    expect(box.locator(".leaflet-tile")).to_have_count(0)
    # No tile URL: the browser asks nothing of anyone but the server itself.
    assert not [u for u in requested if not u.startswith(page.url.split("/staff/")[0])]
    # One colour per trip, the same on the map and beside the trip in the list.
    colours = {c for c in box.locator(".board-map__route").evaluate_all(
        "els => els.map(e => getComputedStyle(e).stroke)")}
    assert len(colours) == 2
    swatches = page.locator(".trip-swatch").evaluate_all("els => els.map(e => getComputedStyle(e).backgroundColor)")
    assert set(swatches) == colours
    serious = [v["id"] for v in Axe().run(page).response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, serious
    # Markers carry the stop numbers; a click tells which request and when.
    numbers = sorted(int(t) for t in box.locator(".board-map__stop").all_inner_texts())
    assert numbers == sorted(s.position for s in Stop.objects.filter(trip__plan=plan))
    box.locator(".board-map__stop").first.click()
    expect(page.locator(".leaflet-popup-content")).to_contain_text("заявка")
    # The day filter leaves one trip's route on the map.
    page.select_option("#board-map-day", trips[0].day.isoformat())
    expect(box.locator(".board-map__route")).to_have_count(1)
    expect(page.locator("#board-map-note")).to_contain_text("прямі відрізки")


def test_map_works_when_the_tile_host_cannot_be_reached(page, live_world, drafted, staff_login, settings, monkeypatch):
    from valiza.settings import env_tile_url

    monkeypatch.setenv("VALIZA_MAP_TILE_URL", TILE_URL)
    url, origin = env_tile_url("VALIZA_MAP_TILE_URL")
    settings.VALIZA_MAP_TILE_URL = url
    settings.VALIZA_MAP_TILE_ATTRIBUTION = "Підкладка: тестовий сервер"
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["img-src"].append(origin)
    settings.CONTENT_SECURITY_POLICY = policy

    tile_requests = []
    page.on("request", lambda r: tile_requests.append(r.url) if r.url.startswith(TILE_HOST) else None)
    block(page, TILE_HOST + "/**", TILE_HOST)
    plan, _trips = drafted
    open_board(page, staff_login, live_world)

    box = page.locator("#board-map")
    markers = box.locator(".leaflet-marker-icon:not(.board-map__settlement)")
    expect(markers).to_have_count(Stop.objects.filter(trip__plan=plan).count() + 1)
    expect(box.locator(".board-map__route")).to_have_count(2)
    expect(page.locator("#board-map-note")).to_contain_text("Підкладка карти не завантажилася")
    expect(box.locator(".leaflet-control-attribution")).to_contain_text("тестовий сервер")
    assert tile_requests, "the tile layer asked for no tiles"


def test_board_stays_usable_when_leaflet_does_not_load(page, live_world, drafted, live_server, staff_login):
    plan, trips = drafted
    block(page, "**/vendor/leaflet-1.9.4/leaflet.js", live_server.url + "/static/vendor/leaflet-1.9.4/leaflet.js")
    open_board(page, staff_login, live_world)

    expect(page.locator("#board-map")).to_be_hidden()
    expect(page.locator("#board-map-note")).to_contain_text("Усі виїзди і зупинки — у списку нижче")
    for trip in trips:
        section = page.locator(f"#trip-{trip.pk}")
        expect(section.locator("tbody tr")).to_have_count(trip.stops.count())
        expect(section.get_by_role("link", name="Маршрутний лист (PDF)")).to_be_visible()


def test_overlapping_stops_are_grouped_and_numbered_as_in_the_table(page, live_world, staff_login):
    """Three requests in one block of flats and one placed roughly at the village's centre (issue 10)."""
    from communities.models import Settlement

    make_team(live_world)
    village = Settlement.objects.create(community=live_world.a, name="Лозуватка", latitude=Decimal("48.56"),
                                        longitude=Decimal("35.08"))
    block_of_flats = [accepted(live_world, preferred_weekdays=[1], street="вул. Соборна", building="5", flat=str(f),
                               latitude=Decimal("48.52"), longitude=Decimal("35.02")) for f in (1, 2, 3)]
    rough = accepted(live_world, preferred_weekdays=[1], settlement=village, street="вул. Невідома",
                     latitude=None, longitude=None)
    assert rough.location_approximate
    plan = plan_now(live_world)
    stops = {s.request_id: s for s in Stop.objects.filter(trip__plan=plan)}
    assert set(stops) == {r.pk for r in block_of_flats} | {rough.pk}

    staff_login(page, live_world.users["coordinator"])
    page.goto(BOARD)
    box = page.locator("#board-map")
    expect(box).to_be_visible()
    # The three stops at one house are one group with their count; the village's stop stands alone,
    # dashed (approximate), with the number it has in the trip's table.
    expect(box.locator(".marker-cluster")).to_have_count(1)
    expect(box.locator(".marker-cluster")).to_have_text("3")
    lone = box.locator(".board-map__stop")
    expect(lone).to_have_count(1)
    expect(lone).to_have_text(str(stops[rough.pk].position))
    expect(lone).to_have_class(re.compile(r"board-map__stop--approximate"))
    row = page.locator(f'section.trip tr[data-request="{rough.pk}"]')
    expect(row.locator("td").first).to_have_text(str(stops[rough.pk].position))
    expect(row.locator(".flag--approximate")).to_be_visible()
    expect(box.locator(".board-map__settlement")).to_have_text(sorted([live_world.city.name, "Лозуватка"]))
    # A click on the group spreads it (or zooms in) until the three numbers of the table show.
    for _ in range(3):
        if box.locator(".marker-cluster").count() == 0:
            break
        box.locator(".marker-cluster").first.click()
        page.wait_for_timeout(600)
    numbers = sorted(int(t) for t in box.locator(".board-map__stop").all_inner_texts())
    assert numbers == sorted(s.position for s in stops.values())

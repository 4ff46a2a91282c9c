"""The request page's map in a real browser: drag the pin to the house and save it (no internet: tiles
are off, or their host is blocked)."""

import copy
from decimal import Decimal

from playwright.sync_api import expect

from addresses.models import LocationSource
from conftest import make_request
from core.tests.browser import block
from visits.models import VisitRequest

TILE_HOST = "https://tiles.valiza-test.invalid"


def test_the_operator_drags_the_pin_to_the_house(page, live_world, staff_login, settings):
    settings.VALIZA_MAP_TILE_URL = ""
    req = make_request(live_world, street="вул. Невідома", building="1", latitude=None, longitude=None)
    assert req.location_approximate
    staff_login(page, live_world.users["operator"])
    page.goto(f"/staff/requests/{req.pk}/")
    box = page.locator("#request-map")
    expect(box).to_be_visible()
    pin = box.locator(".request-map__pin")
    expect(pin).to_have_count(1)
    expect(pin).to_have_class("leaflet-marker-icon request-map__pin request-map__pin--approximate "
                              "leaflet-zoom-animated leaflet-interactive leaflet-marker-draggable")
    expect(page.locator("#request-map-note")).to_contain_text("Перетягніть позначку")
    box.scroll_into_view_if_needed()
    start = pin.bounding_box()
    x, y = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 40, y - 30, steps=8)
    page.mouse.up()
    lat = float(page.locator("#id_latitude").input_value())
    lon = float(page.locator("#id_longitude").input_value())
    assert lat > 48.5 and lon > 35.0  # up and to the right of the settlement's centre
    page.get_by_role("button", name="Зберегти місце").click()
    expect(page.locator("#location-facts")).to_contain_text("Позначено вручну")
    req.refresh_from_db()
    assert req.location_source == LocationSource.MANUAL and not req.location_approximate
    assert (req.latitude, req.longitude) == (Decimal(f"{lat:.6f}"), Decimal(f"{lon:.6f}"))


def test_the_map_works_when_tiles_fail_and_a_click_puts_the_pin(page, live_world, staff_login, settings):
    settings.VALIZA_MAP_TILE_URL = TILE_HOST + "/{z}/{x}/{y}.png"
    settings.VALIZA_MAP_TILE_ATTRIBUTION = "© OpenStreetMap contributors"
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["img-src"].append(TILE_HOST)
    settings.CONTENT_SECURITY_POLICY = policy
    block(page, TILE_HOST + "/**", TILE_HOST)
    req = make_request(live_world, settlement=live_world.village, latitude=None, longitude=None)
    assert req.latitude is None
    staff_login(page, live_world.users["operator"])
    page.goto(f"/staff/requests/{req.pk}/")
    expect(page.locator("#location-facts")).to_contain_text("не буде сплановано")
    box = page.locator("#request-map")
    expect(box).to_be_visible()
    expect(page.locator("#request-map-note")).to_contain_text("Підкладка мапи не завантажилася")
    expect(box.locator(".request-map__pin")).to_have_count(0)
    box.scroll_into_view_if_needed()
    box.click(position={"x": 100, "y": 100})
    expect(box.locator(".request-map__pin")).to_have_count(1)
    page.get_by_role("button", name="Зберегти місце").click()
    expect(page.locator("#location-facts")).to_contain_text("Позначено вручну")
    assert VisitRequest.objects.get(pk=req.pk).location_source == LocationSource.MANUAL

"""Finding a house's point: the providers, tried in order (ADR 6, addendum "Issue 10: addresses").

1. The community's own address register (addresses.AddressPoint): offline, exact, fast.
2. A Nominatim- or Photon-compatible server at VALIZA_GEOCODER_URL: only from the background worker,
   never while a person waits for a save (visits/location.py).
3. The settlement's centre, marked approximate: a village request is still planned.

A provider that fails (no answer, a timeout, garbage) gives no result and logs why: the caller never
sees an exception from here.
"""

import http.client
import json
import logging
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings

from .models import AddressPoint, LocationSource, in_ukraine
from .normalise import house_key, split_street

log = logging.getLogger(__name__)

_SIX = Decimal("0.000001")
# Enough for any answer with limit=1; a server that sends more is not a geocoder.
MAX_ANSWER_BYTES = 1_000_000


@dataclass(frozen=True)
class Location:
    latitude: Decimal
    longitude: Decimal
    source: str
    approximate: bool = False


def _point(lat, lon):
    try:
        lat, lon = Decimal(str(lat)).quantize(_SIX), Decimal(str(lon)).quantize(_SIX)
    except (InvalidOperation, ValueError, TypeError):
        return None
    if not (lat.is_finite() and lon.is_finite()) or not in_ukraine(lat, lon):
        return None
    return lat, lon


def from_register(settlement, street, house):
    """The register's point for this house, or None.

    The street type must match when both sides give one; a request that names no type ("Садова, 5")
    takes the only street of that name in the settlement, and none when there are several.
    """
    kind, name = split_street(street)
    house = house_key(house)
    if not name or not house:
        return None
    points = list(
        AddressPoint.objects.filter(settlement=settlement, street_key=name, house_key=house)
        .values_list("key", "latitude", "longitude")[:20]
    )
    if kind:
        points = [p for p in points if p[0].split("|")[1] in (kind, "")]
    if len(points) != 1:
        return None
    return Location(points[0][1], points[0][2], LocationSource.REGISTER)


def from_settlement(settlement):
    """The settlement's centre, approximate; None for a settlement without one."""
    if settlement.latitude is None or settlement.longitude is None:
        return None
    return Location(settlement.latitude, settlement.longitude, LocationSource.SETTLEMENT, approximate=True)


# The public Nominatim allows one request a second; a worker that places many requests at once (after
# `locate_requests --ask-server`) waits its turn. Per process: one worker process asks one at a time.
_pace_lock = threading.Lock()
_last_call = [0.0]


def _wait_turn(interval):
    with _pace_lock:
        wait = _last_call[0] + interval - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        _last_call[0] = time.monotonic()


class NominatimProvider:
    """A Nominatim server's structured search (or Photon's /api search, api="photon")."""

    def __init__(self, url, *, timeout=5.0, user_agent="Valiza", api="nominatim", interval=0.0):
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.user_agent = user_agent
        self.api = api
        self.interval = interval

    @classmethod
    def configured(cls):
        """The provider the settings name, or None when VALIZA_GEOCODER_URL is empty."""
        if not settings.VALIZA_GEOCODER_URL:
            return None
        return cls(settings.VALIZA_GEOCODER_URL, timeout=settings.VALIZA_GEOCODER_TIMEOUT_S,
                   user_agent=settings.VALIZA_GEOCODER_USER_AGENT, api=settings.VALIZA_GEOCODER_API,
                   interval=settings.VALIZA_GEOCODER_INTERVAL_S)

    def query_url(self, settlement_name, street, house):
        if self.api == "photon":
            # Photon has no structured search; its bbox keeps it to Ukraine.
            params = {"q": f"{street} {house}, {settlement_name}", "limit": 1, "bbox": "22.0,44.0,40.5,52.5"}
            return f"{self.url}/api?{urllib.parse.urlencode(params)}"
        params = {"format": "jsonv2", "street": f"{house} {street}", "city": settlement_name,
                  "countrycodes": "ua", "limit": 1, "accept-language": "uk"}
        return f"{self.url}/search?{urllib.parse.urlencode(params)}"

    def locate(self, settlement_name, street, house):
        """The server's point for the house, or None (none found, or the server failed: logged)."""
        if self.interval:
            _wait_turn(self.interval)
        request = urllib.request.Request(self.query_url(settlement_name, street, house),
                                         headers={"User-Agent": self.user_agent, "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310 (the URL is ours)
                body = answer.read(MAX_ANSWER_BYTES + 1)
        # URLError, HTTPError (a 5xx), timeouts and resets are OSErrors; a broken HTTP answer is not.
        except (OSError, http.client.HTTPException, ValueError) as e:
            log.warning("geocoder unreachable", extra={"reason": type(e).__name__})
            return None
        if len(body) > MAX_ANSWER_BYTES:
            log.warning("geocoder answer too large")
            return None
        try:
            data = json.loads(body)
        except ValueError:
            log.warning("geocoder answered garbage (not JSON)")
            return None
        found = self._parse(data)
        if found is None:
            log.info("geocoder found nothing")
        return found

    def _parse(self, data):
        try:
            if self.api == "photon" or isinstance(data, dict):
                feature = (data.get("features") or [None])[0]
                if feature is None:
                    return None
                lon, lat = feature["geometry"]["coordinates"][:2]
                exact = feature.get("properties", {}).get("type") == "house"
            else:
                if not data:
                    return None  # Nominatim's "nothing found" is an empty list
                place = data[0]
                lat, lon = place["lat"], place["lon"]
                # Rank 30 is a house; a street (26) or a village (16–19) is a guess near the house.
                exact = int(place.get("place_rank", 0)) >= 30 or place.get("addresstype") in ("building", "house")
        except (AttributeError, KeyError, IndexError, TypeError, ValueError):
            log.warning("geocoder answered garbage (unexpected JSON)")
            return None
        point = _point(lat, lon)
        if point is None:
            log.warning("geocoder answered a point outside Ukraine")
            return None
        return Location(point[0], point[1], LocationSource.GEOCODER, approximate=not exact)


def locate_offline(settlement, street, house):
    """What can be found without the network: the register, else the settlement's centre (or None)."""
    return from_register(settlement, street, house) or from_settlement(settlement)

"""Where a request's visit takes place: its point, found when the request is saved (issue 10).

Saving never waits for the network: the register and the settlement's centre are looked up inline
(local and fast); a configured geocoder server is asked by the worker afterwards (visits/tasks.py),
and its answer is kept only if the address is still the one it was asked about and nobody has put a
pin by hand meanwhile. A manual pin is never moved by the geocoder.
"""

import logging

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from addresses.geocoding import NominatimProvider, locate_offline
from addresses.models import LocationSource
from addresses.normalise import address_key
from core.tasks import enqueue_on_commit

from .models import StatusChange, VisitRequest

log = logging.getLogger(__name__)

ADDRESS_FIELDS = ("settlement_id", "street", "building")


def location_key(req):
    """What the point depends on: the settlement, street and house (not the flat)."""
    return address_key(req.settlement_id, req.street, req.building)


def place(req, *, before=None):
    """Set `req`'s point before it is saved; `before` is the stored request when it is an edit.

    Coordinates the operator typed (new, or changed from the stored ones) are a manual pin. Otherwise a
    new request, a changed address or cleared coordinates are located again — unless the point was put
    by hand and the address stayed. Returns True when the worker should ask the geocoder server.
    """
    typed = req.latitude is not None and req.longitude is not None
    if before is None:
        if typed:
            _set(req, req.latitude, req.longitude, LocationSource.MANUAL, False)
            return False
        return _locate(req)
    moved = (req.latitude, req.longitude) != (before.latitude, before.longitude)
    if typed and moved:
        _set(req, req.latitude, req.longitude, LocationSource.MANUAL, False)
        return False
    req.location_source, req.location_approximate = before.location_source, before.location_approximate
    address_changed = any(getattr(req, f) != getattr(before, f) for f in ADDRESS_FIELDS)
    # Cleared coordinates ask for a new search; so does a new address, unless the pin was put by hand.
    if not typed or (address_changed and before.location_source != LocationSource.MANUAL):
        return _locate(req)
    return False


def _set(req, lat, lon, source, approximate):
    req.latitude, req.longitude, req.location_source, req.location_approximate = lat, lon, source, approximate


def _locate(req):
    found = locate_offline(req.settlement, req.street, req.building)
    if found is None:
        _set(req, None, None, LocationSource.NONE, False)
    else:
        _set(req, found.latitude, found.longitude, found.source, found.approximate)
    # Only an exact register point needs no second opinion.
    return (found is None or found.source != LocationSource.REGISTER) and bool(NominatimProvider.configured())


def ask_geocoder(req):
    """Have the worker ask the geocoder server about `req`'s address once the save commits."""
    from .tasks import geocode_request  # the task module imports this one

    enqueue_on_commit(geocode_request, req.pk, location_key(req))


def geocode_in_background(request_id, key):
    """The worker's part: ask the server, keep its answer if it still applies. Returns what was done."""
    provider = NominatimProvider.configured()
    req = VisitRequest.objects.select_related("settlement").filter(pk=request_id).first()
    if provider is None or req is None:
        return "skipped"
    if location_key(req) != key or req.location_source in (LocationSource.MANUAL, LocationSource.REGISTER):
        return "skipped"
    found = provider.locate(req.settlement.name, req.street, req.building)
    if found is None:
        return "not_found"
    with transaction.atomic():
        # Checked again under a lock: an edit or a pin that came while the server answered wins. An
        # UPDATE, not save(): the request's version stays, so an operator editing it gets no conflict.
        locked = VisitRequest.objects.select_for_update().filter(pk=request_id).first()
        if (locked is None or location_key(locked) != key
                or locked.location_source in (LocationSource.MANUAL, LocationSource.REGISTER)):
            return "skipped"
        VisitRequest.objects.filter(pk=request_id).update(
            latitude=found.latitude, longitude=found.longitude, location_source=LocationSource.GEOCODER,
            location_approximate=found.approximate)
    log.info("request geocoded", extra={"request_id": request_id, "approximate": found.approximate})
    return "located"


@transaction.atomic
def pin(req, latitude, longitude, *, by):
    """The operator's pin (dragged on the request's map or typed): kept, never moved by the geocoder.

    Raises the request's version, so an edit form opened before the pin cannot put the old point back
    (visits.actions.update_request refuses it as a conflict). Recorded in the request's history.
    """
    locked = VisitRequest.objects.select_for_update().get(pk=req.pk)
    before = (locked.latitude, locked.longitude)
    VisitRequest.objects.filter(pk=req.pk).update(
        latitude=latitude, longitude=longitude, location_source=LocationSource.MANUAL, location_approximate=False,
        version=F("version") + 1)
    if before[0] is None:
        comment = _("Місце на мапі позначено вручну: %(lat)s, %(lon)s.") % {"lat": latitude, "lon": longitude}
    else:
        comment = _("Позначку на мапі перенесено вручну: %(lat)s, %(lon)s (було %(old_lat)s, %(old_lon)s).") % {
            "lat": latitude, "lon": longitude, "old_lat": before[0], "old_lon": before[1]}
    StatusChange.objects.create(request=req, from_status=locked.status, to_status=locked.status, by=by,
                                comment=comment)
    req.refresh_from_db()
    return req


def relocate_open(community, *, ask_server=False):
    """Place again the open requests whose point is not the house (none, the settlement's centre, or
    the server's guess): after a register import, many land at their house. Manual and register
    points stay. Returns how many moved to a register point; with `ask_server` the rest are queued
    for the geocoder server."""
    from .models import OPEN_STATUSES

    moved = 0
    candidates = (VisitRequest.objects.filter(community=community, status__in=OPEN_STATUSES)
                  .exclude(location_source__in=(LocationSource.MANUAL, LocationSource.REGISTER))
                  .select_related("settlement"))
    for req in candidates.iterator():
        found = locate_offline(req.settlement, req.street, req.building)
        if found is not None and found.source == LocationSource.REGISTER:
            # The same guarded UPDATE as the worker's: a pin put meanwhile wins, the version stays.
            moved += VisitRequest.objects.filter(pk=req.pk).exclude(location_source=LocationSource.MANUAL).update(
                latitude=found.latitude, longitude=found.longitude, location_source=LocationSource.REGISTER,
                location_approximate=False)
        elif found is not None and req.latitude is None:
            VisitRequest.objects.filter(pk=req.pk, latitude__isnull=True).update(
                latitude=found.latitude, longitude=found.longitude, location_source=found.source,
                location_approximate=found.approximate)
        elif ask_server and NominatimProvider.configured():
            ask_geocoder(req)
    return moved

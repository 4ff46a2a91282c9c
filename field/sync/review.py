"""The coordinator's review of held items (/staff/field/): apply anyway, or close with a note."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.models import Community

from ..models import SyncItem
from ..schemas import validate_item
from . import clock
from .batch import find_stop, run
from .errors import ItemProblem, ReviewError, State
from .rules import Ctx

# The times the coordinator may apply an item with whose device time cannot be believed.
RECEIVED, TRIP_DAY = "received", "trip_day"

ATTENTION = (State.CONFLICT, State.QUARANTINED, State.REFUSED)


def attention(community_id):
    """Items that wait for the coordinator, oldest first."""
    return (SyncItem.objects.filter(community_id=community_id, state__in=ATTENTION)
            .select_related("user", "device", "stop__trip__team", "stop__request")
            .order_by("received_at", "device_seq"))


def clock_problem(item, community):
    """The times of a held item whose device clock cannot be believed (clock.check's `clock`), else None.

    Held as `clock_suspect`, or held for another reason before its time was checked (a revoked
    device, not on the team): either way, applying it needs a time the server can vouch for.
    """
    if item.code == clock.CODE:
        return (item.result or {}).get("clock") or {}
    stop = item.stop
    if item.device_at is None or item.effective_at is None or stop is None:
        return None
    sent_at = item.received_at - datetime.timedelta(seconds=item.clock_offset_s)
    try:
        clock.check(at=item.device_at, corrected=item.effective_at, sent_at=sent_at, received_at=item.received_at,
                    stop=stop, community=community)
    except ItemProblem as problem:
        return problem.result["clock"]
    return None


def trip_day_time(item):
    """The moment "the trip's day" means when the coordinator applies with it: the stop's planned
    start, never after the server received the item."""
    return min(item.stop.start, item.received_at)


def _locked_for_review(item, by):
    locked = SyncItem.objects.select_for_update().filter(pk=item.pk, community_id=by.community_id).first()
    if locked is None:
        raise ReviewError(_("Дію не знайдено."))
    if locked.state not in ATTENTION:
        raise ReviewError(_("Цю дію вже вирішено."))
    return locked


def resolve_apply(item, by, *, when=""):
    """Apply a held item anyway (e.g. register what a withdrawn request's visit accepted).

    The rules that held it (withdrawn request, edit from another device, revoked device, not on the
    team, a laptop clock) are set aside; the data must still be valid and its ids known. When the
    item's device time cannot be believed, the coordinator says which time it takes (`when`: the
    server's receipt, or the stop's planned time on the trip's day), so a case's number and deadlines
    never come from an unchecked clock. The acting user stays the field administrator who did it at
    the door; the coordinator is recorded as who resolved it.
    """
    with transaction.atomic():
        locked = _locked_for_review(item, by)
        head, data, errors = validate_item(locked.payload)
        if errors:
            raise ReviewError(_("Дані цієї дії неправильні, застосувати їх не можна: %(why)s.") % {"why": "; ".join(errors)})
        try:
            stop = find_stop(locked.community_id, head.stop_id)
            locked.stop = stop
            effective_at = locked.effective_at or head.at
            if clock_problem(locked, Community.objects.get(pk=locked.community_id)) is not None:
                if when == RECEIVED:
                    effective_at = locked.received_at
                elif when == TRIP_DAY:
                    effective_at = trip_day_time(locked)
                else:
                    raise ReviewError(_("Час цієї дії на ноутбуці під сумнівом. Оберіть, з яким часом її застосувати: "
                                        "з часом отримання сервером або з днем виїзду."))
                locked.effective_at = effective_at
            ctx = Ctx(user=locked.user or by, device=locked.device, item=locked, head=head, data=data, stop=stop,
                      at=locked.device_at or head.at, effective_at=effective_at, force=True)
            with transaction.atomic():
                _code, message, result = run(ctx)
        except ItemProblem as problem:
            raise ReviewError(problem.message) from None
        locked.stop = stop
        locked.state, locked.result = State.RESOLVED, result
        locked.message = " ".join(filter(None, [_("Координатор застосував цю дію."), message]))
        locked.resolved_at, locked.resolved_by = timezone.now(), by
        locked.resolution = _("Застосовано попри конфлікт.")
        locked.save()
    return locked


def resolve_close(item, by, note):
    """Close a held item without applying it, with the coordinator's note."""
    note = (note or "").strip()
    if not note:
        raise ReviewError(_("Напишіть, чому закриваєте дію без застосування."))
    if len(note) > 2000 or "\x00" in note:
        raise ReviewError(_("Примітка задовга або містить недопустимі символи (до 2000 символів)."))
    with transaction.atomic():
        locked = _locked_for_review(item, by)
        locked.state = State.RESOLVED
        locked.message = " ".join(filter(None, [_("Координатор закрив цю дію без застосування: %(n)s") % {"n": note}]))
        locked.resolved_at, locked.resolved_by, locked.resolution = timezone.now(), by, note
        locked.save()
    return locked

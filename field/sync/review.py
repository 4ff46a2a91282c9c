"""The coordinator's review of held items (/staff/field/): apply anyway, or close with a note."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import SyncItem
from ..schemas import validate_item
from .batch import APPLY, find_stop
from .errors import ItemProblem, ReviewError, State
from .rules import Ctx

ATTENTION = (State.CONFLICT, State.QUARANTINED, State.REFUSED)


def attention(community_id):
    """Items that wait for the coordinator, oldest first."""
    return (SyncItem.objects.filter(community_id=community_id, state__in=ATTENTION)
            .select_related("user", "device", "stop__trip__team", "stop__request")
            .order_by("received_at", "device_seq"))


def _locked_for_review(item, by):
    locked = SyncItem.objects.select_for_update().filter(pk=item.pk, community_id=by.community_id).first()
    if locked is None:
        raise ReviewError(_("Дію не знайдено."))
    if locked.state not in ATTENTION:
        raise ReviewError(_("Цю дію вже вирішено."))
    return locked


def resolve_apply(item, by):
    """Apply a held item anyway (e.g. register what a withdrawn request's visit accepted).

    The rules that held it (withdrawn request, edit from another device, revoked device, not on the
    team) are set aside; the data must still be valid and its ids known. The acting user stays the
    field administrator who did it at the door; the coordinator is recorded as who resolved it.
    """
    with transaction.atomic():
        locked = _locked_for_review(item, by)
        head, data, errors = validate_item(locked.payload)
        if errors:
            raise ReviewError(_("Дані цієї дії неправильні, застосувати їх не можна: %(why)s.") % {"why": "; ".join(errors)})
        try:
            stop = find_stop(locked.community_id, head.stop_id)
            ctx = Ctx(user=locked.user or by, device=locked.device, item=locked, head=head, data=data, stop=stop,
                      at=locked.device_at or head.at, effective_at=locked.effective_at or head.at, force=True)
            with transaction.atomic():
                _code, message, result = APPLY[head.kind](ctx)
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

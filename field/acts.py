"""Incident acts after the door (seed 000 §1.9): an open act keeps the visit's videos; closing it
lets them go at the end of their keeping period."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import tasks
from .models import IncidentAct


class ActError(Exception):
    pass


def close(act, *, by, note=""):
    """Close an open act; the visit's videos past their term are purged by the next run."""
    with transaction.atomic():
        locked = IncidentAct.objects.select_for_update().get(pk=act.pk)
        if locked.closed_at is not None:
            raise ActError(_("Цей акт уже закрито %(when)s.") % {
                "when": timezone.localtime(locked.closed_at).strftime("%d.%m.%Y %H:%M")})
        locked.closed_at, locked.closed_by, locked.closing_note = timezone.now(), by, (note or "").strip()
        locked.save(update_fields=["closed_at", "closed_by", "closing_note"])
        if not IncidentAct.objects.filter(visit_id=locked.visit_id, closed_at__isnull=True).exists():
            # The videos may be past their term already: ask the worker to look now.
            tasks.schedule_purge(timezone.localdate() - datetime.timedelta(days=1))
    act.closed_at, act.closed_by, act.closing_note = locked.closed_at, locked.closed_by, locked.closing_note
    return act


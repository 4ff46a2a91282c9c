"""Writes of the equipment app: views, the worker and the demo call these, none re-implements them."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Checklist, Device, Expense, MaintenanceRecord, Reminder
from .readiness import checklist_items


@transaction.atomic(durable=True)
def save_checklist(team, day, subject, stage, *, items, by, internet_balance=None, damage="", note=""):
    """Record a checklist of the team's suitcase or vehicle for its trip on `day`. `items` are the
    keys that were fine. Returns the checklist; `passed` when every item is fine and, after the trip,
    nothing was damaged or missing. The caller has made sure the team is of the user's community."""
    thing = team.suitcase if subject == Checklist.Subject.SUITCASE else team.vehicle
    if thing is None:
        raise ValueError("the team has no such thing to check")
    keys = [key for key, _label in checklist_items(subject, stage)]
    values = {key: key in items for key in keys}
    passed = all(values.values()) and not (stage == Checklist.Stage.AFTER and damage.strip())
    return Checklist.objects.create(
        community_id=team.community_id,
        team=team,
        day=day,
        subject=subject,
        stage=stage,
        suitcase=thing if subject == Checklist.Subject.SUITCASE else None,
        vehicle=thing if subject == Checklist.Subject.VEHICLE else None,
        items=values,
        internet_balance=internet_balance,
        damage=damage.strip(),
        note=note.strip(),
        passed=passed,
        by=by,
    )


def set_state(device, state, day):
    """Change a device's state, remembering since when (the "in repair too long" reminder reads it)."""
    if device.state != state:
        device.state, device.state_since = state, day
        device.save(update_fields=["state", "state_since"])


@transaction.atomic(durable=True)
def record_maintenance(device, *, kind, date, note="", supplier_case="", by, state=None):
    """Log upkeep of a device. A cartridge change restarts its page count; a repair or warranty case
    may change its state (back to working, or to the warranty repair)."""
    device = Device.objects.select_for_update().get(pk=device.pk)
    record = MaintenanceRecord.objects.create(
        community_id=device.community_id, device=device, kind=kind, date=date, note=note, supplier_case=supplier_case, by=by
    )
    if kind == MaintenanceRecord.Kind.CARTRIDGE and device.pages_at_cartridge != device.pages:
        device.pages_at_cartridge = device.pages
        device.save(update_fields=["pages_at_cartridge"])
    if state:
        set_state(device, state, date)
    return record


@transaction.atomic(durable=True)
def report_failure(device, *, what, by):
    """A device failed on the way (reported from the laptop by the field administrator): it needs
    service from now, the failure is in its log, and the technician is told once."""
    device = Device.objects.select_for_update().get(pk=device.pk)
    today = timezone.localdate()
    record = MaintenanceRecord.objects.create(
        community_id=device.community_id, device=device, kind=MaintenanceRecord.Kind.FAILURE, date=today, note=what, by=by
    )
    set_state(device, Device.State.NEEDS_SERVICE, today)
    Reminder.objects.get_or_create(
        key=f"failure:{record.pk}",
        defaults={
            "community_id": device.community_id,
            "kind": Reminder.Kind.FAILURE,
            "text": _("%(device)s (%(suitcase)s) зламався у дорозі: %(what)s")
            % {"device": device, "suitcase": device.suitcase or _("без валізи"), "what": what},
        },
    )
    return record


def add_expense(community, *, category, date, amount, suitcase=None, note="", by):
    return Expense.objects.create(
        community=community, category=category, date=date, amount=amount, suitcase=suitcase, note=note, by=by
    )


def mark_done(reminder, by):
    """The technician dealt with a reminder; a second click changes nothing."""
    return Reminder.objects.filter(pk=reminder.pk, done_at__isnull=True).update(done_at=timezone.now(), done_by=by)

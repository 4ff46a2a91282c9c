"""The technician's reminders, raised by the worker (settings.VALIZA_WORKER_CHECKS) and listed on the
staff "Нагадування" page. Each has a unique key, so any number of runs, in any number of workers,
raises it once:
- the mobile internet of a suitcase is to be paid before the month ends (VALIZA_INTERNET_TOPUP_DAYS
  before its last day), unless an internet payment for it is already recorded in those days;
- a printer printed VALIZA_CARTRIDGE_PAGES pages since its cartridge was changed;
- a warranty ends within VALIZA_WARRANTY_WARNING_DAYS;
- a device has needed service or been at the warranty repair for VALIZA_REPAIR_TOO_LONG_DAYS.
"""

import calendar
import datetime

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from teams.models import Suitcase

from .models import Device, Expense, Reminder


def _raise(community_id, key, kind, text):
    _row, created = Reminder.objects.get_or_create(key=key, defaults={"community_id": community_id, "kind": kind, "text": text})
    return created


def check(today=None):
    """The worker's check: raise what is due; returns how many reminders are new."""
    today = today or timezone.localdate()
    created = 0
    last_day = today.replace(day=calendar.monthrange(today.year, today.month)[1])
    from_day = last_day - datetime.timedelta(days=settings.VALIZA_INTERNET_TOPUP_DAYS)
    if today >= from_day:
        paid = set(
            Expense.objects.filter(
                category=Expense.Category.INTERNET, date__gte=from_day, date__lte=last_day, suitcase__isnull=False
            ).values_list("suitcase_id", flat=True)
        )
        for suitcase in Suitcase.objects.filter(is_active=True).exclude(pk__in=paid).order_by("pk"):
            created += _raise(
                suitcase.community_id,
                f"internet:{suitcase.pk}:{today:%Y-%m}",
                Reminder.Kind.INTERNET,
                _("Поповніть мобільний інтернет валізи «%(name)s» до %(day)s: наступний місяць оплачується наперед.")
                % {"name": suitcase.name, "day": last_day.strftime("%d.%m.%Y")},
            )
    printers = (
        Device.objects.filter(kind=Device.Kind.PRINTER)
        .exclude(state=Device.State.LOST)
        .filter(pages__gte=F("pages_at_cartridge") + settings.VALIZA_CARTRIDGE_PAGES)
        .select_related("suitcase")
    )
    for device in printers:
        created += _raise(
            device.community_id,
            f"cartridge:{device.pk}:{device.pages_at_cartridge}",
            Reminder.Kind.CARTRIDGE,
            _("Замініть картридж: %(device)s (%(suitcase)s) — %(pages)s.")
            % {
                "device": device,
                "suitcase": device.suitcase or _("без валізи"),
                "pages": ngettext(
                    "%(n)d сторінка після останньої заміни", "%(n)d сторінок після останньої заміни", device.pages_since_cartridge
                )
                % {"n": device.pages_since_cartridge},
            },
        )
    soon = today + datetime.timedelta(days=settings.VALIZA_WARRANTY_WARNING_DAYS)
    ending = (
        Device.objects.filter(warranty_until__gte=today, warranty_until__lte=soon)
        .exclude(state=Device.State.LOST)
        .select_related("suitcase")
    )
    for device in ending:
        created += _raise(
            device.community_id,
            f"warranty:{device.pk}:{device.warranty_until}",
            Reminder.Kind.WARRANTY,
            _(
                "Гарантія на %(device)s закінчується %(day)s. Перевірте, чи немає несправностей, "
                "з якими ще можна звернутися до постачальника (%(supplier)s)."
            )
            % {
                "device": device,
                "day": device.warranty_until.strftime("%d.%m.%Y"),
                "supplier": device.supplier or _("не вказано"),
            },
        )
    long_ago = today - datetime.timedelta(days=settings.VALIZA_REPAIR_TOO_LONG_DAYS)
    stuck = Device.objects.filter(state__in=[Device.State.NEEDS_SERVICE, Device.State.WARRANTY_REPAIR], state_since__lte=long_ago)
    for device in stuck:
        created += _raise(
            device.community_id,
            f"repair:{device.pk}:{device.state_since}",
            Reminder.Kind.REPAIR,
            _("%(device)s у стані «%(state)s» з %(since)s — %(days)s. Нагадайте постачальнику або замініть пристрій.")
            % {
                "device": device,
                "state": device.get_state_display(),
                "since": device.state_since.strftime("%d.%m.%Y"),
                "days": ngettext("щонайменше %(n)d день", "щонайменше %(n)d днів", (today - device.state_since).days)
                % {"n": (today - device.state_since).days},
            },
        )
    return created

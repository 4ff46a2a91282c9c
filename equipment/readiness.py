"""Whether a suitcase may go on a trip on a day (issue 16). Plain functions over prefetched rows:
the planner (planning/build.py), the planning board and the equipment pages call them.

A suitcase is ready on a day when it is in service, every device it needs is working, and — once the
technician has checked it that day — its latest pre-trip checklist of that day passed. A plan made
for next week cannot wait for checklists that are worked on the morning of each trip: before the
check only the devices decide; a failed check takes the suitcase off that day.
"""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from teams.models import Suitcase

from .models import Checklist, Device

SUITCASE_ITEMS = [
    ("charged", gettext_lazy("Ноутбук, принтер, павербанк і термінал заряджені")),
    ("internet_paid", gettext_lazy("Мобільний інтернет оплачено наперед")),
    ("cartridge", gettext_lazy("Картридж не порожній")),
    ("waste_ink", gettext_lazy("Ємність для відпрацьованого чорнила не переповнена")),
    ("batteries", gettext_lazy("Запасні батарейки є")),
    ("paper", gettext_lazy("Папір є")),
    ("forms", gettext_lazy("Бланки заяв і розписок є")),
]
VEHICLE_ITEMS = [
    ("extinguisher", gettext_lazy("Вогнегасник на місці, не прострочений")),
    ("first_aid", gettext_lazy("Аптечка на місці, укомплектована")),
    ("fuel", gettext_lazy("Пального вистачить на весь маршрут")),
]
AFTER_ITEMS = [("returned", gettext_lazy("Усе повернуто на місце"))]


def checklist_items(subject, stage):
    """[(key, label)] of a checklist of `subject` (suitcase or vehicle) at `stage` (before or after)."""
    if stage == Checklist.Stage.AFTER:
        return AFTER_ITEMS
    return SUITCASE_ITEMS if subject == Checklist.Subject.SUITCASE else VEHICLE_ITEMS


def failed_items(checklist):
    """Labels of the items of `checklist` that were not fine."""
    return [str(label) for key, label in checklist_items(checklist.subject, checklist.stage) if not checklist.items.get(key)]


def suitcases_with_devices(community):
    """The community's suitcases with their devices (two queries)."""
    return list(
        Suitcase.objects.filter(community=community)
        .prefetch_related(Prefetch("devices", queryset=Device.objects.order_by("kind", "serial")))
        .order_by("name", "pk")
    )


def device_problems(suitcase):
    """Why `suitcase` cannot travel whatever the day (empty when it can), from prefetched devices."""
    problems = []
    if not suitcase.is_active:
        problems.append(_("валіза не в роботі"))
    for device in suitcase.devices.all():
        if device.needed and device.state != Device.State.WORKING:
            problems.append(
                _("%(device)s — %(state)s") % {"device": device.get_kind_display(), "state": device.get_state_display()}
            )
    return problems


def latest_checks(community, days, stage=Checklist.Stage.BEFORE):
    """{(subject, suitcase or vehicle id, day): the latest checklist at `stage`} (one query)."""
    out = {}
    rows = Checklist.objects.filter(community=community, day__in=list(days), stage=stage).order_by("day", "created_at", "pk")
    for row in rows:  # later rows overwrite earlier ones: the latest of the day counts
        out[(row.subject, row.suitcase_id or row.vehicle_id, row.day)] = row
    return out


def check_problem(checklist):
    """Why a failed pre-trip checklist stops the suitcase, or "" when it passed or is missing."""
    if checklist is None or checklist.passed:
        return ""
    failed = failed_items(checklist)
    return _("перевірка перед виїздом не пройдена (%(items)s)") % {
        "items": "; ".join(failed).lower() or _("позначено як неготову")
    }


@dataclass
class Kit:
    """The community's suitcases on some days: `unready` {(suitcase id, day): why} for the planner,
    `rows` for the board (each suitcase, its device problems, its pre-trip check each day or None)."""

    days: list
    unready: dict
    rows: list


def kit(community, days):
    """The Kit of `community` on `days` (three queries, whatever the number of suitcases and days)."""
    days = sorted(days)
    suitcases = suitcases_with_devices(community)
    checks = latest_checks(community, days)
    unready, rows = {}, []
    for suitcase in suitcases:
        always = device_problems(suitcase)
        day_checks = [(day, checks.get((Checklist.Subject.SUITCASE, suitcase.pk, day))) for day in days]
        for day, check in day_checks:
            problems = [str(p) for p in [*always, check_problem(check)] if p]
            if problems:
                unready[(suitcase.pk, day)] = "; ".join(problems)
        rows.append({"suitcase": suitcase, "problems": always, "checks": day_checks})
    return Kit(days, unready, rows)


def unready(community, days):
    """{(suitcase id, day): why it may not travel} for the community's suitcases not ready on `days`."""
    return kit(community, days).unready

"""The period a page or the API asks for: two Kyiv dates, checked, with a clear message when wrong."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

# The longest period counted at once: three years (a report compares a year with the one before).
MAX_DAYS = 3 * 366
DEFAULT_WEEKS = 12


class PeriodError(ValueError):
    """A period that cannot be counted; its message is for the person who asked."""


def default_period(today=None):
    """The last twelve weeks: from the Monday eleven weeks before this one to today."""
    today = today or timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    return monday - datetime.timedelta(weeks=DEFAULT_WEEKS - 1), today


def _date(value, what):
    try:
        return datetime.date.fromisoformat(value.strip())
    except (ValueError, AttributeError, TypeError):
        raise PeriodError(
            _("Дату «%(what)s» не вдалося прочитати. Напишіть її так: 2026-01-31 (рік, місяць, день).") % {"what": what}
        ) from None


def parse_period(start, end, today=None):
    """(start, end) from two texts in ISO form (either may be empty: the default period's day)."""
    default_start, default_end = default_period(today)
    start = _date(start, _("з")) if start else default_start
    end = _date(end, _("по")) if end else default_end
    if end < start:
        raise PeriodError(_("Кінець періоду раніше за його початок. Поміняйте дати місцями."))
    if (end - start).days + 1 > MAX_DAYS:
        raise PeriodError(_("Період задовгий: можна щонайбільше три роки. Оберіть коротший період."))
    return start, end

"""The periods a report covers: a calendar quarter, half-year or year, and the one before it."""

import datetime

from django.utils.translation import gettext as _

from .models import Kind

# The first year a report may cover (the service began in 2025; earlier years have no data to show).
FIRST_YEAR = 2020
PARTS = {Kind.QUARTER: 4, Kind.HALF: 2, Kind.YEAR: 1}
MONTHS = {Kind.QUARTER: 3, Kind.HALF: 6, Kind.YEAR: 12}
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


class PeriodError(ValueError):
    """A period no report can cover; the message is for the person at the screen, `field` the form's
    field it is about (None: the whole form)."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


def bounds(kind, year, part=1):
    """(first day, last day) of part `part` (1-based) of `year` for `kind`."""
    months = MONTHS[kind]
    start = datetime.date(year, 1 + (part - 1) * months, 1)
    month_after = start.month - 1 + months
    end = datetime.date(year + month_after // 12, month_after % 12 + 1, 1) - datetime.timedelta(days=1)
    return start, end


def part_of(kind, start):
    return (start.month - 1) // MONTHS[kind] + 1


def previous(kind, start):
    """The period of the same kind just before the one starting on `start`: the quarter, half-year or year
    before (a quarter against the quarter before, not the same quarter of last year)."""
    part = part_of(kind, start)
    if part > 1:
        return bounds(kind, start.year, part - 1)
    return bounds(kind, start.year - 1, PARTS[kind])


def period_title(kind, start):
    part = part_of(kind, start)
    if kind == Kind.QUARTER:
        return _("Звіт за %(q)s квартал %(y)s року") % {"q": ROMAN[part], "y": start.year}
    if kind == Kind.HALF:
        return _("Звіт за %(h)s півріччя %(y)s року") % {"h": ROMAN[part], "y": start.year}
    return _("Звіт за %(y)s рік") % {"y": start.year}


def checked(kind, year, part, today):
    """(start, end) of the asked period, or PeriodError with a message a person can act on."""
    if kind not in PARTS:
        raise PeriodError(_("Оберіть вид звіту: квартальний, піврічний або річний."), "kind")
    if year is None or not FIRST_YEAR <= year <= today.year:
        raise PeriodError(_("Рік має бути від %(first)s до %(last)s.") % {"first": FIRST_YEAR, "last": today.year}, "year")
    parts = PARTS[kind]
    if kind == Kind.YEAR:
        part = 1
    elif part is None or not 1 <= part <= parts:
        raise PeriodError(_("Квартал — число від 1 до 4.") if kind == Kind.QUARTER else _("Півріччя — 1 або 2."), "part")
    start, end = bounds(kind, year, part)
    if start > today:
        raise PeriodError(_("Цей період ще не почався. Оберіть період, який уже почався або минув."), "year")
    return start, end

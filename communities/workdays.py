"""The working-day calendar: which days a CNAP works, and on which day a term ends.

A day is worked or not by these rules; a later rule wins over an earlier one.

1. Saturday and Sunday are days off (five-day week, Labour Code (КЗпП) art. 67).
2. Public holidays (КЗпП art. 73) are days off. The list comes from the `holidays` package
   (country UA). That package files every holiday from 2023 on (and from 24.04.2022) in its
   WORKDAY category because it treats martial law as permanent, so we read both of its
   categories, PUBLIC and WORKDAY, as the statutory list and apply martial law ourselves (3).
3. Martial law: under Law 2136-IX «Про організацію трудових відносин в умовах воєнного стану»
   (in force since 24.03.2022) КЗпП art. 73 and art. 67 part 3 do not apply while martial law
   lasts, so a public holiday is an ordinary working day. Martial law is a list of periods
   (MartialLawPeriod: start, last day or open), so a case before, during or after it, or after
   it is introduced again, gets the right calendar. With no period in the table, the setting
   `VALIZA_MARTIAL_LAW_UNTIL` gives one period from 24.03.2022: None — still in force; a date —
   its last day; `date.min` (the setting "none") — no period at all.
4. A holiday that falls on a Saturday or Sunday moves the day off to the next working day
   (КЗпП art. 67 part 3) — only for a holiday outside martial law. `holidays` applies the same
   rule (SAT_SUN_TO_NEXT_WORKDAY, for 27.01.1995–09.01.1998 and since 23.04.1999) but only to its
   PUBLIC category, so we compute it here: 24.08.2019 (Saturday) → Monday 26.08.2019 off. A
   holiday under martial law moves nothing.
5. Working days moved by Cabinet recommendation up to 2022 (e.g. Monday 23.08.2021 off, Saturday
   28.08.2021 worked), from the table `holidays` keeps for them. Later transfers, if the Cabinet
   recommends any, go into CalendarOverride without a community.
6. CalendarOverride: first a national entry (no community), then the community's own entry.

Terms:

- Hand-over to the provider: «не пізніше наступного робочого дня» after the documents were
  received (Law «Про адміністративні послуги», art. 13; quoted in seed 000, Intro), so the deadline
  is the first working day strictly after the day of acceptance (Kyiv date).
- A term counts from the day after the day it starts from (Civil Code art. 253).
- Working-day terms end on the n-th working day after the start day.
- Calendar-day terms end n days after the start day; if that day is not a working day, the term
  ends on the first working day after it (Civil Code art. 254 part 5: «Якщо останній день строку
  припадає на вихідний, святковий або інший неробочий день … днем закінчення строку є перший за
  ним робочий день»). The Law on administrative services sets term lengths (art. 10) but no
  end-of-term rule of its own that we could find, so the Civil Code's general rule is used.
  Which day a provider's term starts from (acceptance or hand-over) is the caller's choice.
- Month terms (e.g. land privatisation «у місячний строк») end on the same-numbered day of the
  last month of the term, or on that month's last day when it has no such day (Civil Code
  art. 254 part 3): from 02.02 a month ends 02.03, from 31.01 on 28.02 (29.02 in a leap year).
  A last day that is not worked moves to the next working day (art. 254 part 5), as above.

Per-year results are cached in the process (lru_cache): the statutory list per year and the days
off per (year, martial-law periods). The periods are read once per WorkCalendar (one query), the
overrides once per year and per WorkCalendar; reuse one WorkCalendar when computing many deadlines
(a journal page) to keep that to one query per year.
"""

from datetime import date, datetime, timedelta
from functools import lru_cache
from types import MappingProxyType

import holidays
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from holidays.constants import PUBLIC, WORKDAY
from holidays.countries.ukraine import UkraineStaticHolidays

from .models import CalendarOverride, MartialLawPeriod

# Law 2136-IX came into force on 24.03.2022; no holiday falls between it and 24.02.2022.
MARTIAL_LAW_FROM = date(2022, 3, 24)

WORKING = "working"
CALENDAR = "calendar"
MONTHS = "months"

# No real calendar has 400 days off in a row; a loop that gets here means overrides gone wrong.
_MAX_SCAN_DAYS = 400
_ONE_DAY = timedelta(days=1)


def configured_martial_law_until():
    """The last day martial law is in force, from settings (None — still in force)."""
    return getattr(settings, "VALIZA_MARTIAL_LAW_UNTIL", None)


def periods_until(until):
    """The setting's single period: from 24.03.2022 to `until` (None — open; date.min — none)."""
    if until is not None and until < MARTIAL_LAW_FROM:
        return ()
    return ((MARTIAL_LAW_FROM, until),)


def _as_periods(martial_law):
    # A tuple of (start, end or None) periods, or the old single last day (None / a date).
    if isinstance(martial_law, tuple):
        return martial_law
    return periods_until(martial_law)


def configured_martial_law_periods():
    """The periods from the table, or from the setting while the table is empty (one query)."""
    rows = tuple(MartialLawPeriod.objects.order_by("start").values_list("start", "end"))
    return rows if rows else periods_until(configured_martial_law_until())


def under_martial_law(day, periods):
    # Law 2136-IX applies from its own start (24.03.2022), whatever the period's first day.
    return day >= MARTIAL_LAW_FROM and any(
        start <= day and (end is None or day <= end) for start, end in _as_periods(periods))


@lru_cache(maxsize=1)
def _cabinet_transfers():
    """(days off, days worked) moved by Cabinet recommendation, from the `holidays` table.

    The table maps a year to (month, day, from_month, from_day[, from_year]) entries — or to a
    single such entry — where the first date is the day off and the second the day worked
    instead; an entry with a name in place of the second date is a day off only.
    """
    off, worked = set(), set()
    for year, entries in getattr(UkraineStaticHolidays, "special_public_holidays", {}).items():
        if entries and isinstance(entries[0], int):
            entries = (entries,)
        for entry in entries:
            off.add(date(year, entry[0], entry[1]))
            if len(entry) >= 4 and isinstance(entry[2], int):
                from_year = entry[4] if len(entry) == 5 else year
                worked.add(date(from_year, entry[2], entry[3]))
    return frozenset(off), frozenset(worked)


@lru_cache(maxsize=256)
def statutory_holidays(year):
    """Public holidays of `year` by law, whatever martial law says: {date: Ukrainian name}."""
    found = holidays.UA(years=year, categories=(PUBLIC, WORKDAY), observed=False, language="uk")
    transfers_off, _ = _cabinet_transfers()
    # The package lists Cabinet transfers among the holidays; they are no holidays and move
    # nothing, so they are kept apart (rule 5).
    return MappingProxyType({day: name for day, name in found.items() if day not in transfers_off})


def _weekend_transfer_in_force(day):
    # КЗпП art. 67 part 3 moved the day off from 27.01.1995, not from 10.01.1998 to 22.04.1999,
    # and again since 23.04.1999 (dates and acts as in `holidays`, Ukraine._is_observed).
    return date(1995, 1, 27) <= day <= date(1998, 1, 9) or day >= date(1999, 4, 23)


@lru_cache(maxsize=256)
def _holidays_off_with_transfers(year, periods):
    """Days off for the holidays of `year` outside martial law, with weekend transfers (rule 4)."""
    off = {day for day in statutory_holidays(year) if not under_martial_law(day, periods)}
    moved = set()
    for day in sorted(off):
        if day.weekday() < 5 or not _weekend_transfer_in_force(day):
            continue
        target = day + _ONE_DAY
        # Two holidays on one weekend (1 May and Easter in 2021) move to Monday and Tuesday.
        while target.weekday() >= 5 or target in off or target in moved:
            target += _ONE_DAY
        moved.add(target)
    return frozenset(off | moved)


def days_off(year, martial_law):
    """Weekdays of `year` that are not worked by rules 2–5 (weekends are not listed).

    `martial_law`: a tuple of (start, end or None) periods, or one last day as the setting gives it.
    """
    return _days_off(year, _as_periods(martial_law))


@lru_cache(maxsize=256)
def _days_off(year, periods):
    transfers_off, _ = _cabinet_transfers()
    # A transfer can cross New Year in principle, so the previous year's is looked at too.
    candidates = _holidays_off_with_transfers(year, periods) | _holidays_off_with_transfers(year - 1, periods)
    return frozenset(
        day for day in candidates | transfers_off if day.year == year and day.weekday() < 5
    )


def as_local_date(value):
    """A date, or the Kyiv-time date of a datetime (a naive datetime is taken as local)."""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            return timezone.localtime(value).date()
        return value.date()
    if isinstance(value, date):
        return value
    raise TypeError(f"expected a date or datetime, not {type(value).__name__}")


_FROM_SETTINGS = object()


class WorkCalendar:
    """The working days of one community (or of none: the national calendar).

    Keeps the overrides it has read, one query per year; make a new one per request or task.
    """

    def __init__(self, community=None, *, martial_law_until=_FROM_SETTINGS, martial_law_periods=None):
        self.community_id = getattr(community, "pk", community)
        if martial_law_periods is not None:
            self._periods = tuple((start, end) for start, end in martial_law_periods)
        elif martial_law_until is not _FROM_SETTINGS:
            self._periods = periods_until(martial_law_until)
        else:
            self._periods = None  # read from the table when first needed
        self._overrides = {}

    @property
    def periods(self):
        if self._periods is None:
            self._periods = configured_martial_law_periods()
        return self._periods

    def _overrides_for(self, year):
        if year not in self._overrides:
            scope = Q(community__isnull=True)
            if self.community_id is not None:
                scope |= Q(community_id=self.community_id)
            rows = CalendarOverride.objects.filter(
                scope, date__range=(date(year, 1, 1), date(year, 12, 31))
            ).values_list("community_id", "date", "is_working")
            found = {}
            # National entries first, so that the community's own entry for the day wins.
            for _community_id, day, is_working in sorted(rows, key=lambda row: row[0] is not None):
                found[day] = is_working
            self._overrides[year] = found
        return self._overrides[year]

    def is_working_day(self, day):
        day = as_local_date(day)
        override = self._overrides_for(day.year).get(day)
        if override is not None:
            return override
        if day in _cabinet_transfers()[1]:
            return True
        if day.weekday() >= 5:
            return False
        return day not in _days_off(day.year, self.periods)

    def next_working_day(self, day):
        """The first working day strictly after `day`."""
        day = as_local_date(day)
        for _ in range(_MAX_SCAN_DAYS):
            day += _ONE_DAY
            if self.is_working_day(day):
                return day
        raise ValueError(f"no working day within {_MAX_SCAN_DAYS} days after {day}; check the overrides")

    def add_working_days(self, day, n):
        """The n-th working day after `day`; for n = 0, `day` itself or the next working day."""
        day = as_local_date(day)
        if n < 0:
            raise ValueError("a term cannot be negative")
        if n == 0:
            return day if self.is_working_day(day) else self.next_working_day(day)
        for _ in range(n):
            day = self.next_working_day(day)
        return day

    def add_term(self, day, n, kind):
        """The last day of a term of n working days, calendar days or months that starts after `day`."""
        day = as_local_date(day)
        if kind == WORKING:
            return self.add_working_days(day, n)
        if kind not in (CALENDAR, MONTHS):
            raise ValueError(f"term kind must be {WORKING!r}, {CALENDAR!r} or {MONTHS!r}, not {kind!r}")
        if n < 0:
            raise ValueError("a term cannot be negative")
        # relativedelta keeps the day of the month and, when the month is shorter, takes its last
        # day: exactly art. 254 part 3.
        end = day + (relativedelta(months=n) if kind == MONTHS else timedelta(days=n))
        # Civil Code art. 254 part 5: a term ending on a day off ends on the next working day.
        return end if self.is_working_day(end) else self.next_working_day(end)

    def handover_deadline(self, accepted_at):
        """The day the documents must reach the provider: the next working day after acceptance."""
        return self.next_working_day(accepted_at)


def is_working_day(day, community=None):
    return WorkCalendar(community).is_working_day(day)


def next_working_day(day, community=None):
    return WorkCalendar(community).next_working_day(day)


def add_working_days(day, n, community=None):
    return WorkCalendar(community).add_working_days(day, n)


def add_term(day, n, kind, community=None):
    return WorkCalendar(community).add_term(day, n, kind)


def handover_deadline(accepted_at, community=None):
    return WorkCalendar(community).handover_deadline(accepted_at)

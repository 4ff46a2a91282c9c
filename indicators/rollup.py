"""The dashboard's weekly roll-up: see indicators/models.py.

`gather` answers the figures named in its specs for any period: each closed whole week of the period
(Monday to Sunday, over before `today`) from its stored partial, or — when it has none or is marked
stale — counted and stored; the days around them (a period starting or ending mid-week, the week
still going) counted live. The counting is the figures' own (indicators/figures.py, `*_weeks`), so a
figure is the same number whichever way its weeks came.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .models import StaleWeek, WeekPartial

DAY, WEEK = datetime.timedelta(days=1), datetime.timedelta(days=7)


@dataclass(frozen=True)
class Spec:
    # (community, start, end, today) -> {Monday: partial}; a partial is {text: [numbers]} (JSON).
    weeks: Callable
    # the merged partial -> Figure; with by_week, {Monday: partial} -> Figure (the weeks are its rows).
    finish: Callable
    by_week: bool = False


def monday_of(day):
    return day - datetime.timedelta(days=day.weekday())


def closed_weeks(start, end, today):
    """The Mondays of the whole weeks inside `start`..`end` that ended before `today`."""
    monday = monday_of(start)
    if monday < start:
        monday += WEEK
    weeks = []
    while monday + 6 * DAY <= end and monday + 6 * DAY < today:
        weeks.append(monday)
        monday += WEEK
    return weeks


def live_ranges(start, end, stored):
    """The runs of days of `start`..`end` not covered by the stored weeks (a set of Mondays)."""
    ranges = []
    day = start
    while day <= end:
        chunk_end = min(end, monday_of(day) + 6 * DAY)
        if day not in stored:
            if ranges and ranges[-1][1] + DAY == day:
                ranges[-1][1] = chunk_end
            else:
                ranges.append([day, chunk_end])
        day = chunk_end + DAY
    return [tuple(r) for r in ranges]


def gather(community, start, end, today, specs, recount=False):
    """{key: Figure} for each of `specs` ({key: Spec}) over Kyiv days `start`..`end`. With `recount`, the
    stored weeks are counted again too (the worker's periodic recount)."""
    full = closed_weeks(start, end, today)
    # What is counted now holds the data as of this moment: a week stored meanwhile by a view that
    # started later is fresher and is kept.
    started = timezone.now()
    stored, marks = {}, []
    if full:
        stored = dict(
            WeekPartial.objects.filter(community=community, monday__range=(full[0], full[-1])).values_list("monday", "data")
        )
        # Read before counting: a change committed after this keeps its mark and is counted next time.
        marks = list(StaleWeek.objects.filter(community=community, monday__range=(full[0], full[-1])).values_list("pk", "monday"))
    stale = {monday for _pk, monday in marks}
    missing = [monday for monday in full if recount or monday not in stored or monday in stale]
    from_store = {monday for monday in full if monday not in missing}
    weekly = {key: {} for key in specs}
    for a, b in live_ranges(start, end, from_store):
        for key, spec in specs.items():
            weekly[key].update(spec.weeks(community, a, b, today))
    if missing:
        _store(
            community,
            missing,
            {monday: {key: weekly[key].get(monday, {}) for key in specs} for monday in missing},
            started,
            [pk for pk, _monday in marks],
        )
    for monday in from_store:
        for key in specs:
            part = stored[monday].get(key)
            if part:
                weekly[key][monday] = part
    found = {}
    for key, spec in specs.items():
        parts = {monday: part for monday, part in weekly[key].items() if part}
        found[key] = spec.finish(parts if spec.by_week else merge(parts.values()))
    return found


def _store(community, mondays, data, started, marks):
    """Keep the weeks counted from data as of `started`, unless a view that started later stored one
    already; drop the marks read before counting."""
    with transaction.atomic():
        existing = dict(
            WeekPartial.objects.select_for_update()
            .filter(community=community, monday__in=mondays)
            .values_list("monday", "computed_at")
        )
        WeekPartial.objects.bulk_create(
            [WeekPartial(community=community, monday=m, data=data[m], computed_at=started) for m in mondays if m not in existing],
            ignore_conflicts=True,
        )
        for monday in mondays:
            if monday in existing and existing[monday] < started:
                WeekPartial.objects.filter(community=community, monday=monday).update(data=data[monday], computed_at=started)
        StaleWeek.objects.filter(pk__in=marks).delete()


def merge(parts):
    """Add partial counts: {key: [numbers]} from each week (or range of days) into one."""
    out = {}
    for part in parts:
        for key, values in part.items():
            slot = out.get(key)
            if slot is None:
                out[key] = list(values)
            else:
                for i, v in enumerate(values):
                    slot[i] += v
    return out


def mark_days(pairs):
    """Mark stale the weeks of (community_id, date) pairs; None dates are skipped. One insert."""
    weeks = {(community_id, monday_of(day)) for community_id, day in pairs if community_id and day}
    if weeks:
        StaleWeek.objects.bulk_create([StaleWeek(community_id=c, monday=m) for c, m in sorted(weeks)])
    return len(weeks)


def forget(community_id=None):
    """Drop stored partials (all, or one community's): after a rename of a settlement, category, service,
    provider or team, whose names the partials hold."""
    partials = WeekPartial.objects.all()
    if community_id is not None:
        partials = partials.filter(community_id=community_id)
    partials.delete()

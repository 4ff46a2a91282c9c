"""The dashboard's weekly roll-up: see indicators/models.py."""

import datetime

from .models import StaleWeek, WeekPartial


def monday_of(day):
    return day - datetime.timedelta(days=day.weekday())


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

"""The worker keeps the roll-up warm (VALIZA_WORKER_CHECKS): the closed weeks of the last year that have
no stored partial, or are marked stale, are counted a few at a time, newest first, so the first view of
a year does not count them all (issue 14: seconds for a large city's year, against under one from the
roll-up). With what a run has left, it counts again the weeks counted longest ago (more than
RECOUNT_AFTER): what no mark announces — a change written past the models, a trip given to another team
after the visit — is right again within days."""

import datetime

from django.db.models import Count
from django.utils import timezone

from communities.models import Community

from . import figures, rollup
from .models import StaleWeek, WeekPartial

# A year back, and how many weeks one run counts (a run shares the worker's watch thread with its
# heartbeat: a large city's week takes ~0.3 s).
WEEKS_BACK = 53
WEEKS_PER_RUN = 8
RECOUNT_AFTER = datetime.timedelta(days=7)


def check(today=None, per_run=WEEKS_PER_RUN):
    """Count and store up to `per_run` missing or stale closed weeks. Returns how many were counted."""
    today = today or timezone.localdate()
    last_sunday = rollup.monday_of(today) - datetime.timedelta(days=1)
    full = rollup.closed_weeks(
        last_sunday - datetime.timedelta(weeks=WEEKS_BACK) + datetime.timedelta(days=1), last_sunday, today
    )
    if not full:
        return 0
    in_range = {"monday__range": (full[0], full[-1])}
    stored = dict(
        WeekPartial.objects.filter(**in_range).values("community").annotate(n=Count("pk")).values_list("community", "n")
    )
    marked = set(StaleWeek.objects.filter(**in_range).values_list("community", flat=True).distinct())
    behind = [
        pk
        for pk in Community.objects.order_by("pk").values_list("pk", flat=True)
        if stored.get(pk, 0) < len(full) or pk in marked
    ]
    counted = 0
    for community in Community.objects.filter(pk__in=behind).order_by("pk"):
        if counted >= per_run:
            break
        have = set(WeekPartial.objects.filter(community=community, **in_range).values_list("monday", flat=True))
        stale = set(StaleWeek.objects.filter(community=community, **in_range).values_list("monday", flat=True))
        todo = [monday for monday in reversed(full) if monday not in have or monday in stale][: per_run - counted]
        for monday in todo:
            rollup.gather(community, monday, monday + datetime.timedelta(days=6), today, figures.ROLLED)
        counted += len(todo)
    if counted < per_run:
        oldest = list(
            WeekPartial.objects.filter(computed_at__lt=timezone.now() - RECOUNT_AFTER, **in_range)
            .order_by("computed_at")
            .values_list("community", "monday")[: per_run - counted]
        )
        communities = Community.objects.in_bulk({pk for pk, _monday in oldest})
        for pk, monday in oldest:
            rollup.gather(communities[pk], monday, monday + datetime.timedelta(days=6), today, figures.ROLLED, recount=True)
        counted += len(oldest)
    return counted

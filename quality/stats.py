"""What the person said, counted (seed 003: at least 95 % satisfied; seed 004 §8: complaints per 1,000
requests, satisfaction, punctuality). The quality officer's page shows the last 30 days; the reports
call `summary` for any period. The indicators (indicators/figures.py) count satisfaction and complaints
with `rating_rows` and `complaints_and_requests`, so each figure is defined here once."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.utils import timezone

from visits.models import VisitRequest

from .models import Complaint, Feedback, SurveyTask

SATISFIED_FROM = 4  # a rating of 4 or 5


def _share(part, whole):
    return round(100 * part / whole, 1) if whole else None


def _bounds(start, end):
    tz = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time(0), tzinfo=tz)
    until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time(0), tzinfo=tz)
    return since, until


@dataclass
class Summary:
    ratings: int  # surveys and feedback that gave a rating
    satisfied_percent: float | None
    punctual_percent: float | None  # "the administrator came at the agreed time", of those who said
    requests: int  # requests received in the period
    complaints: int
    complaints_per_1000: float | None
    complaints_late: int  # answered after the term, or still open past it


def rating_rows(community, start, end):
    """Ratings given in days `start`..`end`: by the phone survey (closed in the period) and by feedback
    from any channel (received in the period). Rows of {settlement, remote, n, ok} per settlement of the
    request rated (None: feedback about no request), `ok` = ratings of 4 or 5. Two queries."""
    since, until = _bounds(start, end)
    rated, satisfied = Q(rating__isnull=False), Q(rating__gte=SATISFIED_FROM)
    keys = ("request__settlement_id", "request__settlement__name", "request__settlement__is_remote")
    rows = {}
    surveys = SurveyTask.objects.filter(community=community, closed_at__gte=since, closed_at__lt=until, rating__isnull=False)
    feedback = Feedback.objects.filter(community=community, received_on__range=(start, end), rating__isnull=False)
    for query in (surveys, feedback):
        for row in query.values(*keys).annotate(n=Count("pk", filter=rated), ok=Count("pk", filter=satisfied)).order_by():
            slot = rows.setdefault(
                row["request__settlement_id"],
                {
                    "settlement": row["request__settlement__name"],
                    "remote": row["request__settlement__is_remote"],
                    "n": 0,
                    "ok": 0,
                },
            )
            slot["n"] += row["n"]
            slot["ok"] += row["ok"]
    return list(rows.values())


def complaints_and_requests(community, start, end, today=None):
    """Complaints received in days `start`..`end` (and of them those answered after their term or still
    open past it on `today`) and requests received then: complaints per 1,000 requests. Two queries."""
    today = today or timezone.localdate()
    since, until = _bounds(start, end)
    requests = VisitRequest.objects.filter(community=community, created_at__gte=since, created_at__lt=until).count()
    complaints = Complaint.objects.filter(community=community, received_on__range=(start, end)).aggregate(
        n=Count("pk"), late=Count("pk", filter=Q(answered_on__gt=F("due_on")) | Q(answered_on__isnull=True, due_on__lt=today))
    )
    return {"complaints": complaints["n"], "late": complaints["late"], "requests": requests}


def per_1000(part, whole):
    return round(1000 * part / whole, 1) if whole else None


def summary(community, start, end, today=None):
    """Counts for days `start`..`end` (inclusive, Kyiv dates) of one community."""
    today = today or timezone.localdate()
    since, until = _bounds(start, end)
    surveys = SurveyTask.objects.filter(community=community, closed_at__gte=since, closed_at__lt=until).aggregate(
        on_time=Count("pk", filter=Q(came_on_time=True)),
        said=Count("pk", filter=Q(came_on_time__isnull=False)),
    )
    rows = rating_rows(community, start, end)
    ratings, satisfied = sum(r["n"] for r in rows), sum(r["ok"] for r in rows)
    counted = complaints_and_requests(community, start, end, today)
    complaints, requests = counted["complaints"], counted["requests"]
    return Summary(
        ratings=ratings,
        satisfied_percent=_share(satisfied, ratings),
        punctual_percent=_share(surveys["on_time"], surveys["said"]),
        requests=requests,
        complaints=complaints,
        complaints_per_1000=per_1000(complaints, requests),
        complaints_late=counted["late"],
    )

"""What the person said, counted (seed 003: at least 95 % satisfied; seed 004 §8: complaints per 1,000
requests, satisfaction, punctuality). The quality officer's page shows the last 30 days; the reports
call `summary` for any period."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.utils import timezone

from visits.models import VisitRequest

from .models import Complaint, Feedback, SurveyTask

SATISFIED_FROM = 4  # a rating of 4 or 5


def _share(part, whole):
    return round(100 * part / whole, 1) if whole else None


@dataclass
class Summary:
    ratings: int  # surveys and feedback that gave a rating
    satisfied_percent: float | None
    punctual_percent: float | None  # "the administrator came at the agreed time", of those who said
    requests: int  # requests received in the period
    complaints: int
    complaints_per_1000: float | None
    complaints_late: int  # answered after the term, or still open past it


def summary(community, start, end, today=None):
    """Counts for days `start`..`end` (inclusive, Kyiv dates) of one community."""
    today = today or timezone.localdate()
    tz = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time(0), tzinfo=tz)
    until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time(0), tzinfo=tz)
    rated = Q(rating__isnull=False)
    satisfied = Q(rating__gte=SATISFIED_FROM)
    surveys = SurveyTask.objects.filter(community=community, closed_at__gte=since, closed_at__lt=until).aggregate(
        n=Count("pk", filter=rated),
        ok=Count("pk", filter=satisfied),
        on_time=Count("pk", filter=Q(came_on_time=True)),
        said=Count("pk", filter=Q(came_on_time__isnull=False)),
    )
    feedback = Feedback.objects.filter(community=community, received_on__range=(start, end)).aggregate(
        n=Count("pk", filter=rated), ok=Count("pk", filter=satisfied)
    )
    requests = VisitRequest.objects.filter(community=community, created_at__gte=since, created_at__lt=until).count()
    complaints = Complaint.objects.filter(community=community, received_on__range=(start, end)).aggregate(
        n=Count("pk"), late=Count("pk", filter=Q(answered_on__gt=F("due_on")) | Q(answered_on__isnull=True, due_on__lt=today))
    )
    ratings = surveys["n"] + feedback["n"]
    return Summary(
        ratings=ratings,
        satisfied_percent=_share(surveys["ok"] + feedback["ok"], ratings),
        punctual_percent=_share(surveys["on_time"], surveys["said"]),
        requests=requests,
        complaints=complaints["n"],
        complaints_per_1000=round(1000 * complaints["n"] / requests, 1) if requests else None,
        complaints_late=complaints["late"],
    )

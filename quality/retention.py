"""Personal data of the quality app past its term (docs/legal.md, «Згода і персональні дані»).

A request anonymised after VALIZA_KEEP_CLOSED_REQUESTS_YEARS (visits/retention.py) takes its surveys'
phone and words, and the words of its feedback, with it; a complaint answered longer ago than the same
term loses who made it and how to reach them. Ratings, dates, outcomes and answers stay: the counts of
the reports (satisfaction, complaints per 1,000 requests) do not change.
"""

import datetime

from django.conf import settings
from django.utils import timezone

from .models import Complaint, Feedback, SurveyTask

ANONYMISED = "—"


def purge(now=None):
    """Everything of this app past its term; {kind: how many}."""
    now = now or timezone.now()
    surveys = (
        SurveyTask.objects.filter(request__anonymised_at__isnull=False)
        .exclude(phone="", comment="", improve="")
        .update(phone="", comment="", improve="")
    )
    feedback = (
        Feedback.objects.filter(request__anonymised_at__isnull=False).exclude(text="", author="").update(text="", author="")
    )
    years = settings.VALIZA_KEEP_CLOSED_REQUESTS_YEARS
    before = timezone.localdate(now) - datetime.timedelta(days=366 * years)
    complaints = (
        Complaint.objects.filter(answered_on__lt=before)
        .exclude(person_name=ANONYMISED)
        .update(person_name=ANONYMISED, phone="", postal_address="", text=ANONYMISED)
    )
    return {"survey_answers": surveys, "feedback_texts": feedback, "complaints": complaints}

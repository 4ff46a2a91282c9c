"""How long a request's personal data is kept, per kind (issue 11; docs/legal.md, "Згода і персональні дані").

Terms are settings (valiza/settings.py, VALIZA_KEEP_*), counted from when the request was closed (its last
change to a closed status: for a served request, the visit): door codes and "how to get in" after
VALIZA_KEEP_DOOR_CODES_DAYS, the request's location point after VALIZA_KEEP_LOCATION_DAYS, and the whole
request is anonymised after VALIZA_KEEP_CLOSED_REQUESTS_YEARS. Open requests are never touched. The
journal's cases (the register) are kept by the archive rules and not changed here, so its chain verifies.
Each function is idempotent: what is already removed is not looked at again.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Max, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import OPEN_STATUSES, StatusChange, VisitRequest

# What an anonymised request's required fields say instead of the person's data.
ANONYMISED_NAME = "—"
ANONYMISED_BIRTH_DATE = datetime.date(1900, 1, 1)


def closed_before(moment):
    """Closed requests whose closing (the last change to a closed status) is before `moment`."""
    closed_at = (StatusChange.objects.filter(request=OuterRef("pk")).exclude(to_status__in=OPEN_STATUSES)
                 .values("request").annotate(last=Max("at")).values("last"))
    return (VisitRequest.objects.exclude(status__in=OPEN_STATUSES)
            .annotate(closed_at=Subquery(closed_at)).filter(closed_at__lt=moment))


def _days_ago(days, now):
    return now - datetime.timedelta(days=days)


def remove_door_codes(now=None):
    now = now or timezone.now()
    due = closed_before(_days_ago(settings.VALIZA_KEEP_DOOR_CODES_DAYS, now)).filter(
        ~Q(intercom="") | ~Q(access_notes=""))
    return VisitRequest.objects.filter(pk__in=list(due.values_list("pk", flat=True))).update(
        intercom="", access_notes="")


def remove_location_points(now=None):
    now = now or timezone.now()
    due = closed_before(_days_ago(settings.VALIZA_KEEP_LOCATION_DAYS, now)).filter(
        Q(latitude__isnull=False) | Q(longitude__isnull=False))
    return VisitRequest.objects.filter(pk__in=list(due.values_list("pk", flat=True))).update(
        latitude=None, longitude=None)


def anonymise_closed(now=None):
    """Requests closed longer ago than VALIZA_KEEP_CLOSED_REQUESTS_YEARS lose every personal detail."""
    now = now or timezone.now()
    years = settings.VALIZA_KEEP_CLOSED_REQUESTS_YEARS
    # A year as 366 days: never a day early, whatever leap years fall in between.
    due = closed_before(_days_ago(366 * years, now)).filter(anonymised_at__isnull=True)
    count = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            updated = VisitRequest.objects.filter(pk=pk, anonymised_at__isnull=True).update(
                applicant_name=ANONYMISED_NAME, applicant_birth_date=ANONYMISED_BIRTH_DATE, applicant_phone="",
                applicant_tax_number="",
                requester_name="", requester_phone="", requester_relation="", street=ANONYMISED_NAME,
                building=ANONYMISED_NAME, flat="", entrance="", floor=None, intercom="", access_notes="",
                latitude=None, longitude=None, evidence_note="", notes="", consent_by=ANONYMISED_NAME,
                person_consent_name="", name_key="", address_key="", anonymised_at=now)
            if updated:
                StatusChange.objects.filter(request_id=pk).update(comment="")
                StatusChange.objects.create(request_id=pk, from_status="", to_status=VisitRequest.objects.get(
                    pk=pk).status, at=now, comment=_("Персональні дані знеособлено після строку зберігання."))
                count += updated
    return count


def purge(now=None):
    """Every kind past its term; returns {kind: how many}."""
    now = now or timezone.now()
    return {"door_codes": remove_door_codes(now), "request_points": remove_location_points(now),
            "anonymised": anonymise_closed(now)}

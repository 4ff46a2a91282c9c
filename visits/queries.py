from datetime import timedelta

from django.db.models import Prefetch, Q
from django.utils import timezone

from core.text import match_key

from .models import RequestedService, VisitRequest


def years_ago(today, years):
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def filtered_requests(user, filters, today=None):
    """The request list of `user`'s community with the list page's filters applied.

    `filters` is RequestFilterForm.cleaned_data. Related rows are fetched in a fixed number of
    queries whatever the page size.
    """
    today = today or timezone.localdate()
    qs = (
        VisitRequest.objects.for_user(user)
        .select_related("settlement", "category", "eligible_by")
        .prefetch_related(
            Prefetch("services", queryset=RequestedService.objects.select_related("service"))
        )
    )
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("settlement"):
        qs = qs.filter(settlement=filters["settlement"])
    if filters.get("category"):
        cat = filters["category"]
        qs = qs.filter(Q(category=cat) | Q(eligible_by=cat))
    if filters.get("service"):
        qs = qs.filter(services__service=filters["service"]).distinct()
    if filters.get("age_from") is not None:
        qs = qs.filter(applicant_birth_date__lte=years_ago(today, filters["age_from"]))
    if filters.get("age_to") is not None:
        # Age ≤ N means born after the day N+1 years ago.
        qs = qs.filter(applicant_birth_date__gt=years_ago(today, filters["age_to"] + 1))
    if filters.get("waiting_days") is not None:
        cutoff = today - timedelta(days=filters["waiting_days"])
        qs = qs.filter(created_at__date__lte=cutoff)
    if filters.get("q"):
        q = filters["q"].strip()
        digits = "".join(ch for ch in q if ch.isdigit())
        cond = Q(name_key__contains=match_key(q)) | Q(street__icontains=q)
        if len(digits) >= 4:
            cond |= Q(number__contains=digits[:4]) | Q(applicant_phone__contains=digits) | Q(
                requester_phone__contains=digits
            )
        qs = qs.filter(cond)
    return qs.order_by("-created_at", "-id")

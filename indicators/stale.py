"""The writing side of the weekly roll-up (indicators/models.py): a change to a row the figures count
(core.changes.rows_changed) marks the weeks it touches stale, old and new dates, in the change's own
transaction; a rename of a settlement, category, service, provider or team drops the stored partials,
which hold the names."""

from catalogue.models import Provider, Service
from communities.models import Settlement
from communities.workdays import as_local_date
from core.changes import rows_changed
from eligibility.models import EligibilityCategory
from field.models import AcceptedService, Visit
from journal.models import Case
from teams.models import Team
from visits.models import RequestedService, VisitRequest

from . import rollup


def _local(moment):
    return as_local_date(moment) if moment is not None else None


def _visit_days(visits):
    return [(community_id, _local(started_at)) for community_id, started_at in visits.values_list("community_id", "started_at")]


def case_days(rows):
    for row in rows:
        community_id = row["community_id"]
        yield community_id, _local(row["accepted_at"])
        for field in ("handover_due", "provider_due", "decided_on"):
            yield community_id, row[field]


def visit_days(rows):
    days = [(row["community_id"], _local(row["started_at"])) for row in rows]
    # A request's first visit decides its "days from request to visit": a new or moved visit can change
    # the week of another visit of the same request. One query for all the batch's requests.
    requests = {row["request_id"] for row in rows}
    return days + _visit_days(Visit.objects.filter(request_id__in=requests).exclude(started_at=None))


def accepted_service_days(rows):
    return _visit_days(Visit.objects.filter(pk__in={row["visit_id"] for row in rows}).exclude(started_at=None))


def request_days(rows):
    # A request's settlement or category is a dimension of its visits' and cases' figures.
    requests = {row["pk"] for row in rows}
    cases = Case.objects.filter(request_id__in=requests).values_list("community_id", "accepted_at")
    return (_visit_days(Visit.objects.filter(request_id__in=requests).exclude(started_at=None))
            + [(community_id, _local(accepted_at)) for community_id, accepted_at in cases])


def requested_service_days(rows):
    # The most requested services are counted by the week the request came.
    requests = VisitRequest.objects.filter(pk__in={row["request_id"] for row in rows})
    return [(community_id, _local(created_at)) for community_id, created_at in requests.values_list("community_id", "created_at")]


DAYS = {
    Case: case_days,
    Visit: visit_days,
    AcceptedService: accepted_service_days,
    VisitRequest: request_days,
    RequestedService: requested_service_days,
}
NAMED = (Settlement, EligibilityCategory, Service, Provider, Team)


def mark_stale(sender, rows, **kwargs):
    rollup.mark_days(DAYS[sender](rows))


def forget_renamed(sender, rows, **kwargs):
    """A row before and after a change of its name (core.changes sends both only when one changed);
    a new or deleted row (sent alone) has no name in any partial to drop."""
    renamed = {}
    for row in rows:
        renamed.setdefault(row["pk"], []).append(row)
    communities = {row.get("community_id") for pair in renamed.values() if len(pair) > 1 for row in pair}
    if not communities:
        return
    if None in communities or len(communities) > 1:  # a national provider or service: every community
        rollup.forget()
    else:
        rollup.forget(communities.pop())


def connect():
    for model in DAYS:
        rows_changed.connect(mark_stale, sender=model, dispatch_uid=f"indicators-stale-{model._meta.label}")
    for model in NAMED:
        rows_changed.connect(forget_renamed, sender=model, dispatch_uid=f"indicators-renamed-{model._meta.label}")

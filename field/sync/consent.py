"""`person.consent`: the person's own consent to processing, taken at the door (issue 11).

Recorded with the person's name as they gave it, how (on the laptop, or the signed line of the intake
inventory marked as taken), the time and the administrator. The earliest consent wins: a second tap
changes nothing.
"""

from visits.models import ConsentHow, VisitRequest

from .rules import combine, request_moved


def apply(ctx):
    req = ctx.request
    req.refresh_from_db(fields=["person_consent_at", "person_consent_how", "person_consent_name"])
    if req.person_consent_at is None or (
            req.person_consent_how != ConsentHow.FILED and ctx.effective_at < req.person_consent_at):
        req.person_consent_at = ctx.effective_at
        req.person_consent_how = ctx.data.how
        req.person_consent_name = ctx.data.name
        req.person_consent_by = ctx.user
        VisitRequest.objects.filter(pk=req.pk).update(
            person_consent_at=req.person_consent_at, person_consent_how=req.person_consent_how,
            person_consent_name=req.person_consent_name, person_consent_by=req.person_consent_by)
    return combine(request_moved(ctx), ("", "", {"person_consent_at": req.person_consent_at.isoformat(),
                                                 "how": req.person_consent_how}))

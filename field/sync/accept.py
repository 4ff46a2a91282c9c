"""`visit.accept`: the services accepted at the door become cases in the journal."""

from django.utils.translation import gettext as _

from journal import actions as journal_actions
from journal.models import Case
from visits import actions as visit_actions

from .. import tasks
from ..models import AcceptedService, Payment
from .errors import quarantine
from .payment import fee_to_journal
from .rules import allowed_service, check_person_consent, check_withdrawn, combine, memo, request_moved, visit_for


def apply(ctx):
    req = ctx.request
    lines = []
    for line in ctx.data.services:
        service = allowed_service(ctx, line.service_id)
        catalogue = memo(ctx, ("documents", service.pk), lambda s=service: {d.pk: d for d in s.documents.all()})
        for doc in line.documents:
            if doc.document_id not in catalogue:
                raise quarantine("not_found", _("Документ №%(d)s не належить до послуги «%(s)s».")
                                 % {"d": doc.document_id, "s": service.name})
        lines.append((line, service, catalogue))
    check_withdrawn(ctx)
    check_person_consent(ctx)
    visit = visit_for(ctx)
    existing = {c.service_id: c for c in Case.objects.filter(request=req, service__in=[s for _l, s, _c in lines])}
    cases, new_ids, again = [], [], []
    for line, service, catalogue in lines:
        case = existing.get(service.pk)
        if case is not None:
            again.append(service.name)
        else:
            try:
                [case] = journal_actions.register_cases(
                    req, [service], by=ctx.user, accepted_at=ctx.effective_at, device_accepted_at=ctx.at,
                    provisional_numbers=[line.provisional_number or None], office=ctx.stop.trip.team.office,
                    preferred_delivery=line.delivery,
                )
            except journal_actions.JournalError as exc:
                raise quarantine("journal", str(exc)) from None
            new_ids.append(case.pk)
            AcceptedService.objects.create(
                visit=visit, service=service, case=case, provisional_number=line.provisional_number, item=ctx.item,
                documents=[{"document_id": d.document_id, "name": catalogue[d.document_id].name,
                            "present": d.present, "sheets": d.sheets} for d in line.documents],
            )
        cases.append({"service_id": service.pk, "number": case.number,
                      "provisional_number": case.provisional_number or "",
                      "handover_due": case.handover_due.isoformat(), "provider_due": case.provider_due.isoformat(),
                      "already_registered": case.pk not in new_ids})
    # A payment synced before the acceptance: the new case shows it paid.
    for paid in Payment.objects.filter(visit=visit, service__in=[s for _l, s, _c in lines]):
        fee_to_journal(paid, req.pk, by=ctx.user)
    visit_actions.mark_services_done(req, [s.pk for _l, s, _c in lines], at=ctx.effective_at)
    if new_ids:
        tasks.schedule_case_files(new_ids)
    own = ("", "", {"visit_id": visit.pk, "cases": cases})
    if again:
        own = ("already_registered", _("Уже зареєстровано раніше: %(s)s. Повертаємо наявні номери справ, другої "
                                       "справи не створено.") % {"s": ", ".join(again)}, own[2])
    return combine(own, request_moved(ctx))

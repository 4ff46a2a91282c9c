"""`visit.outcome`: how the visit ended, and what that does to the request."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from communities.workdays import as_local_date
from journal import actions as journal_actions
from journal.models import CaseState, Delivery
from planning import actions as planning_actions
from planning.models import Plan, Stop
from quality import actions as quality_actions
from visits import actions as visit_actions
from visits.models import Status

from .. import retention
from ..models import SERVED_OUTCOMES, Outcome, SyncItem
from .errors import ItemProblem, State
from .rules import SUPERSEDED_MESSAGE, check_withdrawn, combine, request_moved, second_edit, visit_for

# Seed 000 §1.9: after these the request is not planned again until the coordinator decides.
HOLD_OUTCOMES = (Outcome.CAPACITY_DOUBT, Outcome.REFUSED)


def _day(moment):
    return timezone.localtime(moment).strftime("%d.%m.%Y")


def _status_for(ctx, outcome, moved_elsewhere):
    """The request's new status for an outcome, and the comment for its history."""
    when = _day(ctx.effective_at)
    if outcome == Outcome.SERVED:
        return Status.SERVED, _("Візит %(d)s: обслуговано.") % {"d": when}
    if outcome == Outcome.PARTLY_SERVED:
        # The rest stays in the planning pool: the history says what and why (the board shows it).
        rest = visit_actions.remaining_services(ctx.request)
        comment = _("Візит %(d)s: обслуговано частково.") % {"d": when}
        if rest:
            comment += " " + ngettext("Лишилася одна послуга: %(s)s.", "Лишилося послуг: %(n)s — %(s)s.",
                                      len(rest)) % {"n": len(rest), "s": "; ".join(s.name for s in rest)}
        if ctx.data.note:
            comment += " " + _("Причина: %(n)s") % {"n": ctx.data.note}
        return Status.PARTLY_SERVED, comment
    if moved_elsewhere:
        return None, ""
    if outcome in HOLD_OUTCOMES or ctx.stop.session_id is not None:
        # At a fixed point the person is not a home visit's: not back into that pool, the coordinator decides.
        comment = _("Візит %(d)s: %(reason)s. Заявка чекає рішення координатора.") % {
            "d": when, "reason": str(Outcome(outcome).label).lower()}
        if ctx.data.note:
            comment += " " + _("Примітка: %(n)s") % {"n": ctx.data.note}
        return Status.ON_HOLD, comment
    comment = _("Візит %(d)s: %(reason)s. Заявка повертається до планування.") % {
        "d": when, "reason": str(Outcome(outcome).label).lower()}
    if ctx.data.note:
        comment += " " + _("Примітка: %(n)s") % {"n": ctx.data.note}
    return Status.ACCEPTED, comment


def _move_request(ctx, target, comment):
    """Change the request's status for the outcome; (ok, message)."""
    req = ctx.request
    req.refresh_from_db(fields=["status", "reject_reason", "eligibility"])
    if target is None or req.status == target:
        return True, ""
    try:
        if req.status == Status.ACCEPTED and target in (Status.SERVED, Status.PARTLY_SERVED, Status.ON_HOLD):
            # A newer plan dropped it back into the pool, yet the visit happened: it is served.
            visit_actions.change_status(req, Status.SCHEDULED, by=ctx.user,
                                        comment=_("Візит відбувся за попередньою версією плану."))
        visit_actions.change_status(req, target, by=ctx.user, comment=comment)
    except visit_actions.TransitionError as exc:
        return False, str(exc)
    return True, ""


def _results_handed_over(ctx):
    """A repeat visit «видача результату» served: each of its cases' results was handed to the person
    at the door that day (journal). A case recorded otherwise meanwhile is left as it is, and said so."""
    notes = []
    on = as_local_date(ctx.effective_at)
    for case in ctx.request.result_cases.filter(state=CaseState.DECIDED).order_by("pk"):
        try:
            journal_actions.record_result(case, by=ctx.user, delivery=Delivery.REPEAT_VISIT, on=on,
                                          issued_to=case.applicant_name)
        except journal_actions.JournalError as exc:
            notes.append(_("Видачу у справі %(n)s не записано: %(why)s") % {"n": case.number, "why": exc})
        else:
            notes.append(_("Результат у справі %(n)s видано.") % {"n": case.number})
    return notes


def _on_a_later_trip(ctx):
    if ctx.stop.session_id is not None:
        return False
    return (Stop.objects.filter(request_id=ctx.stop.request_id, trip__plan__state=Plan.State.PUBLISHED,
                                trip__day__gt=ctx.stop.trip.day).exclude(pk=ctx.stop.pk).exists())


def apply(ctx):
    data = ctx.data
    check_withdrawn(ctx)
    visit = visit_for(ctx)
    moved = request_moved(ctx)
    notes = []
    if visit.outcome:
        if visit.outcome == data.outcome and visit.outcome_note == data.note:
            return combine(("", _("Цей результат уже записано; нічого не змінено."),
                            {"visit_id": visit.pk, "outcome": visit.outcome}), moved)
        earlier = SyncItem.objects.filter(pk=visit.outcome_item_id).first() if visit.outcome_item_id else None
        rule = second_edit(ctx, earlier)
        if rule is None:
            raise ItemProblem(State.CONFLICT, "edited_twice", _(
                "Результат цього візиту вже записано з іншого ноутбука: «%(o1)s» (%(who)s, %(when)s). Ваш запис "
                "(«%(o2)s») збережено й передано координатору, він вирішить, який правильний.") % {
                "o1": Outcome(visit.outcome).label, "who": visit.recorded_by or "—",
                "when": timezone.localtime(visit.finished_at).strftime("%d.%m.%Y %H:%M") if visit.finished_at else "—",
                "o2": Outcome(data.outcome).label},
                {"visit_id": visit.pk, "recorded": {"outcome": visit.outcome, "note": visit.outcome_note}})
        if rule == "superseded":
            return "superseded", SUPERSEDED_MESSAGE, {"visit_id": visit.pk, "outcome": visit.outcome}
        notes.append(_("Попередній результат візиту замінено цим (історію збережено)."))
    # A later published trip (of another week, after the night-after return) holds the request: a late
    # "not at home" for the old visit must not take it off that trip.
    moved_elsewhere = bool(moved[2].get("moved_to")) or _on_a_later_trip(ctx)
    target, comment = _status_for(ctx, data.outcome, moved_elsewhere)
    ok, why = _move_request(ctx, target, comment)
    if not ok and not ctx.force:
        raise ItemProblem(State.CONFLICT, "edited_twice" if visit.outcome else "request_status", _(
            "Результат «%(o)s» не можна застосувати до заявки %(n)s: %(why)s Запис збережено й передано координатору.")
            % {"o": Outcome(data.outcome).label, "n": ctx.request.number, "why": why})
    if not ok:
        notes.append(_("Стан заявки не змінено: %(why)s") % {"why": why})
    visit.outcome, visit.outcome_note = data.outcome, data.note
    visit.finished_at, visit.device_finished_at = ctx.effective_at, ctx.at
    visit.outcome_item, visit.recorded_by, visit.device = ctx.item, ctx.user, ctx.device
    # The consent keeps its own time (sent with the video); cleared, the visit's videos go.
    if data.video_consent and visit.video_consent_at is None:
        visit.video_consent_at = ctx.effective_at
    elif not data.video_consent and visit.video_consent_at is not None:
        visit.video_consent_at = None
        if retention.remove_videos_of(visit):
            notes.append(_("Згоду на відеозапис знято: відеозапис цього візиту видалено."))
    fields = ["outcome", "outcome_note", "finished_at", "device_finished_at", "outcome_item",
              "recorded_by", "device", "video_consent_at"]
    if data.evidence is not None:  # what the administrator saw at the door (issue 11)
        visit.evidence_document, visit.evidence_reference = data.evidence.document, data.evidence.reference
        visit.evidence_seen = data.evidence.seen
        fields += ["evidence_document", "evidence_reference", "evidence_seen"]
    visit.save(update_fields=fields)
    # Seed 000 §1.9: a served visit is followed by a phone survey on the next working day (issue 13).
    quality_actions.visit_outcome_recorded(visit, served=data.outcome in SERVED_OUTCOMES)
    # Whatever the outcome, the reminders of this visit are void; all of them unless a newer trip
    # still holds the request (it stays scheduled there, with its own reminder).
    held = ctx.request.status == Status.SCHEDULED
    planning_actions.cancel_reminders(ctx.request, plan=ctx.stop.trip.plan if held else None)
    if target == Status.SERVED and ok and ctx.request.is_result_visit:
        notes.extend(_results_handed_over(ctx))
    if target == Status.ACCEPTED and ok:
        notes.append(_("Заявка повернулася до планування."))
    elif target == Status.ON_HOLD and ok:
        notes.append(_("Заявка чекає рішення координатора."))
    elif moved_elsewhere and data.outcome not in SERVED_OUTCOMES:
        notes.append(_("Заявка лишається на новому виїзді."))
    # _move_request read the request afresh and change_status kept it current: no third read.
    own = ("", " ".join(notes), {"visit_id": visit.pk, "outcome": visit.outcome, "request_status": ctx.request.status})
    return combine(own, moved)

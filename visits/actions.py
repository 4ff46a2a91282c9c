"""Every write to a request goes through these functions: views, the API, commands and the demo
loader call them, so the rules (history, eligibility, transitions) hold whatever the entry point."""

from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.forms import display_phone
from core.text import match_key
from eligibility import rules
from eligibility.models import EligibilityCategory

from . import location, notify
from .models import (
    OPEN_STATUSES,
    Channel,
    Purpose,
    RejectReason,
    RequestedDocument,
    RequestedService,
    Status,
    StatusChange,
    VisitRequest,
    address_key,
)


class TransitionError(Exception):
    """A status change the rules don't allow; the message is for the user."""


class EditConflict(TransitionError):
    """Someone else saved the request after this editor opened it; this edit is not saved."""


# Who may move a request where. Planning adds its own states later.
TRANSITIONS = {
    Status.NEW: {Status.NEEDS_INFO, Status.ACCEPTED, Status.REJECTED},
    Status.NEEDS_INFO: {Status.NEW, Status.ACCEPTED, Status.REJECTED},
    Status.ACCEPTED: {Status.NEEDS_INFO, Status.REJECTED, Status.SCHEDULED},
    # A published plan schedules a request; a revised plan without it puts it back in the pool.
    Status.SCHEDULED: {Status.ACCEPTED, Status.NEEDS_INFO, Status.REJECTED, Status.SERVED,
                       Status.PARTLY_SERVED, Status.ON_HOLD},
    # The coordinator decides: back to the pool (e.g. a doctor's certificate came) or closed.
    Status.ON_HOLD: {Status.ACCEPTED, Status.REJECTED},
    Status.REJECTED: set(),
    # A served visit is closed; what was not done becomes a new request.
    Status.SERVED: set(),
    # What was not done stays in the planning pool (the services not yet done): the next published
    # plan schedules it again (ADR 6, issue 10 addendum).
    Status.PARTLY_SERVED: {Status.SCHEDULED},
}


@dataclass
class ServiceChoice:
    """A service wanted and, per catalogue document id, whether the person has it."""

    service: object
    has_documents: set


def evaluate_request(req, today=None):
    categories = list(EligibilityCategory.objects.filter(community_id=req.community_id))
    return rules.evaluate(
        categories,
        birth_date=req.applicant_birth_date,
        settlement=req.settlement,
        claimed=req.category,
        evidence_available=req.evidence_available,
        today=today or timezone.localdate(),
    )


def _apply_verdict(req, verdict):
    req.eligibility = verdict.status
    req.eligibility_reason = str(verdict.reason)[:300]
    req.eligible_by = verdict.category


def find_duplicates(community_id, *, name, birth_date, phone, settlement_id, street, building,
                    flat, exclude_pk=None):
    """Open requests of the same person (name + birth date, or phone) or for the same address."""
    same = Q()
    if name and birth_date:
        same |= Q(name_key=match_key(name), applicant_birth_date=birth_date)
    if phone:
        same |= Q(applicant_phone=phone) | Q(requester_phone=phone)
    if settlement_id and street and building:
        same |= Q(address_key=address_key(settlement_id, street, building, flat))
    if not same:
        return VisitRequest.objects.none()
    qs = VisitRequest.objects.filter(same, community_id=community_id, status__in=OPEN_STATUSES)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.select_related("settlement").order_by("-created_at")[:10]


def _save_services(req, choices):
    kept = []
    for choice in choices:
        rs, _created = RequestedService.objects.get_or_create(request=req, service=choice.service)
        kept.append(rs.pk)
        existing = {d.document_id: d for d in rs.documents.all()}
        for doc in choice.service.documents.all():
            has = doc.pk in choice.has_documents
            line = existing.pop(doc.pk, None)
            if line is None:
                RequestedDocument.objects.create(
                    requested_service=rs, document=doc, name=doc.name, has=has
                )
            elif line.has != has:
                line.has = has
                line.save(update_fields=["has"])
        # Documents the catalogue no longer asks for are dropped from the checklist.
        for line in existing.values():
            line.delete()
    req.services.exclude(pk__in=kept).delete()


@transaction.atomic
def phone_request_problem(community, phones):
    """Why the public form may not take another request with these phones, or None: a phone already on
    VALIZA_PUBLIC_REQUESTS_PER_PHONE open requests sent from the web (as the person's or the helper's
    phone) is asked to call instead. Per phone as well as per address (core.ratelimit)."""
    phones = [p for p in phones if p]
    if not phones:
        return None
    open_web = VisitRequest.objects.filter(community=community, channel=Channel.WEB, status__in=OPEN_STATUSES)
    for phone in phones:
        if open_web.filter(Q(applicant_phone=phone) | Q(requester_phone=phone)).count() \
                >= settings.VALIZA_PUBLIC_REQUESTS_PER_PHONE:
            return _("З номером телефону %(phone)s уже є кілька заявок, які ще не виконано. Нову заявку з цим "
                     "номером ми приймемо телефоном.") % {"phone": display_phone(phone)} + " " + str(community.call_us())
    return None


def create_request(req, choices, *, by=None, today=None):
    """Save a new request (an unsaved VisitRequest with its fields set) and its services."""
    now = timezone.now()
    req.status = Status.NEW
    req.created_by = by if by and by.is_authenticated else None
    req.created_at = now
    _apply_verdict(req, evaluate_request(req, today))
    ask_geocoder = location.place(req)
    req.save()
    if ask_geocoder:
        location.ask_geocoder(req)
    _save_services(req, choices)
    StatusChange.objects.create(
        request=req, from_status="", to_status=Status.NEW, by=req.created_by, at=now,
        comment=_("Заявку прийнято: %(channel)s") % {"channel": req.get_channel_display()},
    )
    notify.request_received(req)
    return req


def create_reception_request(req, services, *, by, at, comment):
    """Save the request of a person served at a fixed-point reception (booked, or came without booking;
    issue 12): already on a visit, so it starts `scheduled`, never in the home-visit planning pool, and
    whoever may come to a fixed point is served there (the verdict is stored, not required). `req` is
    unsaved with the person, the place (the fixed point) and the consents set; `at` is when they came."""
    req.channel = Channel.POINT
    req.status = Status.SCHEDULED
    req.created_by = by
    req.created_at = at
    _apply_verdict(req, evaluate_request(req, timezone.localdate(at)))
    req.save()
    _save_services(req, [ServiceChoice(service, set()) for service in services])
    StatusChange.objects.create(request=req, from_status="", to_status=Status.SCHEDULED, by=by, at=at,
                                comment=comment)
    return req


@transaction.atomic
def update_request(req, choices, *, by, today=None):
    """Save an operator's edit. A request that was waiting for information goes back to 'new'.

    `req.version` is the version the editor read. The save goes through only while the stored one
    is the same: one conditional UPDATE decides, so of two people (or processes) saving at once the
    first is kept and the second gets EditConflict, even if both read the request at one moment.
    """
    bumped = VisitRequest.objects.filter(pk=req.pk, version=req.version).update(version=F("version") + 1)
    if not bumped:
        raise EditConflict(_conflict_message(req))
    locked = VisitRequest.objects.select_for_update().get(pk=req.pk)
    if locked.status == Status.REJECTED:
        raise TransitionError(_("Відхилену заявку змінити не можна."))
    _apply_verdict(req, evaluate_request(req, today))
    req.status = locked.status
    req.version = locked.version
    ask_geocoder = location.place(req, before=locked)
    req.save()
    if ask_geocoder:
        location.ask_geocoder(req)
    _save_services(req, choices)
    comment = _("Дані заявки змінено.")
    if locked.status == Status.NEEDS_INFO:
        req.status = Status.NEW
        req.save(update_fields=["status"])
        comment = _("Дані заявки доповнено, заявка знову чекає рішення.")
    StatusChange.objects.create(
        request=req, from_status=locked.status, to_status=req.status, by=by, comment=comment
    )
    return req


def _conflict_message(req):
    last = StatusChange.objects.filter(request_id=req.pk).select_related("by").order_by("-at", "-pk").first()
    who = (last.by.get_full_name() or last.by.username) if last and last.by else _("інший працівник")
    when = timezone.localtime(last.at).strftime("%d.%m о %H:%M") if last else ""
    return _(
        "Ваші зміни не збережено: поки ви заповнювали форму, цю заявку змінив(ла) %(who)s %(when)s. "
        "Щоб не затерти їхні зміни, відкрийте заявку заново, перегляньте її і внесіть свої зміни ще раз."
    ) % {"who": who, "when": when}


@transaction.atomic
def change_status(req, to_status, *, by, reason="", comment=""):
    locked = VisitRequest.objects.select_for_update().get(pk=req.pk)
    if to_status not in TRANSITIONS.get(locked.status, set()):
        raise TransitionError(
            _("Заявку в стані «%(from)s» не можна перевести в стан «%(to)s».")
            % {"from": Status(locked.status).label, "to": Status(to_status).label}
        )
    if to_status == Status.REJECTED and reason not in RejectReason.values:
        raise TransitionError(_("Оберіть причину відмови."))
    if to_status == Status.NEEDS_INFO and not comment.strip():
        raise TransitionError(_("Напишіть, що саме потрібно уточнити."))
    if to_status == Status.ACCEPTED and locked.eligibility == rules.NOT_ELIGIBLE:
        raise TransitionError(
            _("Людина не належить до жодної категорії. Уточніть категорію або відхиліть заявку.")
        )
    from_status = locked.status
    locked.status = to_status
    locked.reject_reason = reason if to_status == Status.REJECTED else ""
    fields = ["status", "reject_reason"]
    if to_status == Status.ACCEPTED and from_status in (Status.NEW, Status.NEEDS_INFO):
        # Entering the pool (not a return to it): the week's cut-off is measured against this moment.
        locked.accepted_at = timezone.now()
        fields.append("accepted_at")
    locked.save(update_fields=fields)
    change = StatusChange.objects.create(
        request=locked, from_status=from_status, to_status=to_status, reason=reason,
        comment=comment.strip(), by=by,
    )
    req.status, req.reject_reason, req.accepted_at = locked.status, locked.reject_reason, locked.accepted_at
    # The person is told (issue 13); the date of a visit is texted by planning when it is published.
    if to_status == Status.NEEDS_INFO:
        notify.needs_info(locked, what=comment, change_id=change.pk)
    elif to_status == Status.REJECTED:
        notify.rejected(locked)
    return locked


# What a repeat visit copies of the request it hands a result back for: the person, the place, the
# eligibility and the agreements given (it is the same person's same matter).
_RESULT_VISIT_COPIES = (
    "community", "applicant_name", "applicant_birth_date", "applicant_phone", "requester_name",
    "requester_phone", "requester_relation", "settlement", "street", "building", "flat", "entrance", "floor",
    "lift", "intercom", "access_notes", "latitude", "longitude", "location_source", "location_approximate",
    "category", "evidence_available", "evidence_note", "eligibility", "eligibility_reason", "eligible_by",
    "preferred_weekdays", "window_start", "window_end", "consent_at", "consent_by", "consent_text",
    "person_consent_at", "person_consent_how", "person_consent_name", "person_consent_by",
    "warning_acknowledged_at",
)


def create_result_visit(original, *, by, minutes, comment):
    """A request in the planning pool (accepted, flagged «видача результату») to take a result back to
    the person of `original`, planned for `minutes`. No services: nothing is accepted at this visit."""
    now = timezone.now()
    req = VisitRequest(purpose=Purpose.RESULT, visit_minutes=minutes, channel=original.channel,
                       status=Status.ACCEPTED, accepted_at=now, created_at=now,
                       created_by=by if by and by.is_authenticated else None,
                       notes=comment[:2000])
    for field in _RESULT_VISIT_COPIES:
        setattr(req, field, getattr(original, field))
    req.save()
    StatusChange.objects.create(request=req, from_status="", to_status=Status.ACCEPTED, by=req.created_by, at=now,
                                comment=comment)
    return req


def add_note(req, *, by, comment):
    """A line in the request's history with no change of status (e.g. included in a week by hand)."""
    return StatusChange.objects.create(request_id=req.pk, from_status=req.status, to_status=req.status, by=by,
                                       comment=comment.strip())


def mark_services_done(req, service_ids, *, at):
    """The services accepted at the door are done: planning counts only the rest. Repeats change nothing."""
    return RequestedService.objects.filter(request=req, service_id__in=service_ids, done_at__isnull=True).update(
        done_at=at)


def remaining_services(req):
    """The requested services not yet done, in the order they were asked for."""
    return [rs.service for rs in req.services.select_related("service").order_by("pk") if rs.done_at is None]


def accept(req, *, by, comment=""):
    return change_status(req, Status.ACCEPTED, by=by, comment=comment)


def ask_for_info(req, *, by, comment):
    return change_status(req, Status.NEEDS_INFO, by=by, comment=comment)


def reject(req, *, by, reason, comment=""):
    return change_status(req, Status.REJECTED, by=by, reason=reason, comment=comment)


def status_counts(community_id, *, cap):
    """{status: number of the community's requests in it, counting at most `cap`}, in one query.

    Each status is counted over at most `cap` entries of the (community, status, created_at) index, so
    the cost does not grow with the community.
    """
    table = connection.ops.quote_name(VisitRequest._meta.db_table)
    parts, params = [], []
    for i, status in enumerate(Status.values):
        parts.append(f"SELECT %s, COUNT(*) FROM (SELECT 1 FROM {table} WHERE community_id = %s AND status = %s "
                     f"LIMIT %s) t{i}")
        params += [status, community_id, status, cap]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return {status: n for status, n in cursor.fetchall()}

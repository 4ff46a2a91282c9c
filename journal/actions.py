"""Every write to the journal goes through these functions: the field client's sync, the staff
pages and commands call them, so numbering, deadlines, transitions and the hash chain hold
whatever the entry point.

Deadlines: hand-over is due the next working day after acceptance (Law «Про адміністративні
послуги» art. 13). The provider's term counts from the day of ACCEPTANCE, not of hand-over:
art. 10 runs a service's term «з дня подання суб'єктом звернення заяви та документів», and the
person filed with the CNAP administrator at their door. Counting from hand-over would quietly
give the provider the CNAP's own day(s) of transport, and the deadline would move if the
hand-over were late; counting from acceptance fixes it at registration, where the person's
receipt can already show it.
"""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from communities.models import Office
from communities.workdays import WorkCalendar, as_local_date

from . import chain, notify
from .models import CLOSING_STATES, Case, CaseState, Delivery, JournalEntry, JournalSequence, RefusalReason


class JournalError(ValueError):
    """A change the journal's rules don't allow; the message is for the user. A ValueError, so that a
    page of a lower layer (the citizens' status page, ADR 8) can show it without importing the journal."""


def _next_number(office, year):
    # Insert the year's row if missing (a no-op when it exists), then lock it: concurrent
    # registrations in one office queue here and each gets the next number.
    JournalSequence.objects.bulk_create([JournalSequence(office=office, year=year)], ignore_conflicts=True)
    seq = JournalSequence.objects.select_for_update().get(office=office, year=year)
    seq.last += 1
    seq.save(update_fields=["last"])
    return f"{office.pk}-{year}-{seq.last:06d}"


def _provisional(provisional_numbers, index, service):
    if not provisional_numbers:
        return None
    if isinstance(provisional_numbers, dict):
        return provisional_numbers.get(service.pk) or provisional_numbers.get(service) or None
    return provisional_numbers[index] or None


@transaction.atomic
def register_cases(request, services, *, by, accepted_at=None, device_accepted_at=None,
                   provisional_numbers=None, office=None, preferred_delivery=""):
    """One case per accepted service of `request`, numbered and in the journal.

    Idempotent per (request, service): a replay (the device syncing again) returns the cases
    already registered and appends nothing. `services` are catalogue services or the request's
    RequestedService rows; `provisional_numbers` is a list beside `services` or a dict by
    service id.
    """
    from visits.models import VisitRequest

    services = [getattr(s, "service", s) for s in services]
    if not services:
        raise JournalError(_("Не вказано жодної прийнятої послуги."))
    # Lock the request: two syncs of the same visit must not both find "no case yet".
    request = VisitRequest.objects.select_for_update().get(pk=request.pk)
    if office is None:
        office = Office.objects.filter(community_id=request.community_id).order_by("pk").first()
    if office is None or office.community_id != request.community_id:
        raise JournalError(_("У громади заявки немає такого офісу ЦНАП."))
    if preferred_delivery and preferred_delivery not in Delivery.values:
        raise JournalError(_("Невідомий спосіб отримання результату."))

    existing = {c.service_id: c for c in Case.objects.filter(request=request)}
    accepted_at = accepted_at or timezone.now()
    calendar = WorkCalendar(request.community_id)
    handover_due = calendar.handover_deadline(accepted_at)
    year = as_local_date(accepted_at).year
    cases = []
    for index, service in enumerate(services):
        if service.pk in existing:
            cases.append(existing[service.pk])
            continue
        case = Case(
            community_id=request.community_id, office=office, request=request, service=service,
            applicant_name=request.applicant_name, number=_next_number(office, year),
            provisional_number=_provisional(provisional_numbers, index, service),
            accepted_at=accepted_at, device_accepted_at=device_accepted_at, accepted_by=by,
            handover_due=handover_due,
            provider_due=calendar.add_term(accepted_at, service.term_days, service.term_kind),
            term_count=service.term_days, term_kind=service.term_kind,
            preferred_delivery=preferred_delivery,
        )
        if case.provisional_number and Case.objects.filter(
                community_id=case.community_id, provisional_number=case.provisional_number).exists():
            raise JournalError(_("Тимчасовий номер %(n)s уже використано в іншій справі.")
                               % {"n": case.provisional_number})
        case.save(force_insert=True)
        existing[service.pk] = case
        chain.append(case, JournalEntry.REGISTERED, {
            "number": case.number, "provisional_number": case.provisional_number,
            "request": request.number, "service": service.code, "office": office.pk,
            "applicant": case.applicant_name, "accepted_at": chain.timestamp(accepted_at),
            "device_accepted_at": chain.timestamp(device_accepted_at) if device_accepted_at else None,
            "handover_due": handover_due.isoformat(), "provider_due": case.provider_due.isoformat(),
            "term": f"{service.term_days} {service.term_kind}",
        }, by=by)
        cases.append(case)
    return cases


def _locked(case, expected, message):
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.state != expected:
        raise JournalError(message % {"state": locked.get_state_display()})
    return locked


def _refresh(case, locked):
    # The caller's object shows the new state too.
    case.__dict__.update({k: v for k, v in locked.__dict__.items() if k != "_state"})
    return case


def _day_it_happened(on, at, *, not_before, not_before_message):
    """The day an event happened: entered by staff, or the day it is recorded.

    Not later than today (Kyiv) and not before the day the case reached its previous step.
    """
    today = as_local_date(timezone.now())
    on = on or as_local_date(at)
    if on > today:
        raise JournalError(_("Дата %(day)s пізніше за сьогодні: вкажіть день, коли це вже сталося.")
                           % {"day": on.strftime("%d.%m.%Y")})
    if on < not_before:
        raise JournalError(not_before_message % {"day": not_before.strftime("%d.%m.%Y")})
    return on


_BEFORE_ACCEPTANCE = _lazy("Дата не може бути раніше, ніж справу прийнято (%(day)s).")


@transaction.atomic
def hand_over(case, *, by, at=None, on=None, official=""):
    """The documents reached the provider on `on` (default: the day recorded); `official` is the
    provider's official who received them."""
    locked = _locked(case, CaseState.ACCEPTED,
                     _("Передати можна лише прийняту справу; ця справа вже у стані «%(state)s»."))
    at = at or timezone.now()
    if at < locked.accepted_at:
        raise JournalError(_("Справу не можна передати раніше, ніж її прийнято."))
    on = _day_it_happened(on, at, not_before=as_local_date(locked.accepted_at),
                          not_before_message=str(_BEFORE_ACCEPTANCE))
    locked.state, locked.handed_over_at, locked.handed_over_by = CaseState.HANDED_OVER, at, by
    locked.handed_over_on, locked.provider_official = on, (official or "").strip()[:200]
    locked.save(update_fields=["state", "handed_over_at", "handed_over_on", "handed_over_by", "provider_official"])
    late = on > locked.handover_due
    chain.append(locked, JournalEntry.HANDED_OVER, {"at": chain.timestamp(at), "on": on.isoformat(), "late": late,
                                                    "official": locked.provider_official}, by=by)
    return _refresh(case, locked)


@transaction.atomic
def record_decision(case, *, by, granted, reason="", on=None, number="", refusal_code=None):
    """The provider's decision of `on`: granted, or refused with its reason (seed 000 §1.10).

    A refusal carries a coded ground from the provider's list (`refusal_code`, a RefusalReason or its
    id) when the provider has one, and the provider's own words (`reason`; the code's title if none).
    The person is texted that the result is ready and how it will come (journal/notify.py).
    """
    reason = (reason or "").strip()
    locked = _locked(case, CaseState.HANDED_OVER,
                     _("Рішення записують після передачі суб'єкту надання; справа у стані «%(state)s»."))
    code = None
    if not granted:
        code = _refusal_code(locked, refusal_code)
        reason = reason or (code.title if code else "")
        if not reason:
            raise JournalError(_("Для відмови вкажіть підставу: людина має право її знати."))
    at = timezone.now()
    on = _day_it_happened(on, at, not_before=_handed_over_day(locked), not_before_message=_(
        "Дата рішення не може бути раніше, ніж справу передано суб'єкту надання (%(day)s)."))
    locked.state, locked.granted, locked.decided_at, locked.decided_by = CaseState.DECIDED, bool(granted), at, by
    locked.decided_on, locked.decision_number = on, (number or "").strip()[:60]
    locked.refusal_reason = "" if granted else reason
    locked.refusal_code = code
    locked.save(update_fields=["state", "granted", "refusal_reason", "refusal_code", "decided_at", "decided_on",
                               "decided_by", "decision_number"])
    payload = {
        "granted": bool(granted), "reason": locked.refusal_reason, "on": on.isoformat(),
        "number": locked.decision_number,
        "late": on > locked.provider_due,
    }
    if code is not None:
        payload["refusal_code"] = code.code
    chain.append(locked, JournalEntry.DECIDED, payload, by=by, at=at)
    notify.result_ready(locked)
    return _refresh(case, locked)


def _refusal_code(case, refusal_code):
    """The coded ground of a refusal: one of the case's provider's active reasons. Required when the
    provider has such a list; None when it has none."""
    reasons = RefusalReason.objects.filter(provider_id=case.service.provider_id, is_active=True)
    if refusal_code in (None, ""):
        if reasons.exists():
            raise JournalError(_("Оберіть підставу відмови зі списку цього суб'єкта надання."))
        return None
    pk = getattr(refusal_code, "pk", refusal_code)
    code = reasons.filter(pk=pk).first() if str(pk).isdigit() else None
    if code is None:
        raise JournalError(_("Такої підстави відмови у цього суб'єкта надання немає. Оберіть зі списку."))
    return code


def _handed_over_day(case):
    # Cases handed over before the day was recorded apart: the day it was recorded.
    if case.handed_over_on:
        return case.handed_over_on
    return as_local_date(case.handed_over_at or case.accepted_at)


def _text(value, limit):
    return " ".join((value or "").split())[:limit]


@transaction.atomic
def record_result(case, *, by, delivery, at=None, on=None, address="", tracking="", courier="", issued_to="",
                  issued_document=""):
    """The result (or the refusal letter) went back to the person the way given, on `on`.

    By post: sent to `address` (the one the person gave, else the request's) with `tracking`. At
    the office: issued to whom (`issued_to`) on what document (`issued_document`), both required.
    By courier: who took it. By a repeat visit: handed over at that visit.
    """
    if delivery not in Delivery.values:
        raise JournalError(_("Оберіть, як видано результат."))
    locked = _locked(case, CaseState.DECIDED,
                     _("Результат видають після рішення; справа у стані «%(state)s»."))
    details = {}
    if delivery == Delivery.POST:
        address = _text(address, 300) or locked.delivery_address or (
            str(locked.request.address) if locked.request_id else "")
        if not address:
            raise JournalError(_("Вкажіть адресу, на яку надіслано результат поштою."))
        details = {"delivery_address": address, "tracking_number": _text(tracking, 40)}
    elif delivery == Delivery.OFFICE:
        details = {"issued_to": _text(issued_to, 200), "issued_document": _text(issued_document, 200)}
        if not details["issued_to"] or not details["issued_document"]:
            raise JournalError(_("Вкажіть, кому видано результат і за яким документом (наприклад, паспорт "
                                 "або довіреність)."))
    elif delivery == Delivery.COURIER:
        details = {"courier": _text(courier, 200)}
    elif delivery == Delivery.REPEAT_VISIT:
        details = {"issued_to": _text(issued_to, 200), "issued_document": _text(issued_document, 200)}
    at = at or timezone.now()
    decided = locked.decided_on or as_local_date(locked.decided_at or locked.accepted_at)
    on = _day_it_happened(on, at, not_before=decided, not_before_message=_(
        "Дата видачі не може бути раніше за дату рішення (%(day)s)."))
    locked.state, locked.result_delivery = CaseState.RESULT_DELIVERED, delivery
    locked.result_delivered_at, locked.result_delivered_by = at, by
    locked.result_delivered_on = on
    for field, value in details.items():
        setattr(locked, field, value)
    # At the office and at a repeat visit the person has it in hand the same day.
    if delivery in (Delivery.OFFICE, Delivery.REPEAT_VISIT):
        locked.result_received_on = on
    locked.save(update_fields=["state", "result_delivery", "result_delivered_at", "result_delivered_on",
                               "result_delivered_by", "result_received_on", *details])
    chain.append(locked, JournalEntry.RESULT_DELIVERED,
                 {"delivery": delivery, "at": chain.timestamp(at), "on": on.isoformat(), **details}, by=by)
    if delivery in (Delivery.POST, Delivery.COURIER):
        notify.result_sent(locked)
    return _refresh(case, locked)


@transaction.atomic
def record_received(case, *, by, on=None):
    """The post (or the courier) confirmed that the person received the result on `on`."""
    locked = _locked(case, CaseState.RESULT_DELIVERED,
                     _("Отримання записують після того, як результат надіслано; справа у стані «%(state)s»."))
    if locked.result_delivery not in (Delivery.POST, Delivery.COURIER):
        raise JournalError(_("Результат видано особисто: день отримання вже записано."))
    if locked.result_received_on is not None:
        raise JournalError(_("Отримання вже записано: %(day)s.") % {
            "day": locked.result_received_on.strftime("%d.%m.%Y")})
    on = _day_it_happened(on, timezone.now(), not_before=locked.result_delivered_on, not_before_message=_(
        "Дата отримання не може бути раніше, ніж результат надіслано (%(day)s)."))
    locked.result_received_on = on
    locked.save(update_fields=["result_received_on"])
    chain.append(locked, JournalEntry.RESULT_RECEIVED, {"on": on.isoformat()}, by=by)
    return _refresh(case, locked)


@transaction.atomic
def choose_delivery(case, *, delivery, address="", by=None):
    """How the person wants the result back: post (with the address), office, courier or a repeat
    visit; possible until the result is sent or issued. Choosing the same again changes nothing."""
    if delivery not in Delivery.values:
        raise JournalError(_("Оберіть, як ви хочете отримати результат."))
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if not locked.delivery_can_change:
        raise JournalError(_("Результат уже надіслано або видано, тож спосіб отримання змінити не можна."))
    address = _text(address, 300) if delivery == Delivery.POST else ""
    if delivery == Delivery.POST and not address:
        raise JournalError(_("Напишіть адресу, на яку надіслати результат поштою: населений пункт, вулицю, "
                             "будинок і квартиру."))
    if locked.preferred_delivery == delivery and locked.delivery_address == address:
        return _refresh(case, locked)
    locked.preferred_delivery, locked.delivery_address = delivery, address
    locked.save(update_fields=["preferred_delivery", "delivery_address"])
    chain.append(locked, JournalEntry.DELIVERY_CHOSEN, {"delivery": delivery, "address": address,
                                                        "by_citizen": by is None}, by=by)
    return _refresh(case, locked)


@transaction.atomic
def plan_repeat_visit(case, *, by):
    """A decided case whose result goes back by a repeat visit: a request in the planning pool
    (accepted, flagged «видача результату») with the case linked, for the service's short duration.

    Other decided cases of the same request waiting for a repeat visit join the same request, and
    its duration grows by theirs. Asking again while it is open returns the same request.
    """
    from visits.actions import create_result_visit
    from visits.models import OPEN_STATUSES, Purpose, Status, VisitRequest

    locked = _locked(case, CaseState.DECIDED,
                     _("Повторний виїзд планують, коли рішення вже є; справа у стані «%(state)s»."))
    if locked.request_id is None:
        raise JournalError(_("Справу прийнято в ЦНАП без заявки на виїзд: адреси для виїзду немає."))
    if locked.repeat_request_id and locked.repeat_request.status in OPEN_STATUSES:
        return locked.repeat_request
    minutes = locked.service.result_minutes
    # Still in the pool, not on a published trip: its duration may grow.
    shared = (VisitRequest.objects.select_for_update()
              .filter(result_cases__request_id=locked.request_id, purpose=Purpose.RESULT, status=Status.ACCEPTED)
              .first())
    if shared is not None:
        VisitRequest.objects.filter(pk=shared.pk).update(visit_minutes=(shared.visit_minutes or 0) + minutes)
        req = shared
    else:
        req = create_result_visit(locked.request, by=by, minutes=minutes, comment=_(
            "Видача результату у справі %(number)s (%(service)s).") % {
                "number": locked.number, "service": locked.service.name_uk})
    locked.repeat_request, locked.preferred_delivery = req, Delivery.REPEAT_VISIT
    locked.save(update_fields=["repeat_request", "preferred_delivery"])
    chain.append(locked, JournalEntry.REPEAT_VISIT, {"request": req.number, "minutes": minutes}, by=by)
    return req


@transaction.atomic
def recompute_deadlines(*, by, reason):
    """Compute again the deadlines of open cases (the calendar changed: martial-law periods) and
    store those that moved, each with a journal entry saying old → new and why.

    Only what is still ahead of the case moves: the hand-over day while it is not handed over,
    the provider's term until the decision. Returns the cases changed.
    """
    changed = []
    calendars = {}
    open_cases = (Case.objects.select_for_update().filter(state__in=(CaseState.ACCEPTED, CaseState.HANDED_OVER))
                  .select_related("service").order_by("community_id", "pk"))
    for case in open_cases:
        calendar = calendars.setdefault(case.community_id, WorkCalendar(case.community_id))
        count = case.term_count if case.term_count is not None else case.service.term_days
        kind = case.term_kind or case.service.term_kind
        new = {} if case.provider_due_fixed else {"provider_due": calendar.add_term(case.accepted_at, count, kind)}
        if case.state == CaseState.ACCEPTED:
            new["handover_due"] = calendar.handover_deadline(case.accepted_at)
        moved = {field: {"old": getattr(case, field).isoformat(), "new": day.isoformat()}
                 for field, day in new.items() if getattr(case, field) != day}
        if not moved:
            continue
        for field in moved:
            setattr(case, field, new[field])
        case.save(update_fields=list(moved))
        chain.append(case, JournalEntry.DEADLINE_CHANGED, {**moved, "reason": reason}, by=by)
        changed.append(case)
    return changed


_OPEN = (CaseState.ACCEPTED, CaseState.HANDED_OVER, CaseState.SUSPENDED)


def _locked_in(case, states, message):
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.state not in states:
        raise JournalError(message % {"state": locked.get_state_display()})
    return locked


def _reason(reason, message):
    reason = (reason or "").strip()
    if not reason:
        raise JournalError(message)
    return reason


@transaction.atomic
def close_case(case, *, by, state, reason, on=None):
    """Left without consideration, returned or withdrawn: the case ends without a result."""
    if state not in CLOSING_STATES:
        raise JournalError(_("Оберіть, чим закінчилася справа."))
    reason = _reason(reason, _("Вкажіть підставу: людина має право її знати."))
    locked = _locked_in(case, _OPEN, _("Справу вже завершено: вона у стані «%(state)s»."))
    on = _day_it_happened(on, timezone.now(), not_before=as_local_date(locked.accepted_at),
                          not_before_message=str(_BEFORE_ACCEPTANCE))
    locked.state, locked.closed_on, locked.closed_reason = state, on, reason
    locked.save(update_fields=["state", "closed_on", "closed_reason"])
    chain.append(locked, JournalEntry.CLOSED, {"state": state, "on": on.isoformat(), "reason": reason}, by=by)
    return _refresh(case, locked)


@transaction.atomic
def suspend(case, *, by, reason, on=None):
    """The provider stopped considering the case (e.g. asked for documents): no deadline runs."""
    reason = _reason(reason, _("Вкажіть, чому розгляд зупинено."))
    locked = _locked(case, CaseState.HANDED_OVER,
                     _("Зупинити можна лише справу, передану суб'єкту надання; справа у стані «%(state)s»."))
    on = _day_it_happened(on, timezone.now(), not_before=_handed_over_day(locked), not_before_message=_(
        "Дата не може бути раніше, ніж справу передано суб'єкту надання (%(day)s)."))
    locked.state, locked.closed_on, locked.closed_reason = CaseState.SUSPENDED, on, reason
    locked.save(update_fields=["state", "closed_on", "closed_reason"])
    chain.append(locked, JournalEntry.SUSPENDED, {"on": on.isoformat(), "reason": reason}, by=by)
    return _refresh(case, locked)


@transaction.atomic
def resume(case, *, by, new_due, on=None):
    """Consideration goes on, with the term the provider gives from now (`new_due`)."""
    locked = _locked(case, CaseState.SUSPENDED, _("Поновити можна лише зупинену справу; справа у стані «%(state)s»."))
    on = _day_it_happened(on, timezone.now(), not_before=locked.closed_on or _handed_over_day(locked),
                          not_before_message=_("Дата не може бути раніше, ніж розгляд зупинено (%(day)s)."))
    if new_due is None or new_due < on:
        raise JournalError(_("Новий строк не може бути раніше за день поновлення."))
    old = locked.provider_due
    locked.state, locked.provider_due, locked.closed_on, locked.closed_reason = (
        CaseState.HANDED_OVER, new_due, None, "")
    locked.provider_due_fixed = True
    locked.save(update_fields=["state", "provider_due", "provider_due_fixed", "closed_on", "closed_reason"])
    chain.append(locked, JournalEntry.RESUMED, {
        "on": on.isoformat(), "provider_due": {"old": old.isoformat(), "new": new_due.isoformat()}}, by=by)
    return _refresh(case, locked)


@transaction.atomic
def extend_term(case, *, by, new_due, reason):
    """The provider's term was extended where the law allows it: the new last day and why."""
    reason = _reason(reason, _("Вкажіть підставу продовження строку."))
    locked = _locked_in(case, (CaseState.ACCEPTED, CaseState.HANDED_OVER),
                        _("Строк продовжують лише для справи, що чекає рішення; справа у стані «%(state)s»."))
    if new_due is None or new_due <= locked.provider_due:
        raise JournalError(_("Новий строк має бути пізніше за нинішній (%(day)s).")
                           % {"day": locked.provider_due.strftime("%d.%m.%Y")})
    old = locked.provider_due
    locked.provider_due, locked.provider_due_fixed = new_due, True
    locked.save(update_fields=["provider_due", "provider_due_fixed"])
    chain.append(locked, JournalEntry.TERM_EXTENDED, {
        "provider_due": {"old": old.isoformat(), "new": new_due.isoformat()}, "reason": reason}, by=by)
    return _refresh(case, locked)


@transaction.atomic
def add_note(case, *, by, note, fee_paid=None):
    """A note in the journal, and the fee paid if given (the amount stays on the case too)."""
    note = (note or "").strip()
    if not note and fee_paid is None:
        raise JournalError(_("Напишіть примітку."))
    if fee_paid is not None and fee_paid < 0:
        raise JournalError(_("Сума не може бути від'ємною."))
    locked = Case.objects.select_for_update().get(pk=case.pk)
    payload = {"note": note}
    if fee_paid is not None:
        locked.fee_paid = fee_paid.quantize(Decimal("0.01"))
        locked.save(update_fields=["fee_paid"])
        payload["fee_paid"] = str(locked.fee_paid)
    chain.append(locked, JournalEntry.NOTE, payload, by=by)
    return _refresh(case, locked)


# The personal data that may be corrected (Law «Про захист персональних даних», art. 8 part 2 item 6: the
# person's right to have wrong data corrected): the name on the case, as it stood at acceptance; the birth
# date, phone and address on the case's request. {field: (where, max length)}
CORRECTABLE = {
    "applicant_name": ("case", 200),
    "applicant_birth_date": ("request", None),
    "applicant_phone": ("request", 30),
    "street": ("request", 200),
    "building": ("request", 20),
    "flat": ("request", 20),
}


def _corrected_value(field, value):
    """The new value, cleaned as the intake form cleans it; JournalError in Ukrainian if it is not usable."""
    from django.core.exceptions import ValidationError

    from core.forms import BirthDateField, normalize_phone

    try:
        if field == "applicant_birth_date":
            return BirthDateField().clean(value)
        if field == "applicant_phone":
            value = normalize_phone(value)
    except ValidationError as exc:
        raise JournalError(" ".join(exc.messages)) from None
    value = " ".join((value or "").split())
    if not value and field != "flat":
        raise JournalError(_("Нове значення не може бути порожнім."))
    if len(value) > CORRECTABLE[field][1]:
        raise JournalError(_("Нове значення задовге."))
    return value


def _as_text(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


@transaction.atomic
def correct_personal_data(case, *, by, changes, reason):
    """Correct wrong personal data: a new journal entry on the case says what changed (old → new), who (the
    entry's author) and why. The name is corrected on the case; the birth date, phone and address on its
    request (its version goes up, so an edit form opened before must be reloaded). No line in the request's
    history: its history dates the request's closing, which starts the retention terms.
    Earlier entries are never rewritten, so the chain verifies."""
    from visits.models import VisitRequest

    reason = _reason(reason, _("Напишіть, чому дані виправлено."))
    unknown = set(changes) - set(CORRECTABLE)
    if unknown:
        raise JournalError(_("Ці дані в журналі виправити не можна: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    locked = Case.objects.select_for_update().get(pk=case.pk)
    on_request = [field for field in changes if CORRECTABLE[field][0] == "request"]
    req = None
    if on_request:
        if locked.request_id is None:
            raise JournalError(_("Справу прийнято в ЦНАП без заявки на виїзд: тут можна виправити лише ім'я."))
        req = VisitRequest.objects.select_for_update().get(pk=locked.request_id)
    moved = {}
    for field, value in changes.items():
        value = _corrected_value(field, value)
        target = locked if CORRECTABLE[field][0] == "case" else req
        old = getattr(target, field)
        if value != old:
            moved[field] = {"old": _as_text(old), "new": _as_text(value)}
            setattr(target, field, value)
    if not moved:
        raise JournalError(_("Дані збігаються з записаними: нічого не змінено."))
    case_fields = [f for f in moved if CORRECTABLE[f][0] == "case"]
    if case_fields:
        locked.save(update_fields=case_fields)
    request_fields = [f for f in moved if CORRECTABLE[f][0] == "request"]
    if request_fields:
        req.version += 1
        req.save(update_fields=[*request_fields, "version"])
    chain.append(locked, JournalEntry.CORRECTED, {"changes": moved, "reason": reason}, by=by)
    return _refresh(case, locked)


# What an anonymised case says instead of the person's name.
ANONYMISED_NAME = "—"
# The values of entries that may hold a person's data: removed when the case is anonymised; the rest of the
# register (numbers, dates, states, decision numbers, the fee) stays.
PERSONAL_KEYS = {
    JournalEntry.REGISTERED: ("applicant",),
    JournalEntry.CORRECTED: ("changes", "reason"),
    JournalEntry.NOTE: ("note",),
    JournalEntry.DECIDED: ("reason",),
    JournalEntry.CLOSED: ("reason",),
    JournalEntry.SUSPENDED: ("reason",),
    # How the result came back: the post address, the courier, who it was handed to and on what document.
    JournalEntry.RESULT_DELIVERED: ("delivery_address", "courier", "issued_to", "issued_document"),
    JournalEntry.DELIVERY_CHOSEN: ("address",),
}


def anonymise_cases(cases, now=None):
    """Remove the person's data from these cases and their journal entries (the request was anonymised
    after its term, Law «Про захист персональних даних» art. 6 part 8, art. 15). The entries keep the
    removed values' hashes, so `verify_journal` stays ok. Idempotent; returns how many cases."""
    now = now or timezone.now()
    count = 0
    for pk in list(cases.filter(anonymised_at__isnull=True).values_list("pk", flat=True)):
        with transaction.atomic():
            if not Case.objects.select_for_update().filter(pk=pk, anonymised_at__isnull=True).update(
                    applicant_name=ANONYMISED_NAME, refusal_reason="", closed_reason="", anonymised_at=now,
                    delivery_address="", issued_to="", issued_document=""):
                continue
            for event, keys in PERSONAL_KEYS.items():
                chain.redact(JournalEntry.objects.filter(case_id=pk, event=event).values_list("pk", flat=True), keys)
            count += 1
    return count

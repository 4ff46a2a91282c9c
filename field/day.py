"""The day the field client loads (`GET /api/v1/field/day`, ADR 7), as plain data for `day_schemas.Day`.

`build_day` gives the user's published trips of a day with everything to work them offline; `choices`
and `limits` are what the laptop checks its input against before anything leaves it: the models'
own choices, and the bounds of the sync contract (`schemas.py`) and of the settings, read from there.
"""

import datetime

import annotated_types
from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import provider_scope
from catalogue.models import Service
from eligibility.rules import evidence_documents_by_kind
from journal.models import Case, Delivery
from payments.fee_qr import payment_qr
from people import instructions as people_instructions
from planning.models import Plan, SessionBooking, Stop, Trip
from planning.slots import slot_end
from teams import rosters
from visits import conflicts
from visits.models import RequestedService

from . import schemas
from .models import Attachment, Attendee, IncidentAct, Outcome, PaymentMethod, SyncItem, Visit
from .sync import batch, reception


def _choices(choices):
    return [{"value": value, "label": str(label)} for value, label in choices]


def choices():
    return {"outcomes": _choices(Outcome.choices), "act_kinds": _choices(IncidentAct.Kind.choices),
            "payment_methods": _choices(PaymentMethod.choices), "delivery": _choices(Delivery.choices),
            "item_kinds": _choices(SyncItem.Kind.choices)}


def bound(model, field, name):
    """A bound the contract declares on `model.field`: `max_length` (text, lists) or `le` (numbers)."""
    kind = {"max_length": annotated_types.MaxLen, "le": annotated_types.Le}[name]
    found = [getattr(m, name) for m in model.model_fields[field].metadata if isinstance(m, kind)]
    if not found:
        raise LookupError(f"{model.__name__}.{field} declares no {name}")
    return min(found)


def limits():
    return {
        "batch_max_items": settings.VALIZA_FIELD_BATCH_MAX_ITEMS, "sync_max_bytes": settings.VALIZA_FIELD_SYNC_MAX_BYTES,
        "chunk_bytes": settings.VALIZA_FIELD_CHUNK_BYTES, "photo_max_bytes": settings.VALIZA_FIELD_PHOTO_MAX_BYTES,
        "video_max_bytes": settings.VALIZA_FIELD_VIDEO_MAX_BYTES, "video_keep_days": settings.VALIZA_VIDEO_KEEP_DAYS,
        "sheets_max": bound(schemas.DocumentLine, "sheets", "le"),
        "amount_max": bound(schemas.PaymentData, "amount", "le"),
        "services_max": bound(schemas.AcceptData, "services", "max_length"),
        "documents_max": bound(schemas.AcceptedLine, "documents", "max_length"),
        "text_max": {
            "description": bound(schemas.ActData, "description", "max_length"),
            "note": bound(schemas.OutcomeData, "note", "max_length"),
            "witness_name": bound(schemas.ActData, "witness_name", "max_length"),
            "witness_role": bound(schemas.ActData, "witness_role", "max_length"),
            "receipt": bound(schemas.PaymentData, "receipt", "max_length"),
            "provisional_number": bound(schemas.AcceptedLine, "provisional_number", "max_length"),
        },
        "clock_notice_s": batch.CLOCK_NOTICE_S,
        "request_timeout_s": settings.VALIZA_FIELD_REQUEST_TIMEOUT_S,
    }


def _provider(provider):
    return {"name": provider.name, "recipient": provider.payment_recipient or provider.name,
            "edrpou": provider.edrpou, "iban": provider.iban}


def _documents(service, answers):
    return [{"id": d.pk, "name": d.name, "has": answers.get(d.pk)} for d in service.documents.all()]


def _service(service, req, requested, answers, day):
    # The fee in force on the trip's day, the day of acceptance (fees change e.g. every 1 January).
    fee = service.fee_on(day)
    qr, problem = payment_qr(service, req, fee=fee) if service.is_paid else (None, "")
    return {
        "id": service.pk, "code": service.code, "name": service.name, "provider": _provider(service.provider),
        "requested": requested, "is_paid": service.is_paid, "fee": fee, "term_days": service.term_days,
        "term_kind": service.term_kind, "minutes": service.minutes, "needs_partner": service.needs_partner,
        "documents": _documents(service, answers), "payment_qr": qr, "payment_qr_problem": problem,
    }


def _evidence_check(req, catalogue):
    """The documents to see at the door when the request was accepted without its evidence."""
    category = req.category
    if category is None or req.evidence_available or category.is_computed:
        return None
    return {"category": category.name,
            "documents": catalogue.get(category.kind) or [category.evidence or str(_("документ"))]}


def _person(req, catalogue):
    return {
        "request_id": req.pk, "number": req.number, "status": req.status, "applicant_name": req.applicant_name,
        "applicant_birth_date": req.applicant_birth_date, "applicant_phone": req.applicant_phone,
        "requester_name": req.requester_name, "requester_phone": req.requester_phone,
        "requester_relation": req.requester_relation, "contact_phone": req.contact_phone, "address": req.address,
        "settlement": str(req.settlement), "street": req.street, "building": req.building, "flat": req.flat,
        "entrance": req.entrance, "floor": req.floor, "lift": req.lift, "intercom": req.intercom,
        "access_notes": req.access_notes, "latitude": req.latitude, "longitude": req.longitude,
        # The point is the settlement's centre or only the street: the team looks for the house itself.
        "location_note": str(req.location_note),
        "evidence_check": _evidence_check(req, catalogue),
        "notes": req.notes, "payment_method": req.payment_method,
        # The person's own consent (issue 11): without it the laptop asks for it before accepting.
        "person_consent_at": req.person_consent_at, "person_consent_how": req.person_consent_how,
    }


def worker_name(user):
    """A staff member as colleagues know them: first name and surname's initial (Олена П.)."""
    if user is None:
        return ""
    if user.first_name:
        return f"{user.first_name} {user.last_name[:1]}.".strip() if user.last_name else user.first_name
    return user.username


def _visit_state(visit):
    if visit is None:
        return None
    return {
        "visit_id": visit.pk, "started_at": visit.started_at, "outcome": visit.outcome,
        "outcome_label": str(Outcome(visit.outcome).label) if visit.outcome else "",
        "outcome_note": visit.outcome_note, "finished_at": visit.finished_at,
        # Who worked the stop, so another laptop says "already served by …" instead of inviting a
        # second, conflicting entry.
        "worked_by": worker_name(visit.recorded_by),
        "device_id": str(visit.device_id) if visit.device_id else "",
        "payments": [{"service_id": p.service_id, "method": p.method, "receipt": p.receipt, "amount": p.amount}
                     for p in visit.payments.all()],
        "acts": [str(a.pk) for a in visit.acts.all()],
        "attachments": [{"id": str(a.pk), "kind": a.kind, "service_id": a.service_id, "size": a.size,
                         "received": a.received, "state": a.state} for a in visit.attachments.all()],
    }


def _stops(trips):
    return list(
        Stop.objects.filter(trip__in=trips).order_by("trip_id", "position").select_related(
            "request__settlement", "request__category", "session__fixed_point")
        .prefetch_related(
            Prefetch("request__services", queryset=RequestedService.objects.select_related("service__provider")
                     .order_by("service__order", "service__name_uk")
                     .prefetch_related("documents", "service__documents", "service__fees")),
        )
    )


def visits_of_stops(stops):
    """Each home visit stop's visit: its own, or another visit of the same request (a plan revision moved it)."""
    request_ids = [s.request_id for s in stops if s.request_id]
    visits = list(_prefetched_visits().filter(request_id__in=request_ids))
    by_stop = {v.stop_id: v for v in visits}
    by_request = {v.request_id: v for v in visits}
    return {s.pk: by_stop.get(s.pk) or by_request.get(s.request_id) for s in stops}


def _prefetched_visits():
    return (Visit.objects.order_by("pk").select_related("recorded_by")
            .prefetch_related("payments", Prefetch("acts", queryset=IncidentAct.objects.only("id", "visit_id")),
                              Prefetch("attachments", queryset=Attachment.objects.order_by("created_at"))))


def receptions(session_stops, catalogue):
    """Per session stop: its people in slot order (bookings of that session and day, then the walk-ins
    already registered), each served like a home visit; and the requests shown (for the access log).
    A fixed number of queries whatever the number of stops and people."""
    if not session_stops:
        return {}, []
    bookings = list(SessionBooking.objects.filter(
        session_id__in={s.session_id for s in session_stops}, date__in={s.trip.day for s in session_stops})
        .select_related("service__provider").prefetch_related("service__documents", "service__fees")
        .order_by("start", "pk"))
    attendees = list(Attendee.objects.filter(Q(booking__in=bookings) | Q(stop__in=session_stops, walk_in=True))
                     .select_related("request__settlement", "request__category", "stop__trip")
                     .prefetch_related(Prefetch("request__services", queryset=RequestedService.objects
                                                .select_related("service__provider")
                                                .prefetch_related("documents", "service__documents", "service__fees")))
                     .order_by("created_at", "pk"))
    by_booking = {a.booking_id: a for a in attendees if a.booking_id}
    request_ids = [a.request_id for a in attendees if a.request_id]
    visits = {}
    for visit in _prefetched_visits().filter(request_id__in=request_ids):
        visits.setdefault(visit.request_id, visit)
    cases = {}
    for case in Case.objects.filter(request_id__in=request_ids).order_by("pk"):
        cases.setdefault(case.request_id, []).append(_case(case))
    out, shown = {}, []
    for stop in session_stops:
        rows = []
        for booking in bookings:
            if booking.session_id != stop.session_id or booking.date != stop.trip.day:
                continue
            attendee = by_booking.get(booking.pk)
            if booking.cancelled and attendee is None:
                continue  # cancelled and not come: nobody to wait for
            rows.append(_attendee(stop, booking, attendee, visits, cases, catalogue, shown))
        for attendee in attendees:
            if attendee.walk_in and reception.same_reception(attendee.stop, stop):
                rows.append(_attendee(stop, None, attendee, visits, cases, catalogue, shown))
        out[stop.pk] = rows
    return out, shown


def _attendee(stop, booking, attendee, visits, cases, catalogue, shown):
    req = attendee.request if attendee and attendee.request_id else None
    if req is not None:
        shown.append(req)
        services = [_service(rs.service, req, True, {d.document_id: d.has for d in rs.documents.all() if d.document_id},
                             stop.trip.day) for rs in req.services.all() if _still_to_do(rs, stop.trip.day)]
    elif booking.service_id:
        services = [_service(booking.service, booking, True, {}, stop.trip.day)]
    else:
        services = []
    source = req or booking
    slot_start = slot_until = None
    if booking is not None:
        tz = timezone.get_current_timezone()
        slot_start = datetime.datetime.combine(stop.trip.day, booking.start, tzinfo=tz)
        slot_until = datetime.datetime.combine(stop.trip.day, slot_end(stop.session, booking.start), tzinfo=tz)
    return {
        "attendee_id": str(attendee.pk if attendee else reception.booking_attendee_id(booking)),
        "kind": "walk_in" if booking is None else "booking",
        "booking_number": booking.number if booking else "", "cancelled": bool(booking and booking.cancelled),
        "slot_start": slot_start, "slot_end": slot_until,
        "applicant_name": source.applicant_name, "applicant_birth_date": source.applicant_birth_date,
        "applicant_phone": req.applicant_phone if req else booking.phone,
        "person_consent_at": req.person_consent_at if req else booking.consent_at,
        "no_show_at": attendee.no_show_at if attendee else None,
        "person": _person(req, catalogue) if req else None,
        "services": services, "visit": _visit_state(visits.get(req.pk)) if req else None,
        "cases": cases.get(req.pk, []) if req else [],
    }


def _case(case):
    return {"service_id": case.service_id, "number": case.number, "provisional_number": case.provisional_number or "",
            "handover_due": case.handover_due, "provider_due": case.provider_due}


def build_day(user, day):
    """Everything the client stores for `day`, and the requests it shows (for the access log).
    A partner specialist gets only the stops with a service of their provider, and only those services."""
    provider = provider_scope(user)
    trips = list(
        Trip.objects.filter(day=day, team__in=rosters.member_teams(user, day), plan__state=Plan.State.PUBLISHED,
                            plan__week__community_id=user.community_id)
        .select_related("team__office", "vehicle", "suitcase", "plan").order_by("leave_at", "pk").distinct()
    )
    # The stops, visits and cases of all the day's trips at once: a second trip costs no more queries.
    all_stops = _stops(trips)
    visits = visits_of_stops(all_stops)
    cases = {}
    own_cases = Case.objects.filter(request_id__in=[s.request_id for s in all_stops if s.request_id])
    if provider is not None:
        own_cases = own_cases.filter(service__provider_id=provider)
    for case in own_cases.order_by("pk"):
        cases.setdefault(case.request_id, []).append(_case(case))
    catalogue = evidence_documents_by_kind(day) if all_stops else {}
    declared = conflicts.declarations(user.community_id, [user.pk]) if all_stops else []
    people, shown = receptions([s for s in all_stops if s.session_id], catalogue)
    out = []
    for trip in trips:
        rows = []
        for stop in (s for s in all_stops if s.trip_id == trip.pk):
            req = stop.request
            if provider is not None and not _has_provider_service(req, provider, trip.day):
                continue  # not this partner's: a fixed-point session, or a visit for other providers only
            row = {"id": stop.pk, "position": stop.position, "arrival": stop.arrival, "start": stop.start,
                   "end": stop.end, "window_start": stop.window_start, "window_end": stop.window_end,
                   "person": None, "place": None, "services": [], "visit": None, "cases": [], "attendees": [],
                   "conflict": ""}
            if req is None:
                point = stop.session.fixed_point if stop.session_id else None
                row["kind"] = "session"
                if point:
                    row["place"] = {"name": point.name, "address": point.address, "latitude": point.latitude,
                                    "longitude": point.longitude}
                row["attendees"] = people.get(stop.pk, [])
            else:
                shown.append(req)
                row["kind"] = "visit"
                row["person"] = _person(req, catalogue)
                row["services"] = [
                    _service(rs.service, req, True, {d.document_id: d.has for d in rs.documents.all() if d.document_id},
                             trip.day)
                    for rs in req.services.all() if _still_to_do(rs, trip.day)
                    and (provider is None or rs.service.provider_id == provider)]
                row["visit"] = _visit_state(visits.get(stop.pk))
                row["cases"] = cases.get(req.pk, [])
                if conflicts.conflicted_users(req, declared):
                    row["conflict"] = str(CONFLICT_WARNING)
            rows.append(row)
        office = trip.team.office
        out.append({"id": trip.pk, "day": trip.day, "plan_version": trip.plan.version, "team": trip.team.name,
                    "office": {"name": office.name, "address": office.address, "phone": office.phone},
                    "vehicle": str(trip.vehicle or ""), "suitcase": str(trip.suitcase or ""),
                    "leave_at": trip.leave_at, "return_at": trip.return_at, "stops": rows})
    return out, shown


CONFLICT_WARNING = _(
    "Увага: ви задекларували конфлікт інтересів щодо цієї людини або адреси. Не обслуговуйте її самі: "
    "нехай прийме інший працівник команди, або зателефонуйте координатору.")


def instructions_of_day(user, day):
    """The community's cards and crisis instructions for the laptop, the version each had recorded."""
    rows = people_instructions.for_day(user.community_id)
    people_instructions.record_delivery(user, day, rows)
    return [{"id": i.pk, "kind": i.kind, "crisis": i.crisis, "service_id": i.service_id, "title": i.title,
             "steps": i.steps, "documents": i.documents, "registry": i.registry, "mistakes": i.mistakes,
             "contacts": i.contacts, "version": i.version} for i in rows]


def _has_provider_service(req, provider, day):
    return req is not None and any(
        rs.service.provider_id == provider and _still_to_do(rs, day) for rs in req.services.all())


def _still_to_do(requested, day):
    """A service done at an earlier visit (a partly served request planned again) is not this trip's."""
    return requested.done_at is None or timezone.localdate(requested.done_at) >= day


def extra_services(community_id, day, provider=None):
    services = (Service.objects.filter(is_active=True, mobile_allowed=True)
                .filter(Q(provider__community_id=community_id) | Q(provider__community__isnull=True)))
    if provider is not None:
        services = services.filter(provider_id=provider)
    services = (services
                .prefetch_related("documents", "fees").order_by("order", "name_uk"))
    return [{"id": s.pk, "code": s.code, "name": s.name, "is_paid": s.is_paid, "fee": s.fee_on(day),
             "needs_partner": s.needs_partner, "documents": _documents(s, {})} for s in services]


def day_answer(user, the_day, csrf_token):
    """The whole answer for `the_day`; the requests shown are access-logged by the caller."""
    trips, shown = build_day(user, the_day)
    answer = {
        "date": the_day, "server_time": timezone.now(), "user": user.get_full_name() or user.username,
        # The laptop shows every time in the community's zone, whatever its own clock's zone is.
        "time_zone": settings.TIME_ZONE,
        "community_phone": user.community.phone, "csrf_token": csrf_token, "trips": trips,
        "extra_services": extra_services(user.community_id, the_day, provider_scope(user)),
        "choices": choices(), "limits": limits(), "instructions": instructions_of_day(user, the_day),
    }
    return answer, shown

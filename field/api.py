"""The field client's API (ADR 7): the day's trips to load, and the batch sync of the outbox.

Both need a session login with `field.work`; writes carry the CSRF token the day gives. Every
request carries `X-Valiza-Device: <uuid>`, recorded on first sight; a revoked device gets 403.
"""

import json
import uuid
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from audit.log import API_VIEW, record_access_many
from catalogue.models import Service
from core.api import Capability
from journal.models import Case, Delivery
from payments import nbu_qr
from planning.models import Plan, Stop, Trip
from visits.models import RequestedService

from . import schemas, sync
from .models import Attachment, IncidentAct, Outcome, PaymentMethod, Visit

router = Router(tags=["field"])
DEVICE_HEADER = "X-Valiza-Device"


# -- the day, as the client stores it -------------------------------------------------------------

class Choice(Schema):
    value: str
    label: str


class Document(Schema):
    id: int
    name: str
    has: bool | None  # what the person said on the phone; None when not asked


class Provider(Schema):
    name: str
    recipient: str
    edrpou: str
    iban: str


class PaymentQR(Schema):
    link: str
    svg: str


class DayService(Schema):
    id: int
    code: str
    name: str
    provider: Provider
    requested: bool
    is_paid: bool
    fee: Decimal
    term_days: int
    term_kind: str
    minutes: int
    needs_partner: bool
    documents: list[Document]
    payment_qr: PaymentQR | None
    payment_qr_problem: str


class Person(Schema):
    request_id: int
    number: str
    status: str
    applicant_name: str
    applicant_birth_date: date
    applicant_phone: str
    requester_name: str
    requester_phone: str
    requester_relation: str
    contact_phone: str
    address: str
    settlement: str
    street: str
    building: str
    flat: str
    entrance: str
    floor: int | None
    lift: str
    intercom: str
    access_notes: str
    latitude: Decimal | None
    longitude: Decimal | None
    notes: str
    payment_method: str


class Place(Schema):
    name: str
    address: str
    latitude: Decimal | None
    longitude: Decimal | None


class CaseState(Schema):
    service_id: int
    number: str
    provisional_number: str
    handover_due: date
    provider_due: date


class PaymentState(Schema):
    service_id: int
    method: str
    receipt: str
    amount: Decimal


class AttachmentState(Schema):
    id: str
    kind: str
    service_id: int | None
    size: int
    received: int
    state: str


class VisitState(Schema):
    visit_id: int
    started_at: datetime | None
    outcome: str
    outcome_label: str
    outcome_note: str
    finished_at: datetime | None
    payments: list[PaymentState]
    acts: list[str]
    attachments: list[AttachmentState]


class DayStop(Schema):
    id: int
    position: int
    kind: str  # "visit" (a person's home) or "session" (a fixed-point reception)
    arrival: datetime
    start: datetime
    end: datetime
    window_start: datetime
    window_end: datetime
    person: Person | None
    place: Place | None
    services: list[DayService]
    visit: VisitState | None
    cases: list[CaseState]  # the journal's cases of the request, whichever visit made them


class Office(Schema):
    name: str
    address: str
    phone: str


class DayTrip(Schema):
    id: int
    day: date
    plan_version: int
    team: str
    office: Office
    vehicle: str
    suitcase: str
    leave_at: datetime
    return_at: datetime
    stops: list[DayStop]


class Choices(Schema):
    outcomes: list[Choice]
    act_kinds: list[Choice]
    payment_methods: list[Choice]
    delivery: list[Choice]


class Limits(Schema):
    batch_max_items: int
    sync_max_bytes: int
    chunk_bytes: int
    photo_max_bytes: int
    video_max_bytes: int
    video_keep_days: int
    sheets_max: int
    amount_max: Decimal
    services_max: int
    documents_max: int
    text_max: dict[str, int]
    clock_notice_s: int


class ExtraService(Schema):
    id: int
    code: str
    name: str
    is_paid: bool
    fee: Decimal
    needs_partner: bool
    documents: list[Document]


class Day(Schema):
    date: date
    server_time: datetime
    user: str
    community_phone: str
    csrf_token: str
    trips: list[DayTrip]
    extra_services: list[ExtraService]  # what may be accepted beyond the request (sync's rule)
    choices: Choices
    limits: Limits


def _choices(choices):
    return [{"value": value, "label": str(label)} for value, label in choices]


def _purposes(service, req):
    # The most telling text first; shorter ones if the NBU size limit says no.
    yield _("Адміністративний збір: %(s)s. Платник: %(p)s. Заявка %(n)s") % {
        "s": service.name, "p": req.applicant_name, "n": req.number}
    yield _("Адмін. збір, заявка %(n)s, %(p)s") % {"n": req.number, "p": req.applicant_name}
    yield _("Адміністративний збір, заявка %(n)s") % {"n": req.number}


def payment_qr(service, req):
    """({link, svg} or None, why not) for a paid service; the fee is the amount."""
    if not service.is_paid or not service.fee:
        return None, ""
    provider = service.provider
    problem = ""
    for purpose in _purposes(service, req):
        try:
            link = nbu_qr.payment_link(provider.payment_recipient or provider.name, provider.iban, service.fee,
                                       provider.edrpou, purpose)
            return {"link": link, "svg": nbu_qr.render_svg(link)}, ""
        except nbu_qr.PayloadTooLarge as exc:
            problem = exc.message
        except nbu_qr.PaymentQRError as exc:
            # Missing or wrong payment details in the catalogue: the client shows them as text.
            return None, _("QR-код для оплати не створено: %(why)s Реквізити потрібно виправити в каталозі.") % {
                "why": exc.message}
    return None, problem


def _provider(provider):
    return {"name": provider.name, "recipient": provider.payment_recipient or provider.name,
            "edrpou": provider.edrpou, "iban": provider.iban}


def _documents(service, answers):
    return [{"id": d.pk, "name": d.name, "has": answers.get(d.pk)} for d in service.documents.all()]


def _service(service, req, requested, answers):
    qr, problem = payment_qr(service, req) if service.is_paid else (None, "")
    return {
        "id": service.pk, "code": service.code, "name": service.name, "provider": _provider(service.provider),
        "requested": requested, "is_paid": service.is_paid, "fee": service.fee, "term_days": service.term_days,
        "term_kind": service.term_kind, "minutes": service.minutes, "needs_partner": service.needs_partner,
        "documents": _documents(service, answers), "payment_qr": qr, "payment_qr_problem": problem,
    }


def _person(req):
    return {
        "request_id": req.pk, "number": req.number, "status": req.status, "applicant_name": req.applicant_name,
        "applicant_birth_date": req.applicant_birth_date, "applicant_phone": req.applicant_phone,
        "requester_name": req.requester_name, "requester_phone": req.requester_phone,
        "requester_relation": req.requester_relation, "contact_phone": req.contact_phone, "address": req.address,
        "settlement": str(req.settlement), "street": req.street, "building": req.building, "flat": req.flat,
        "entrance": req.entrance, "floor": req.floor, "lift": req.lift, "intercom": req.intercom,
        "access_notes": req.access_notes, "latitude": req.latitude, "longitude": req.longitude,
        "notes": req.notes, "payment_method": req.payment_method,
    }


def _visit_state(visit):
    if visit is None:
        return None
    return {
        "visit_id": visit.pk, "started_at": visit.started_at, "outcome": visit.outcome,
        "outcome_label": str(Outcome(visit.outcome).label) if visit.outcome else "",
        "outcome_note": visit.outcome_note, "finished_at": visit.finished_at,
        "payments": [{"service_id": p.service_id, "method": p.method, "receipt": p.receipt, "amount": p.amount}
                     for p in visit.payments.all()],
        "acts": [str(a.pk) for a in visit.acts.all()],
        "attachments": [{"id": str(a.pk), "kind": a.kind, "service_id": a.service_id, "size": a.size,
                         "received": a.received, "state": a.state} for a in visit.attachments.all()],
    }


def _stops(trips):
    return list(
        Stop.objects.filter(trip__in=trips).order_by("trip_id", "position").select_related(
            "request__settlement", "session__fixed_point")
        .prefetch_related(
            Prefetch("request__services", queryset=RequestedService.objects.select_related("service__provider")
                     .order_by("service__order", "service__name_uk")
                     .prefetch_related("documents", "service__documents")),
        )
    )


def _visits(stops):
    """Each stop's visit: its own, or another visit of the same request (a plan revision moved it)."""
    request_ids = [s.request_id for s in stops if s.request_id]
    visits = list(Visit.objects.filter(request_id__in=request_ids).order_by("pk")
                  .prefetch_related("payments", Prefetch("acts", queryset=IncidentAct.objects.only("id", "visit_id")),
                                    Prefetch("attachments", queryset=Attachment.objects.order_by("created_at"))))
    by_stop = {v.stop_id: v for v in visits}
    by_request = {v.request_id: v for v in visits}
    return {s.pk: by_stop.get(s.pk) or by_request.get(s.request_id) for s in stops}


def build_day(user, day):
    """Everything the client stores for `day`, and the requests it shows (for the access log)."""
    trips = list(
        Trip.objects.filter(day=day, team__members=user, plan__state=Plan.State.PUBLISHED,
                            plan__week__community_id=user.community_id)
        .select_related("team__office", "vehicle", "suitcase", "plan").order_by("leave_at", "pk").distinct()
    )
    # The stops, visits and cases of all the day's trips at once: a second trip costs no more queries.
    all_stops = _stops(trips)
    visits = _visits(all_stops)
    cases = {}
    for case in Case.objects.filter(request_id__in=[s.request_id for s in all_stops if s.request_id]).order_by("pk"):
        cases.setdefault(case.request_id, []).append({
            "service_id": case.service_id, "number": case.number,
            "provisional_number": case.provisional_number or "",
            "handover_due": case.handover_due, "provider_due": case.provider_due})
    shown, out = [], []
    for trip in trips:
        rows = []
        for stop in (s for s in all_stops if s.trip_id == trip.pk):
            req = stop.request
            row = {"id": stop.pk, "position": stop.position, "arrival": stop.arrival, "start": stop.start,
                   "end": stop.end, "window_start": stop.window_start, "window_end": stop.window_end,
                   "person": None, "place": None, "services": [], "visit": None, "cases": []}
            if req is None:
                point = stop.session.fixed_point if stop.session_id else None
                row["kind"] = "session"
                if point:
                    row["place"] = {"name": point.name, "address": point.address, "latitude": point.latitude,
                                    "longitude": point.longitude}
            else:
                shown.append(req)
                row["kind"] = "visit"
                row["person"] = _person(req)
                row["services"] = [
                    _service(rs.service, req, True, {d.document_id: d.has for d in rs.documents.all() if d.document_id})
                    for rs in req.services.all()]
                row["visit"] = _visit_state(visits.get(stop.pk))
                row["cases"] = cases.get(req.pk, [])
            rows.append(row)
        office = trip.team.office
        out.append({"id": trip.pk, "day": trip.day, "plan_version": trip.plan.version, "team": trip.team.name,
                    "office": {"name": office.name, "address": office.address, "phone": office.phone},
                    "vehicle": str(trip.vehicle or ""), "suitcase": str(trip.suitcase or ""),
                    "leave_at": trip.leave_at, "return_at": trip.return_at, "stops": rows})
    return out, shown


def extra_services(community_id):
    from django.db.models import Q

    services = (Service.objects.filter(is_active=True, mobile_allowed=True)
                .filter(Q(provider__community_id=community_id) | Q(provider__community__isnull=True))
                .prefetch_related("documents").order_by("order", "name_uk"))
    return [{"id": s.pk, "code": s.code, "name": s.name, "is_paid": s.is_paid, "fee": s.fee,
             "needs_partner": s.needs_partner, "documents": _documents(s, {})} for s in services]


def limits():
    return {
        "batch_max_items": settings.VALIZA_FIELD_BATCH_MAX_ITEMS, "sync_max_bytes": settings.VALIZA_FIELD_SYNC_MAX_BYTES,
        "chunk_bytes": settings.VALIZA_FIELD_CHUNK_BYTES, "photo_max_bytes": settings.VALIZA_FIELD_PHOTO_MAX_BYTES,
        "video_max_bytes": settings.VALIZA_FIELD_VIDEO_MAX_BYTES, "video_keep_days": settings.VALIZA_VIDEO_KEEP_DAYS,
        "sheets_max": schemas.MAX_SHEETS, "amount_max": schemas.MAX_AMOUNT, "services_max": schemas.MAX_SERVICES,
        "documents_max": schemas.MAX_DOCUMENTS,
        "text_max": {"description": 5000, "note": 2000, "witness_name": 200, "witness_role": 200, "receipt": 60,
                     "provisional_number": 40},
        "clock_notice_s": sync.CLOCK_NOTICE_S,
    }


def _device_from_header(request, *, required):
    """(device or None, error answer or None)."""
    raw = request.headers.get(DEVICE_HEADER, "")
    if not raw:
        if required:
            return None, (400, {"detail": _("Не вказано ідентифікатор ноутбука (заголовок X-Valiza-Device).")})
        return None, None
    try:
        device_id = uuid.UUID(raw)
    except ValueError:
        return None, (400, {"detail": _("Ідентифікатор ноутбука (X-Valiza-Device) має бути UUID.")})
    try:
        device = sync.register_device(request.auth, device_id, user_agent=request.headers.get("User-Agent", ""))
    except sync.ForeignDevice:
        return None, (403, {"detail": _("Цей ноутбук не зареєстровано у вашій громаді. Зателефонуйте координатору.")})
    if device.revoked_at:
        return device, (403, {"detail": sync.revoked_message(device)})
    return device, None


@router.get("/day", response={200: Day, 400: schemas.Problem, 403: schemas.Problem}, auth=Capability("field.work"))
def day(request, date: str = ""):
    """The user's published trips of the day (default today), with everything to work offline."""
    user = request.auth
    the_day = parse_date(date) if date else timezone.localdate()
    if the_day is None:
        return Status(400, {"detail": _("Дата має бути у форматі РРРР-ММ-ДД, наприклад 2026-05-12.")})
    _device, error = _device_from_header(request, required=False)
    if error:
        return Status(*error)
    trips, shown = build_day(user, the_day)
    record_access_many(request, shown, API_VIEW)
    community = user.community
    return Status(200, {
        "date": the_day, "server_time": timezone.now(), "user": user.get_full_name() or user.username,
        "community_phone": community.phone, "csrf_token": get_token(request), "trips": trips,
        "extra_services": extra_services(user.community_id),
        "choices": {"outcomes": _choices(Outcome.choices), "act_kinds": _choices(IncidentAct.Kind.choices),
                    "payment_methods": _choices(PaymentMethod.choices), "delivery": _choices(Delivery.choices)},
        "limits": limits(),
    })


def _bad(message):
    return 400, {"detail": message}


def read_envelope(request):
    """(device_id, sent_at, items) or an error answer (status, body); nothing is stored either way."""
    limit = settings.VALIZA_FIELD_SYNC_MAX_BYTES
    # The body is read here, within the sync limit: the general 256 KB limit of Django's request.body
    # does not apply to this path (the body-limit middleware already refused a declared larger one).
    body = request.read(limit + 1)
    if len(body) > limit:
        return 413, {"detail": _("Пакет завеликий (понад %(mb).1f МБ). Ноутбук надішле дії меншими частинами.")
                     % {"mb": limit / 2**20}}
    try:
        # NaN and Infinity are not JSON; kept as text they fail the item's own check with a reason.
        envelope = json.loads(body, parse_constant=str)
    except (ValueError, RecursionError):
        return _bad(_("Пакет пошкоджено: це не JSON. Нічого не збережено; ноутбук спробує ще раз."))
    if not isinstance(envelope, dict):
        return _bad(_("Пакет має бути об'єктом JSON з полями device_id, sent_at та items."))
    items = envelope.get("items")
    if not isinstance(items, list):
        return _bad(_("У пакеті немає списку дій (items)."))
    maximum = settings.VALIZA_FIELD_BATCH_MAX_ITEMS
    if len(items) > maximum:
        return _bad(_("У пакеті %(n)d дій, а можна не більше %(max)d. Ноутбук надішле їх частинами.")
                    % {"n": len(items), "max": maximum})
    try:
        device_id = uuid.UUID(str(envelope.get("device_id"))[:64])
    except ValueError:
        return _bad(_("Ідентифікатор ноутбука (device_id) має бути UUID."))
    raw_sent = envelope.get("sent_at")
    sent_at = parse_datetime(raw_sent) if isinstance(raw_sent, str) and len(raw_sent) <= 64 else None
    if sent_at is None or timezone.is_naive(sent_at):
        return _bad(_("Час надсилання (sent_at) має бути датою й часом ISO 8601 з часовим поясом."))
    return device_id, sent_at, items


@router.post("/sync", response={200: schemas.SyncAnswer, 422: schemas.SyncAnswer, 403: schemas.SyncAnswer | schemas.Problem,
                                400: schemas.Problem, 413: schemas.Problem},
             auth=Capability("field.work"),
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/json": {"schema": schemas.inline_schema(schemas.SyncEnvelopeDoc)}}}})
def sync_batch(request):
    """Apply the device's outbox items; one result per item (see ADR 7 for states and codes)."""
    received_at = timezone.now()
    parsed = read_envelope(request)
    if len(parsed) == 2:
        return Status(*parsed)
    device_id, sent_at, items = parsed
    header = request.headers.get(DEVICE_HEADER, "")
    try:
        header_id = uuid.UUID(header) if header else None
    except ValueError:
        header_id = None
    if header_id is None:
        return Status(*_bad(_("Не вказано або неправильний ідентифікатор ноутбука (заголовок X-Valiza-Device).")))
    if header_id != device_id:
        return Status(*_bad(_("Ідентифікатор ноутбука в заголовку і в пакеті різні. Нічого не збережено.")))
    answer, status = sync.process_batch(request.auth, device_id, sent_at, items, received_at=received_at,
                                        user_agent=request.headers.get("User-Agent", ""))
    return Status(status, answer)

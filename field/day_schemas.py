"""The answer of `GET /api/v1/field/day` (ADR 7): what the field client stores to work the day offline.

The client reads these names exactly as they are here (static/field/day.js); every enum is the model's
own choices (`literal_of`), so the published schema names every value the laptop may meet.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Schema
from pydantic import create_model

from catalogue.models import Service
from journal.models import Delivery
from visits.models import Lift, Relation, Status

from .models import Outcome, PaymentMethod
from .schemas import (
    ActKind,
    AttachmentKind,
    AttachmentStateValue,
    DeviceGrant,
    ItemKind,
    OutcomeValue,
    PaymentMethodValue,
    literal_of,
)


def _choice(name, values):
    """A (value, label) pair of one choice list, its value typed by the model's choices."""
    return create_model(name, __base__=Schema, value=(values, ...), label=(str, ...))


OutcomeChoice = _choice("OutcomeChoice", OutcomeValue)
ActKindChoice = _choice("ActKindChoice", ActKind)
PaymentMethodChoice = _choice("PaymentMethodChoice", PaymentMethodValue)
DeliveryChoice = _choice("DeliveryChoice", literal_of(Delivery))
ItemKindChoice = _choice("ItemKindChoice", ItemKind)


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
    term_kind: literal_of(Service.TERM_CHOICES)
    minutes: int
    needs_partner: bool
    documents: list[Document]
    payment_qr: PaymentQR | None
    payment_qr_problem: str


class EvidenceCheck(Schema):
    category: str
    documents: list[str]


class Person(Schema):
    request_id: int
    number: str
    status: literal_of(Status)
    applicant_name: str
    applicant_birth_date: date
    applicant_phone: str
    requester_name: str
    requester_phone: str
    person_consent_at: datetime | None
    person_consent_how: str
    requester_relation: literal_of(Relation, blank=True)
    contact_phone: str
    address: str
    settlement: str
    street: str
    building: str
    flat: str
    entrance: str
    floor: int | None
    lift: literal_of(Lift)
    intercom: str
    access_notes: str
    latitude: Decimal | None
    longitude: Decimal | None
    location_note: str
    # The category's document was missing at intake: check it at the door (issue 11).
    evidence_check: EvidenceCheck | None
    notes: str
    payment_method: literal_of(PaymentMethod, blank=True)


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
    method: PaymentMethodValue
    receipt: str
    amount: Decimal


class AttachmentState(Schema):
    id: str
    kind: AttachmentKind
    service_id: int | None
    size: int
    received: int
    state: AttachmentStateValue


class VisitState(Schema):
    visit_id: int
    started_at: datetime | None
    outcome: literal_of(Outcome, blank=True)
    outcome_label: str
    outcome_note: str
    finished_at: datetime | None
    worked_by: str  # who recorded it ("Олена П."): another laptop shows "already served by …"
    device_id: str  # the laptop that recorded it ("" when unknown)
    payments: list[PaymentState]
    acts: list[str]
    attachments: list[AttachmentState]


class Attendee(Schema):
    """A person at a fixed-point reception: booked (in slot order) or come without booking. Their
    actions name `attendee_id`; `person` is their request once the first action made it."""

    attendee_id: str
    kind: Literal["booking", "walk_in"]
    booking_number: str
    cancelled: bool  # cancelled after the laptop's last load, and came all the same
    slot_start: datetime | None
    slot_end: datetime | None
    applicant_name: str
    applicant_birth_date: date
    applicant_phone: str
    person_consent_at: datetime | None
    no_show_at: datetime | None
    person: Person | None
    services: list[DayService]
    visit: VisitState | None
    cases: list[CaseState]


class Instruction(Schema):
    """A technological card of a service or a crisis instruction, as the laptop keeps it offline (issue 16)."""

    id: int
    kind: Literal["card", "crisis"]
    crisis: str  # which situation (empty for a card)
    service_id: int | None  # the card's service
    title: str
    steps: str
    documents: str
    registry: str
    mistakes: str
    contacts: str  # whom to call
    version: int  # the version the laptop got with this day (recorded on the server)


class DayStop(Schema):
    id: int
    position: int
    kind: Literal["visit", "session"]  # a person's home, or a fixed-point reception
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
    attendees: list[Attendee]  # a session's people (empty for a home visit)
    # Issue 16: the laptop's user declared a conflict of interest with this person or address; the
    # warning to show (empty when none).
    conflict: str


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
    outcomes: list[OutcomeChoice]
    act_kinds: list[ActKindChoice]
    payment_methods: list[PaymentMethodChoice]
    delivery: list[DeliveryChoice]
    item_kinds: list[ItemKindChoice]  # what the outbox calls each kind of action


class TextMax(Schema):
    """The longest text the sync takes in each field a person types (characters)."""

    description: int
    note: int
    witness_name: int
    witness_role: int
    receipt: int
    provisional_number: int


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
    text_max: TextMax
    clock_notice_s: int
    request_timeout_s: int  # the client gives up on a request that has not answered by then


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
    time_zone: str  # the community's (IANA name, Europe/Kyiv): the client shows every time in it
    user: str
    community_phone: str
    csrf_token: str
    trips: list[DayTrip]
    extra_services: list[ExtraService]  # what may be accepted beyond the request (sync's rule)
    choices: Choices
    limits: Limits
    instructions: list[Instruction]  # cards and crisis instructions, offline (issue 16)
    device: DeviceGrant  # the laptop's device; `token` only in the answer that issued it

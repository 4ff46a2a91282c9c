"""What the field client may send (ADR 7) and what it is answered, with strict limits.

The envelope is read leniently (`items` is a list of whatever arrived) and every item is validated on
its own by `validate_item`, so one bad item is quarantined with a reason per field and never blocks
the others. Reasons are in Ukrainian: the field administrator reads them on the laptop.
"""

import re
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from ninja import Schema
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    field_validator,
    model_validator,
)

from core.text import strip_invisible
from journal.models import Delivery

from .models import Attachment, IncidentAct, Outcome, PaymentMethod, SyncItem
from .sync.devices import STATES as DEVICE_STATES

MAX_ID = 2**53  # what a JavaScript number holds exactly; far below PostgreSQL's bigint
MAX_AMOUNT = Decimal("100000.00")  # no administrative fee comes near; a typo or junk does
MAX_SHEETS = 500
MAX_SERVICES = 50
MAX_DOCUMENTS = 100


def literal_of(choices, *, blank=False):
    """A `Literal` of a model's choice values (a TextChoices class or (value, label) pairs), with ""
    first when the field may be blank: each enum of the contract is written once, in its model."""
    values = tuple(choices.values) if isinstance(choices, type) else tuple(value for value, _label in choices)
    if blank and "" not in values:
        values = ("", *values)
    return Literal[values]


ItemKind = literal_of(SyncItem.Kind)
ItemState = literal_of(SyncItem.State)
OutcomeValue = literal_of(Outcome)
PaymentMethodValue = literal_of(PaymentMethod)
ActKind = literal_of(IncidentAct.Kind)
AttachmentKind = literal_of(Attachment.Kind)
AttachmentStateValue = literal_of(Attachment.State)
DeliveryValue = literal_of(Delivery, blank=True)


def _clean_text(value):
    # PostgreSQL cannot store NUL, nor a lone surrogate (JSON lets "\ud800" through).
    if "\x00" in value:
        raise ValueError(_("текст містить недопустимий символ (NUL)"))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(_("текст містить недопустимі символи")) from None
    return value


def _visible(value):
    return strip_invisible(value, multiline=True)  # zero-width and direction marks out (core.text)


def Text(max_length, min_length=0):  # noqa: N802 - reads as a type in the models below
    return Annotated[str, Field(min_length=min_length, max_length=max_length), AfterValidator(_clean_text),
                     AfterValidator(_visible)]


def _strip(value):
    return value.strip()


Id = Annotated[int, Field(ge=1, le=MAX_ID, strict=True)]

# A device time: ISO 8601 text with the date, the time and an offset, nothing else. A number or a
# numeric string (read as Unix time by a lax parser: "0" became 1970) and a time without an offset
# are refused; so is a year a laptop clock cannot show, which also keeps the clock correction
# (time + offset) inside what a datetime holds.
_ISO_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?(Z|[+-][0-9]{2}:[0-9]{2})")
FIRST_YEAR, LAST_YEAR = 1970, 2100


def _iso_datetime(value):
    if not isinstance(value, str) or len(value) > 40 or not _ISO_DATETIME.fullmatch(value):
        raise ValueError(_("потрібні дата й час у форматі ISO 8601 з часовим поясом, наприклад "
                           "2026-05-12T10:30:00+03:00"))
    try:
        # Python reads at most six decimals of a second.
        parsed = datetime.fromisoformat(re.sub(r"(\.\d{6})\d+", r"\1", value))
    except ValueError:
        raise ValueError(_("такої дати чи часу не буває")) from None
    if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
        raise ValueError(_("рік має бути від %(a)d до %(b)d") % {"a": FIRST_YEAR, "b": LAST_YEAR})
    return parsed


DeviceTime = Annotated[datetime, BeforeValidator(_iso_datetime)]


def _iso_date(value):
    # A date as the laptop's date input gives it (YYYY-MM-DD); a number is not read as Unix time.
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise ValueError(_("потрібна дата у форматі РРРР-ММ-ДД, наприклад 1948-05-12"))
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise ValueError(_("такої дати не буває")) from None
    if parsed.year < 1900:
        raise ValueError(_("рік має бути не раніше 1900"))
    return parsed


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
Amount = Annotated[Decimal, Field(ge=0, le=MAX_AMOUNT, decimal_places=2, allow_inf_nan=False)]


class _Strict(BaseModel):
    # Unknown keys are refused: the client and the server speak one contract, and junk in a
    # payload is a bug to see, not to store silently.
    model_config = ConfigDict(extra="forbid", str_max_length=5000)


class StartData(_Strict):
    latitude: Annotated[Decimal, Field(ge=-90, le=90, allow_inf_nan=False)] | None = None
    longitude: Annotated[Decimal, Field(ge=-180, le=180, allow_inf_nan=False)] | None = None

    @field_validator("latitude", "longitude")
    @classmethod
    def six_places(cls, value):
        return None if value is None else value.quantize(Decimal("0.000001"))


class DocumentLine(_Strict):
    document_id: Id
    present: StrictBool
    sheets: Annotated[int, Field(ge=0, le=MAX_SHEETS, strict=True)]


class AcceptedLine(_Strict):
    service_id: Id
    provisional_number: Annotated[Text(40), AfterValidator(_strip)] = ""
    delivery: DeliveryValue = ""
    documents: Annotated[list[DocumentLine], Field(max_length=MAX_DOCUMENTS)] = []

    @field_validator("provisional_number")
    @classmethod
    def printable_number(cls, value):
        if value and not re.fullmatch(r"[0-9A-Za-zА-Яа-яІіЇїЄєҐґ/._-]+", value):
            raise ValueError(_("тимчасовий номер: лише літери, цифри та знаки / . _ -"))
        return value

    @model_validator(mode="after")
    def documents_once(self):
        ids = [d.document_id for d in self.documents]
        if len(ids) != len(set(ids)):
            raise ValueError(_("той самий документ указано двічі"))
        return self


class AcceptData(_Strict):
    services: Annotated[list[AcceptedLine], Field(min_length=1, max_length=MAX_SERVICES)]

    @model_validator(mode="after")
    def services_once(self):
        ids = [s.service_id for s in self.services]
        if len(ids) != len(set(ids)):
            raise ValueError(_("ту саму послугу указано двічі"))
        return self


class PaymentData(_Strict):
    service_id: Id
    method: PaymentMethodValue
    receipt: Annotated[Text(60), AfterValidator(_strip)] = ""
    amount: Amount


class ActData(_Strict):
    act_id: uuid.UUID
    kind: ActKind
    description: Annotated[Text(5000), AfterValidator(_strip), Field(min_length=1)]
    witness_name: Annotated[Text(200), AfterValidator(_strip), Field(min_length=1)]
    witness_role: Annotated[Text(200), AfterValidator(_strip), Field(min_length=1)]

    @field_validator("description", "witness_name", "witness_role")
    @classmethod
    def not_blank(cls, value):
        if not value:
            raise ValueError(_("заповніть це поле"))
        return value


class EvidenceSeen(_Strict):
    """What the administrator saw at the door for a category whose document was missing at intake."""

    document: Annotated[Text(300), AfterValidator(_strip)] = ""
    reference: Annotated[Text(200), AfterValidator(_strip)] = ""  # the document's number and date
    seen: StrictBool


class OutcomeData(_Strict):
    outcome: OutcomeValue
    note: Annotated[Text(2000), AfterValidator(_strip)] = ""
    video_consent: StrictBool = False
    evidence: EvidenceSeen | None = None


class AttachmentData(_Strict):
    attachment_id: uuid.UUID
    kind: AttachmentKind
    service_id: Id | None = None
    content_type: Annotated[Text(100), Field(pattern=r"^[a-z0-9.+-]+/[a-z0-9.+-]+$")]
    size: Annotated[int, Field(ge=1, le=2**40, strict=True)]
    sha256: Annotated[str, Field(pattern=r"^[0-9a-fA-F]{64}$"), AfterValidator(str.lower)]
    taken_at: DeviceTime | None = None
    # A video: when the person agreed to it (device time); without it the server refuses the video.
    video_consent_at: DeviceTime | None = None


class ConsentData(_Strict):
    """The person's own consent, taken at the door: their name as they gave it, and how."""

    name: Annotated[Text(200), AfterValidator(_strip), Field(min_length=1)]
    how: Literal["laptop", "signed"]

    @field_validator("name")
    @classmethod
    def not_blank(cls, value):
        if not value:
            raise ValueError(_("заповніть це поле"))
        return value


class WalkInData(_Strict):
    """A person who came to a fixed-point reception without booking, registered on the laptop."""

    name: Annotated[Text(200), AfterValidator(_strip), Field(min_length=1)]
    phone: Annotated[Text(20), AfterValidator(_strip)] = ""
    birth_date: IsoDate
    # The person's own consent to processing, taken there and then (as `person.consent`).
    consent_how: Literal["laptop", "signed"]
    # The laptop found someone like them among the day's people and the administrator said
    # "this is another person" (the operator's tick; the server checks the whole community again).
    not_a_duplicate: StrictBool = False

    @field_validator("name")
    @classmethod
    def not_blank(cls, value):
        if not value:
            raise ValueError(_("заповніть це поле"))
        return value


class NoShowData(_Strict):
    """A booked person did not come to the reception."""


DATA_MODELS = {
    SyncItem.Kind.START: StartData,
    SyncItem.Kind.ACCEPT: AcceptData,
    SyncItem.Kind.PAYMENT: PaymentData,
    SyncItem.Kind.ACT: ActData,
    SyncItem.Kind.OUTCOME: OutcomeData,
    SyncItem.Kind.ATTACHMENT: AttachmentData,
    SyncItem.Kind.CONSENT: ConsentData,
    SyncItem.Kind.WALK_IN: WalkInData,
    SyncItem.Kind.NO_SHOW: NoShowData,
}


class ItemHead(_Strict):
    id: uuid.UUID
    seq: Annotated[int, Field(ge=0, le=MAX_ID, strict=True)]
    kind: ItemKind
    stop_id: Id
    # At a fixed-point session's stop: whom the action is about (the day's `attendees[].attendee_id`,
    # or the UUID the laptop gave a walk-in). Never sent for a home visit.
    attendee_id: uuid.UUID | None = None
    at: DeviceTime
    data: dict


# -- the per-field reasons in Ukrainian ---------------------------------------------------------

FIELD_LABELS = {
    "id": _l("ідентифікатор дії"), "seq": _l("порядковий номер дії"), "kind": _l("вид дії"), "stop_id": _l("зупинка"),
    "at": _l("час на пристрої"), "data": _l("дані"), "latitude": _l("широта"), "longitude": _l("довгота"),
    "services": _l("послуги"), "service_id": _l("послуга"), "provisional_number": _l("тимчасовий номер"),
    "delivery": _l("спосіб отримання результату"), "documents": _l("документи"), "document_id": _l("документ"),
    "present": _l("документ наявний"), "sheets": _l("кількість аркушів"), "method": _l("спосіб оплати"),
    "receipt": _l("номер квитанції / чека"), "amount": _l("сума"), "act_id": _l("ідентифікатор акта"),
    "description": _l("що сталося"), "witness_name": _l("свідок"), "witness_role": _l("хто свідок"),
    "outcome": _l("результат візиту"), "note": _l("примітка"), "video_consent": _l("згода на відеозапис"),
    "video_consent_at": _l("час згоди на відеозапис"),
    "evidence": _l("підтвердження категорії"), "document": _l("документ"), "reference": _l("номер і дата"),
    "seen": _l("документ побачили"),
    "attachment_id": _l("ідентифікатор файлу"), "content_type": _l("тип файлу"), "size": _l("розмір файлу"),
    "sha256": _l("контрольна сума SHA-256"), "taken_at": _l("час знімка"),
    "name": _l("ім'я людини"), "how": _l("як дано згоду"),
    "attendee_id": _l("людина на прийомі"), "phone": _l("телефон"), "birth_date": _l("дата народження"),
    "consent_how": _l("як дано згоду"), "not_a_duplicate": _l("це інша людина"),
}


def _where(loc):
    parts = []
    for part in loc:
        if isinstance(part, int):
            parts.append(_("№%(n)d") % {"n": part + 1})
        elif part in FIELD_LABELS:
            parts.append(str(FIELD_LABELS[part]))
        else:
            # A key the contract does not know: show it shortened, it is the sender's own text.
            parts.append(repr(str(part)[:40]))
    return " → ".join(parts)


def _why(error):
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "missing":
        return _("не вказано")
    if kind == "extra_forbidden":
        return _("невідоме поле")
    if kind in ("string_too_long", "too_long"):
        return _("задовге: не більше %(n)s") % {"n": ctx.get("max_length")}
    if kind in ("string_too_short", "too_short"):
        return _("заповніть це поле") if isinstance(error.get("input"), str) else _("порожній список")
    if kind in ("string_type", "string_pattern_mismatch"):
        return _("неправильний формат")
    if kind.startswith("uuid"):
        return _("має бути ідентифікатор UUID")
    if kind.startswith(("int_", "decimal_parsing", "decimal_type", "float_")) or kind in ("int_type",):
        return _("має бути число")
    if kind == "finite_number":
        return _("має бути звичайне число")
    if kind in ("greater_than_equal", "greater_than"):
        return _("не менше %(n)s") % {"n": ctx.get("ge", ctx.get("gt"))}
    if kind in ("less_than_equal", "less_than"):
        return _("не більше %(n)s") % {"n": ctx.get("le", ctx.get("lt"))}
    if kind in ("decimal_max_places", "decimal_max_digits", "decimal_whole_digits"):
        return _("не більше двох знаків після коми")
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace(" or ", ", ")
        return _("недопустиме значення; можна: %(v)s") % {"v": expected}
    if kind.startswith("bool"):
        return _("має бути так або ні (true / false)")
    if kind == "timezone_aware":
        return _("потрібні дата й час із часовим поясом")
    if kind.startswith(("datetime", "date")):
        return _("потрібні дата й час у форматі ISO 8601, наприклад 2026-05-12T10:30:00+03:00")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return _("має бути об'єкт")
    if kind == "list_type":
        return _("має бути список")
    if kind == "value_error":
        return str(ctx.get("error", error.get("msg", "")))
    return _("неправильне значення")


def reasons(exc, prefix=()):
    """Per-field reasons of a pydantic ValidationError, in Ukrainian, at most ten."""
    lines = []
    for error in exc.errors(include_url=False)[:10]:
        where = _where(tuple(prefix) + tuple(error["loc"]))
        why = _why(error)
        lines.append(f"{where}: {why}" if where else why)
    return lines


def validate_item(raw):
    """(head, data, []) for a valid item, else (None, None, [reason, …])."""
    if not isinstance(raw, dict):
        return None, None, [_("дія має бути об'єктом JSON")]
    try:
        head = ItemHead.model_validate(raw)
    except ValidationError as exc:
        return None, None, reasons(exc)
    try:
        data = DATA_MODELS[head.kind].model_validate(head.data)
    except ValidationError as exc:
        return head, None, reasons(exc, ("data",))
    return head, data, []


# -- the answer, for the published schema -------------------------------------------------------

class ItemResult(Schema):
    id: str | None
    state: ItemState
    replayed: bool
    code: str
    message: str
    result: dict


class DeviceState(Schema):
    revoked: bool
    message: str


class SyncAnswer(Schema):
    server_time: datetime
    clock_offset_s: int
    notice: str
    device: DeviceState
    results: list[ItemResult]


class Problem(Schema):
    """An answer that is not the endpoint's own: why, for the person (401, 403, 413…)."""

    detail: str


class DeviceGrant(Schema):
    """What the server makes of the laptop's device token (field/sync/devices.py). `token` is given
    once, in the answer that issued it; `user_id` is who is logged in, so a shared laptop keeps one
    token per person."""

    id: str
    state: Literal[DEVICE_STATES]
    user_id: int
    token: str
    message: str


class DeviceRefusal(Schema):
    """403: the laptop's device may not do this (pending, revoked, no token, …); `detail` says what to do."""

    detail: str
    device: DeviceGrant


def problems(*statuses):
    """`{status: Problem}` for the error answers an endpoint may give, so the published schema has them."""
    return dict.fromkeys(statuses, Problem)


class SyncItemDoc(BaseModel):
    """One outbox item; `data` depends on `kind` (see the ADR)."""

    id: uuid.UUID
    seq: int = Field(ge=0)
    kind: ItemKind
    stop_id: int
    at: DeviceTime
    data: StartData | AcceptData | PaymentData | ActData | OutcomeData | AttachmentData


class SyncEnvelopeDoc(BaseModel):
    device_id: uuid.UUID
    sent_at: DeviceTime
    items: list[SyncItemDoc]


def inline_schema(model):
    """The model's JSON schema with its $defs inlined, to sit inside the OpenAPI document."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def walk(node):
        if isinstance(node, dict):
            ref = node.get("$ref")
            if ref and ref.startswith("#/$defs/"):
                return walk(dict(defs[ref.rsplit("/", 1)[1]]))
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(schema)


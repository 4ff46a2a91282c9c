"""The server side of the field client's sync (docs/adr/0007-field-client-and-sync.md).

`process_batch` applies a device's outbox items one by one in `seq` order. Each item is applied in
its own transaction together with its `SyncItem` (primary key = the UUID the device made), so:

- a replay finds the stored item and returns its stored result, changing nothing;
- an item that cannot be applied is stored anyway (quarantined, refused or held as a conflict) with a
  message in Ukrainian, and never blocks the items after it;
- nothing is half-applied: an item's effects and its SyncItem commit together or not at all.

The coordinator resolves what is held with `resolve_apply` / `resolve_close`, and revokes a lost
laptop with `revoke_device`.

Decisions beyond the ADR, in one place:
- Services a visit may accept or take payment for: those of the request, and also any active
  catalogue service allowed for the mobile suitcase from a provider of the community or a national
  one (a person often asks for one more certificate at the door); a service needing a partner
  specialist only if the trip's team has one from that provider. Any other id is "not found".
- `visit.start`, `visit.act` and `attachment.declare` are facts about the visit and are recorded even
  when the request was withdrawn meanwhile (the act and the photos are evidence); `visit.accept`,
  `visit.payment` and `visit.outcome` on a withdrawn request are held as `request_withdrawn`.
- `resolve_apply` of a withdrawn request's acceptance registers the cases and leaves the request's
  status as the coordinator set it (rejected / needs_info): the journal records what was accepted
  at the door, the request's status records the coordinator's own decision, and the history of the
  sync item says who applied it and when.
- A not-served outcome on a request that a newer plan already put on another trip leaves it
  scheduled there instead of sending it back to the pool.
"""

import json
import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from catalogue.models import Service
from journal import actions as journal_actions
from journal.models import Case
from planning.models import Plan, Stop
from visits import actions as visit_actions
from visits.models import RequestedService, Status

from . import attachments, tasks
from .models import (
    SERVED_OUTCOMES,
    AcceptedService,
    Device,
    IncidentAct,
    Outcome,
    Payment,
    PaymentMethod,
    SyncItem,
    Visit,
)
from .schemas import MAX_ID, validate_item

logger = logging.getLogger(__name__)

State = SyncItem.State
CLOCK_NOTICE_S = 10 * 60
# Status a request may be in when the device's acceptance or outcome arrives and is held instead:
# rejected / withdrawn, or sent back for information (and maybe back to "new" after it).
WITHDRAWN = (Status.REJECTED, Status.NEEDS_INFO, Status.NEW)
ATTENTION = (State.CONFLICT, State.QUARANTINED, State.REFUSED)
# Items whose UUID was unreadable are stored under a name made from their content, so a replay of
# the same junk finds the same row instead of piling up.
_JUNK_NAMESPACE = uuid.UUID("6f1c1d0e-3b5a-4f7e-9a51-0c2f4e1a7b10")

_MAX_DEPTH, _MAX_TEXT, _MAX_LIST, _MAX_KEYS = 8, 6000, 200, 100


class ItemProblem(Exception):
    """An item that is not applied: quarantined, refused or held, with its code and message."""

    def __init__(self, state, code, message, result=None):
        super().__init__(message)
        self.state, self.code, self.message, self.result = state, code, message, result or {}


class ReviewError(ValueError):
    """A coordinator's action that cannot be done; the message is for them."""


class ForeignDevice(Exception):
    """The device id belongs to another community's device."""


def _quarantine(code, message):
    return ItemProblem(State.QUARANTINED, code, message)


# -- storing what arrived, safely -----------------------------------------------------------------

def _safe_text(value):
    # PostgreSQL stores neither NUL nor a lone surrogate; both may arrive in JSON.
    return value.replace("\x00", "\ufffd").encode("utf-8", "replace").decode("utf-8")


def safe_payload(value, depth=0):
    """A copy of what the device sent that any database can store: bounded in depth and size."""
    if depth > _MAX_DEPTH:
        return "…"
    if isinstance(value, dict):
        return {_safe_text(str(k))[:100]: safe_payload(v, depth + 1) for k, v in list(value.items())[:_MAX_KEYS]}
    if isinstance(value, list):
        return [safe_payload(v, depth + 1) for v in value[:_MAX_LIST]]
    if isinstance(value, str):
        return _safe_text(value)[:_MAX_TEXT]
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if abs(value) < 10**18 else str(value)[:40]
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else str(value)
    return _safe_text(str(value))[:200]


def _canonical(payload):
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _as_datetime(value):
    if isinstance(value, datetime):
        return value
    parsed = parse_datetime(str(value))
    if parsed is None or timezone.is_naive(parsed):
        raise ValueError("sent_at")
    return parsed


# -- devices --------------------------------------------------------------------------------------

def register_device(user, device_id, *, user_agent="", now=None):
    """The device as the server knows it, recorded on first sight; last_seen kept current."""
    now = now or timezone.now()
    device_id = uuid.UUID(str(device_id))
    device, created = Device.objects.get_or_create(
        pk=device_id,
        defaults={"community_id": user.community_id, "user": user, "user_agent": user_agent[:300],
                  "first_seen": now, "last_seen": now},
    )
    if device.community_id != user.community_id:
        raise ForeignDevice(device_id)
    if not created:
        # One laptop may be shared by the team's administrators: it belongs to whoever last used it.
        device.last_seen, device.user = now, user
        if user_agent:
            device.user_agent = user_agent[:300]
        device.save(update_fields=["last_seen", "user", "user_agent"])
    return device


def revoked_message(device):
    from communities.models import Community

    phone = Community.objects.filter(pk=device.community_id).values_list("phone", flat=True).first()
    text = _("Доступ цього ноутбука до роботи на виїзді відкликав координатор %(when)s. Нові дії з нього не "
             "приймаються, але все надіслане збережено. Не видаляйте дані з ноутбука і зателефонуйте координатору")
    text %= {"when": timezone.localtime(device.revoked_at).strftime("%d.%m.%Y %H:%M")}
    return (text + (f": {phone}." if phone else ".")).strip()


def revoke_device(device, by, reason):
    """The coordinator takes a lost or stolen laptop out of the field work."""
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError(_("Напишіть, чому відкликаєте доступ пристрою."))
    if len(reason) > 300 or "\x00" in reason:
        raise ReviewError(_("Причина задовга або містить недопустимі символи (до 300 символів)."))
    with transaction.atomic():
        locked = Device.objects.select_for_update().get(pk=device.pk)
        if locked.community_id != by.community_id:
            raise ReviewError(_("Пристрій не знайдено."))
        if locked.revoked_at:
            raise ReviewError(_("Доступ цього пристрою вже відкликано."))
        locked.revoked_at, locked.revoked_by, locked.revoke_reason = timezone.now(), by, reason
        locked.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    device.__dict__.update({k: v for k, v in locked.__dict__.items() if k != "_state"})
    return device


# -- the batch ------------------------------------------------------------------------------------

@dataclass
class Batch:
    user: object
    device: object
    received_at: datetime
    offset: timedelta
    notice: str = ""
    # Per batch: the stored items among the batch's ids (one query), and each stop with whether the
    # user is on its team (a day's batch names the same 30 stops again and again).
    known: dict = field(default_factory=dict)
    stops: dict = field(default_factory=dict)
    memo: dict = field(default_factory=dict)

    @property
    def offset_s(self):
        return round(self.offset.total_seconds())

    def effective(self, at):
        # Device time corrected by the device's offset, never later than the moment we received it.
        return min(at + self.offset, self.received_at)


@dataclass
class Ctx:
    """What one item's apply function works with."""

    user: object  # who did it at the door
    device: object
    item: SyncItem
    head: object
    data: object
    stop: Stop
    at: datetime  # device clock
    effective_at: datetime  # our best belief of when it happened
    force: bool = False  # the coordinator said "apply anyway"
    # Catalogue rows read once per batch (a day's batch names the same few services again and
    # again); the sync itself never changes them.
    memo: dict = field(default_factory=dict)

    @property
    def request(self):
        return self.stop.request

    def corrected(self, device_time):
        """Another device time of this item (a photo's), corrected like `at`."""
        return min(device_time + timedelta(seconds=self.item.clock_offset_s), self.item.received_at)


def clock_notice(offset_s):
    if abs(offset_s) <= CLOCK_NOTICE_S:
        return ""
    minutes = abs(offset_s) // 60
    direction = _("поспішає") if offset_s < 0 else _("відстає")
    return _("Годинник ноутбука %(dir)s на %(h)d год %(m)d хв. Час ваших дій виправлено за часом сервера; "
             "перевірте дату й час у налаштуваннях ноутбука.") % {"dir": direction, "h": minutes // 60, "m": minutes % 60}


def process_batch(user, device_id, sent_at, items, *, received_at=None, user_agent=""):
    """Apply a device's batch; returns (answer dict, HTTP status)."""
    received_at = received_at or timezone.now()
    sent_at = _as_datetime(sent_at)
    offset = received_at - sent_at
    try:
        device = register_device(user, device_id, user_agent=user_agent, now=received_at)
    except ForeignDevice:
        message = _("Цей ноутбук не зареєстровано у вашій громаді, тож дії з нього не приймаються. "
                    "Зателефонуйте координатору.")
        results = [{"id": _shown_id(raw), "state": State.REFUSED.value, "replayed": False, "code": "device_revoked",
                    "message": message, "result": {}} for raw in items]
        return _answer(received_at, round(offset.total_seconds()), "", True, message, results), 403
    batch = Batch(user=user, device=device, received_at=received_at, offset=offset)
    batch.notice = clock_notice(batch.offset_s)

    ids = [i for i in (_client_id(raw) for raw in items) if i is not None]
    batch.known = {item.pk: item for item in SyncItem.objects.filter(pk__in=ids)} if ids else {}
    order = sorted(range(len(items)), key=lambda i: (_seq_key(items[i]), i))
    results = [_process_one(batch, items[i]) for i in order]

    revoked = device.revoked_at is not None
    if revoked:
        status = 403
    elif all(r["state"] in (State.APPLIED, State.RESOLVED) for r in results):
        status = 200
    else:
        status = 422
    return _answer(timezone.now(), batch.offset_s, batch.notice, revoked,
                   revoked_message(device) if revoked else "", results), status


def _answer(server_time, offset_s, notice, revoked, message, results):
    return {"server_time": server_time, "clock_offset_s": offset_s, "notice": notice,
            "device": {"revoked": revoked, "message": message}, "results": results}


def _seq_key(raw):
    seq = raw.get("seq") if isinstance(raw, dict) else None
    return seq if isinstance(seq, int) and not isinstance(seq, bool) and 0 <= seq <= MAX_ID else MAX_ID + 1


def _client_id(raw):
    value = raw.get("id") if isinstance(raw, dict) else None
    if isinstance(value, str) and len(value) <= 64:
        try:
            return uuid.UUID(value)
        except ValueError:
            return None
    return None


def _shown_id(raw):
    value = raw.get("id") if isinstance(raw, dict) else None
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return _safe_text(str(value))[:64]
    return None


def _result_of(item, *, replayed, shown_id=None):
    return {"id": shown_id or str(item.pk), "state": item.state, "replayed": replayed, "code": item.code,
            "message": item.message, "result": item.result}


def _replay(batch, existing, payload, shown_id):
    if existing.community_id != batch.user.community_id:
        # Another community's item under this UUID: say nothing about it.
        return {"id": shown_id, "state": State.QUARANTINED.value, "replayed": False, "code": "duplicate_id",
                "message": _("Дію з таким ідентифікатором уже отримано з іншого пристрою, тож цю не прийнято. "
                             "Повідомте координатора."), "result": {}}
    answer = _result_of(existing, replayed=True, shown_id=shown_id)
    if _canonical(existing.payload) != _canonical(payload):
        answer["message"] = " ".join(filter(None, [answer["message"], _(
            "Увага: під цим самим ідентифікатором раніше надіслано інші дані. Сервер тримається першого запису; "
            "якщо потрібна зміна, зробіть її на ноутбуці як нову дію.")]))
    return answer


def _process_one(batch, raw):
    # Stored as sent; what is not an object is wrapped (a JSON null would be SQL NULL).
    payload = safe_payload(raw) if isinstance(raw, dict) else {"item": safe_payload(raw)}
    item_id = _client_id(raw)
    shown_id = _shown_id(raw)
    if item_id is None:
        item_id = uuid.uuid5(_JUNK_NAMESPACE, f"{batch.device.pk}:{_canonical(payload)}")
    existing = batch.known.get(item_id)
    if existing is not None:
        return _replay(batch, existing, payload, shown_id)
    head, data, errors = validate_item(raw)
    try:
        with transaction.atomic():
            # Inserted after its effects (one write instead of insert + update): the rows that point
            # at it are checked at commit (deferred foreign keys), and a second sync racing the same
            # UUID meets the primary key there, which rolls this item's effects back with it.
            item = SyncItem(
                id=item_id, community_id=batch.user.community_id, device=batch.device, user=batch.user,
                kind=head.kind if head else _safe_text(str(raw.get("kind", "") if isinstance(raw, dict) else ""))[:30],
                device_seq=_seq_key(raw) if _seq_key(raw) <= MAX_ID else 0, payload=payload,
                device_at=head.at if head else None, received_at=batch.received_at,
                effective_at=batch.effective(head.at) if head else None, clock_offset_s=batch.offset_s,
                state=State.APPLIED,
            )
            _apply_new(batch, item, head, data, errors)
            item.save(force_insert=True)
        batch.known[item.pk] = item
    except IntegrityError:
        # Another request stored the same UUID first (two syncs racing): its result is the answer.
        existing = SyncItem.objects.filter(pk=item_id).first()
        if existing is None:
            raise
        return _replay(batch, existing, payload, shown_id)
    return _result_of(item, replayed=False, shown_id=shown_id)


def _apply_new(batch, item, head, data, errors):
    """Set the item's state, code, message and result; its effects are applied in a savepoint."""
    try:
        if batch.device.revoked_at is not None:
            raise ItemProblem(State.REFUSED, "device_revoked", revoked_message(batch.device))
        if errors:
            raise _quarantine("invalid", _("Дані цієї дії неправильні, тож її не прийнято: %(why)s.")
                              % {"why": "; ".join(errors)})
        if head.stop_id not in batch.stops:
            try:
                stop = find_stop(batch.user.community_id, head.stop_id)
            except ItemProblem as problem:
                batch.stops[head.stop_id] = problem
            else:
                batch.stops[head.stop_id] = (stop, stop.trip.team.members.filter(pk=batch.user.pk).exists())
        if isinstance(batch.stops[head.stop_id], ItemProblem):
            raise batch.stops[head.stop_id]
        stop, on_team = batch.stops[head.stop_id]
        item.stop = stop
        if not on_team:
            raise ItemProblem(State.REFUSED, "not_on_team", _(
                "Вас уже немає в команді «%(team)s», яка працює на цьому виїзді, тож дію не прийнято. Її збережено, "
                "і координатор вирішить, що з нею робити. Зателефонуйте координатору.") % {"team": stop.trip.team.name})
        ctx = Ctx(user=batch.user, device=batch.device, item=item, head=head, data=data, stop=stop,
                  at=head.at, effective_at=item.effective_at, memo=batch.memo)
        with transaction.atomic():
            code, message, result = APPLY[head.kind](ctx)
        item.state, item.code, item.message, item.result = State.APPLIED, code, message, result
    except ItemProblem as problem:
        item.state, item.code, item.message, item.result = problem.state, problem.code, problem.message, problem.result
    except Exception:
        # A bug or a database refusal must not lose the item nor answer 500: hold it for the coordinator.
        logger.exception("field sync item %s could not be applied", item.pk)
        item.state, item.code, item.result = State.CONFLICT, "server_error", {}
        item.message = _("Сервер не зміг обробити цю дію. Її збережено, координатор розгляне її; "
                         "повторювати нічого не потрібно.")
    if batch.notice and item.state != State.REFUSED:
        item.message = " ".join(filter(None, [item.message, batch.notice]))


def find_stop(community_id, stop_id):
    """A visit stop of a published (or since superseded) plan of the community, else "not found"."""
    stop = (Stop.objects.select_related("trip__team__office", "trip__plan", "request")
            .filter(pk=stop_id, trip__plan__week__community_id=community_id,
                    trip__plan__state__in=(Plan.State.PUBLISHED, Plan.State.SUPERSEDED))
            .first())
    if stop is None:
        # Another community's stop answers exactly like one that does not exist.
        raise _quarantine("not_found", _("Зупинку №%(id)s не знайдено. Завантажте день заново, коли буде зв'язок, "
                                         "і повідомте координатора.") % {"id": stop_id})
    if stop.request_id is None:
        raise _quarantine("not_a_visit", _("Зупинка №%(id)s — прийом у пункті за графіком, а не візит додому; "
                                           "дії візиту до неї не записуються.") % {"id": stop_id})
    return stop


# -- rules shared by the kinds --------------------------------------------------------------------

def _day(moment):
    return timezone.localtime(moment).strftime("%d.%m.%Y")


def _visit(ctx):
    visit, created = Visit.objects.get_or_create(
        stop=ctx.stop,
        defaults={"community_id": ctx.item.community_id,
                  "request_id": ctx.stop.request_id, "recorded_by": ctx.user, "device": ctx.device},
    )
    # A new row is ours; SQLite's transactions already hold the write lock (IMMEDIATE), so only a
    # server with row locks reads it again, locked.
    if created or not connection.features.has_select_for_update:
        return visit
    return Visit.objects.select_for_update().get(pk=visit.pk)


def _check_withdrawn(ctx):
    """Hold an acceptance, payment or outcome for a request withdrawn while the device was offline."""
    if ctx.force:
        return
    req = ctx.request
    req.refresh_from_db(fields=["status", "reject_reason"])
    if req.status not in WITHDRAWN:
        return
    if req.status == Status.REJECTED:
        what = _("відхилено або відкликано")
    else:
        what = _("повернуто на уточнення")
    raise ItemProblem(State.CONFLICT, "request_withdrawn", _(
        "Поки ноутбук був без зв'язку, заявку %(n)s %(what)s. Вашу дію збережено й передано координатору: він "
        "вирішить, чи зареєструвати прийняте біля дверей. Повторювати нічого не потрібно.")
        % {"n": req.number, "what": what})


def _moved(ctx):
    """(code, message, result) when a newer plan took the request elsewhere; the visit still counts."""
    plan = ctx.stop.trip.plan
    if plan.state != Plan.State.SUPERSEDED:
        return "", "", {}
    other = (Stop.objects.select_related("trip__team")
             .filter(request_id=ctx.stop.request_id, trip__plan__state=Plan.State.PUBLISHED)
             .exclude(pk=ctx.stop.pk).first())
    if other is not None:
        message = _("У новій версії плану заявку %(n)s поставлено на %(day)s (команда «%(team)s»). Ваш візит "
                    "записано; той виїзд до цієї людини вже не потрібен, координатор це побачить.") % {
            "n": ctx.request.number, "day": other.trip.day.strftime("%d.%m.%Y"), "team": other.trip.team.name}
        return "request_moved", message, {"moved_to": {"stop_id": other.pk, "day": other.trip.day.isoformat(),
                                                       "team": other.trip.team.name}}
    message = _("Заявку %(n)s знято з нової версії плану, але ваш візит записано.") % {"n": ctx.request.number}
    return "request_moved", message, {"moved_to": None}


def _memo(ctx, key, load):
    if key not in ctx.memo:
        ctx.memo[key] = load()
    return ctx.memo[key]


def _service(ctx, service_id):
    """The catalogue service a visit may deal with (see the module docstring), else "not found"."""
    community_id = ctx.item.community_id
    service = _memo(ctx, ("service", service_id), lambda: (
        Service.objects.select_related("provider")
        .filter(pk=service_id)
        .filter(Q(provider__community_id=community_id) | Q(provider__community__isnull=True))
        .first()))
    if service is None:
        raise _quarantine("not_found", _("Послугу №%(id)s не знайдено в каталозі громади.") % {"id": service_id})
    requested = _memo(ctx, ("requested", ctx.stop.request_id), lambda: set(
        RequestedService.objects.filter(request_id=ctx.stop.request_id).values_list("service_id", flat=True)))
    if service.pk in requested:
        return service
    if not (service.is_active and service.mobile_allowed):
        raise _quarantine("service_not_mobile", _("Послугу «%(s)s» не можна надати мобільною валізою, тож її не "
                                                  "прийнято. Людині потрібно звернутися до ЦНАП.") % {"s": service.name})
    if service.needs_partner and not ctx.stop.trip.team.partner_providers.filter(pk=service.provider_id).exists():
        raise _quarantine("needs_partner", _("Послугу «%(s)s» приймає фахівець-партнер від «%(p)s», а його немає в "
                                             "команді цього виїзду.") % {"s": service.name, "p": service.provider})
    return service


def _second_edit(ctx, earlier):
    """What to do when a stop already has this record: "replace" or "superseded", or raise edited_twice.

    `earlier` is the SyncItem that wrote the record (None when a coordinator did, or it is gone).
    """
    if ctx.force:
        return "replace"
    if earlier is not None and earlier.device_id == ctx.device.pk:
        return "replace" if ctx.head.seq > earlier.device_seq else "superseded"
    return None


def _combine(*parts):
    codes = [p[0] for p in parts if p[0]]
    message = " ".join(p[1] for p in parts if p[1])
    result = {}
    for p in parts:
        result.update(p[2])
    return (codes[0] if codes else ""), message, result


SUPERSEDED_MESSAGE = _("Пізніший запис з цього ноутбука вже змінив це; цей, давніший, збережено в історії без змін.")


# -- the kinds ------------------------------------------------------------------------------------

def apply_start(ctx):
    visit = _visit(ctx)
    fields = []
    # The earliest start wins: a second "start" is a tap on a reloaded page, not a new visit.
    if visit.started_at is None or ctx.effective_at < visit.started_at:
        visit.started_at, visit.device_started_at = ctx.effective_at, ctx.at
        fields += ["started_at", "device_started_at"]
    if ctx.data.latitude is not None and ctx.data.longitude is not None and visit.latitude is None:
        visit.latitude, visit.longitude = ctx.data.latitude, ctx.data.longitude
        fields += ["latitude", "longitude"]
    if fields:
        visit.save(update_fields=fields)
    moved = _moved(ctx)
    return _combine(moved, ("", "", {"visit_id": visit.pk, "started_at": visit.started_at.isoformat()}))


def apply_accept(ctx):
    req = ctx.request
    lines = []
    for line in ctx.data.services:
        service = _service(ctx, line.service_id)
        catalogue = _memo(ctx, ("documents", service.pk), lambda s=service: {d.pk: d for d in s.documents.all()})
        for doc in line.documents:
            if doc.document_id not in catalogue:
                raise _quarantine("not_found", _("Документ №%(d)s не належить до послуги «%(s)s».")
                                  % {"d": doc.document_id, "s": service.name})
        lines.append((line, service, catalogue))
    _check_withdrawn(ctx)
    visit = _visit(ctx)
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
                raise _quarantine("journal", str(exc)) from None
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
    if new_ids:
        tasks.schedule_case_files(new_ids)
    own = ("", "", {"visit_id": visit.pk, "cases": cases})
    if again:
        own = ("already_registered", _("Уже зареєстровано раніше: %(s)s. Повертаємо наявні номери справ, другої "
                                       "справи не створено.") % {"s": ", ".join(again)}, own[2])
    return _combine(own, _moved(ctx))


def _money(amount):
    return number_format(amount, decimal_pos=2)


def apply_payment(ctx):
    data = ctx.data
    service = _service(ctx, data.service_id)
    if not service.is_paid:
        raise _quarantine("not_paid", _("Послуга «%(s)s» безоплатна, тож оплату не записано.") % {"s": service.name})
    _check_withdrawn(ctx)
    visit = _visit(ctx)
    payment = Payment.objects.select_for_update(of=("self",)).select_related("item").filter(
        visit=visit, service=service).first()
    result = {"visit_id": visit.pk, "service_id": service.pk}
    notes = []
    if data.amount != service.fee:
        notes.append(_("Сума %(a)s грн відрізняється від вартості послуги (%(f)s грн); оплату записано, "
                       "координатор перевірить.") % {"a": _money(data.amount), "f": _money(service.fee)})
    if payment is not None:
        same = (payment.method, payment.receipt, payment.amount) == (data.method, data.receipt, data.amount)
        if same:
            return "", _("Цю оплату вже записано; нічого не змінено."), {**result, "payment_id": payment.pk}
        rule = _second_edit(ctx, payment.item)
        if rule is None:
            raise ItemProblem(State.CONFLICT, "edited_twice", _(
                "Оплату за «%(s)s» уже записано з іншого ноутбука: %(m1)s, %(a1)s грн. Ваш запис (%(m2)s, %(a2)s грн) "
                "збережено й передано координатору, він вирішить, який правильний.") % {
                "s": service.name, "m1": PaymentMethod(payment.method).label, "a1": _money(payment.amount),
                "m2": PaymentMethod(data.method).label, "a2": _money(data.amount)},
                {**result, "recorded": {"method": payment.method, "receipt": payment.receipt,
                                        "amount": str(payment.amount)}})
        if rule == "superseded":
            return "superseded", SUPERSEDED_MESSAGE, {**result, "payment_id": payment.pk}
        payment.method, payment.receipt, payment.amount = data.method, data.receipt, data.amount
        payment.recorded_at, payment.device_at, payment.item = ctx.effective_at, ctx.at, ctx.item
        payment.save(update_fields=["method", "receipt", "amount", "recorded_at", "device_at", "item"])
        notes.insert(0, _("Попередній запис оплати замінено цим (історію збережено)."))
    else:
        payment = Payment.objects.create(visit=visit, service=service, method=data.method, receipt=data.receipt,
                                         amount=data.amount, recorded_at=ctx.effective_at, device_at=ctx.at,
                                         item=ctx.item)
    return _combine(("", " ".join(notes), {**result, "payment_id": payment.pk}), _moved(ctx))


def apply_act(ctx):
    data = ctx.data
    visit = _visit(ctx)
    existing = IncidentAct.objects.filter(pk=data.act_id).first()
    if existing is not None:
        if existing.visit_id != visit.pk:
            raise _quarantine("duplicate_id", _("Акт із таким ідентифікатором уже записано для іншого візиту."))
        return "", _("Цей акт уже записано."), {"visit_id": visit.pk, "act_id": str(existing.pk)}
    act = IncidentAct.objects.create(id=data.act_id, visit=visit, kind=data.kind, description=data.description,
                                     witness_name=data.witness_name, witness_role=data.witness_role,
                                     happened_at=ctx.effective_at, device_at=ctx.at, drawn_up_by=ctx.user)
    return _combine(("", "", {"visit_id": visit.pk, "act_id": str(act.pk)}), _moved(ctx))


def _status_for(ctx, outcome, moved_elsewhere):
    """The request's new status for an outcome, and the comment for its history."""
    when = _day(ctx.effective_at)
    if outcome == Outcome.SERVED:
        return Status.SERVED, _("Візит %(d)s: обслуговано.") % {"d": when}
    if outcome == Outcome.PARTLY_SERVED:
        return Status.PARTLY_SERVED, _("Візит %(d)s: обслуговано частково.") % {"d": when}
    if moved_elsewhere:
        return None, ""
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
        if req.status == Status.ACCEPTED and target in (Status.SERVED, Status.PARTLY_SERVED):
            # A newer plan dropped it back into the pool, yet the visit happened: it is served.
            visit_actions.change_status(req, Status.SCHEDULED, by=ctx.user,
                                        comment=_("Візит відбувся за попередньою версією плану."))
        visit_actions.change_status(req, target, by=ctx.user, comment=comment)
    except visit_actions.TransitionError as exc:
        return False, str(exc)
    return True, ""


def apply_outcome(ctx):
    data = ctx.data
    _check_withdrawn(ctx)
    visit = _visit(ctx)
    moved = _moved(ctx)
    notes = []
    if visit.outcome:
        if visit.outcome == data.outcome and visit.outcome_note == data.note:
            return _combine(("", _("Цей результат уже записано; нічого не змінено."),
                             {"visit_id": visit.pk, "outcome": visit.outcome}), moved)
        earlier = SyncItem.objects.filter(pk=visit.outcome_item_id).first() if visit.outcome_item_id else None
        rule = _second_edit(ctx, earlier)
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
    moved_elsewhere = bool(moved[2].get("moved_to"))
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
    visit.video_consent_at = ctx.effective_at if data.video_consent else None
    visit.save(update_fields=["outcome", "outcome_note", "finished_at", "device_finished_at", "outcome_item",
                              "recorded_by", "device", "video_consent_at"])
    if target == Status.ACCEPTED and ok:
        notes.append(_("Заявка повернулася до планування."))
    elif moved_elsewhere and data.outcome not in SERVED_OUTCOMES:
        notes.append(_("Заявка лишається на новому виїзді."))
    # _move_request read the request afresh and change_status kept it current: no third read.
    own = ("", " ".join(notes), {"visit_id": visit.pk, "outcome": visit.outcome, "request_status": ctx.request.status})
    return _combine(own, moved)


def apply_attachment(ctx):
    data = ctx.data
    service = _service(ctx, data.service_id) if data.service_id else None
    visit = _visit(ctx)
    taken_at = ctx.corrected(data.taken_at) if data.taken_at else None
    try:
        attachment = attachments.declare(visit, data.model_dump(), user=ctx.user, device=ctx.device,
                                         service=service, taken_at=taken_at)
    except attachments.AttachmentError as exc:
        raise _quarantine("attachment", str(exc)) from None
    return _combine(("", "", {"visit_id": visit.pk, "attachment_id": str(attachment.pk),
                              "received": attachment.received, "state": attachment.state}), _moved(ctx))


APPLY = {
    "visit.start": apply_start,
    "visit.accept": apply_accept,
    "visit.payment": apply_payment,
    "visit.act": apply_act,
    "visit.outcome": apply_outcome,
    "attachment.declare": apply_attachment,
}


# -- the coordinator ------------------------------------------------------------------------------

def attention(community_id):
    """Items that wait for the coordinator, oldest first."""
    return (SyncItem.objects.filter(community_id=community_id, state__in=ATTENTION)
            .select_related("user", "device", "stop__trip__team", "stop__request")
            .order_by("received_at", "device_seq"))


def _locked_for_review(item, by):
    locked = SyncItem.objects.select_for_update().filter(pk=item.pk, community_id=by.community_id).first()
    if locked is None:
        raise ReviewError(_("Дію не знайдено."))
    if locked.state not in ATTENTION:
        raise ReviewError(_("Цю дію вже вирішено."))
    return locked


def resolve_apply(item, by):
    """Apply a held item anyway (e.g. register what a withdrawn request's visit accepted).

    The rules that held it (withdrawn request, edit from another device, revoked device, not on the
    team) are set aside; the data must still be valid and its ids known. The acting user stays the
    field administrator who did it at the door; the coordinator is recorded as who resolved it.
    """
    with transaction.atomic():
        locked = _locked_for_review(item, by)
        head, data, errors = validate_item(locked.payload)
        if errors:
            raise ReviewError(_("Дані цієї дії неправильні, застосувати їх не можна: %(why)s.") % {"why": "; ".join(errors)})
        try:
            stop = find_stop(locked.community_id, head.stop_id)
            ctx = Ctx(user=locked.user or by, device=locked.device, item=locked, head=head, data=data, stop=stop,
                      at=locked.device_at or head.at, effective_at=locked.effective_at or head.at, force=True)
            with transaction.atomic():
                _code, message, result = APPLY[head.kind](ctx)
        except ItemProblem as problem:
            raise ReviewError(problem.message) from None
        locked.stop = stop
        locked.state, locked.result = State.RESOLVED, result
        locked.message = " ".join(filter(None, [_("Координатор застосував цю дію."), message]))
        locked.resolved_at, locked.resolved_by = timezone.now(), by
        locked.resolution = _("Застосовано попри конфлікт.")
        locked.save()
    return locked


def resolve_close(item, by, note):
    """Close a held item without applying it, with the coordinator's note."""
    note = (note or "").strip()
    if not note:
        raise ReviewError(_("Напишіть, чому закриваєте дію без застосування."))
    if len(note) > 2000 or "\x00" in note:
        raise ReviewError(_("Примітка задовга або містить недопустимі символи (до 2000 символів)."))
    with transaction.atomic():
        locked = _locked_for_review(item, by)
        locked.state = State.RESOLVED
        locked.message = " ".join(filter(None, [_("Координатор закрив цю дію без застосування: %(n)s") % {"n": note}]))
        locked.resolved_at, locked.resolved_by, locked.resolution = timezone.now(), by, note
        locked.save()
    return locked

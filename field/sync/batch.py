"""The batch engine: a device's outbox items applied one by one, each exactly once.

Each item is applied in its own transaction together with its `SyncItem` (primary key = the UUID
the device made); `APPLY` names the handler of each kind (one module per kind in this package).
"""

import json
import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import TypeAdapter, ValidationError

from catalogue.models import Service
from communities.models import Community
from people import authorisation
from planning.models import Plan, Stop
from teams import rosters

from ..models import SyncItem
from ..schemas import MAX_ID, DeviceTime, validate_item
from . import accept, act, attachment, clock, consent, no_show, outcome, payment, reception, rules, start, walk_in
from .devices import revoked_message
from .errors import ItemProblem, State, quarantine
from .rules import Ctx

logger = logging.getLogger(__name__)

CLOCK_NOTICE_S = 10 * 60

# Items whose UUID was unreadable are stored under a name made from their content, so a replay of
# the same junk finds the same row instead of piling up.
_JUNK_NAMESPACE = uuid.UUID("6f1c1d0e-3b5a-4f7e-9a51-0c2f4e1a7b10")

_MAX_DEPTH, _MAX_TEXT, _MAX_LIST, _MAX_KEYS = 8, 6000, 200, 100

APPLY = {
    "visit.start": start.apply,
    "visit.accept": accept.apply,
    "visit.payment": payment.apply,
    "visit.act": act.apply,
    "visit.outcome": outcome.apply,
    "attachment.declare": attachment.apply,
    "person.consent": consent.apply,
    "session.walk_in": walk_in.apply,
    "session.no_show": no_show.apply,
}


def run(ctx):
    """Apply one item: at a fixed-point session's stop, first find whom it is about (reception)."""
    reception.resolve(ctx)
    return APPLY[ctx.head.kind](ctx)


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


_DEVICE_TIME = TypeAdapter(DeviceTime)


def read_sent_at(value):
    """The batch's `sent_at`, as strict as an item's time; ValueError otherwise."""
    if isinstance(value, datetime) and not timezone.is_naive(value):
        return value
    try:
        return _DEVICE_TIME.validate_python(value)
    except ValidationError:
        raise ValueError("sent_at") from None


# -- the batch ------------------------------------------------------------------------------------

@dataclass
class Batch:
    user: object
    device: object
    sent_at: datetime
    received_at: datetime
    offset: timedelta
    community: object = None
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


def clock_notice(offset_s):
    if abs(offset_s) <= CLOCK_NOTICE_S:
        return ""
    minutes = abs(offset_s) // 60
    direction = _("поспішає") if offset_s < 0 else _("відстає")
    return _("Годинник ноутбука %(dir)s на %(h)d год %(m)d хв. Час ваших дій виправлено за часом сервера; "
             "перевірте дату й час у налаштуваннях ноутбука.") % {"dir": direction, "h": minutes // 60, "m": minutes % 60}


def process_batch(user, device, sent_at, items, *, received_at=None):
    """Apply a batch the admitted `device` (field/sync/devices.py) sent for `user`; returns (answer
    dict, HTTP status). A revoked device's items are stored as refused, for the coordinator."""
    if device.user_id != user.pk:
        raise ValueError("the device is not the user's")
    received_at = received_at or timezone.now()
    sent_at = read_sent_at(sent_at)
    batch = Batch(user=user, device=device, sent_at=sent_at, received_at=received_at, offset=received_at - sent_at,
                  community=Community.objects.get(pk=user.community_id))
    batch.notice = clock_notice(batch.offset_s)

    ids = [i for i in (_client_id(raw) for raw in items) if i is not None]
    batch.known = {item.pk: item for item in SyncItem.objects.filter(pk__in=ids)} if ids else {}
    _load_stops(batch, [raw for raw in items if _client_id(raw) not in batch.known])
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
            if head is not None:
                # Not applied, but the coordinator sees whose visit it is about.
                found = _stop_of(batch, head.stop_id)
                item.stop = None if isinstance(found, ItemProblem) else found[0]
            raise ItemProblem(State.REFUSED, "device_revoked", revoked_message(batch.device))
        if errors:
            raise quarantine("invalid", _("Дані цієї дії неправильні, тож її не прийнято: %(why)s.")
                             % {"why": "; ".join(errors)})
        found = _stop_of(batch, head.stop_id)
        if isinstance(found, ItemProblem):
            raise found
        stop, on_team = found
        item.stop = stop
        if not on_team:
            raise ItemProblem(State.REFUSED, "not_on_team", _(
                "Вас уже немає в команді «%(team)s», яка працює на цьому виїзді, тож дію не прийнято. Її збережено, "
                "і координатор вирішить, що з нею робити. Зателефонуйте координатору.") % {"team": stop.trip.team.name})
        problem = rules.partner_problem(batch.user, stop, head.kind)  # issue 12: a partner, own provider only
        if problem is not None:
            raise problem
        # Issue 16: an order expired or revoked reaches the laptop here (people/authorisation.py).
        verdict = authorisation.judge_item(batch.user, batch.community, stop.trip.day, item.effective_at,
                                           batch.memo.setdefault("orders", {}))
        if not verdict.ok:
            if verdict.hold:
                raise ItemProblem(State.CONFLICT, "authorisation_revoked", verdict.message)
            raise ItemProblem(State.REFUSED, "not_authorised", verdict.message)
        _check_scope(batch, head, data, stop)
        clock.check(at=head.at, corrected=item.effective_at, sent_at=batch.sent_at, received_at=batch.received_at,
                    stop=stop, community=batch.community)
        ctx = Ctx(user=batch.user, device=batch.device, item=item, head=head, data=data, stop=stop,
                  at=head.at, effective_at=item.effective_at, memo=batch.memo)
        with transaction.atomic():
            code, message, result = run(ctx)
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


def _check_scope(batch, head, data, stop):
    """Issue 16: a service accepted or paid for must be within the scope of the user's order."""
    if head.kind == "visit.accept":
        ids = [line.service_id for line in data.services]
    elif head.kind == "visit.payment":
        ids = [data.service_id]
    else:
        return
    outside = authorisation.outside_scope(batch.user, batch.community, stop.trip.day, ids,
                                          batch.memo.setdefault("orders", {}))
    if outside:
        names = ", ".join(sorted(Service.objects.filter(pk__in=outside).values_list("name_uk", flat=True))) or "—"
        raise ItemProblem(State.REFUSED, "outside_scope", _(
            "Ваш наказ про допуск не охоплює цю послугу (%(names)s), тож дію не прийнято. Її збережено, координатор "
            "вирішить, що з нею робити. Зателефонуйте координатору.") % {"names": names})


def _stop_of(batch, stop_id):
    """(stop, whether the user is on its team), or the problem finding it; once per batch and stop
    (`_load_stops` has read the batch's stops already; one it did not name is read here)."""
    if stop_id not in batch.stops:
        try:
            stop = find_stop(batch.user.community_id, stop_id)
        except ItemProblem as problem:
            batch.stops[stop_id] = problem
        else:
            batch.stops[stop_id] = (stop, _on_team(batch, stop))
    return batch.stops[stop_id]


def _on_team(batch, stop):
    # The team on that day: a substitute for the day is on it, a member on leave is not. Read once per
    # batch and day (a day's batch names the same day again and again).
    teams = batch.memo.setdefault("member_teams", {})
    day = stop.trip.day
    if day not in teams:
        teams[day] = rosters.member_teams(batch.user, day)
    return stop.trip.team_id in teams[day]


def _load_stops(batch, items):
    """Read every stop the new items name in one query (a stop query is cheap to run but costly to plan:
    nine tables), so that an item costs its own transaction only."""
    wanted = set()
    for raw in items:
        value = raw.get("stop_id") if isinstance(raw, dict) else None
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID:
            wanted.add(value)
    if not wanted:
        return
    found = {stop.pk: stop for stop in _stops(batch.user.community_id).filter(pk__in=wanted).order_by()}
    for stop_id in wanted:
        stop = found.get(stop_id)
        batch.stops[stop_id] = _not_found(stop_id) if stop is None else (stop, _on_team(batch, stop))


def _stops(community_id):
    """Stops (home visits, or fixed-point sessions' receptions) of the published (or since superseded)
    plans of the community, with what an item needs of them."""
    return (Stop.objects.select_related("trip__team__office", "trip__plan", "request", "session__fixed_point")
            .filter(trip__plan__week__community_id=community_id,
                    trip__plan__state__in=(Plan.State.PUBLISHED, Plan.State.SUPERSEDED)))


def _not_found(stop_id):
    # Another community's stop answers exactly like one that does not exist.
    return quarantine("not_found", _("Зупинку №%(id)s не знайдено. Завантажте день заново, коли буде зв'язок, "
                                     "і повідомте координатора.") % {"id": stop_id})


def find_stop(community_id, stop_id):
    """A stop (a home visit, or a fixed-point session's reception) of a published (or since superseded)
    plan of the community, else "not found"."""
    stop = _stops(community_id).filter(pk=stop_id).order_by().first()
    if stop is None:
        raise _not_found(stop_id)
    return stop

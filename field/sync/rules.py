"""What an item kind is applied with (`Ctx`) and the rules the kinds share: the visit row, a
request withdrawn or moved meanwhile, the services a visit may deal with, a second edit of a
record, and how several (code, message, result) answers combine."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.roles import provider_scope
from catalogue.models import Service
from planning.models import Plan, Stop
from visits.models import RequestedService, Status

from ..models import SyncItem, Visit
from .errors import ItemProblem, State, quarantine

# Status a request may be in when the device's acceptance or outcome arrives and is held instead:
# rejected / withdrawn, or sent back for information (and maybe back to "new" after it).
WITHDRAWN = (Status.REJECTED, Status.NEEDS_INFO, Status.NEW)


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
    # At a fixed-point session's stop (reception.resolve): the person and their request.
    attendee: object = None
    req: object = None
    # Catalogue rows read once per batch (a day's batch names the same few services again and
    # again); the sync itself never changes them.
    memo: dict = field(default_factory=dict)

    @property
    def request(self):
        return self.req if self.req is not None else self.stop.request

    def corrected(self, device_time):
        """Another device time of this item (a photo's), corrected like `at`."""
        return min(device_time + timedelta(seconds=self.item.clock_offset_s), self.item.received_at)


def visit_for(ctx):
    """The visit row of the item's stop and person, locked for the item's transaction (one query when it
    exists: read FOR UPDATE; a new row is ours). SQLite ignores the lock: its transactions already hold
    the write lock (IMMEDIATE)."""
    visit, _created = Visit.objects.select_for_update().get_or_create(
        stop=ctx.stop, request_id=ctx.request.pk,
        defaults={"community_id": ctx.item.community_id, "recorded_by": ctx.user, "device": ctx.device},
    )
    return visit


def check_withdrawn(ctx):
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


def request_moved(ctx):
    """(code, message, result) when a newer plan took the request elsewhere; the visit still counts."""
    plan = ctx.stop.trip.plan
    if plan.state != Plan.State.SUPERSEDED or ctx.stop.session_id is not None:
        # A reception's person is served where they came; a revised plan does not move them.
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


def memo(ctx, key, load):
    if key not in ctx.memo:
        ctx.memo[key] = load()
    return ctx.memo[key]


def allowed_service(ctx, service_id):
    """The catalogue service a visit may deal with (see the package docstring), else "not found"."""
    community_id = ctx.item.community_id
    service = memo(ctx, ("service", service_id), lambda: (
        Service.objects.select_related("provider")
        .filter(pk=service_id)
        .filter(Q(provider__community_id=community_id) | Q(provider__community__isnull=True))
        .first()))
    if service is None or not provider_allows(ctx.user, service):
        # A partner specialist's laptop naming another provider's service: as if it did not exist.
        raise quarantine("not_found", _("Послугу №%(id)s не знайдено в каталозі громади.") % {"id": service_id})
    requested = memo(ctx, ("requested", ctx.request.pk), lambda: set(
        RequestedService.objects.filter(request_id=ctx.request.pk).values_list("service_id", flat=True)))
    if service.pk in requested:
        return service
    if not (service.is_active and service.mobile_allowed):
        raise quarantine("service_not_mobile", _("Послугу «%(s)s» не можна надати мобільною валізою, тож її не "
                                                 "прийнято. Людині потрібно звернутися до ЦНАП.") % {"s": service.name})
    if service.needs_partner and not ctx.stop.trip.team.partner_providers.filter(pk=service.provider_id).exists():
        raise quarantine("needs_partner", _("Послугу «%(s)s» приймає фахівець-партнер від «%(p)s», а його немає в "
                                            "команді цього виїзду.") % {"s": service.name, "p": service.provider})
    return service


# What a partner specialist (accounts.roles.PROVIDER_SCOPED) records at a joint visit: the start (the client
# records it before any action; the earliest start wins), the person's consent, their own provider's services
# and the document photos for them. The visit's outcome, payment and acts are the field administrator's.
PARTNER_KINDS = {SyncItem.Kind.START, SyncItem.Kind.CONSENT, SyncItem.Kind.ACCEPT, SyncItem.Kind.ATTACHMENT}


def provider_allows(user, service):
    provider = provider_scope(user)
    return provider is None or service.provider_id == provider


def partner_problem(user, stop, kind):
    """Why a partner specialist may not send `kind` for `stop` (an ItemProblem), or None: the stop must
    hold a service of their provider (else it is "not found", like another provider's case)."""
    provider = provider_scope(user)
    if provider is None:
        return None
    if not RequestedService.objects.filter(request_id=stop.request_id, service__provider_id=provider).exists():
        return quarantine("not_found", _("Зупинку №%(id)s не знайдено. Завантажте день заново, коли буде зв'язок, "
                                         "і повідомте координатора.") % {"id": stop.pk})
    if kind not in PARTNER_KINDS:
        return ItemProblem(State.REFUSED, "partner_not_allowed", _(
            "Фахівець-партнер приймає лише заяви на послуги свого суб'єкта надання; результат візиту, оплату й акт "
            "записує адміністратор виїзду. Дію збережено, координатор її побачить."))
    return None


def second_edit(ctx, earlier):
    """What to do when a stop already has this record: "replace" or "superseded", or raise edited_twice.

    `earlier` is the SyncItem that wrote the record (None when a coordinator did, or it is gone).
    """
    if ctx.force:
        return "replace"
    if earlier is not None and earlier.device_id == ctx.device.pk:
        return "replace" if ctx.head.seq > earlier.device_seq else "superseded"
    return None


def combine(*parts):
    codes = [p[0] for p in parts if p[0]]
    message = " ".join(p[1] for p in parts if p[1])
    result = {}
    for p in parts:
        result.update(p[2])
    return (codes[0] if codes else ""), message, result


SUPERSEDED_MESSAGE = _("Пізніший запис з цього ноутбука вже змінив це; цей, давніший, збережено в історії без змін.")


def check_person_consent(ctx):
    """A request becomes a case only with the person's OWN consent to processing (their data incl.
    health data; Law «Про захист персональних даних» art. 7, 11): given when they filed it, or taken
    at the door (`person.consent`). A neighbour's agreement is not it. The coordinator cannot set
    this aside: the item waits until the consent arrives, then it can be applied."""
    req = ctx.request
    req.refresh_from_db(fields=["person_consent_at"])
    if req.person_consent_at is not None:
        return
    raise ItemProblem(State.CONFLICT, "no_person_consent", _(
        "Заявку %(n)s подала інша людина, а згоди самої людини на обробку її даних ще немає. Спершу "
        "запитайте згоду в людини і позначте її на ноутбуці. Вашу дію збережено й передано координатору: "
        "коли згоду буде записано, він її застосує.") % {"n": req.number})

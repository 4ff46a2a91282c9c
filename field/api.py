"""The field client's API endpoints (ADR 7): the day's trips to load, and the batch sync of the outbox.

Both need a session login with `field.work` and the laptop's device token (header
`X-Valiza-Device-Token`, field/sync/devices.py): the first load of a day from a laptop with none
issues it; a pending, revoked or unknown device is refused with what to do (`DeviceRefusal`), except
that what a revoked laptop sends is stored for the coordinator. Writes carry the CSRF token the day
gives. The day's content is made by `day.py` (its schema: `day_schemas.py`); the sync's contract is
`schemas.py`, its rules the `sync` package. Every answer, errors too, is declared here for the
published schema, and none is kept by a cache (core/nostore.py).
"""

import json
import uuid
from typing import Annotated

from django.conf import settings
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Header, Router, Status

from accounts.access import Capability
from audit.log import API_VIEW, record_access_many
from core.dates import iso_date
from people import authorisation

from . import day as field_day
from . import schemas
from .day_schemas import Day
from .sync import batch, devices

router = Router(tags=["field"])

# The device token as each endpoint declares it (the published schema lists it as a header).
DeviceToken = Annotated[str, Header(alias=devices.TOKEN_HEADER, description=(
    "The laptop's device token, issued by the first GET /day without one (field/sync/devices.py)."))]


def admit(request, token, *, may_issue=False):
    """The request's `devices.Admission`."""
    return devices.admit(request.auth, request.session, token.strip(), may_issue=may_issue,
                         user_agent=request.headers.get("User-Agent", ""))


def refusal(request, admission):
    """The 403 answer of a device that may not do this."""
    return Status(403, {"detail": admission.message, "device": admission.grant(request.auth)})


@router.get("/day", response={200: Day, 403: schemas.DeviceRefusal | schemas.Problem, **schemas.problems(400, 401)},
            auth=Capability("field.work"))
def day(request, date: str = "", token: DeviceToken = ""):
    """The user's published trips of the day (default today), with everything to work offline."""
    the_day = iso_date(date) if date else timezone.localdate()
    if the_day is None:
        return Status(400, {"detail": _("Такої дати немає. Дата має бути справжньою, у форматі РРРР-ММ-ДД, "
                                        "наприклад 2026-05-12.")})
    admission = admit(request, token, may_issue=True)
    if not admission.ok:
        return refusal(request, admission)
    # Issue 16: no order in force that day (expired, revoked, not signed): no day's work to load.
    refused = authorisation.day_refusal(request.auth, the_day)
    if refused:
        return Status(403, {"detail": refused})
    answer, shown = field_day.day_answer(request.auth, the_day, get_token(request))
    answer["device"] = admission.grant(request.auth)
    record_access_many(request, shown, API_VIEW)
    return Status(200, answer)


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
    try:
        sent_at = batch.read_sent_at(envelope.get("sent_at"))
    except ValueError:
        return _bad(_("Час надсилання (sent_at) має бути датою й часом ISO 8601 з часовим поясом, наприклад "
                      "2026-05-12T10:30:00+03:00."))
    return device_id, sent_at, items


@router.post("/sync", response={200: schemas.SyncAnswer, 422: schemas.SyncAnswer,
                                403: schemas.SyncAnswer | schemas.DeviceRefusal | schemas.Problem,
                                **schemas.problems(400, 401, 413)},
             auth=Capability("field.work"),
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/json": {"schema": schemas.inline_schema(schemas.SyncEnvelopeDoc)}}}})
def sync_batch(request, token: DeviceToken = ""):
    """Apply the device's outbox items; one result per item (see ADR 7 for states and codes)."""
    received_at = timezone.now()
    admission = admit(request, token)
    # A revoked laptop's items are stored for the coordinator (refused, never applied).
    if not (admission.ok or admission.state == "revoked"):
        return refusal(request, admission)
    parsed = read_envelope(request)
    if len(parsed) == 2:
        return Status(*parsed)
    device_id, sent_at, items = parsed
    if device_id != admission.device.pk:
        return Status(*_bad(_("Ідентифікатор ноутбука в пакеті не той, що в його допуску. Нічого не збережено; "
                              "завантажте виїзди заново.")))
    answer, status = batch.process_batch(request.auth, admission.device, sent_at, items, received_at=received_at)
    return Status(status, answer)

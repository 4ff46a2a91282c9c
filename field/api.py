"""The field client's API endpoints (ADR 7): the day's trips to load, and the batch sync of the outbox.

Both need a session login with `field.work`; writes carry the CSRF token the day gives. Every
request carries `X-Valiza-Device: <uuid>`, recorded on first sight; a revoked device gets 403.
The day's content is made by `day.py` (its schema: `day_schemas.py`); the sync's contract is
`schemas.py`, its rules the `sync` package. Every answer, errors too, is declared here for the published schema.
"""

import json
import uuid

from django.conf import settings
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from ninja import Router, Status

from accounts.access import Capability
from audit.log import API_VIEW, record_access_many

from . import day as field_day
from . import schemas
from .day_schemas import Day
from .sync import batch, devices

router = Router(tags=["field"])
DEVICE_HEADER = "X-Valiza-Device"


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
        device = devices.register_device(request.auth, device_id, user_agent=request.headers.get("User-Agent", ""))
    except devices.ForeignDevice:
        return None, (403, {"detail": _("Цей ноутбук не зареєстровано у вашій громаді. Зателефонуйте координатору.")})
    if device.revoked_at:
        return device, (403, {"detail": devices.revoked_message(device)})
    return device, None


@router.get("/day", response={200: Day, **schemas.problems(400, 401, 403)}, auth=Capability("field.work"))
def day(request, date: str = ""):
    """The user's published trips of the day (default today), with everything to work offline."""
    the_day = parse_date(date) if date else timezone.localdate()
    if the_day is None:
        return Status(400, {"detail": _("Дата має бути у форматі РРРР-ММ-ДД, наприклад 2026-05-12.")})
    _device, error = _device_from_header(request, required=False)
    if error:
        return Status(*error)
    answer, shown = field_day.day_answer(request.auth, the_day, get_token(request))
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
    raw_sent = envelope.get("sent_at")
    sent_at = parse_datetime(raw_sent) if isinstance(raw_sent, str) and len(raw_sent) <= 64 else None
    if sent_at is None or timezone.is_naive(sent_at):
        return _bad(_("Час надсилання (sent_at) має бути датою й часом ISO 8601 з часовим поясом."))
    return device_id, sent_at, items


@router.post("/sync", response={200: schemas.SyncAnswer, 422: schemas.SyncAnswer,
                                403: schemas.SyncAnswer | schemas.Problem, **schemas.problems(400, 401, 413)},
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
    answer, status = batch.process_batch(request.auth, device_id, sent_at, items, received_at=received_at,
                                        user_agent=request.headers.get("User-Agent", ""))
    return Status(status, answer)

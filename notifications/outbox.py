"""The SMS outbox. Every message to a citizen is queued here and sent by the background worker;
views, tasks and commands call these functions, never the model or a gateway directly.

- `enqueue` queues a message once per `dedup_key`, however often it is asked.
- `send_due` sends what is due, claiming one message at a time so that two workers never send the
  same one, and retries what failed with a growing pause.
- `retry` and `cancel` are the coordinator's actions.

A message is sent at most once (ADR 5): it is marked `sending` with a claim token before the
gateway is called and `sent` after. If the worker dies in between, or the gateway's answer is lost,
nobody knows whether the SMS went out, so the message becomes failed with `outcome_unknown` and
waits for a person — unless the gateway itself recognises a repeat (TurboSMS `sequence_id`).
"""

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.forms import normalize_phone
from core.logs import Safe
from core.tasks import enqueue_on_commit

from .gateways import GatewayError, Outgoing, get_gateway
from .models import Channel, Kind, OutboxMessage, SmsOptOut, State

logger = logging.getLogger(__name__)

MAX_TEXT = 1000
MAX_EMAIL_TEXT = 10000
MAX_BACKOFF = timedelta(hours=6)


class OutboxError(Exception):
    """An action the outbox refuses; the message is for the user."""


def related_ref(obj):
    """How a message names the record it is about: "visits.visitrequest:42"."""
    return f"{obj._meta.label_lower}:{obj.pk}"


def enqueue(*, community, recipient, text, dedup_key, kind=Kind.OTHER, related="",
            not_before=None, wake=True):
    """Queue one SMS unless a message with `dedup_key` exists; returns (message, created).

    A second call with the same key returns the first message untouched, whatever its state: a
    changed plan is a new notification with its own key (kind "correction"), not an edit.
    `not_before` holds the message back (a reminder for the day before). With `wake=False` the
    caller queues many and calls `wake_sender()` once.
    """
    recipient = normalize_phone(recipient)
    text = text.strip()
    if not text or len(text) > MAX_TEXT:
        raise ValueError(f"SMS text must be 1–{MAX_TEXT} characters")
    if not dedup_key:
        raise ValueError("dedup_key is required")
    if isinstance(related, models.Model):
        related = related_ref(related)
    opted_out = opted_out_since(community, recipient)
    skipped = {}
    if opted_out is not None:
        # Kept, never sent: the page shows staff that this person was not texted, and why.
        skipped = {"state": State.SKIPPED, "last_error": _(
            "Не надсилалося: з цього номера відмовилися від SMS (%(day)s). Повідомте людину телефоном."
        ) % {"day": timezone.localtime(opted_out).strftime("%d.%m.%Y")}}
    message, created = OutboxMessage.objects.get_or_create(
        dedup_key=dedup_key,
        defaults={
            "community": community, "recipient": recipient, "text": text, "kind": kind,
            "related_object": related, "next_attempt_at": not_before or timezone.now(), **skipped,
        },
    )
    if created and wake and message.state == State.QUEUED:
        wake_sender(run_after=message.next_attempt_at)
    return message, created


def opted_out_since(community, phone):
    """When `phone` asked this community for no SMS, or None."""
    phone = normalize_phone(phone) if phone else ""
    if not phone:
        return None
    community_id = getattr(community, "pk", community)
    return SmsOptOut.objects.filter(community_id=community_id, phone=phone).values_list(
        "created_at", flat=True).first()


def opt_out(community, phone, *, source, by=None):
    """No more SMS to `phone` from this community; asking again changes nothing. Returns the row."""
    phone = normalize_phone(phone)
    if not phone:
        raise OutboxError(_("Немає номера телефону, з якого відмовитися від SMS."))
    row, _created = SmsOptOut.objects.get_or_create(
        community=community, phone=phone, defaults={"source": source, "by": by})
    return row


def opt_in(community, phone):
    """SMS to `phone` again (from the next message on; those skipped stay skipped). True if it had opted out."""
    phone = normalize_phone(phone) if phone else ""
    deleted, _detail = SmsOptOut.objects.filter(community=community, phone=phone).delete()
    return bool(deleted)


# One SMS part: 160 GSM-7 characters, or 70 in UCS-2 (any Cyrillic letter); a long text is cut into
# parts of 153 / 67 (the rest carries the joining header). Each part is paid for.
GSM7 = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
           "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")


def sms_parts(text):
    """How many SMS parts `text` takes."""
    if set(text) <= GSM7:
        single, part = 160, 153
    else:
        single, part = 70, 67
    if len(text) <= single:
        return 1
    return -(-len(text) // part)


def enqueue_email(*, community, recipient, subject, text, dedup_key, kind=Kind.OTHER, related="", wake=True):
    """Queue one e-mail, exactly like an SMS (`enqueue`): once per `dedup_key`, sent by the worker
    through Django's mail backend, shown in the outbox with its state and errors."""
    text = text.strip()
    if not recipient or "@" not in recipient:
        raise ValueError("an e-mail address is required")
    if not text or len(text) > MAX_EMAIL_TEXT:
        raise ValueError(f"e-mail text must be 1–{MAX_EMAIL_TEXT} characters")
    if not dedup_key:
        raise ValueError("dedup_key is required")
    if isinstance(related, models.Model):
        related = related_ref(related)
    message, created = OutboxMessage.objects.get_or_create(
        dedup_key=dedup_key,
        defaults={
            "community": community, "channel": Channel.EMAIL, "recipient": recipient.strip(),
            "subject": subject[:200], "text": text, "kind": kind, "related_object": related,
            "next_attempt_at": timezone.now(),
        },
    )
    if created and wake:
        wake_sender()
    return message, created


def wake_sender(run_after=None):
    """Ask the background worker to run `send_outbox` once the current transaction commits
    (not before `run_after`). A lost wake-up loses nothing: the message stays queued for the next
    run, or for `manage.py send_outbox`."""
    from .tasks import send_outbox

    enqueue_on_commit(send_outbox, run_after=run_after if run_after is not None and run_after > timezone.now() else None)


def backoff(attempts):
    """The pause after the n-th failed attempt: 1, 2, 4, … × VALIZA_OUTBOX_RETRY_SECONDS."""
    seconds = settings.VALIZA_OUTBOX_RETRY_SECONDS * 2 ** max(attempts - 1, 0)
    return min(timedelta(seconds=seconds), MAX_BACKOFF)


def send_due(now=None, limit=100, gateway=None):
    """Send up to `limit` messages that are due, oldest first; returns how many went which way.

    Safe to run in several workers at once: each message is claimed before it is sent.
    """
    clock = (lambda: now) if now is not None else timezone.now
    now = clock()
    gateway = gateway or get_gateway()
    counts = {"sent": 0, "retry": 0, "failed": 0, "unknown": 0, "stale": expire_stale(now)}
    next_wake = None
    skip = set()
    while counts["sent"] + counts["retry"] + counts["failed"] + counts["unknown"] < limit:
        message = _claim_next(now, clock, gateway, skip)
        if message is None:
            break
        outcome, retry_at = _send(message, gateway, clock)
        counts[outcome] += 1
        if retry_at is not None and (next_wake is None or retry_at < next_wake):
            next_wake = retry_at
    if next_wake is not None:
        wake_sender(run_after=next_wake)
    return counts


def claim(pk, *, token, now, gateway_name=""):
    """Make one due, queued message `sending` under `token`; True if this call did it.

    This conditional UPDATE is the claim on every database: of two workers that picked the same
    row, only the one whose UPDATE changes it from queued affects a row; the other gets 0 and moves
    on. (On PostgreSQL the row is also locked with SKIP LOCKED first, so workers don't wait.)
    """
    return OutboxMessage.objects.filter(
        pk=pk, state=State.QUEUED, next_attempt_at__lte=now
    ).update(
        state=State.SENDING, claim_token=token, claimed_at=timezone.now(),
        attempts=F("attempts") + 1, gateway=gateway_name,
    ) == 1


def _claim_next(now, clock, gateway, skip):
    due = OutboxMessage.objects.filter(state=State.QUEUED, next_attempt_at__lte=now)
    while True:
        candidates = due.exclude(pk__in=skip).order_by("next_attempt_at", "pk")
        token = uuid.uuid4().hex
        if connection.features.has_select_for_update_skip_locked:
            with transaction.atomic():
                pk = candidates.select_for_update(skip_locked=True).values_list("pk", flat=True).first()
                won = pk is not None and claim(pk, token=token, now=now, gateway_name=gateway.name)
        else:
            # SQLite has no row locks; the conditional UPDATE alone decides, in autocommit so that
            # no read-then-write transaction can deadlock with another worker's.
            pk = candidates.values_list("pk", flat=True).first()
            won = pk is not None and claim(pk, token=token, now=now, gateway_name=gateway.name)
        if pk is None:
            return None
        if won:
            return OutboxMessage.objects.get(pk=pk)
        skip.add(pk)


def _send_email(message):
    """One e-mail through Django's mail backend; returns the id recorded as the gateway's."""
    from django.core.mail import EmailMessage

    try:
        EmailMessage(message.subject, message.text, to=[message.recipient],
                     headers={"Message-ID": f"<{message.idempotency_key}@valiza>"}).send()
    except OSError as exc:  # smtplib's errors are OSErrors: refused before the message was taken
        raise GatewayError(_("Лист не надіслано: %(error)s") % {"error": exc or type(exc).__name__},
                           retry=True) from exc
    return f"email:{message.idempotency_key}"


def _send(message, gateway, clock):
    outgoing = Outgoing(message.recipient, message.text, str(message.idempotency_key))
    try:
        gateway_id = _send_email(message) if message.channel == Channel.EMAIL else gateway.send(outgoing)
    except GatewayError as exc:
        return _after_error(message, gateway, exc, clock)
    except Exception as exc:  # whatever broke, the gateway may have sent it
        logger.exception("SMS gateway %s failed on outbox message %s", Safe(gateway.name), message.pk)
        exc = GatewayError(_("Несподівана помилка: %(error)s") % {"error": exc or type(exc).__name__},
                           retry=False, maybe_sent=True)
        return _after_error(message, gateway, exc, clock)
    # Matched by claim token, not state: if a sweep took this for a dead worker meanwhile, the
    # truth (it was sent) still wins.
    done = OutboxMessage.objects.filter(pk=message.pk, claim_token=message.claim_token).update(
        state=State.SENT, sent_at=clock(), gateway_message_id=str(gateway_id)[:100],
        last_error="", outcome_unknown=False,
    )
    if not done:
        logger.error("Outbox message %s was sent (gateway id %s) after its claim was taken over",
                     message.pk, Safe(gateway_id))
    return "sent", None


def _after_error(message, gateway, exc, clock):
    error = str(exc)[:2000]
    mine = OutboxMessage.objects.filter(pk=message.pk, claim_token=message.claim_token)
    # Repeating is safe when the gateway surely did not take it, or recognises the repeat.
    may_repeat = exc.retry and (not exc.maybe_sent or gateway.idempotent)
    fresh_key = {} if exc.maybe_sent else {"idempotency_key": uuid.uuid4()}
    if may_repeat and message.attempts < settings.VALIZA_OUTBOX_MAX_ATTEMPTS:
        retry_at = clock() + backoff(message.attempts)
        mine.update(state=State.QUEUED, next_attempt_at=retry_at, last_error=error,
                    outcome_unknown=exc.maybe_sent, **fresh_key)
        return "retry", retry_at
    if may_repeat:
        error = _("Після %(n)s спроб: %(error)s") % {"n": message.attempts, "error": error}
    mine.update(state=State.FAILED, last_error=error, outcome_unknown=exc.maybe_sent, **fresh_key)
    return ("unknown" if exc.maybe_sent else "failed"), None


def expire_stale(now=None):
    """Messages left `sending` by a worker that died: failed, outcome unknown, for a person."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.VALIZA_OUTBOX_STALE_SECONDS)
    return OutboxMessage.objects.filter(state=State.SENDING, claimed_at__lt=cutoff).update(
        state=State.FAILED, outcome_unknown=True,
        last_error=_("Надсилання перервалося, тож невідомо, чи шлюз прийняв повідомлення. "
                     "Перевірте, перш ніж надсилати ще раз."),
    )


def recover(now=None):
    """The worker's recovery check (core/worker.py, at its start and every few minutes); returns how
    many messages were marked.

    A message left `sending` by a worker that died becomes failed with `outcome_unknown` ("may have
    arrived", expire_stale) — never queued again by itself. A due message that nobody woke the
    sender for (its wake-up died with a worker, or the queue could not be reached) wakes it.
    """
    from core.worker import task_pending

    from .tasks import send_outbox

    now = now or timezone.now()
    stale = expire_stale(now)
    due = OutboxMessage.objects.filter(state=State.QUEUED, next_attempt_at__lte=now).exists()
    if due and not task_pending(send_outbox):
        wake_sender()
    return stale


def retry(message, *, by, confirm=False):
    """Put a failed message back in the queue (the coordinator's button).

    One whose outcome is unknown may already be on the person's phone: it needs `confirm`.
    """
    if message.state != State.FAILED:
        raise OutboxError(_("Повторити можна лише ненадіслане повідомлення."))
    if message.outcome_unknown and not confirm:
        raise OutboxError(_("Це повідомлення, можливо, вже надійшло. Перевірте й підтвердьте "
                            "повторне надсилання."))
    now = timezone.now()
    # The idempotency key stays: if the first try did reach a gateway that de-duplicates, the
    # repeat is recognised there and not sent again.
    changed = OutboxMessage.objects.filter(pk=message.pk, state=State.FAILED).update(
        state=State.QUEUED, attempts=0, next_attempt_at=now, outcome_unknown=False,
        retried_by=by, retried_at=now,
    )
    if not changed:
        raise OutboxError(_("Повідомлення тим часом змінилося. Оновіть сторінку."))
    wake_sender()
    message.refresh_from_db()
    return message


def cancel(message):
    """Withdraw a message that has not gone out (the visit was cancelled); True if withdrawn."""
    changed = OutboxMessage.objects.filter(
        pk=message.pk, state__in=[State.QUEUED, State.FAILED]
    ).update(state=State.CANCELLED)
    message.refresh_from_db()
    return changed == 1

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    SCHEDULE = "schedule", _("Дата і час візиту")
    REMINDER = "reminder", _("Нагадування")
    CORRECTION = "correction", _("Зміна в графіку")
    # Issue 13: the person always knows where their request and case stand.
    RECEIVED = "received", _("Заявку отримано")
    NEEDS_INFO = "needs_info", _("Потрібні уточнення")
    REJECTED = "rejected", _("Заявку відхилено")
    RESULT = "result", _("Результат готовий")
    OTHER = "other", _("Інше")


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    # The published schedule to starostas and district councils (issue 12), through Django's mail backend.
    EMAIL = "email", _("Ел. пошта")


class State(models.TextChoices):
    QUEUED = "queued", _("У черзі")
    SENDING = "sending", _("Надсилається")
    SENT = "sent", _("Надіслано")
    FAILED = "failed", _("Не надіслано")
    CANCELLED = "cancelled", _("Скасовано")
    # The number asked for no SMS (SmsOptOut): the message is kept, never sent, with the reason.
    SKIPPED = "skipped", _("Не надсилалося: відмова від SMS")


class OutboxMessageQuerySet(models.QuerySet):
    def for_user(self, user):
        """Messages this member of staff may see: their own community's, nothing else."""
        if not getattr(user, "community_id", None):
            return self.none()
        return self.filter(community_id=user.community_id)


class OutboxMessage(models.Model):
    """One SMS to one person, kept from the moment it is decided until the gateway took it.

    Rows are written only by `notifications.outbox`; `dedup_key` makes queueing idempotent and the
    claim (state `sending` + `claim_token`) makes sending at-most-once (ADR 5).
    """

    community = models.ForeignKey(
        "communities.Community", on_delete=models.PROTECT, related_name="outbox_messages"
    )
    channel = models.CharField(_("канал"), max_length=5, choices=Channel.choices, default=Channel.SMS)
    # SMS: E.164, e.g. +380671234567; e-mail: the address.
    recipient = models.CharField(_("кому"), max_length=254)
    subject = models.CharField(_("тема (ел. пошта)"), max_length=200, blank=True)
    text = models.TextField(_("текст"), max_length=10000)
    kind = models.CharField(_("вид"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    # What the message is about, as "app_label.model:pk" (e.g. "visits.visitrequest:42").
    related_object = models.CharField(_("стосується"), max_length=100, blank=True)
    # Names the notification itself (e.g. "plan:7:request:42:published"): the same key is never
    # queued twice, whoever asks and however often.
    dedup_key = models.CharField(max_length=200, unique=True)

    state = models.CharField(
        _("стан"), max_length=10, choices=State.choices, default=State.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("спроб"), default=0)
    last_error = models.TextField(_("остання помилка"), blank=True)
    # The gateway may have accepted the message although we could not record it: a worker died
    # mid-send, or the gateway's answer was lost. Never resent automatically (ADR 5).
    outcome_unknown = models.BooleanField(_("можливо, вже надіслано"), default=False)
    next_attempt_at = models.DateTimeField(_("наступна спроба"), default=timezone.now)
    # The gateway's de-duplication key (TurboSMS `sequence_id`). Kept while a send may have reached
    # the gateway, so a repeat is recognised; renewed after the gateway clearly refused.
    idempotency_key = models.UUIDField(default=uuid.uuid4, editable=False)
    claim_token = models.CharField(max_length=32, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    gateway = models.CharField(_("шлюз"), max_length=20, blank=True)
    gateway_message_id = models.CharField(_("номер у шлюзі"), max_length=100, blank=True)
    sent_at = models.DateTimeField(_("надіслано"), null=True, blank=True)
    created_at = models.DateTimeField(_("створено"), default=timezone.now, db_index=True)
    retried_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    retried_at = models.DateTimeField(null=True, blank=True)

    objects = OutboxMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("SMS-повідомлення")
        verbose_name_plural = _("SMS-повідомлення")
        ordering = ("-created_at", "-id")
        indexes = (
            models.Index(fields=["state", "next_attempt_at"]),
            models.Index(fields=["community", "-created_at"]),
        )

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient} ({self.get_state_display()})"

    @property
    def related_request_id(self):
        """The visit request this message is about, if it is about one (for a link)."""
        label, _sep, pk = self.related_object.partition(":")
        return int(pk) if label == "visits.visitrequest" and pk.isdigit() else None

    @property
    def can_retry(self):
        return self.state == State.FAILED


class SmsOptOut(models.Model):
    """A phone number that asked for no SMS from this community's CNAP.

    Per number, not per request: one phone (a neighbour's) may stand behind several people, and
    the person who owns it decides. The outbox keeps what it would have sent as `skipped`, with
    the reason, so staff see that the person was not texted and why (they call instead).
    """

    class Source(models.TextChoices):
        CITIZEN = "citizen", _("Сама людина на сторінці стану заявки")
        STAFF = "staff", _("Працівник ЦНАП зі слів людини")

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE, related_name="+")
    phone = models.CharField(_("телефон"), max_length=20)
    source = models.CharField(_("хто записав"), max_length=10, choices=Source.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+")
    created_at = models.DateTimeField(_("з"), default=timezone.now)

    class Meta:
        verbose_name = _("відмова від SMS")
        verbose_name_plural = _("відмови від SMS")
        constraints = (
            models.UniqueConstraint(fields=["community", "phone"], name="notifications_one_opt_out_per_phone"),
        )

    def __str__(self):
        return self.phone

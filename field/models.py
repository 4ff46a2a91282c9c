"""What the field administrator did at people's homes, as the offline client reported it.

Every change arrives as a SyncItem with the UUID the device gave it: the item is stored in the same
transaction as its effect, so a replay finds it and nothing is applied twice; an item the server
cannot apply is stored too (quarantined, refused or held as a conflict), so nothing entered at a
person's door is lost. See docs/adr/0007-field-client-and-sync.md.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.changes import TrackedModel, TrackedQuerySet

# One list of payment methods for the request form and for the door (seed 000 §1.5).
from visits.models import PaymentMethod


class Outcome(models.TextChoices):
    SERVED = "served", _("Обслуговано")
    PARTLY_SERVED = "partly_served", _("Обслуговано частково")
    NOT_AT_HOME = "not_at_home", _("Людини не було вдома")
    REFUSED = "refused", _("Людина відмовилася")
    CAPACITY_DOUBT = "capacity_doubt", _("Зупинено: сумнів щодо дієздатності")
    TECHNICAL_FAILURE = "technical_failure", _("Технічний збій")


SERVED_OUTCOMES = (Outcome.SERVED, Outcome.PARTLY_SERVED)


class Device(models.Model):
    """A field laptop (a browser profile) admitted to the field work by the server.

    The server issues the device on the first load of a day from a laptop that has no token: a
    random secret the laptop keeps and sends with every request, of which only the SHA-256 is kept
    here. The token belongs to one user and to the login session it was issued or last used in
    (`session_key`). Where the community asks for it, a new device waits for the coordinator's
    approval (`pending`). The coordinator revokes a device that was lost or stolen: its session is
    ended, the server refuses new work from it and says so, and keeps what it sent for review.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="field_devices")
    # Devices recorded before the server issued tokens have none, and can no longer be used.
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    session_key = models.CharField(max_length=40, blank=True, editable=False)
    user_agent = models.CharField(max_length=300, blank=True)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    pending = models.BooleanField(_("чекає підтвердження"), default=False)
    approved_at = models.DateTimeField(_("підтверджено"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    revoked_at = models.DateTimeField(_("доступ відкликано"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    revoke_reason = models.CharField(_("чому відкликано"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("пристрій виїзду")
        verbose_name_plural = _("пристрої виїзду")

    def __str__(self):
        return f"{self.user} · {str(self.id)[:8]}"


class SyncItem(models.Model):
    """One action from a device's outbox, with what the server made of it."""

    class Kind(models.TextChoices):
        START = "visit.start", _("Початок візиту")
        ACCEPT = "visit.accept", _("Прийняті заяви")
        PAYMENT = "visit.payment", _("Оплата")
        ACT = "visit.act", _("Акт")
        OUTCOME = "visit.outcome", _("Результат візиту")
        ATTACHMENT = "attachment.declare", _("Фото або відео")
        CONSENT = "person.consent", _("Згода людини на обробку даних")
        WALK_IN = "session.walk_in", _("Людина без запису в пункті прийому")
        NO_SHOW = "session.no_show", _("Не прийшла за записом")

    class State(models.TextChoices):
        APPLIED = "applied", _("Прийнято")
        QUARANTINED = "quarantined", _("Відхилено: помилка в даних")
        REFUSED = "refused", _("Відхилено: доступ відкликано")
        CONFLICT = "conflict", _("Чекає рішення координатора")
        RESOLVED = "resolved", _("Вирішено координатором")

    id = models.UUIDField(primary_key=True)  # made by the device; the unique key of idempotency
    community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, related_name="+")
    device = models.ForeignKey(Device, null=True, on_delete=models.PROTECT, related_name="items")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # An item the contract cannot read is stored too, with the kind it claimed (cut to 30 characters).
    kind = models.CharField(max_length=30, choices=Kind.choices)
    stop = models.ForeignKey("planning.Stop", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    device_seq = models.PositiveBigIntegerField(default=0)
    payload = models.JSONField()
    # Device clock, server clock, and the moment we believe it happened (device time corrected by the
    # device's clock offset measured when the batch arrived).
    device_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField()
    effective_at = models.DateTimeField(null=True, blank=True)
    clock_offset_s = models.IntegerField(default=0)
    state = models.CharField(max_length=12, choices=State.choices, db_index=True)
    code = models.CharField(max_length=40, blank=True)  # machine reason: "request_withdrawn", …
    message = models.TextField(blank=True)  # for the field administrator, in Ukrainian
    result = models.JSONField(default=dict, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    resolution = models.TextField(blank=True)

    class Meta:
        verbose_name = _("дія з пристрою")
        verbose_name_plural = _("дії з пристроїв")
        ordering = ("received_at", "device_seq")
        indexes = (models.Index(fields=["community", "state"]),)

    def __str__(self):
        return f"{self.kind} {self.id}"


class Visit(TrackedModel, models.Model):
    """What happened at one stop for one person: start, outcome and who recorded it. A home visit's
    stop has one; a fixed-point session's stop has one per person served there (issue 12)."""

    stop = models.ForeignKey("planning.Stop", on_delete=models.PROTECT, related_name="visits")
    community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, related_name="+")
    request = models.ForeignKey("visits.VisitRequest", on_delete=models.PROTECT, related_name="visits")
    started_at = models.DateTimeField(_("початок"), null=True, blank=True)
    device_started_at = models.DateTimeField(null=True, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    outcome = models.CharField(_("результат візиту"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("примітка"), blank=True)
    finished_at = models.DateTimeField(_("завершено"), null=True, blank=True)
    device_finished_at = models.DateTimeField(null=True, blank=True)
    # The item that last set the outcome: a later edit from the same device replaces it, one from
    # another device is a conflict.
    outcome_item = models.ForeignKey(SyncItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    device = models.ForeignKey(Device, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    video_consent_at = models.DateTimeField(_("згода на відеозапис"), null=True, blank=True)
    # The category's document, checked at the door when it was missing at intake (issue 11).
    evidence_document = models.CharField(_("документ, що підтверджує категорію"), max_length=300, blank=True)
    evidence_reference = models.CharField(_("номер і дата документа"), max_length=200, blank=True)
    evidence_seen = models.BooleanField(_("документ побачили на місці"), null=True, blank=True)

    # What the indicators count a visit by (core.changes: a change marks its weeks stale).
    TRACKED = ("community_id", "request_id", "stop_id", "started_at", "outcome")

    objects = TrackedQuerySet.as_manager()

    class Meta:
        verbose_name = _("візит")
        verbose_name_plural = _("візити")
        constraints = (models.UniqueConstraint(fields=["stop", "request"], name="field_one_visit_per_stop_person"),)
        # The indicators' periods: visits by the moment they started (indicators/figures.py).
        indexes = (
            models.Index(fields=["community", "started_at"], name="field_visit_started_at"),
            # A request's first visit (indicators: days from request to visit): an index probe per visit.
            models.Index(fields=["request", "started_at"], name="field_visit_request_started"),
        )

    def __str__(self):
        return f"{self.request} · {self.get_outcome_display() or '—'}"


class AcceptedService(TrackedModel, models.Model):
    """A service whose application was accepted at the visit, with the documents handed over.

    It is the source of the intake inventory (опис вхідного пакета документів) and becomes a Case.
    """

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="accepted")
    service = models.ForeignKey("catalogue.Service", on_delete=models.PROTECT, related_name="+")
    case = models.OneToOneField("journal.Case", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="accepted_service")
    # [{"document_id": 3, "name": "Паспорт", "present": true, "sheets": 2}, …] as ticked at the door.
    documents = models.JSONField(default=list)
    provisional_number = models.CharField(max_length=40, blank=True)
    item = models.ForeignKey(SyncItem, null=True, on_delete=models.SET_NULL, related_name="+")

    # The indicators count accepted services in the week of their visit (core.changes).
    TRACKED = ("visit_id", "service_id", "case_id")

    objects = TrackedQuerySet.as_manager()

    class Meta:
        constraints = (models.UniqueConstraint(fields=["visit", "service"], name="field_one_accept_per_service"),)

    def photo_progress(self):
        """How many document photos of this service (or of the whole visit) are expected and received;
        the journal's case page shows it while the photos PDF is not ready."""
        ours = Attachment.objects.filter(visit_id=self.visit_id, kind=Attachment.Kind.PHOTO).filter(
            Q(service=self.service_id) | Q(service__isnull=True))
        # Photos removed after their term (VALIZA_KEEP_SCANS_DAYS) are neither expected nor on their way.
        return {"expected": ours.exclude(state__in=(Attachment.State.REJECTED, Attachment.State.PURGED)).count(),
                "received": ours.filter(state=Attachment.State.COMPLETE).count(),
                "purged": ours.filter(state=Attachment.State.PURGED).count()}


class Payment(models.Model):
    """The fee for one paid service (seed 000 §1.5)."""

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="payments")
    service = models.ForeignKey("catalogue.Service", on_delete=models.PROTECT, related_name="+")
    method = models.CharField(_("спосіб оплати"), max_length=10, choices=PaymentMethod.choices)
    receipt = models.CharField(_("номер квитанції / чека"), max_length=60, blank=True)
    amount = models.DecimalField(_("сума, грн"), max_digits=9, decimal_places=2)
    recorded_at = models.DateTimeField()
    device_at = models.DateTimeField(null=True, blank=True)
    item = models.ForeignKey(SyncItem, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = (models.UniqueConstraint(fields=["visit", "service"], name="field_one_payment_per_service"),)


class IncidentAct(models.Model):
    """An act drawn up at the door (seed 000 §1.9): doubt about legal capacity, aggression, refusal."""

    class Kind(models.TextChoices):
        CAPACITY_DOUBT = "capacity_doubt", _("Сумнів щодо дієздатності")
        AGGRESSION = "aggression", _("Агресивна поведінка")
        REFUSAL = "refusal", _("Відмова")
        OTHER = "other", _("Інше")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="acts")
    kind = models.CharField(_("підстава"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("що сталося"))
    witness_name = models.CharField(_("свідок"), max_length=200)
    witness_role = models.CharField(_("хто свідок"), max_length=200)
    happened_at = models.DateTimeField()
    device_at = models.DateTimeField(null=True, blank=True)
    drawn_up_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # While an act is open, the visit's videos are its evidence and are not purged (issue 11).
    closed_at = models.DateTimeField(_("акт закрито"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    closing_note = models.TextField(_("чим закінчилося"), blank=True)

    class Meta:
        verbose_name = _("акт")
        verbose_name_plural = _("акти")


class Attachment(models.Model):
    """A photo/scan of a document or a session video, uploaded apart from the actions, in chunks.

    The device declares size and SHA-256 first; bytes arrive at offsets and the upload can resume
    where it stopped; the file counts only once the hash of what arrived equals the declared one.
    """

    class Kind(models.TextChoices):
        PHOTO = "photo", _("Фото / скан документа")
        VIDEO = "video", _("Відеозапис візиту")

    class State(models.TextChoices):
        UPLOADING = "uploading", _("Завантажується")
        COMPLETE = "complete", _("Отримано повністю")
        REJECTED = "rejected", _("Відхилено")
        PURGED = "purged", _("Видалено після строку зберігання")

    id = models.UUIDField(primary_key=True)  # made by the device
    community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, related_name="+")
    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="attachments")
    service = models.ForeignKey("catalogue.Service", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    received = models.PositiveBigIntegerField(default=0)
    file = models.FileField(upload_to="field/%Y/%m/", blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.UPLOADING)
    reason = models.CharField(max_length=300, blank=True)
    taken_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    keep_until = models.DateField(null=True, blank=True)  # videos: purged by a task after this day
    purged_at = models.DateTimeField(null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    device = models.ForeignKey(Device, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("вкладення")
        verbose_name_plural = _("вкладення")
        ordering = ("created_at",)
        constraints = (
            models.CheckConstraint(condition=Q(received__lte=models.F("size")), name="field_attachment_not_past_size"),
        )


class Attendee(models.Model):
    """A person at a fixed-point reception (a session's stop): booked on the web, or a walk-in
    registered on the laptop. The request that carries their visit through the usual pipeline
    (acceptance, cases, outcome) is made at the first action that needs it (ADR 7, issue 12)."""

    # A booking's: `field.sync.reception.booking_attendee_id(booking)`; a walk-in's: made by the laptop.
    id = models.UUIDField(primary_key=True)
    community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, related_name="+")
    stop = models.ForeignKey("planning.Stop", on_delete=models.PROTECT, related_name="attendees")
    booking = models.OneToOneField("planning.SessionBooking", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="attendee")
    request = models.OneToOneField("visits.VisitRequest", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="attendee")
    walk_in = models.BooleanField(_("без запису"), default=False)
    no_show_at = models.DateTimeField(_("не прийшла"), null=True, blank=True)
    created_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("людина на прийомі в пункті")
        verbose_name_plural = _("люди на прийомі в пункті")
        constraints = (
            models.CheckConstraint(condition=Q(walk_in=True, booking__isnull=True) | Q(walk_in=False, booking__isnull=False),
                                   name="field_attendee_booked_or_walk_in"),
        )

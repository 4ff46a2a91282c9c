from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.changes import TrackedModel, TrackedQuerySet


class CaseState(models.TextChoices):
    ACCEPTED = "accepted", _("Прийнято, чекає передачі")
    HANDED_OVER = "handed_over", _("Передано суб'єкту надання")
    DECIDED = "decided", _("Рішення прийнято")
    RESULT_DELIVERED = "result_delivered", _("Результат видано")
    # The register's other outcomes (issue 11): the first three close the case without a result.
    LEFT_WITHOUT_CONSIDERATION = "left_unconsidered", _("Залишено без розгляду")
    RETURNED = "returned", _("Повернуто без розгляду")
    WITHDRAWN = "withdrawn", _("Відкликано заявником")
    SUSPENDED = "suspended", _("Розгляд зупинено")


CLOSING_STATES = (CaseState.LEFT_WITHOUT_CONSIDERATION, CaseState.RETURNED, CaseState.WITHDRAWN)


class Delivery(models.TextChoices):
    """How the result goes back to the person (issue 4: the way the person chose)."""

    POST = "post", _("Поштою")
    COURIER = "courier", _("Кур'єром")
    REPEAT_VISIT = "repeat_visit", _("Повторним виїздом")
    OFFICE = "office", _("У ЦНАП")


class RefusalReason(models.Model):
    """A coded ground on which a provider refuses a service (seed 000 §1.10: the reasons for refusals
    are analysed). Each provider has its own list, kept by the system administrator in the admin
    site; a refusal carries one of them and the provider's own words."""

    provider = models.ForeignKey("catalogue.Provider", verbose_name=_("суб'єкт надання"), on_delete=models.CASCADE,
                                 related_name="refusal_reasons")
    code = models.CharField(_("код"), max_length=20)
    title = models.CharField(_("підстава"), max_length=300)
    is_active = models.BooleanField(_("діє"), default=True)

    class Meta:
        verbose_name = _("підстава відмови")
        verbose_name_plural = _("підстави відмови")
        ordering = ("provider", "code")
        constraints = (
            models.UniqueConstraint(fields=["provider", "code"], name="journal_refusal_reason_code_per_provider",
                                    violation_error_message=_("Цей код у цього суб'єкта надання вже є.")),
        )

    def __str__(self):
        return f"{self.code} — {self.title}"


class JournalSequence(models.Model):
    """The last registration number given out by one office in one year.

    The row is locked (select_for_update) while a number is taken, so two registrations at the
    same moment never share a number; a new year starts a new row, and so numbering restarts.
    """

    office = models.ForeignKey("communities.Office", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["office", "year"], name="journal_sequence_office_year"),
        )


# The states a case waits in for its hand-over or for the provider's decision: the only ones due or late.
OPEN_STATES = (CaseState.ACCEPTED, CaseState.HANDED_OVER)


class CaseQuerySet(TrackedQuerySet):
    def for_user(self, user):
        """Cases this member of staff may see: their own community, nothing else; a partner specialist
        only their own provider's (accounts.roles.provider_scope)."""
        from accounts.roles import provider_scope

        if not getattr(user, "community_id", None):
            return self.none()
        cases = self.filter(community_id=user.community_id)
        provider = provider_scope(user)
        return cases if provider is None else cases.filter(service__provider_id=provider)

    def due_on(self, day):
        """Cases whose next deadline is `day`: hand-over, or the provider's decision."""
        # The open states on their own (issue 17): PostgreSQL then reads the journal_case_open_newest index
        # (it does not infer them from the OR below) instead of a million cases.
        return self.filter(state__in=OPEN_STATES).filter(
            Q(state=CaseState.ACCEPTED, handover_due=day)
            | Q(state__in=(CaseState.ACCEPTED, CaseState.HANDED_OVER), provider_due=day)
        )

    def late_on(self, day):
        """Not handed over by its hand-over day, or not decided by the end of the provider's term."""
        return self.filter(state__in=OPEN_STATES).filter(
            Q(state=CaseState.ACCEPTED, handover_due__lt=day)
            | Q(state__in=(CaseState.ACCEPTED, CaseState.HANDED_OVER), provider_due__lt=day)
        )


class Case(TrackedModel, models.Model):
    """One accepted service: a line of the journal of applications received and services
    provided (журнал обліку, seed 001 step 4), with its legal deadlines.

    The registration number is given by the server from the office's yearly sequence; the
    device's provisional number and clock are kept beside the server's, never in their place.
    """

    community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, related_name="cases")
    office = models.ForeignKey("communities.Office", verbose_name=_("офіс"), on_delete=models.PROTECT,
                               related_name="cases")
    # None for a case accepted at the desk without a visit request.
    request = models.ForeignKey("visits.VisitRequest", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="cases")
    service = models.ForeignKey("catalogue.Service", verbose_name=_("послуга"), on_delete=models.PROTECT,
                                related_name="+")
    # As it stood at acceptance: a later edit of the request must not rewrite the journal.
    applicant_name = models.CharField(_("заявник"), max_length=200)

    number = models.CharField(_("реєстраційний номер"), max_length=40, unique=True, editable=False)
    provisional_number = models.CharField(_("тимчасовий номер пристрою"), max_length=40, null=True,
                                          blank=True)
    accepted_at = models.DateTimeField(_("прийнято (час сервера)"))
    device_accepted_at = models.DateTimeField(_("прийнято (час пристрою)"), null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("прийняв"))
    state = models.CharField(_("стан"), max_length=20, choices=CaseState.choices,
                             default=CaseState.ACCEPTED, db_index=True)

    handover_due = models.DateField(_("передати до"))
    # The day it happened (entered by staff) beside the moment it was recorded: lateness is
    # judged by the day it happened, so a decision written down a week late is not made late.
    handed_over_on = models.DateField(_("дата передачі"), null=True, blank=True)
    handed_over_at = models.DateTimeField(_("передачу записано"), null=True, blank=True)
    handed_over_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="+")
    provider_official = models.CharField(_("хто з суб'єкта надання прийняв документи"), max_length=200,
                                         blank=True)

    provider_due = models.DateField(_("строк надання до"))
    # The service's term as it stood at acceptance, so a recomputed deadline (martial-law periods
    # changed) uses the term the person was given, not a later edit of the catalogue.
    term_count = models.PositiveSmallIntegerField(_("строк надання"), null=True, blank=True)
    term_kind = models.CharField(_("строк рахується у"), max_length=10, blank=True)
    # The provider set the last day itself (term extended, or resumed with a new term): a change of
    # the calendar does not recompute it.
    provider_due_fixed = models.BooleanField(default=False)
    granted = models.BooleanField(_("надано"), null=True, blank=True)
    refusal_reason = models.TextField(_("підстава відмови"), blank=True)
    refusal_code = models.ForeignKey(RefusalReason, verbose_name=_("код підстави відмови"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="cases")
    decided_on = models.DateField(_("дата рішення"), null=True, blank=True)
    decided_at = models.DateTimeField(_("рішення записано"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decision_number = models.CharField(_("номер рішення"), max_length=60, blank=True)
    # Left without consideration, returned, withdrawn, or suspended: the day and the ground.
    closed_on = models.DateField(_("дата"), null=True, blank=True)
    closed_reason = models.TextField(_("підстава"), blank=True)
    fee_paid = models.DecimalField(_("сплачено, грн"), max_digits=9, decimal_places=2, null=True, blank=True)
    # The person's data removed after its term (its request anonymised): here and in the journal's entries.
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)

    preferred_delivery = models.CharField(_("як людина хоче отримати результат"), max_length=20,
                                          choices=Delivery.choices, blank=True)
    result_delivery = models.CharField(_("як видано результат"), max_length=20, choices=Delivery.choices,
                                       blank=True)
    result_delivered_on = models.DateField(_("дата видачі результату"), null=True, blank=True)
    result_delivered_at = models.DateTimeField(_("видачу результату записано"), null=True, blank=True)
    result_delivered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                            on_delete=models.SET_NULL, related_name="+")
    # Issue 13: how the result comes back, in detail. By post: the address (the person may give
    # another one while the result is not yet sent), the tracking number; sent = result_delivered_on,
    # and the day it reached the person when the post confirms it. At the office: to whom, on what document.
    delivery_address = models.CharField(_("адреса для пошти"), max_length=300, blank=True)
    tracking_number = models.CharField(_("трек-номер"), max_length=40, blank=True)
    courier = models.CharField(_("кур'єр"), max_length=200, blank=True)
    result_received_on = models.DateField(_("людина отримала"), null=True, blank=True)
    issued_to = models.CharField(_("кому видано"), max_length=200, blank=True)
    issued_document = models.CharField(_("за яким документом"), max_length=200, blank=True)
    # The repeat visit planned to hand the result over (a request flagged «видача результату»).
    repeat_request = models.ForeignKey("visits.VisitRequest", verbose_name=_("повторний виїзд"), null=True,
                                       blank=True, on_delete=models.SET_NULL, related_name="result_cases")
    # Past the provider's term: the worker reminded the provider's contact once, and the case is
    # marked for the head of the CNAP (journal/terms.py).
    escalated_at = models.DateTimeField(_("прострочено: передано керівнику ЦНАП"), null=True, blank=True)
    provider_reminded_to = models.CharField(_("нагадування надіслано на"), max_length=254, blank=True)

    # What the indicators count a case by (core.changes: a change marks its weeks stale).
    TRACKED = ("community_id", "accepted_at", "handover_due", "provider_due", "decided_on", "handed_over_on",
               "closed_on", "state", "granted", "refusal_code_id", "service_id", "request_id")

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("справа")
        verbose_name_plural = _("справи")
        ordering = ("-accepted_at", "-id")
        constraints = (
            # register_cases is idempotent per (request, service): a replay finds the case.
            models.UniqueConstraint(fields=["request", "service"], condition=Q(request__isnull=False),
                                    name="journal_case_one_per_requested_service"),
            models.UniqueConstraint(fields=["community", "provisional_number"],
                                    condition=Q(provisional_number__isnull=False),
                                    name="journal_case_unique_provisional_number"),
        )
        indexes = (
            models.Index(fields=["community", "state", "handover_due"]),
            models.Index(fields=["community", "state", "provider_due"]),
            # The journal's order (issue 17).
            models.Index(fields=["community", "-accepted_at", "-id"], name="journal_case_community_newest"),
            # The indicators' periods (indicators/figures.py): by the day to hand over, the provider's last
            # day and the day of the decision, whatever the state.
            models.Index(fields=["community", "handover_due"], name="journal_case_handover_due"),
            models.Index(fields=["community", "provider_due"], name="journal_case_provider_due"),
            models.Index(fields=["community", "decided_on"], name="journal_case_decided_on"),
            # The journal's "due today" and "late" (issue 17): the few open cases of a community, newest first,
            # read from the index alone (a capped count was a sequential scan of a million cases, and the late
            # list's page read thousands of open cases from the heap).
            models.Index(fields=["community", "-accepted_at", "-id"], include=["state", "handover_due", "provider_due"],
                         condition=Q(state__in=OPEN_STATES), name="journal_case_open_newest"),
        )

    def __str__(self):
        return self.number

    @property
    def is_refused(self):
        return self.granted is False

    @property
    def delivery_can_change(self):
        """The person may still choose how the result comes back: nothing sent or issued yet."""
        return self.state in (CaseState.ACCEPTED, CaseState.HANDED_OVER, CaseState.SUSPENDED, CaseState.DECIDED)

    @property
    def delivery_shown(self):
        """How the result comes (or came) back, for the person: the way it went, else the way chosen."""
        return self.result_delivery or self.preferred_delivery

    def choose_delivery(self, delivery, *, address="", by=None):
        """The person's (or staff's) choice of how the result comes back; journal.actions.choose_delivery.

        On the model so that a citizens' page reached from the request (a lower layer, ADR 8) can ask
        for it through the case it holds."""
        from .actions import choose_delivery

        return choose_delivery(self, delivery=delivery, address=address, by=by)

    @property
    def next_due(self):
        """The deadline the case waits on now, or None once decided."""
        if self.state == CaseState.ACCEPTED:
            return min(self.handover_due, self.provider_due)
        if self.state == CaseState.HANDED_OVER:
            return self.provider_due
        return None

    def is_late_on(self, day):
        """As CaseQuerySet.late_on, for one case already loaded."""
        return self.next_due is not None and (
            (self.state == CaseState.ACCEPTED and self.handover_due < day) or self.provider_due < day)


class JournalChainHead(models.Model):
    """The end of one community's hash chain: the row appenders lock, so the chain never forks.

    It also remembers the last sequence and hash, so cutting entries off the end is noticed.
    """

    community = models.OneToOneField("communities.Community", on_delete=models.PROTECT,
                                     related_name="+", primary_key=True)
    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True)


class JournalEntryQuerySet(models.QuerySet):
    def delete(self):
        raise JournalImmutable("Записи журналу не видаляються.")


class JournalImmutable(Exception):
    """An attempt to change or delete a journal entry."""


class JournalEntry(models.Model):
    """One event on a case, appended to its community's hash chain and never changed.

    One chain per community, not one global chain: each community is its own data controller
    and the journal is its own register, so a community's chain can be verified, exported or
    handed to an auditor without another community's entries, and one community's busy day
    never waits on another's lock. `hash` = SHA-256 over prev_hash + `content_hash` (a digest of the
    payload's salted field hashes, so a person's data can be removed and the chain still verifies)
    + the timestamp (UTC, ISO 8601 with microseconds) + the sequence (journal/chain.py).
    """

    REGISTERED = "registered"
    HANDED_OVER = "handed_over"
    DECIDED = "decided"
    RESULT_DELIVERED = "result_delivered"
    DEADLINE_CHANGED = "deadline_changed"
    CLOSED = "closed"
    SUSPENDED = "suspended"
    RESUMED = "resumed"
    TERM_EXTENDED = "term_extended"
    NOTE = "note"
    CORRECTED = "corrected"
    DELIVERY_CHOSEN = "delivery_chosen"
    RESULT_RECEIVED = "result_received"
    REPEAT_VISIT = "repeat_visit"
    ESCALATED = "escalated"
    EVENT_LABELS = {
        REGISTERED: _("Зареєстровано"),
        HANDED_OVER: _("Передано суб'єкту надання"),
        DECIDED: _("Рішення"),
        RESULT_DELIVERED: _("Результат видано"),
        DEADLINE_CHANGED: _("Строк перераховано"),
        CLOSED: _("Закрито без результату"),
        SUSPENDED: _("Розгляд зупинено"),
        RESUMED: _("Розгляд поновлено"),
        TERM_EXTENDED: _("Строк продовжено"),
        NOTE: _("Примітка"),
        CORRECTED: _("Виправлено дані"),
        DELIVERY_CHOSEN: _("Обрано спосіб отримання результату"),
        RESULT_RECEIVED: _("Людина отримала результат"),
        REPEAT_VISIT: _("Заплановано повторний виїзд для видачі результату"),
        ESCALATED: _("Строк минув: нагадано суб'єкту надання, передано керівнику ЦНАП"),
    }

    community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="entries")
    sequence = models.PositiveBigIntegerField()
    event = models.CharField(max_length=20)
    payload = models.JSONField()
    recorded_at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)
    # The digest the link covers (journal/chain.py): the hash of each value's salted hash. Empty for an
    # entry made before content hashes, whose link covers the payload itself.
    content_hash = models.CharField(max_length=64, blank=True)
    salts = models.JSONField(default=dict)  # {key: random salt}, a value's salt goes when the value is removed
    removed = models.JSONField(default=dict)  # {key: field hash} of values removed after their term

    objects = JournalEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("запис журналу")
        verbose_name_plural = _("записи журналу")
        ordering = ("community", "sequence")
        constraints = (
            models.UniqueConstraint(fields=["community", "sequence"], name="journal_entry_sequence"),
        )

    def __str__(self):
        return f"{self.sequence}: {self.event}"

    @property
    def event_label(self):
        return self.EVENT_LABELS.get(self.event, self.event)

    def save(self, *args, **kwargs):
        # Append-only: a stored entry is evidence; correcting it means appending a new one.
        if not self._state.adding:
            raise JournalImmutable("Запис журналу не можна змінити.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise JournalImmutable("Записи журналу не видаляються.")


class CaseFile(models.Model):
    """A document kept in the case: the intake inventory PDF, the document photos as one PDF."""

    class Kind(models.TextChoices):
        INVENTORY = "inventory", _("Опис вхідного пакета документів")
        PHOTOS = "photos", _("Скани документів")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="files")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    file = models.FileField(upload_to="cases/%Y/%m/")
    sha256 = models.CharField(max_length=64)
    pages = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField()
    # A hash of what the file was made from: a rebuild asked for by every photo that arrives
    # skips a file whose sources did not change.
    source = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("документ справи")
        verbose_name_plural = _("документи справи")
        constraints = (models.UniqueConstraint(fields=["case", "kind"], name="journal_case_file_kind"),)


class CaseFileBuild(models.Model):
    """That a case's files (CaseFile) are wanted, and how building them went.

    The field work asks for them in the transaction that accepts the service or receives a photo;
    the worker builds them; the worker's periodic check builds again what was asked for and never
    built (its worker died, the build failed) and, after VALIZA_CASE_FILES_MAX_ATTEMPTS, shows it to
    the coordinator (field/case_files.py).
    """

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="file_build")
    wanted_at = models.DateTimeField()
    # The last build that finished; older than wanted_at (or none): the files are still to be built.
    built_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)  # since the files were last asked for
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # When the check may queue it again; none: nothing to try (built, or given up after the attempts).
    next_try_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("побудова документів справи")
        verbose_name_plural = _("побудова документів справ")

    def __str__(self):
        return f"{self.case_id}: {self.attempts}"

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from addresses.models import LocationSource
from core.changes import TrackedModel, TrackedQuerySet
from core.text import match_key


class Status(models.TextChoices):
    NEW = "new", _("Нова")
    NEEDS_INFO = "needs_info", _("Потрібні уточнення")
    ACCEPTED = "accepted", _("Прийнята, чекає планування")
    REJECTED = "rejected", _("Відхилена")
    SCHEDULED = "scheduled", _("Призначено дату візиту")
    # The field client's outcome; a visit that did not serve the person puts the request back
    # to ACCEPTED (the planning pool) with the reason in its history.
    SERVED = "served", _("Обслуговано")
    PARTLY_SERVED = "partly_served", _("Обслуговано частково")
    # Doubt about legal capacity or a refusal at the door: not back to the pool, the request waits
    # for the coordinator's decision (a doctor's certificate, a cancellation; seed 000 §1.9).
    ON_HOLD = "on_hold", _("Чекає рішення")


OPEN_STATUSES = (Status.NEW, Status.NEEDS_INFO, Status.ACCEPTED, Status.SCHEDULED, Status.ON_HOLD)


class RejectReason(models.TextChoices):
    NOT_ELIGIBLE = "not_eligible", _("Не належить до категорій, яким надається виїзд")
    FALSE_CALL = "false_call", _("Хибний виклик")
    DUPLICATE = "duplicate", _("Дублікат іншої заявки")
    WITHDRAWN = "withdrawn", _("Відкликана заявником")


class Purpose(models.TextChoices):
    """Why the team goes: to provide services, or to hand over a result (issue 13, a repeat visit)."""

    SERVICES = "", _("Надання послуг")
    RESULT = "result", _("Видача результату")


class Channel(models.TextChoices):
    PHONE = "phone", _("Телефоном")
    DESK = "desk", _("У ЦНАП")
    WEB = "web", _("На сайті")
    # Served at a fixed-point reception: booked on the web or came without booking (issue 12).
    POINT = "point", _("У пункті прийому за графіком")
    STAROSTA = "starosta", _("Через старосту")


class Relation(models.TextChoices):
    NEIGHBOUR = "neighbour", _("Сусід / сусідка")
    RELATIVE = "relative", _("Родич")
    SOCIAL_WORKER = "social_worker", _("Соціальний працівник")
    STAROSTA = "starosta", _("Староста")
    OTHER = "other", _("Інше")


class ConsentHow(models.TextChoices):
    """How the person's OWN consent to processing was given (Law «Про захист персональних даних»,
    art. 11: consent is the data subject's; a neighbour cannot give it for them)."""

    FILED = "filed", _("Сама людина, коли подавала заявку")
    LAPTOP = "laptop", _("Під час візиту, на ноутбуці")
    SIGNED = "signed", _("Під час візиту, підписом в описі документів")


class PaymentMethod(models.TextChoices):
    PREPAID = "prepaid", _("Оплачено заздалегідь (квитанція)")
    ONLINE = "online", _("Онлайн / швидка оплата за QR-кодом")
    TERMINAL = "terminal", _("Карткою через термінал під час візиту")


class Lift(models.TextChoices):
    UNKNOWN = "", _("Не відомо")
    YES = "yes", _("Є ліфт")
    NO = "no", _("Немає ліфта")


WEEKDAY_CHOICES = [
    (0, _("Пн")), (1, _("Вт")), (2, _("Ср")), (3, _("Чт")), (4, _("Пт")), (5, _("Сб")),
]


class VisitRequestQuerySet(TrackedQuerySet):
    def for_user(self, user):
        """Requests this member of staff may see: their own community, nothing else."""
        if not getattr(user, "community_id", None):
            return self.none()
        return self.filter(community_id=user.community_id)

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)


def new_number():
    """A citizen-facing number like 1234-5678 (requests here, fixed-point bookings in planning)."""
    # Not a sequence: the public status page must not reveal how many requests exist, and a
    # guessed number is useless without the phone anyway.
    digits = f"{secrets.randbelow(10**8):08d}"
    return f"{digits[:4]}-{digits[4:]}"


class VisitRequest(TrackedModel, models.Model):
    """A request for one home visit to one place, for one or more services."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.PROTECT, related_name="requests"
    )
    number = models.CharField(_("номер заявки"), max_length=9, unique=True, editable=False)
    status = models.CharField(
        _("стан"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True
    )
    reject_reason = models.CharField(
        _("причина відмови"), max_length=20, choices=RejectReason.choices, blank=True
    )
    channel = models.CharField(_("канал"), max_length=10, choices=Channel.choices)
    # A repeat visit that hands over a result (journal.actions.plan_repeat_visit): the cases it
    # carries point at it (Case.repeat_request), and it is planned for its own short duration.
    purpose = models.CharField(_("мета виїзду"), max_length=10, choices=Purpose.choices, blank=True, default="")
    visit_minutes = models.PositiveSmallIntegerField(_("тривалість візиту, хв"), null=True, blank=True,
                                                     editable=False)

    # The person served.
    applicant_name = models.CharField(_("прізвище, ім'я, по батькові"), max_length=200)
    applicant_birth_date = models.DateField(_("дата народження"))
    applicant_phone = models.CharField(_("телефон"), max_length=20, blank=True)
    # The payer's РНОКПП, only where a paid service's Treasury account needs it in the payment's purpose
    # (catalogue Provider.payer_code_required; payments/fee_qr.py). Shown in full only in the edit form.
    applicant_tax_number = models.CharField(_("РНОКПП платника"), max_length=10, blank=True)

    # The person who asked, when it is someone else ("help your neighbour").
    requester_name = models.CharField(_("хто звернувся"), max_length=200, blank=True)
    requester_phone = models.CharField(_("телефон того, хто звернувся"), max_length=20, blank=True)
    requester_relation = models.CharField(
        _("ким доводиться"), max_length=20, choices=Relation.choices, blank=True
    )

    # The place.
    settlement = models.ForeignKey(
        "communities.Settlement", verbose_name=_("населений пункт"), on_delete=models.PROTECT
    )
    street = models.CharField(_("вулиця"), max_length=200)
    building = models.CharField(_("будинок"), max_length=20)
    flat = models.CharField(_("квартира"), max_length=20, blank=True)
    entrance = models.CharField(_("під'їзд"), max_length=10, blank=True)
    floor = models.SmallIntegerField(
        _("поверх"), null=True, blank=True, validators=[MinValueValidator(-3), MaxValueValidator(60)]
    )
    lift = models.CharField(_("ліфт"), max_length=3, choices=Lift.choices, blank=True)
    intercom = models.CharField(_("код домофона"), max_length=30, blank=True)
    access_notes = models.TextField(_("як потрапити"), max_length=1000, blank=True)
    latitude = models.DecimalField(
        _("широта"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("довгота"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    # Where the point came from (addresses/geocoding.py, visits/location.py): a pin the operator put
    # (manual) is never moved by the geocoder; an approximate one (the settlement's centre, or only the
    # street found) is planned all the same and flagged on the board and the route sheet.
    location_source = models.CharField(
        _("звідки координати"), max_length=12, choices=LocationSource.choices, blank=True, editable=False
    )
    location_approximate = models.BooleanField(_("координати приблизні"), default=False, editable=False)

    # Eligibility: what the person claims and the verdict computed from it (eligibility.rules).
    category = models.ForeignKey(
        "eligibility.EligibilityCategory",
        verbose_name=_("категорія"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    evidence_available = models.BooleanField(_("підтвердження категорії є"), default=False)
    evidence_note = models.CharField(_("яке підтвердження"), max_length=300, blank=True)
    eligibility = models.CharField(_("право на виїзд"), max_length=20, editable=False)
    eligibility_reason = models.CharField(max_length=300, editable=False, blank=True)
    eligible_by = models.ForeignKey(
        "eligibility.EligibilityCategory",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )

    payment_method = models.CharField(
        _("спосіб оплати"), max_length=10, choices=PaymentMethod.choices, blank=True
    )
    preferred_weekdays = models.JSONField(_("зручні дні"), default=list, blank=True)
    window_start = models.TimeField(_("зручно з"), null=True, blank=True)
    window_end = models.TimeField(_("зручно до"), null=True, blank=True)
    notes = models.TextField(_("примітки"), max_length=2000, blank=True)

    # The agreement of whoever filed the request (the person, or the neighbour who filed for them)
    # and the words they agreed to. It is the PERSON's consent only when they filed it themselves.
    consent_at = models.DateTimeField(_("згода того, хто подав заявку"))
    consent_by = models.CharField(_("хто подав заявку і погодився"), max_length=200)
    consent_text = models.TextField(_("текст, з яким погодилися"), blank=True)
    # The person's own consent to processing (incl. health data: category, disability): given when
    # they filed it themselves, else taken at the visit (field `person.consent`). Without it nothing
    # accepted at the door becomes a case (field/sync/accept.py).
    person_consent_at = models.DateTimeField(_("згода самої людини"), null=True, blank=True)
    person_consent_how = models.CharField(
        _("як людина дала згоду"), max_length=10, choices=ConsentHow.choices, blank=True
    )
    person_consent_name = models.CharField(_("хто дав згоду (ім'я людини)"), max_length=200, blank=True)
    person_consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("хто записав згоду"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    warning_acknowledged_at = models.DateTimeField(
        _("попереджено про відповідальність за недостовірні відомості")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When it first entered the planning pool (visits.actions.change_status): one accepted after a
    # week's cut-off waits for the following week unless the coordinator includes it (issue 10).
    accepted_at = models.DateTimeField(_("прийнято до планування"), null=True, blank=True, editable=False)
    # Raised by every edit of the request's data (visits.actions.update_request), which saves only if
    # the version is still the one the editor read: two people editing at once cannot lose a save.
    version = models.PositiveIntegerField(default=1, editable=False)
    # When the personal data of this closed request was removed after its term (visits/retention.py).
    anonymised_at = models.DateTimeField(_("знеособлено"), null=True, blank=True, editable=False)

    # Comparison keys for duplicate detection, kept in step by save().
    name_key = models.CharField(max_length=200, editable=False, db_index=True)
    address_key = models.CharField(max_length=300, editable=False, db_index=True)

    # The indicators count a request's visits and cases by its settlement and category (core.changes).
    TRACKED = ("settlement_id", "category_id")

    objects = VisitRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("заявка на виїзд")
        verbose_name_plural = _("заявки на виїзд")
        ordering = ["-created_at"]
        indexes = [
            # The status tabs, and the planning pool (issue 17): the board reads ~8,400 of a big city's requests
            # from this index alone (on PostgreSQL; other databases leave out the included columns).
            models.Index(fields=["community", "status", "created_at"], name="visits_req_status_created",
                         include=["id", "channel", "latitude", "longitude", "location_approximate"]),
            # Planning's "late" (accepted after the week's cut-off), the oldest first: a range, not every accepted.
            models.Index(fields=["community", "status", "accepted_at"], name="visits_req_status_accepted"),
            # The list's order (issue 17): the first page of a big city reads 25 index entries.
            models.Index(fields=["community", "-created_at", "-id"], name="visits_req_community_newest"),
            # The indicators of a period's requests (false calls, the most requested services, issue 14): a
            # year of a large city from the index alone, not 160,000 rows of seventy columns.
            models.Index(fields=["community", "created_at"], name="visits_req_indicators",
                         include=["id", "purpose", "channel", "status", "reject_reason"]),
            # The duplicate check looks a phone up in either column.
            models.Index(fields=["community", "applicant_phone"], name="visits_req_applicant_phone"),
            models.Index(fields=["community", "requester_phone"], name="visits_req_requester_phone"),
        ]

    @property
    def masked_tax_number(self):
        """The payer's РНОКПП as pages show it: the last four digits only."""
        code = self.applicant_tax_number
        return f"••••••{code[-4:]}" if code else ""

    def __str__(self):
        return self.number

    def save(self, *args, **kwargs):
        if not self.number:
            self.number = new_number()
            while VisitRequest.objects.filter(number=self.number).exists():
                self.number = new_number()
        if self._state.adding:
            record_own_consent(self)
        self.name_key = match_key(self.applicant_name)
        self.address_key = address_key(self.settlement_id, self.street, self.building, self.flat)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = set(update_fields) | {"name_key", "address_key", "updated_at"}
        super().save(*args, **kwargs)

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    @property
    def is_result_visit(self):
        return self.purpose == Purpose.RESULT

    @property
    def for_someone_else(self):
        return bool(self.requester_name)

    @property
    def contact_phone(self):
        return self.applicant_phone or self.requester_phone

    @property
    def address(self):
        # A person served at a fixed point (issue 12) has the point's address as the street, no building.
        parts = [str(self.settlement), f"{self.street}, {self.building}" if self.building else self.street]
        if self.flat:
            parts.append(_("кв. %(flat)s") % {"flat": self.flat})
        return ", ".join(parts)

    @property
    def location_note(self):
        """Why the visit's point is not the house (board, route sheet), or "" when it is."""
        if self.latitude is None or self.longitude is None:
            return _("місця на мапі немає")
        if not self.location_approximate:
            return ""
        if self.location_source == LocationSource.SETTLEMENT:
            return _("місце приблизне: центр населеного пункту")
        return _("місце приблизне: знайдено лише вулицю")

    @property
    def when_label(self):
        labels = dict(WEEKDAY_CHOICES)
        parts = [", ".join(str(labels[d]) for d in sorted(self.preferred_weekdays or []) if d in labels)]
        if self.window_start:
            parts.append(_("з %(t)s") % {"t": self.window_start.strftime("%H:%M")})
        if self.window_end:
            parts.append(_("до %(t)s") % {"t": self.window_end.strftime("%H:%M")})
        text = " ".join(p for p in parts if p)
        return text or _("будь-коли")

    def waiting_days(self, today=None):
        today = today or timezone.localdate()
        return (today - timezone.localtime(self.created_at).date()).days


def record_own_consent(req):
    """A request the person filed themselves carries their own consent, given then. One filed by
    someone else carries only that someone's agreement: the person is asked at the visit."""
    if req.person_consent_at is None and not req.requester_name and req.consent_at:
        req.person_consent_at = req.consent_at
        req.person_consent_how = ConsentHow.FILED
        req.person_consent_name = req.applicant_name


def address_key(settlement_id, street, building, flat):
    street = match_key(street)
    for prefix in ("вулиця ", "вул. ", "вул.", "проспект ", "просп. ", "пр. ", "провулок ", "пров. "):
        if street.startswith(prefix):
            street = street[len(prefix):].strip()
            break
    return f"{settlement_id}|{street}|{match_key(building)}|{match_key(flat)}"


class RequestedService(TrackedModel, models.Model):
    """A service the person wants at the visit, with the documents they have for it."""

    # The indicators' most requested services count these by the request's week (indicators/stale.py).
    TRACKED = ("request_id", "service_id")

    request = models.ForeignKey(VisitRequest, on_delete=models.CASCADE, related_name="services")
    service = models.ForeignKey("catalogue.Service", on_delete=models.PROTECT)
    # Accepted at the door (field sync): a partly served request is planned again for the rest only.
    done_at = models.DateTimeField(_("виконано"), null=True, blank=True)

    objects = TrackedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "service"], name="one_service_per_request")
        ]
        # The planning pool asks of each partly served request whether a service is still to do
        # (planning.build.pool): this answers from the few rows not done, not from every service.
        indexes = [models.Index(fields=["request"], condition=models.Q(done_at__isnull=True),
                                name="visits_rs_not_done"),
                   # Planning's "partly served" (some service done): a probe of this index, no table row.
                   models.Index(fields=["request"], condition=models.Q(done_at__isnull=False),
                                name="visits_rs_done")]

    def __str__(self):
        return str(self.service)

    @property
    def missing_documents(self):
        return [d for d in self.documents.all() if not d.has]


class RequestedDocument(models.Model):
    """One line of a service's document checklist: does the person have it?"""

    requested_service = models.ForeignKey(
        RequestedService, on_delete=models.CASCADE, related_name="documents"
    )
    document = models.ForeignKey(
        "catalogue.ServiceDocument", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The name as it stood in the catalogue when asked, so later catalogue edits don't rewrite it.
    name = models.CharField(max_length=300)
    has = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]


class StatusChange(models.Model):
    """Who changed a request, when and why. Appended to, never edited."""

    request = models.ForeignKey(VisitRequest, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    reason = models.CharField(max_length=20, blank=True)
    comment = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    @property
    def to_label(self):
        return Status(self.to_status).label if self.to_status in Status.values else self.to_status

    @property
    def reason_label(self):
        return RejectReason(self.reason).label if self.reason in RejectReason.values else ""

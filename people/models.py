"""Who may work at the mobile workplace and what they carry (issue 16, "People"; "What the
administrator carries"): authorisation orders, training, responsible persons, conflicts of interest,
technological cards and crisis instructions. The rules over these rows are in `authorisation.py`,
`conflicts.py`, `instructions.py` and `reminders.py`; nothing here sends anything.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuthorisationOrder(models.Model):
    """The order (наказ) that allows a staff member to work at the mobile workplace, with the date
    they acknowledged it by signature. It is in force from `issued_on` (and not before the signature)
    through the whole of `valid_until` (an order never ends in the middle of a day's trip) until it is
    revoked; the moment of revocation is exact (`revoked_at`)."""

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE, related_name="authorisations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("працівник"), on_delete=models.CASCADE, related_name="authorisations"
    )
    number = models.CharField(_("номер наказу"), max_length=40)
    issued_on = models.DateField(_("дата наказу"))
    scope = models.ManyToManyField(
        "catalogue.Service",
        verbose_name=_("послуги"),
        blank=True,
        help_text=_("Порожньо — усі послуги мобільного робочого місця."),
    )
    scope_note = models.CharField(
        _("обсяг повноважень"), max_length=300, blank=True, help_text=_("Наприклад: дії державного реєстратора.")
    )
    acknowledged_on = models.DateField(_("ознайомлений під підпис"), null=True, blank=True)
    valid_until = models.DateField(
        _("діє до (включно)"), null=True, blank=True, help_text=_("Порожньо — безстроково. Наказ діє до кінця цього дня.")
    )
    revoked_at = models.DateTimeField(_("скасовано"), null=True, blank=True)
    revoked_reason = models.CharField(_("причина скасування"), max_length=300, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("хто скасував"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("наказ про допуск до мобільного робочого місця")
        verbose_name_plural = _("накази про допуск до мобільного робочого місця")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True) | models.Q(issued_on__lte=models.F("valid_until")),
                name="authorisation_ends_after_it_begins",
                violation_error_message=_("Наказ не може закінчитися раніше, ніж його видано."),
            ),
            models.CheckConstraint(
                condition=models.Q(acknowledged_on__isnull=True) | models.Q(issued_on__lte=models.F("acknowledged_on")),
                name="authorisation_acknowledged_after_issued",
                violation_error_message=_("Ознайомитися з наказом можна не раніше дня, коли його видано."),
            ),
        ]

    def __str__(self):
        return _("Наказ №%(n)s від %(d)s") % {"n": self.number, "d": self.issued_on.strftime("%d.%m.%Y")}

    def clean(self):
        if self.user_id and self.community_id and self.user.community_id != self.community_id:
            raise ValidationError(_("Цей працівник працює в іншій громаді."))
        today = timezone.localdate()
        if self.acknowledged_on and self.acknowledged_on > today:
            raise ValidationError(
                {"acknowledged_on": _("Дата ознайомлення ще не настала. Вкажіть день, коли працівник розписався.")}
            )

    def covers(self, day):
        """In force on `day` by its dates and signature (revocation aside)."""
        return (
            self.acknowledged_on is not None
            and self.issued_on <= day
            and self.acknowledged_on <= day
            and (self.valid_until is None or day <= self.valid_until)
        )


class Training(models.Model):
    """Who trained whom, when, on what (seed 000 §1.8: the first trained person trains the others;
    periodic training; 004 §5.3.4 safety briefings)."""

    class Topic(models.TextChoices):
        MOBILE_WORKPLACE = "mobile", _("робота з мобільним робочим місцем")
        SIGN_LANGUAGE = "sign", _("жестова мова")
        FIRST_AID = "first_aid", _("домедична допомога")
        SAFETY = "safety", _("інструктаж з безпеки")
        REGISTRY = "registry", _("робота з реєстрами")
        OTHER = "other", _("інше")

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE, related_name="trainings")
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("хто навчався"), on_delete=models.CASCADE, related_name="trainings"
    )
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("хто навчав (працівник)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="trainings_given",
    )
    trainer_name = models.CharField(
        _("хто навчав (інший)"),
        max_length=200,
        blank=True,
        help_text=_("Якщо навчав не працівник громади: організація або ім'я."),
    )
    topic = models.CharField(_("тема"), max_length=20, choices=Topic.choices)
    topic_note = models.CharField(_("уточнення теми"), max_length=200, blank=True)
    held_on = models.DateField(_("дата навчання"))
    refresh_by = models.DateField(
        _("повторити до"), null=True, blank=True, help_text=_("Коли потрібне повторне навчання. Порожньо — не потрібне.")
    )

    class Meta:
        verbose_name = _("навчання")
        verbose_name_plural = _("навчання")
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(refresh_by__isnull=True) | models.Q(held_on__lt=models.F("refresh_by")),
                name="training_refresh_after_it",
                violation_error_message=_("Повторне навчання має бути пізніше за саме навчання."),
            ),
        ]

    def __str__(self):
        return f"{self.get_topic_display()} — {self.held_on:%d.%m.%Y}"


class ResponsibleArea(models.TextChoices):
    INTAKE = "intake", _("прийом заявок і графік")
    RESULTS = "results", _("результати послуг")
    QUALITY = "quality", _("якість обслуговування і відгуки")
    TECHNICAL = "technical", _("технічний стан мобільного робочого місця")


class ResponsiblePerson(models.Model):
    """The staff member a community names for one area of the mobile workplace (seed 000 §1.1 step 3);
    shown where that work is done and the default assignee of its reminders."""

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE, related_name="responsible")
    area = models.CharField(_("за що відповідає"), max_length=20, choices=ResponsibleArea.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("відповідальна особа"), on_delete=models.CASCADE, related_name="responsibilities"
    )

    class Meta:
        verbose_name = _("відповідальна особа")
        verbose_name_plural = _("відповідальні особи")
        ordering = ["area"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "area"],
                name="one_responsible_per_area",
                violation_error_message=_("Для цього напряму відповідальну особу вже призначено."),
            ),
        ]

    def __str__(self):
        return f"{self.get_area_display()}: {self.user.get_full_name() or self.user.username}"

    def clean(self):
        if self.user_id and self.community_id and self.user.community_id != self.community_id:
            raise ValidationError(_("Ця людина працює в іншій громаді."))


class ConflictDeclaration(models.Model):
    """A staff member's declared conflict of interest (seed 001 risk 4): a relative or an address they
    must not serve. The planner does not send them there; the laptop warns if it happens anyway."""

    class Kind(models.TextChoices):
        RELATIVE = "relative", _("родич або близька особа")
        ADDRESS = "address", _("адреса")

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE, related_name="conflicts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("працівник"), on_delete=models.CASCADE, related_name="conflicts"
    )
    kind = models.CharField(_("що"), max_length=10, choices=Kind.choices)
    person_name = models.CharField(_("прізвище, ім'я, по батькові"), max_length=200, blank=True)
    birth_date = models.DateField(_("дата народження"), null=True, blank=True)
    settlement = models.ForeignKey(
        "communities.Settlement", verbose_name=_("населений пункт"), null=True, blank=True, on_delete=models.CASCADE
    )
    street = models.CharField(_("вулиця"), max_length=200, blank=True)
    building = models.CharField(_("будинок"), max_length=20, blank=True)
    flat = models.CharField(_("квартира"), max_length=20, blank=True, help_text=_("Порожньо — увесь будинок."))
    declared_on = models.DateField(_("дата декларування"), default=timezone.localdate)
    note = models.CharField(_("примітка"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("конфлікт інтересів")
        verbose_name_plural = _("конфлікти інтересів")
        ordering = ["user", "pk"]

    def __str__(self):
        if self.kind == self.Kind.RELATIVE:
            return self.person_name
        return ", ".join(filter(None, [str(self.settlement or ""), self.street, self.building, self.flat]))

    def clean(self):
        if self.kind == self.Kind.RELATIVE and not self.person_name.strip():
            raise ValidationError({"person_name": _("Вкажіть прізвище, ім'я та по батькові родича.")})
        if self.kind == self.Kind.ADDRESS and not (self.settlement_id and self.street.strip() and self.building.strip()):
            raise ValidationError(_("Вкажіть населений пункт, вулицю і будинок."))
        if self.user_id and self.community_id and self.user.community_id != self.community_id:
            raise ValidationError(_("Цей працівник працює в іншій громаді."))


class Instruction(models.Model):
    """A technological card of a service (steps, documents, registry, typical mistakes) or a crisis
    instruction (what to do, whom to call). Every edit makes a new version (`InstructionVersion`);
    the field laptop carries the current one offline and the version it got each day is recorded."""

    class Kind(models.TextChoices):
        CARD = "card", _("технологічна картка послуги")
        CRISIS = "crisis", _("кризова інструкція")

    class Crisis(models.TextChoices):
        AGGRESSION = "aggression", _("агресія")
        MEDICAL = "medical", _("невідкладний медичний стан")
        CAPACITY = "capacity", _("сумнів щодо дієздатності")
        EQUIPMENT = "equipment", _("відмова обладнання")
        AIR_RAID = "air_raid", _("повітряна тривога")
        OTHER = "other", _("інше")

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE, related_name="instructions")
    kind = models.CharField(_("вид"), max_length=10, choices=Kind.choices)
    service = models.ForeignKey(
        "catalogue.Service", verbose_name=_("послуга"), null=True, blank=True, on_delete=models.CASCADE, related_name="cards"
    )
    crisis = models.CharField(_("кризова ситуація"), max_length=20, choices=Crisis.choices, blank=True)
    title = models.CharField(_("назва"), max_length=200)
    steps = models.TextField(_("що робити, крок за кроком"), max_length=6000)
    documents = models.TextField(_("документи"), max_length=3000, blank=True)
    registry = models.CharField(_("реєстр"), max_length=300, blank=True)
    mistakes = models.TextField(_("типові помилки"), max_length=3000, blank=True)
    contacts = models.TextField(_("кому телефонувати"), max_length=2000, blank=True)
    version = models.PositiveIntegerField(_("версія"), default=1, editable=False)
    is_active = models.BooleanField(_("чинна"), default=True)
    updated_at = models.DateTimeField(_("змінено"), default=timezone.now, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("інструкція")
        verbose_name_plural = _("технологічні картки та кризові інструкції")
        ordering = ["kind", "title"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="card", service__isnull=False, crisis="")
                    | models.Q(kind="crisis", service__isnull=True) & ~models.Q(crisis="")
                ),
                name="instruction_card_has_service_crisis_has_situation",
                violation_error_message=_("Технологічна картка належить послузі; кризова інструкція — ситуації."),
            ),
        ]

    def __str__(self):
        return self.title


class InstructionVersion(models.Model):
    """An instruction as it was at one version: what an administrator had on a given day."""

    instruction = models.ForeignKey(Instruction, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    content = models.JSONField()
    saved_at = models.DateTimeField(default=timezone.now)
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["instruction", "version"]
        constraints = [models.UniqueConstraint(fields=["instruction", "version"], name="one_row_per_version")]


class InstructionDelivery(models.Model):
    """The version of an instruction a staff member's laptop got with a day's trips."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    instruction = models.ForeignKey(Instruction, on_delete=models.CASCADE, related_name="deliveries")
    version = models.PositiveIntegerField()
    delivered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["day", "instruction", "version"]
        constraints = [
            models.UniqueConstraint(fields=["user", "day", "instruction", "version"], name="one_delivery_per_version"),
        ]


class StaffReminder(models.Model):
    """A reminder the worker raised for a staff member (e.g. refresher training due): `ref` names the
    occasion, so it is raised once however often the worker runs."""

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE, related_name="staff_reminders")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff_reminders",
        help_text=_("Порожньо — координатори громади."),
    )
    ref = models.CharField(max_length=120, unique=True)
    text = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("нагадування працівникам")
        verbose_name_plural = _("нагадування працівникам")
        ordering = ["-created_at"]

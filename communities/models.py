import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.changes import TrackedModel

_LAT = [MinValueValidator(-90), MaxValueValidator(90)]
_LON = [MinValueValidator(-180), MaxValueValidator(180)]


class Community(models.Model):
    """A territorial community (громада) whose CNAP runs the mobile office.

    Every record with personal data belongs to exactly one community.
    """

    name = models.CharField(_("назва"), max_length=200, unique=True)
    slug = models.SlugField(_("адреса на сайті"), max_length=60, unique=True)
    phone = models.CharField(_("телефон ЦНАП для довідок"), max_length=40, blank=True)
    email = models.EmailField(_("ел. пошта ЦНАП"), blank=True)
    # The controller of the personal data is the community's CNAP: its address is told to every person
    # whose data is collected (Law «Про захист персональних даних» art. 12; visits privacy notice).
    address = models.CharField(
        _("адреса ЦНАП (володільця персональних даних)"), max_length=300, blank=True,
        help_text=_("Якщо порожньо, у повідомленні про обробку даних показано адресу першого офісу."),
    )
    decision = models.CharField(
        _("рішення про утворення пересувного робочого місця"), max_length=300, blank=True
    )

    # The weekly cycle (seed 004 §5.3): addresses by the cut-off on the last working day before the
    # week, the schedule published by the deadline the same day.
    planning_cutoff = models.TimeField(_("прийом адрес на наступний тиждень до"), default=datetime.time(10, 0))
    publish_deadline = models.TimeField(_("графік оприлюднюється до"), default=datetime.time(14, 0))
    walking_radius_km = models.DecimalField(
        _("команда без автомобіля ходить пішки до, км"), max_digits=4, decimal_places=1, default=2,
        validators=[MinValueValidator(0), MaxValueValidator(50)],
        help_text=_("Відстань по прямій від офісу команди. Далі команду без автомобіля не планують."),
    )
    setup_minutes = models.PositiveSmallIntegerField(
        _("час на розгортання валізи, хв"), default=15,
        help_text=_("Додається до тривалості послуг на кожному візиті."),
    )

    # The field laptops (field/sync/devices.py, field/sync/clock.py; ADR 7, session 6).
    field_devices_need_approval = models.BooleanField(
        _("новий ноутбук виїзду працює лише після підтвердження координатора"), default=False,
    )
    field_clock_before_hours = models.PositiveSmallIntegerField(
        _("дії виїзду приймаються від, год до початку дня виїзду"), default=2,
        validators=[MaxValueValidator(24)],
        help_text=_("Дія з часом раніше чекатиме рішення координатора (годинник ноутбука міг бути неправильний)."),
    )
    field_clock_after_hours = models.PositiveSmallIntegerField(
        _("дії виїзду приймаються до, год після кінця дня виїзду"), default=6,
        validators=[MaxValueValidator(24)],
        help_text=_("Дія з часом пізніше чекатиме рішення координатора."),
    )

    # Issue 16: once the orders are entered, only staff with an acknowledged order in force work in the
    # field (people/authorisation.py).
    field_orders_required = models.BooleanField(
        _("у виїзді працюють лише працівники з наказом про допуск"), default=False,
        help_text=_("Увімкніть, коли накази про допуск усіх працівників виїзду внесено."),
    )

    # After the visit (quality app, issue 13).
    survey_max_attempts = models.PositiveSmallIntegerField(
        _("опитування після візиту: найбільше дзвінків одній людині"), default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("Після стількох дзвінків без відповіді людині більше не телефонують."),
    )
    complaint_answer_working_days = models.PositiveSmallIntegerField(
        _("строк відповіді на скаргу, робочих днів"), default=10,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("Закон «Про звернення громадян», ст. 20: не пізніше 15 днів, якщо не потрібне додаткове "
                    "вивчення, інакше до місяця."),
    )

    # Seed 003: at least 95 % of the people served satisfied; the indicators show the share against it.
    satisfaction_target = models.PositiveSmallIntegerField(
        _("ціль: задоволених людей, %"), default=95, validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Частка оцінок 4–5 серед усіх оцінок, до якої прагне ЦНАП."),
    )

    class Meta:
        verbose_name = _("громада")
        verbose_name_plural = _("громади")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def controller_address(self):
        """The address told to people in the privacy notice: the CNAP's own, else its first office's."""
        if self.address:
            return self.address
        office = self.offices.order_by("pk").first()
        return office.address if office else ""

    def call_us(self):
        """The end of a message that sends a citizen to the phone: the CNAP's number when it has one."""
        if self.phone:
            return _("Зателефонуйте до ЦНАП: %(phone)s.") % {"phone": self.phone}
        return _("Зателефонуйте до ЦНАП.")


class Office(models.Model):
    """A CNAP office or branch: the depot the mobile team's trips start from."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="offices")
    name = models.CharField(_("назва"), max_length=200)
    address = models.CharField(_("адреса"), max_length=300)
    latitude = models.DecimalField(_("широта"), max_digits=9, decimal_places=6, validators=_LAT)
    longitude = models.DecimalField(_("довгота"), max_digits=9, decimal_places=6, validators=_LON)
    phone = models.CharField(_("телефон"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("офіс ЦНАП")
        verbose_name_plural = _("офіси ЦНАП")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Settlement(TrackedModel, models.Model):
    """A city, town or village of the community. Remote ones matter for eligibility."""

    # The indicators' stored partials hold this name: a rename drops them (core.changes, indicators/stale.py).
    TRACKED = ("name", "community_id")

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="settlements")
    name = models.CharField(_("назва"), max_length=200)
    is_remote = models.BooleanField(
        _("віддалений"),
        default=False,
        help_text=_("Мешканці віддалених сіл можуть замовити виїзд, якщо це дозволяє рішення ради."),
    )
    latitude = models.DecimalField(
        _("широта"), max_digits=9, decimal_places=6, null=True, blank=True, validators=_LAT
    )
    longitude = models.DecimalField(
        _("довгота"), max_digits=9, decimal_places=6, null=True, blank=True, validators=_LON
    )

    class Meta:
        verbose_name = _("населений пункт")
        verbose_name_plural = _("населені пункти")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="settlement_unique_name")
        ]

    def __str__(self):
        return self.name


class DistrictContact(models.Model):
    """A district council (or a self-organisation body) that gets the community's published schedule for
    its settlements (seed 004 §5.3.1): by e-mail and as an SMS with a short link (planning.notices)."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="district_contacts")
    name = models.CharField(_("назва"), max_length=200)
    email = models.EmailField(_("ел. пошта"), blank=True)
    phone = models.CharField(_("телефон для SMS"), max_length=20, blank=True)
    settlements = models.ManyToManyField(Settlement, verbose_name=_("населені пункти"), related_name="district_contacts")

    class Meta:
        verbose_name = _("районна рада / контакт для графіка")
        verbose_name_plural = _("районні ради / контакти для графіка")
        ordering = ["name"]

    def __str__(self):
        return self.name


class CalendarOverride(models.Model):
    """A day that works differently from the computed calendar (communities/workdays.py).

    A community's own day off, or a Saturday worked in exchange for a bridge day. Without a
    community it applies to every community: a transfer of working days recommended by the
    Cabinet of Ministers is national. A community's own entry wins over a national one.
    """

    community = models.ForeignKey(
        Community,
        verbose_name=_("громада"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calendar_overrides",
        help_text=_("Порожньо — для всіх громад (наприклад, перенесення робочих днів за "
                    "розпорядженням Кабінету Міністрів)."),
    )
    date = models.DateField(_("дата"))
    is_working = models.BooleanField(
        _("робочий день"),
        default=False,
        help_text=_("Позначте, якщо цей день робочий (наприклад, робоча субота). Без позначки "
                    "день вихідний."),
    )
    note = models.CharField(_("підстава"), max_length=300, blank=True)

    class Meta:
        db_table = "journal_calendaroverride"  # made by the journal app, moved here by state only
        verbose_name = _("виняток у календарі")
        verbose_name_plural = _("винятки в календарі")
        ordering = ("date",)
        constraints = (
            models.UniqueConstraint(fields=["community", "date"], name="calendar_override_unique_day"),
            # NULLs are distinct in a unique index, so the national entry needs its own constraint.
            models.UniqueConstraint(
                fields=["date"], condition=Q(community__isnull=True),
                name="calendar_override_unique_national_day",
            ),
        )

    def __str__(self):
        kind = _("робочий") if self.is_working else _("вихідний")
        return f"{self.date:%d.%m.%Y} — {kind}"


class MartialLawPeriod(models.Model):
    """A period of martial law, national: while it lasts public holidays are working days
    (Law 2136-IX; communities/workdays.py rule 3).

    The sysadmin adds a row when martial law is introduced, sets its end when it ends, and adds
    another row if it is introduced again; an extension needs no change while the end is open.
    With no rows at all the calendar falls back to the setting VALIZA_MARTIAL_LAW_UNTIL.
    """

    start = models.DateField(_("початок"))
    end = models.DateField(_("останній день"), null=True, blank=True,
                           help_text=_("Порожньо — воєнний стан триває."))
    note = models.CharField(_("підстава"), max_length=300, blank=True,
                            help_text=_("Указ Президента, закон про затвердження, продовження."))

    class Meta:
        verbose_name = _("період воєнного стану")
        verbose_name_plural = _("періоди воєнного стану")
        ordering = ("start",)
        constraints = (
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                                   name="communities_martial_law_period_end_after_start"),
        )

    def __str__(self):
        end = self.end.strftime("%d.%m.%Y") if self.end else "…"
        return f"{self.start:%d.%m.%Y} — {end}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.end and self.end < self.start:
            raise ValidationError({"end": _("Останній день не може бути раніше за початок.")})
        others = MartialLawPeriod.objects.exclude(pk=self.pk)
        for other in others:
            if (self.end is None or other.start <= self.end) and (other.end is None or self.start <= other.end):
                raise ValidationError(_("Цей період перетинається з іншим: %(other)s.") % {"other": other})

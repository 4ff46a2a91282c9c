from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.changes import TrackedModel
from core.identifiers import validate_recipient_code, validate_ua_iban


class Provider(TrackedModel, models.Model):
    """A body that provides services (суб'єкт надання): a council department, УСЗН, a registrar."""

    # The indicators' stored partials hold this name: a rename drops them (core.changes, indicators/stale.py).
    TRACKED = ("name", "short_name", "community_id")

    community = models.ForeignKey(
        "communities.Community",
        verbose_name=_("громада"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("Порожньо — державний орган, спільний для всіх громад."),
    )
    name = models.CharField(_("назва"), max_length=300)
    short_name = models.CharField(_("коротка назва"), max_length=60, blank=True)
    # Checked down to the check digit: a typo here would send citizens' payments nowhere.
    edrpou = models.CharField(_("код ЄДРПОУ"), max_length=10, blank=True, validators=[validate_recipient_code],
                              help_text=_("8 цифр коду ЄДРПОУ (або 10 цифр РНОКПП для фізичної особи-підприємця)."))
    iban = models.CharField(_("рахунок IBAN для оплати"), max_length=34, blank=True, validators=[validate_ua_iban])
    payment_recipient = models.CharField(_("отримувач платежу"), max_length=140, blank=True)
    # Issue 13: a case past the provider's term is reminded here once, by the worker (journal.terms).
    contact_email = models.EmailField(_("e-mail для нагадувань про строки"), blank=True)
    payer_code_required = models.BooleanField(
        _("у призначенні платежу потрібен РНОКПП платника"), default=False,
        help_text=_("Для рахунку в Казначействі, який вимагає код платника (наказ Мінфіну № 666)."))

    class Meta:
        verbose_name = _("суб'єкт надання послуг")
        verbose_name_plural = _("суб'єкти надання послуг")
        ordering = ["name"]

    def __str__(self):
        return self.short_name or self.name


class Service(TrackedModel, models.Model):
    """An administrative service in the catalogue and what it takes at the citizen's door."""

    # The indicators' stored partials hold this name: a rename drops them (core.changes, indicators/stale.py).
    TRACKED = ("name_uk",)

    TERM_WORKING = "working"
    TERM_CALENDAR = "calendar"
    # Months: Civil Code art. 254 part 3 (communities/workdays.py).
    TERM_MONTHS = "months"
    TERM_CHOICES = [(TERM_WORKING, _("робочих днів")), (TERM_CALENDAR, _("календарних днів")),
                    (TERM_MONTHS, _("місяців"))]

    code = models.CharField(_("код"), max_length=30, unique=True)
    diia_id = models.CharField(_("ідентифікатор у Дії / Реєстрі послуг"), max_length=30, blank=True)
    name_uk = models.CharField(_("назва українською"), max_length=300)
    name_en = models.CharField(_("назва англійською"), max_length=300, blank=True)
    provider = models.ForeignKey(
        Provider, verbose_name=_("суб'єкт надання"), on_delete=models.PROTECT, related_name="services"
    )
    is_paid = models.BooleanField(_("платна"), default=False)
    fee = models.DecimalField(
        _("вартість, грн"),
        max_digits=9,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
    )
    budget_code = models.CharField(
        _("код класифікації доходів бюджету (ККДБ)"), max_length=8, blank=True,
        validators=[RegexValidator(r"^\d{8}$", _("Код ККДБ — 8 цифр, наприклад 22012500."))],
        help_text=_("Для платежу до бюджету: код стає на початок призначення платежу."))
    minutes = models.PositiveSmallIntegerField(
        _("тривалість прийому, хв"), default=20, validators=[MinValueValidator(1)]
    )
    # A repeat visit that only hands over the result is short (journal.actions.plan_repeat_visit).
    result_minutes = models.PositiveSmallIntegerField(
        _("видача результату повторним виїздом, хв"), default=10, validators=[MinValueValidator(1)]
    )
    # A number of days or, for a term in months, of months (term_kind says which).
    term_days = models.PositiveSmallIntegerField(_("строк надання"), default=10)
    term_kind = models.CharField(
        _("строк рахується у"), max_length=10, choices=TERM_CHOICES, default=TERM_WORKING
    )
    mobile_allowed = models.BooleanField(
        _("можна надати мобільною валізою"),
        default=True,
        help_text=_("Наприклад, біометричний паспорт через валізу оформити не можна."),
    )
    needs_partner = models.BooleanField(
        _("потрібен фахівець-партнер"),
        default=False,
        help_text=_("Прийом веде фахівець суб'єкта надання, що їде разом з адміністратором."),
    )
    description = models.TextField(_("коротко для громадян"), blank=True)
    is_active = models.BooleanField(_("діє"), default=True)
    order = models.PositiveSmallIntegerField(_("порядок у списку"), default=100)

    class Meta:
        verbose_name = _("послуга")
        verbose_name_plural = _("послуги")
        ordering = ["order", "name_uk"]

    def __str__(self):
        return self.name

    @property
    def name(self):
        if (get_language() or "uk").startswith("en") and self.name_en:
            return self.name_en
        return self.name_uk

    def fee_on(self, day):
        """The fee in force on `day` (the day of acceptance): the latest row of the fee table that started
        on or before it, else `fee` (the amount before the table began). A free service: its `fee` (0).

        Fees tied to the subsistence minimum change every 1 January, so a visit's fee is its own day's.
        Reads `fees.all()`, so a prefetch answers without a query.
        """
        if not self.is_paid:
            return self.fee
        in_force = [f for f in self.fees.all() if f.effective_from <= day]
        if not in_force:
            return self.fee
        return max(in_force, key=lambda f: f.effective_from).amount

    @property
    def fee_today(self):
        """The fee in force today, as the public and staff pages show it (the visit's own day may be later)."""
        return self.fee_on(timezone.localdate())

    def clean(self):
        if self.is_paid and not self.fee:
            raise ValidationError({"fee": _("Для платної послуги вкажіть вартість.")})
        if not self.is_paid and self.fee:
            raise ValidationError({"fee": _("Безоплатна послуга не може мати вартість.")})


class ServiceFee(models.Model):
    """One amount of a service's fee and the day it takes effect (e.g. 1 January, when the subsistence
    minimum the fee is tied to changes)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="fees", verbose_name=_("послуга"))
    amount = models.DecimalField(_("сума, грн"), max_digits=9, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    effective_from = models.DateField(_("діє з"))

    class Meta:
        verbose_name = _("вартість послуги")
        verbose_name_plural = _("вартість послуги за датами")
        ordering = ["service", "-effective_from"]
        constraints = (models.UniqueConstraint(fields=["service", "effective_from"], name="catalogue_one_fee_a_day"),)

    def __str__(self):
        return f"{self.amount} грн з {self.effective_from:%d.%m.%Y}"


class ServiceDocument(models.Model):
    """A document the person must have at hand for the service."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="documents")
    name = models.CharField(_("документ"), max_length=300)
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)

    class Meta:
        verbose_name = _("потрібний документ")
        verbose_name_plural = _("потрібні документи")
        ordering = ["order", "id"]

    def __str__(self):
        return self.name

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.changes import TrackedModel


class EligibilityCategory(TrackedModel, models.Model):
    """Who may order a home visit, as set by the council's decision, per community.

    Two kinds are mandatory by law (Закон «Про адміністративні послуги», ст. 9 ч. 9; Примірний
    регламент ЦНАП, п. 52¹): disability group I and a person who, by a medical commission (ЛКК)
    conclusion, cannot look after themselves and needs constant help. They are created for every
    community and cannot be removed or switched off. Any other category exists only by the council's
    decision, so switching one on needs that decision's number and date.
    """

    # The indicators' stored partials hold this name: a rename drops them (core.changes, indicators/stale.py).
    TRACKED = ("name", "community_id")

    DISABILITY_1 = "disability_1"
    LKK = "lkk"
    AGE = "age"
    HOSPITAL = "hospital"
    IMMOBILE = "immobile"
    REMOTE = "remote"
    OTHER = "other"
    KIND_CHOICES = [
        (DISABILITY_1, _("Особа з інвалідністю I групи")),
        (LKK, _("Висновок ЛКК: не здатна до самообслуговування")),
        (AGE, _("Вік від порогу")),
        (HOSPITAL, _("Перебуває в лікарні")),
        (IMMOBILE, _("Тимчасово не може пересуватися")),
        (REMOTE, _("Проживає у віддаленому населеному пункті")),
        (OTHER, _("Інша категорія за рішенням ради")),
    ]
    MANDATORY_KINDS = (DISABILITY_1, LKK)
    # These are checked from data the operator already typed; the others need a document.
    COMPUTED_KINDS = (AGE, REMOTE)

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="categories"
    )
    kind = models.CharField(_("вид"), max_length=20, choices=KIND_CHOICES)
    name = models.CharField(_("назва"), max_length=200)
    evidence = models.CharField(
        _("чим підтверджується"),
        max_length=300,
        blank=True,
        help_text=_("Документ, який людина має показати адміністратору."),
    )
    age_threshold = models.PositiveSmallIntegerField(
        _("вік від, років"),
        null=True,
        blank=True,
        validators=[MinValueValidator(18), MaxValueValidator(120)],
    )
    is_active = models.BooleanField(_("діє"), default=True)
    decision_number = models.CharField(
        _("номер рішення ради"),
        max_length=50,
        blank=True,
        help_text=_("Рішення ради, яким категорію включено до переліку. Для обов'язкових не потрібне."),
    )
    decision_date = models.DateField(_("дата рішення ради"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)

    class Meta:
        verbose_name = _("категорія отримувачів")
        verbose_name_plural = _("категорії отримувачів")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "kind"],
                condition=~models.Q(kind="other"),
                name="category_one_per_kind",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def is_mandatory(self):
        return self.kind in self.MANDATORY_KINDS

    @property
    def is_computed(self):
        return self.kind in self.COMPUTED_KINDS

    def clean(self):
        if self.is_mandatory and not self.is_active:
            raise ValidationError(_("Обов'язкову за законом категорію не можна вимкнути."))
        errors = {}
        if self.kind == self.AGE and not self.age_threshold:
            errors["age_threshold"] = _("Вкажіть вік, з якого діє категорія.")
        if self.is_active and not self.is_mandatory:
            # The law lets the council add categories; without its decision there is no such right.
            if not (self.decision_number or "").strip():
                errors["decision_number"] = _(
                    "Вкажіть номер рішення ради, яким цю категорію включено до переліку, "
                    "або вимкніть категорію."
                )
            if not self.decision_date:
                errors["decision_date"] = _("Вкажіть дату рішення ради.")
        if errors:
            raise ValidationError(errors)

    @property
    def decision_label(self):
        """What staff and the public read next to the category: the council's decision."""
        if self.is_mandatory:
            return _("обов'язкова за законом")
        if not (self.decision_number and self.decision_date):
            return _("рішення не вказано")
        return _("рішення ради № %(number)s від %(date)s") % {
            "number": self.decision_number, "date": self.decision_date.strftime("%d.%m.%Y"),
        }

    def save(self, *args, **kwargs):
        if self.is_mandatory:
            self.is_active = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_mandatory:
            raise ValidationError(_("Обов'язкову за законом категорію не можна видалити."))
        return super().delete(*args, **kwargs)


class EvidenceDocument(models.Model):
    """A document that proves a category, as the sysadmin keeps the list up to date.

    From 2025 the expert team that assesses daily functioning replaced МСЕК; certificates МСЕК
    issued before stay in force. Each document is named only between valid_from and valid_to.
    """

    category_kind = models.CharField(_("категорія"), max_length=20,
                                     choices=EligibilityCategory.KIND_CHOICES)
    name = models.CharField(_("документ"), max_length=300)
    valid_from = models.DateField(_("приймається з"), null=True, blank=True)
    valid_to = models.DateField(_("приймається до"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)

    class Meta:
        verbose_name = _("документ, що підтверджує категорію")
        verbose_name_plural = _("документи, що підтверджують категорії")
        ordering = ["category_kind", "order", "id"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _(
                "Дата «приймається до» не може бути раніше дати «приймається з»."
            )})

    def is_valid_on(self, day):
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to)

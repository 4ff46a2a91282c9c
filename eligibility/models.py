from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class EligibilityCategory(models.Model):
    """Who may order a home visit, as set by the council's decision, per community.

    Two kinds are mandatory by law (Примірний регламент ЦНАП, п. 52¹): disability group I and a
    medical commission (ЛКК) conclusion. They are created for every community and cannot be
    removed or switched off.
    """

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
        if self.kind == self.AGE and not self.age_threshold:
            raise ValidationError({"age_threshold": _("Вкажіть вік, з якого діє категорія.")})

    def save(self, *args, **kwargs):
        if self.is_mandatory:
            self.is_active = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_mandatory:
            raise ValidationError(_("Обов'язкову за законом категорію не можна видалити."))
        return super().delete(*args, **kwargs)

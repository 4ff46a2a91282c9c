from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CalendarOverride(models.Model):
    """A day that works differently from the computed calendar (journal/workdays.py).

    A community's own day off, or a Saturday worked in exchange for a bridge day. Without a
    community it applies to every community: a transfer of working days recommended by the
    Cabinet of Ministers is national. A community's own entry wins over a national one.
    """

    community = models.ForeignKey(
        "communities.Community",
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

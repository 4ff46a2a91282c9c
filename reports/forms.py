from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import periods
from .models import Kind


class ReportForm(forms.Form):
    """Which report to make: the kind, the year and, for a quarter or a half-year, which one."""

    kind = forms.ChoiceField(
        label=_("Вид звіту"),
        choices=Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Оберіть вид звіту."),
            "invalid_choice": _("Оберіть вид звіту: квартальний, піврічний або річний."),
        },
    )
    year = forms.IntegerField(
        label=_("Рік"),
        error_messages={"required": _("Напишіть рік, наприклад 2026."), "invalid": _("Рік — це число, наприклад 2026.")},
    )
    part = forms.IntegerField(
        label=_("Квартал (1–4) або півріччя (1–2)"),
        required=False,
        help_text=_("Для річного звіту не потрібно."),
        error_messages={"invalid": _("Напишіть число: квартал від 1 до 4, півріччя 1 або 2.")},
    )

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            data["start"], data["end"] = periods.checked(data["kind"], data["year"], data.get("part"), self.today)
        except periods.PeriodError as exc:
            self.add_error(exc.field, str(exc))
        return data

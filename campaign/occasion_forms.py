"""The forms of the calendar of occasions (issue 15): a community's own date, a post's text."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import occasions
from .forms import PostTextsForm

MONTHS = [
    (1, _("січня")), (2, _("лютого")), (3, _("березня")), (4, _("квітня")), (5, _("травня")), (6, _("червня")),
    (7, _("липня")), (8, _("серпня")), (9, _("вересня")), (10, _("жовтня")), (11, _("листопада")), (12, _("грудня")),
]  # fmt: skip


class OccasionForm(forms.Form):
    title = forms.CharField(
        label=_("Назва дати"),
        max_length=200,
        help_text=_("Наприклад: День громади, День села Вербівка."),
        error_messages={"required": _("Напишіть назву дати.")},
    )
    day = forms.IntegerField(
        label=_("Число"),
        min_value=1,
        max_value=31,
        error_messages={
            "required": _("Вкажіть число місяця."),
            "invalid": _("Число — від 1 до 31."),
            "min_value": _("Число — від 1 до 31."),
            "max_value": _("Число — від 1 до 31."),
        },
    )
    month = forms.TypedChoiceField(
        label=_("Місяць"),
        choices=MONTHS,
        coerce=int,
        error_messages={"required": _("Виберіть місяць."), "invalid_choice": _("Виберіть місяць зі списку.")},
    )
    year = forms.IntegerField(
        label=_("Рік, якщо дата лише одного року"),
        required=False,
        min_value=2000,
        max_value=2100,
        error_messages={
            "invalid": _("Рік — чотири цифри, наприклад 2027."),
            "min_value": _("Рік — чотири цифри, наприклад 2027."),
            "max_value": _("Рік — чотири цифри, наприклад 2027."),
        },
    )
    lead_days = forms.IntegerField(
        label=_("Нагадати за, днів"),
        initial=14,
        min_value=0,
        max_value=90,
        error_messages={
            "required": _("Вкажіть, за скільки днів нагадати."),
            "invalid": _("Кількість днів — від 0 до 90."),
            "min_value": _("Кількість днів — від 0 до 90."),
            "max_value": _("Кількість днів — від 0 до 90."),
        },
    )
    text = forms.CharField(
        label=_("Початок допису"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Цифри, заклик «Допоможи сусіду!» і телефон Валіза додасть сама."),
    )

    def clean(self):
        data = super().clean()
        if data.get("month") and data.get("day"):
            problem = occasions.validate(data["month"], data["day"], data.get("year"))
            if problem:
                self.add_error("day", problem)
        return data


class PostForm(PostTextsForm):
    """An occasion's post: the same two texts as a draft's."""

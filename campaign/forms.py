from django import forms
from django.utils.translation import gettext_lazy as _

from .actions import PREPARATION_TITLES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"required": _("Вкажіть дату."), "invalid": _("Вкажіть дату, наприклад 15.03.2026.")}


class PreparationForm(forms.Form):
    what = forms.ChoiceField(
        label=_("Що сталося"),
        choices=list(PREPARATION_TITLES.items()),
        error_messages={"required": _("Виберіть подію."), "invalid_choice": _("Виберіть подію зі списку.")},
    )
    day = forms.DateField(label=_("Дата"), widget=DATE, error_messages=DATE_ERRORS)
    number = forms.CharField(label=_("Номер рішення ради"), max_length=50, required=False)
    note = forms.CharField(label=_("Примітка"), max_length=300, required=False)


class DraftForm(forms.Form):
    site_text = forms.CharField(
        label=_("Текст для сайту"),
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 12}),
        error_messages={"required": _("Текст для сайту не може бути порожнім.")},
    )
    social_text = forms.CharField(
        label=_("Текст для соцмереж"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Текст для соцмереж не може бути порожнім.")},
    )
    story = forms.CharField(
        label=_("Історія людини (лише за її згодою)"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ConsentForm(forms.Form):
    purpose = forms.CharField(
        label=_("Для чого людина дала згоду"),
        max_length=300,
        initial=_("історія та ім'я в дописі на сайті громади і в соцмережах"),
        error_messages={"required": _("Напишіть, для чого людина дала згоду.")},
    )
    given_on = forms.DateField(label=_("Коли людина дала згоду"), widget=DATE, error_messages=DATE_ERRORS)


class PublishedForm(forms.Form):
    url = forms.URLField(
        label=_("Посилання на опублікований допис"),
        max_length=200,
        error_messages={
            "required": _("Вставте посилання на опублікований допис."),
            "invalid": _("Це не схоже на посилання. Скопіюйте його з адресного рядка."),
        },
    )

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import PhoneField

from .actions import PREPARATION_TITLES
from .models import MailingReason, Partner, PartnerKind

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


class PostTextsForm(forms.Form):
    """The two texts of every post: a draft's and an occasion's."""

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


class DraftForm(PostTextsForm):
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
        assume_scheme="https",
        error_messages={
            "required": _("Вставте посилання на опублікований допис."),
            "invalid": _("Це не схоже на посилання. Скопіюйте його з адресного рядка."),
        },
    )


class PartnerForm(forms.ModelForm):
    phone = PhoneField(label=_("Телефон"), required=False)

    class Meta:
        model = Partner
        fields = ["name", "kind", "contact_person", "phone", "email", "settlement", "address", "notes", "is_active"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "name": {"required": _("Напишіть назву організації.")},
            "kind": {"required": _("Виберіть вид організації."), "invalid_choice": _("Виберіть вид зі списку.")},
            "email": {"invalid": _("Це не схоже на адресу ел. пошти. Перевірте, чи є в ній знак @.")},
        }

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "—")] + list(PartnerKind.choices)
        self.fields["settlement"].queryset = community.settlements.order_by("name")
        self.fields["settlement"].error_messages["invalid_choice"] = _("Виберіть населений пункт зі списку.")


class MailingReasonForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Привід"),
        choices=MailingReason.choices,
        error_messages={"required": _("Виберіть привід."), "invalid_choice": _("Виберіть привід зі списку.")},
    )


class MailingForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Привід"),
        choices=MailingReason.choices,
        widget=forms.HiddenInput,
        error_messages={"required": _("Виберіть привід."), "invalid_choice": _("Виберіть привід зі списку.")},
    )
    subject = forms.CharField(label=_("Тема листа"), max_length=200, error_messages={"required": _("Напишіть тему листа.")})
    body = forms.CharField(
        label=_("Текст листа"),
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 16}),
        error_messages={"required": _("Напишіть текст листа.")},
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Кому надіслати"),
        queryset=Partner.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Позначте хоча б одну організацію."),
            "invalid_choice": _("Цієї організації немає у списку. Оновіть сторінку."),
            "invalid_pk_value": _("Цієї організації немає у списку. Оновіть сторінку."),
        },
    )

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = Partner.objects.filter(community=community, is_active=True).exclude(email="")
        self.fields["partners"].label_from_instance = lambda p: f"{p.name} — {p.email}"


class PhotoForm(forms.Form):
    image = forms.FileField(
        label=_("Фото (JPEG, PNG або WebP)"),
        error_messages={"required": _("Виберіть фото."), "empty": _("Файл порожній. Виберіть інше фото.")},
    )
    caption = forms.CharField(label=_("Підпис до фото"), max_length=300, required=False)
    shows_person = forms.BooleanField(label=_("На фото є людина, чию історію розповідаємо"), required=False)

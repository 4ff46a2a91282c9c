"""Form fields shared by every app: phones, birth dates, names, free text."""

import datetime

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .text import strip_invisible

DATE_INPUT_FORMATS = ["%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]
OLDEST_AGE = 120


def parse_id(value):
    """A database id from user input, or None: ASCII digits only ("²".isdigit() is true, int() of it
    fails) and short enough for a 64-bit column (SQLite raises on anything wider)."""
    value = str(value)
    if value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


def normalize_phone(value):
    """A Ukrainian (or international) phone number in E.164, or ValidationError in Ukrainian."""
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) > 30:
        raise ValidationError(_("Номер телефону задовгий."), code="phone")
    try:
        number = phonenumbers.parse(value, "UA")
    except phonenumbers.NumberParseException:
        raise ValidationError(
            _("Не схоже на номер телефону. Напишіть, наприклад, 067 123 45 67."), code="phone"
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("Такого номера не існує. Перевірте цифри: наприклад, 067 123 45 67."), code="phone"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(value):
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "UA")
    except phonenumbers.NumberParseException:
        return value
    if number.country_code == 380:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


class PhoneField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)
        self.widget.attrs.update({"type": "tel", "autocomplete": "tel", "inputmode": "tel"})

    def clean(self, value):
        return normalize_phone(super().clean(value))


class BirthDateField(forms.DateField):
    default_error_messages = {
        "invalid": _("Напишіть дату як день.місяць.рік, наприклад 05.03.1941."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        kwargs.setdefault(
            "widget", forms.DateInput(format="%d.%m.%Y", attrs={"placeholder": "дд.мм.рррр",
                                                                "inputmode": "numeric"})
        )
        super().__init__(**kwargs)

    def clean(self, value):
        try:
            date = super().clean(value)
        except OverflowError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if date is None:
            return date
        today = timezone.localdate()
        if date > today:
            raise ValidationError(_("Дата народження не може бути в майбутньому."), code="future")
        if date < datetime.date(today.year - OLDEST_AGE, 1, 1):
            raise ValidationError(
                _("Перевірте рік народження: людині не може бути понад %(n)s років.")
                % {"n": OLDEST_AGE},
                code="too_old",
            )
        return date


class TextField(forms.CharField):
    """Free text as typed, without invisible and control characters (core.text.strip_invisible),
    which are removed before the length and "required" checks: a zero-width space alone is empty.
    `multiline` keeps line breaks and tabs (a textarea)."""

    def __init__(self, *, multiline=False, **kwargs):
        self.multiline = multiline
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = strip_invisible(value, multiline=self.multiline)
        return super().to_python(value)


def text_formfield(model_field, **kwargs):
    """A ModelForm's `formfield_callback`: the model's plain text columns get TextField (a TextField
    column, several lines), everything else its usual form field."""
    if type(model_field) is models.CharField and not model_field.choices:
        return model_field.formfield(form_class=TextField, **kwargs)
    if type(model_field) is models.TextField and not model_field.choices:
        return model_field.formfield(form_class=TextField, multiline=True, **kwargs)
    return model_field.formfield(**kwargs)


class NameField(TextField):
    """A person's name, stored as typed (apostrophes, quotes, any script) but for invisible
    characters, which would let one name dodge the duplicate check as another."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("autocomplete", "off")
        self.widget.attrs.setdefault("spellcheck", "false")

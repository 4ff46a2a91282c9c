"""Forms of the equipment pages; every date a person types is checked here (never a 500)."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DATE_INPUT_FORMATS, TextField, text_formfield
from teams.models import Suitcase

from .models import Device, Expense, MaintenanceRecord


def _date_widget():
    return forms.DateInput(format="%d.%m.%Y", attrs={"placeholder": "дд.мм.рррр", "inputmode": "numeric"})


class PastDateField(forms.DateField):
    """A date that has already come: upkeep done, money paid. Tomorrow is refused in words."""

    default_error_messages = {"invalid": _("Напишіть дату як день.місяць.рік, наприклад 05.03.2026.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        kwargs.setdefault("widget", _date_widget())
        super().__init__(**kwargs)

    def clean(self, value):
        try:
            day = super().clean(value)
        except OverflowError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError(_("Ця дата ще не настала. Вкажіть сьогоднішню або минулу дату."), code="future")
        return day


class AnyDateField(PastDateField):
    def clean(self, value):
        try:
            return forms.DateField.clean(self, value)
        except OverflowError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class MoneyField(forms.DecimalField):
    """Hryvnias as people write them: "150", "87,50", "1 200.50"."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 10)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(**kwargs)
        self.error_messages["invalid"] = _("Напишіть суму цифрами, наприклад 150 або 87,50.")

    def to_python(self, value):
        if isinstance(value, str):
            value = "".join(value.split()).replace(",", ".")
        return super().to_python(value)


class DeviceForm(forms.ModelForm):
    formfield_callback = text_formfield
    warranty_until = AnyDateField(label=_("гарантія до"), required=False)

    class Meta:
        model = Device
        fields = ["kind", "model", "serial", "suitcase", "needed", "state", "warranty_until", "supplier", "pages"]

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.community = community
        self.fields["suitcase"].queryset = Suitcase.objects.filter(community=community).order_by("name")
        self.fields["suitcase"].empty_label = _("— на складі, не у валізі —")

    def clean_serial(self):
        serial = " ".join(self.cleaned_data["serial"].split()).upper()
        if not serial:
            raise forms.ValidationError(_("Вкажіть серійний номер з наклейки на пристрої."))
        taken = Device.objects.filter(community=self.instance.community, serial=serial).exclude(pk=self.instance.pk)
        if taken.exists():
            other = taken.first()
            raise forms.ValidationError(
                _(
                    "Пристрій із серійним номером %(serial)s уже записано: %(device)s%(where)s. Перевірте номер "
                    "на наклейці — один пристрій не записують двічі."
                )
                % {
                    "serial": serial,
                    "device": other.get_kind_display(),
                    "where": f" ({other.suitcase})" if other.suitcase_id else "",
                }
            )
        return serial


class MaintenanceForm(forms.Form):
    kind = forms.ChoiceField(label=_("що зроблено"), choices=MaintenanceRecord.Kind.choices)
    date = PastDateField(label=_("дата"))
    note = TextField(label=_("опис"), required=False, multiline=True, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    supplier_case = TextField(label=_("номер звернення до постачальника"), required=False, max_length=60)
    state = forms.ChoiceField(
        label=_("стан пристрою після цього"), required=False, choices=[("", _("— не змінився —")), *Device.State.choices]
    )


class ExpenseForm(forms.ModelForm):
    formfield_callback = text_formfield
    date = PastDateField(label=_("дата оплати"))
    amount = MoneyField(label=_("сума, грн"), min_value=Decimal("0.01"))

    class Meta:
        model = Expense
        fields = ["date", "category", "suitcase", "amount", "note"]

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.community = community
        self.fields["suitcase"].queryset = Suitcase.objects.filter(community=community).order_by("name")
        self.fields["suitcase"].empty_label = _("— загальні витрати служби —")
        self.fields["amount"].error_messages["min_value"] = _("Сума має бути більше нуля.")


class FailureForm(forms.Form):
    device = forms.ModelChoiceField(
        label=_("який пристрій"),
        queryset=Device.objects.none(),
        error_messages={"invalid_choice": _("Оберіть пристрій зі списку.")},
    )
    what = TextField(label=_("що сталося"), max_length=1000, multiline=True, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["device"].queryset = (
            Device.objects.filter(community=community, suitcase__isnull=False)
            .exclude(state=Device.State.LOST)
            .select_related("suitcase")
            .order_by("suitcase__name", "kind", "serial")
        )
        self.fields["device"].label_from_instance = lambda d: f"{d.suitcase} — {d}"


class ChecklistForm(forms.Form):
    """The items are checkboxes made from readiness.checklist_items; the rest depends on the stage."""

    internet_balance = MoneyField(
        label=_("залишок на рахунку мобільного інтернету, грн"), required=False, min_value=0, max_digits=8
    )
    damage = TextField(
        label=_("що пошкоджено або чого бракує"),
        required=False,
        multiline=True,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    note = TextField(
        label=_("примітка"), required=False, multiline=True, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, items, subject, stage, **kwargs):
        super().__init__(*args, **kwargs)
        self.item_keys = [key for key, _label in items]
        for key, label in items:
            self.fields[f"item_{key}"] = forms.BooleanField(label=label, required=False)
        if subject != "suitcase" or stage != "before":
            del self.fields["internet_balance"]
        if stage != "after":
            del self.fields["damage"]

    def checked(self):
        return {key for key in self.item_keys if self.cleaned_data.get(f"item_{key}")}

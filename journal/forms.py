from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DATE_INPUT_FORMATS, BirthDateField, PhoneField, TextField

from .models import CLOSING_STATES, CaseState, Delivery


class CaseFilterForm(forms.Form):
    DUE_TODAY, LATE = "today", "late"
    when = forms.ChoiceField(label=_("Строки"), required=False, choices=[
        ("", _("Усі")), (DUE_TODAY, _("Строк сьогодні")), (LATE, _("Прострочені"))])
    state = forms.ChoiceField(label=_("Стан"), required=False, choices=[("", _("Усі")), *CaseState.choices])
    office = forms.ModelChoiceField(label=_("Офіс"), required=False, queryset=None, empty_label=_("Усі"))

    def __init__(self, *args, community_id, **kwargs):
        super().__init__(*args, **kwargs)
        from communities.models import Office

        self.fields["office"].queryset = Office.objects.filter(community_id=community_id)


class EventDateField(forms.DateField):
    """The day something happened; the rules (not in the future, not before acceptance) are in
    journal.actions, so the form only reads the date."""

    default_error_messages = {"invalid": _("Напишіть дату як день.місяць.рік, наприклад 05.03.2026.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("Якщо порожньо — сьогодні."))
        kwargs.setdefault("widget", forms.DateInput(format="%d.%m.%Y", attrs={
            "placeholder": "дд.мм.рррр", "inputmode": "numeric"}))
        super().__init__(**kwargs)

    def clean(self, value):
        try:
            return super().clean(value)
        except OverflowError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class HandOverForm(forms.Form):
    on = EventDateField(label=_("Дата передачі"))
    official = TextField(label=_("Хто з суб'єкта надання прийняв документи"), required=False, max_length=200,
                         help_text=_("Прізвище, ініціали і посада."))


class DecisionForm(forms.Form):
    on = EventDateField(label=_("Дата рішення суб'єкта надання"))
    number = TextField(label=_("Номер рішення"), required=False, max_length=60)
    granted = forms.TypedChoiceField(
        label=_("Рішення"), widget=forms.RadioSelect, coerce=lambda v: v == "1",
        choices=[("1", _("Послугу надано")), ("0", _("Відмовлено"))])
    refusal_code = forms.TypedChoiceField(label=_("Підстава відмови зі списку"), required=False, coerce=int,
                                          empty_value=None)
    reason = TextField(label=_("Підстава відмови словами суб'єкта надання"), required=False, max_length=2000,
                       multiline=True, widget=forms.Textarea(attrs={"rows": 3}),
                       help_text=_("Обов'язково для відмови: людина має право знати чому."))

    def __init__(self, *args, provider_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import RefusalReason

        reasons = RefusalReason.objects.filter(provider_id=provider_id, is_active=True) if provider_id else []
        self.fields["refusal_code"].choices = [("", _("—")), *((r.pk, str(r)) for r in reasons)]
        self.has_codes = bool(reasons)
        if not self.has_codes:
            del self.fields["refusal_code"]

    def clean(self):
        data = super().clean()
        if data.get("granted") is False:
            if self.has_codes and not data.get("refusal_code"):
                self.add_error("refusal_code", _("Оберіть підставу відмови зі списку."))
            elif not self.has_codes and not (data.get("reason") or "").strip():
                self.add_error("reason", _("Вкажіть підставу відмови."))
        return data


class ResultForm(forms.Form):
    delivery = forms.ChoiceField(label=_("Як видано результат"), choices=Delivery.choices,
                                 widget=forms.RadioSelect)
    on = EventDateField(label=_("Дата видачі або відправлення"))
    address = TextField(label=_("Поштою: адреса"), required=False, max_length=300,
                        help_text=_("Якщо порожньо — адреса, яку дала людина, або адреса із заявки."))
    tracking = TextField(label=_("Поштою: трек-номер"), required=False, max_length=40)
    courier = TextField(label=_("Кур'єром: хто повіз"), required=False, max_length=200)
    issued_to = TextField(label=_("Особисто: кому видано"), required=False, max_length=200,
                          help_text=_("Прізвище та ініціали; представник — і ким доводиться."))
    issued_document = TextField(label=_("Особисто: за яким документом"), required=False, max_length=200,
                                help_text=_("Наприклад: паспорт 123456789 або довіреність № 12."))


class ReceivedForm(forms.Form):
    on = EventDateField(label=_("Дата, коли людина отримала результат"))


class ChooseDeliveryForm(forms.Form):
    """How the person wants the result back; the same form on the citizens' status page."""

    delivery = forms.ChoiceField(label=_("Як ви хочете отримати результат"), choices=Delivery.choices,
                                 widget=forms.RadioSelect,
                                 error_messages={"required": _("Оберіть, як ви хочете отримати результат."),
                                                 "invalid_choice": _("Оберіть, як ви хочете отримати результат.")})
    address = TextField(label=_("Адреса для пошти"), required=False, max_length=300,
                        help_text=_("Лише для пошти: населений пункт, вулиця, будинок, квартира, індекс."))


class RefusalsFilterForm(forms.Form):
    start = EventDateField(label=_("З"), help_text="")
    end = EventDateField(label=_("По"), help_text="")

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("Початок періоду пізніше за його кінець."))
        return data


class CloseForm(forms.Form):
    state = forms.ChoiceField(label=_("Чим закінчилася справа"), widget=forms.RadioSelect,
                              choices=[(s.value, s.label) for s in CLOSING_STATES])
    on = EventDateField(label=_("Дата"))
    reason = TextField(label=_("Підстава"), required=False, max_length=2000, multiline=True,
                       widget=forms.Textarea(attrs={"rows": 2}))


class SuspendForm(forms.Form):
    on = EventDateField(label=_("Дата зупинення"))
    reason = TextField(label=_("Чому розгляд зупинено"), required=False, max_length=2000, multiline=True,
                       widget=forms.Textarea(attrs={"rows": 2}))


class ResumeForm(forms.Form):
    on = EventDateField(label=_("Дата поновлення"))
    new_due = EventDateField(label=_("Новий строк надання до"), required=True, help_text="")


class ExtendForm(forms.Form):
    new_due = EventDateField(label=_("Новий строк надання до"), required=True, help_text="")
    reason = TextField(label=_("Підстава продовження"), required=False, max_length=2000, multiline=True,
                       widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    note = TextField(label=_("Примітка"), required=False, max_length=2000, multiline=True,
                     widget=forms.Textarea(attrs={"rows": 2}))
    fee_paid = forms.DecimalField(label=_("Сплачено, грн"), required=False, min_value=0, max_digits=9,
                                  decimal_places=2, error_messages={
                                      "invalid": _("Напишіть суму числом, наприклад 85,00."),
                                      "min_value": _("Сума не може бути від'ємною.")})


class CorrectionForm(forms.Form):
    """Only what is filled in and differs is corrected; the rest stays as recorded."""

    applicant_name = TextField(label=_("Правильне прізвище, ім'я, по батькові заявника"), max_length=200,
                               required=False)
    applicant_birth_date = BirthDateField(label=_("Правильна дата народження"), required=False)
    applicant_phone = PhoneField(label=_("Правильний телефон"), required=False)
    street = TextField(label=_("Вулиця"), max_length=200, required=False)
    building = TextField(label=_("Будинок"), max_length=20, required=False)
    flat = TextField(label=_("Квартира"), max_length=20, required=False)
    reason = TextField(label=_("Чому виправляєте"), required=False, max_length=2000, multiline=True,
                       widget=forms.Textarea(attrs={"rows": 2}),
                       help_text=_("Наприклад: описка, людина показала паспорт."))

    def changes(self, case):
        """{field: new value} of the fields filled in that differ from what the case and its request hold."""
        req = case.request
        out = {}
        for field in ("applicant_name", "applicant_birth_date", "applicant_phone", "street", "building", "flat"):
            value = self.cleaned_data.get(field)
            if value in (None, ""):
                continue
            current = case.applicant_name if field == "applicant_name" else getattr(req, field, None)
            if value != current:
                out[field] = value
        return out


class JournalPaperForm(forms.Form):
    """The period and office of the journal on paper (journal/paper.py). Both dates are required: an
    export always says which days it covers."""

    # Two years: a yearly register with room for a comparison; longer is a typing mistake (2062 for 2026).
    MAX_DAYS = 731
    XLSX, PDF = "xlsx", "pdf"

    start = EventDateField(label=_("З"), help_text="", required=True)
    end = EventDateField(label=_("По"), help_text="", required=True)
    office = forms.ModelChoiceField(label=_("Офіс"), required=False, queryset=None, empty_label=_("Усі офіси"),
                                    error_messages={"invalid_choice": _("Такого офісу у вашій громаді немає. "
                                                                        "Оберіть офіс зі списку.")})
    format = forms.ChoiceField(label=_("Формат"), required=False, choices=[(XLSX, "XLSX"), (PDF, "PDF")])

    def __init__(self, *args, community_id, **kwargs):
        super().__init__(*args, **kwargs)
        from communities.models import Office

        self.fields["office"].queryset = Office.objects.filter(community_id=community_id)
        for name in ("start", "end"):
            self.fields[name].error_messages["required"] = _("Вкажіть дату як день.місяць.рік, наприклад 05.03.2026.")

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                raise forms.ValidationError(_("Кінець періоду раніше за його початок. Перевірте дати «З» і «По»."))
            if (end - start).days + 1 > self.MAX_DAYS:
                raise forms.ValidationError(_("Період задовгий: журнал можна вивантажити щонайбільше за два роки. "
                                              "Оберіть коротший період."))
        data["format"] = data.get("format") or self.XLSX
        return data


class HandOverListForm(forms.Form):
    day = EventDateField(label=_("День прийому"), help_text=_("Якщо порожньо — сьогодні."))
    format = forms.ChoiceField(required=False, choices=[("html", "HTML"), ("pdf", "PDF")])

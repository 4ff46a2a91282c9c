from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DATE_INPUT_FORMATS, PhoneField, TextField

from .models import MAX_TEXT, STAFF_CHANNELS, CallAttempt, Complaint, Proposal

RATING_CHOICES = [(str(n), str(n)) for n in range(1, 6)]
RATING_MESSAGE = _("Виберіть оцінку від 1 (дуже погано) до 5 (дуже добре).")
CHANNEL_ERRORS = {
    "required": _("Виберіть зі списку, звідки це надійшло."),
    "invalid_choice": _("Виберіть зі списку, звідки це надійшло."),
}
YES_NO = [("", _("Не сказала")), ("1", _("Так")), ("0", _("Ні"))]


def _text(label, *, required=False, max_length=MAX_TEXT, rows=4, **kwargs):
    return TextField(
        label=label,
        required=required,
        max_length=max_length,
        multiline=True,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "max_length": _(
                "Текст задовгий: можна до %(limit_value)d знаків, а тут %(show_value)d. Скоротіть його або залиште головне."
            ),
            "required": _("Це поле треба заповнити."),
        },
        **kwargs,
    )


class DateField(forms.DateField):
    default_error_messages = {"invalid": _("Напишіть дату як день.місяць.рік, наприклад 05.03.2026.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        kwargs.setdefault(
            "widget", forms.DateInput(format="%d.%m.%Y", attrs={"placeholder": "дд.мм.рррр", "inputmode": "numeric"})
        )
        super().__init__(**kwargs)

    def clean(self, value):
        try:
            return super().clean(value)
        except OverflowError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


def _not_future(day):
    if day and day > timezone.localdate():
        raise forms.ValidationError(_("Дата не може бути в майбутньому."))
    return day


class RatingField(forms.TypedChoiceField):
    """1–5 as radio buttons with none chosen: the person chooses, the form never does."""

    def __init__(self, *, required=True, **kwargs):
        super().__init__(
            choices=RATING_CHOICES,
            coerce=int,
            empty_value=None,
            widget=forms.RadioSelect,
            required=required,
            error_messages={"required": RATING_MESSAGE, "invalid_choice": RATING_MESSAGE},
            **kwargs,
        )


class YesNoField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            choices=YES_NO, coerce=lambda v: v == "1", empty_value=None, required=False, widget=forms.RadioSelect, **kwargs
        )


class CallForm(forms.Form):
    """One call of the survey: the script's questions, the outcome, the rating (no default)."""

    version = forms.IntegerField(
        label=_("Версія форми"),
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Оновіть сторінку і запишіть дзвінок ще раз."),
            "invalid": _("Оновіть сторінку і запишіть дзвінок ще раз."),
        },
    )
    outcome = forms.ChoiceField(
        label=_("Чим закінчився дзвінок"),
        choices=CallAttempt.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Виберіть, чим закінчився дзвінок."),
            "invalid_choice": _("Виберіть, чим закінчився дзвінок."),
        },
    )
    came_on_time = YesNoField(label=_("Чи прийшов адміністратор у погоджений час?"))
    explained = YesNoField(label=_("Чи все вам пояснили?"))
    asked_extra = YesNoField(label=_("Чи просили у вас щось понад офіційну плату?"))
    would_recommend = YesNoField(label=_("Чи порадили б ви цю послугу знайомим?"))
    improve = _text(_("Що нам покращити?"), rows=2)
    rating = RatingField(label=_("Як ви оцінюєте обслуговування від 1 до 5?"), required=False)
    comment = _text(_("Що ще сказала людина"), rows=3)
    possible_abuse = forms.BooleanField(
        label=_("Можливе зловживання (відкрити скаргу)"),
        required=False,
        help_text=_("Наприклад, просили гроші чи подарунок, тиснули, взяли документи без опису."),
    )

    def clean(self):
        data = super().clean()
        if data.get("outcome") == CallAttempt.Outcome.ANSWERED and data.get("rating") is None and "rating" not in self.errors:
            self.add_error("rating", RATING_MESSAGE)
        if data.get("asked_extra") and not data.get("possible_abuse"):
            self.add_error(
                "possible_abuse",
                _("Людина сказала, що просили понад офіційну плату: позначте можливе зловживання, щоб відкрилася скарга."),
            )
        return data


class PublicFeedbackForm(forms.Form):
    rating = RatingField(label=_("Як вас обслужили? 1 — дуже погано, 5 — дуже добре"))
    text = _text(_("Що сподобалося, що покращити"), max_length=2000, rows=4)


class StaffFeedbackForm(forms.Form):
    channel = forms.ChoiceField(label=_("Звідки відгук"), choices=STAFF_CHANNELS, error_messages=CHANNEL_ERRORS)
    received_on = DateField(label=_("Дата відгуку"))
    request_number = TextField(label=_("Номер заявки, якщо відомий"), required=False, max_length=20)
    author = TextField(label=_("Хто написав"), required=False, max_length=200)
    source_url = forms.URLField(
        label=_("Посилання на допис"),
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages={"invalid": _("Це не схоже на адресу сторінки (https://…).")},
    )
    rating = RatingField(label=_("Оцінка, якщо людина її дала"), required=False)
    text = _text(_("Відгук"), required=True)

    def clean_received_on(self):
        return _not_future(self.cleaned_data["received_on"])


class ComplaintForm(forms.Form):
    channel = forms.ChoiceField(label=_("Звідки надійшла"), choices=STAFF_CHANNELS, error_messages=CHANNEL_ERRORS)
    received_on = DateField(label=_("Дата надходження"))
    request_number = TextField(label=_("Номер заявки"), required=False, max_length=20)
    case_number = TextField(label=_("Номер справи"), required=False, max_length=40)
    person_name = TextField(label=_("Хто скаржиться"), max_length=200)
    phone = PhoneField(label=_("Телефон для відповіді"), required=False)
    postal_address = TextField(label=_("Поштова адреса для відповіді"), required=False, max_length=300)
    text = _text(_("Суть скарги"), required=True, rows=6)
    possible_abuse = forms.BooleanField(label=_("Можливе зловживання"), required=False)
    assigned_to = forms.ModelChoiceField(
        label=_("Відповідальний"), queryset=None, required=False, empty_label=_("Ще не призначено")
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = staff

    def clean_received_on(self):
        return _not_future(self.cleaned_data["received_on"])


class AssignForm(forms.Form):
    assigned_to = forms.ModelChoiceField(
        label=_("Відповідальний"), queryset=None, required=False, empty_label=_("Ще не призначено")
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = staff


class AnswerForm(forms.Form):
    answer = _text(_("Відповідь людині"), required=True, rows=5)
    via = forms.ChoiceField(
        label=_("Як надіслати відповідь"),
        choices=Complaint.AnswerVia.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Виберіть, як надіслати відповідь.")},
    )
    answered_on = DateField(label=_("Дата відповіді"), required=False, help_text=_("Якщо порожньо — сьогодні."))


class ProposalForm(forms.Form):
    channel = forms.ChoiceField(label=_("Звідки надійшла"), choices=STAFF_CHANNELS, error_messages=CHANNEL_ERRORS)
    received_on = DateField(label=_("Дата надходження"))
    author = TextField(label=_("Автор"), required=False, max_length=200)
    text = _text(_("Пропозиція"), required=True, rows=5)

    def clean_received_on(self):
        return _not_future(self.cleaned_data["received_on"])


class DecisionForm(forms.Form):
    discussed_on = DateField(label=_("Дата обговорення командою"), required=False)
    decision = forms.ChoiceField(label=_("Рішення"), choices=Proposal.Decision.choices, widget=forms.RadioSelect)
    reason = _text(_("Чому так вирішили"), rows=3)
    procedure_changed = forms.BooleanField(label=_("Змінено порядок роботи"), required=False)
    change = _text(_("Що саме змінено"), rows=3)
    publish = forms.BooleanField(label=_("Оприлюднити (лише прийняту)"), required=False)

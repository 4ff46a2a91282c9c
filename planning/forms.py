import datetime

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalogue.models import Service
from core.forms import BirthDateField, NameField, PhoneField
from teams.models import Team
from visits.forms import models_q_for_community

from . import slots
from .models import Session, SessionBooking


class PlanForm(forms.Form):
    time_limit_s = forms.IntegerField(
        label=_("Скільки секунд шукати найкращі маршрути"), min_value=1, max_value=600, initial=10,
        error_messages={"min_value": _("Щонайменше 1 секунда."), "max_value": _("Не більше 600 секунд."),
                        "invalid": _("Вкажіть число секунд.")},
    )


class PinForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Команда"), queryset=Team.objects.none(),
                                  error_messages={"invalid_choice": _("Оберіть команду зі списку.")})
    day = forms.TypedChoiceField(label=_("День"), coerce=datetime.date.fromisoformat,
                                 error_messages={"invalid_choice": _("Оберіть день цього тижня.")})
    start = forms.TimeField(label=_("Час (за бажанням)"), required=False,
                            error_messages={"invalid": _("Напишіть час як години:хвилини, наприклад 11:30.")})

    def __init__(self, *args, week, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(community=week.community, is_active=True)
        self.fields["day"].choices = [(d.isoformat(), d.strftime("%a %d.%m")) for d in week.days]


class SlotChoice:
    """The slot a booking form is about, read from the form's hidden fields (or the link's query).

    `session` is None when the id is unknown in this community; `problem` is the message for the
    citizen when the slot cannot be booked, else None.
    """

    def __init__(self, community, session_id, date_value, start_value, *, now=None):
        self.session = self.date = self.start = None
        self.problem = None
        session_id = str(session_id or "")
        if session_id.isdigit() and len(session_id) < 12:
            self.session = (
                Session.objects.filter(pk=int(session_id), fixed_point__community=community,
                                       fixed_point__is_active=True)
                .select_related("fixed_point__community", "fixed_point__settlement")
                .first()
            )
        if self.session is None:
            self.problem = _("Такого прийому немає. Оберіть час у розкладі пункту прийому.")
            return
        try:
            self.date = datetime.date.fromisoformat(str(date_value or ""))
            self.start = datetime.datetime.strptime(str(start_value or ""), "%H:%M").time()
        except ValueError:
            self.date = self.start = None
            self.problem = _("Оберіть день і час у розкладі прийому.")
            return
        self.problem = slots.slot_problem(
            self.session, self.date, self.start, weeks=settings.VALIZA_BOOKING_WEEKS, now=now
        )

    @property
    def end(self):
        return slots.slot_end(self.session, self.start)


class SessionBookingForm(forms.Form):
    """A citizen books one slot at a fixed-point session. The slot comes from the link they
    followed (hidden fields); everything wrong with it is said at the top of the form, since a
    hidden field has nowhere to show its own error."""

    session = forms.CharField(widget=forms.HiddenInput, required=False)
    date = forms.CharField(widget=forms.HiddenInput, required=False)
    start = forms.CharField(widget=forms.HiddenInput, required=False)
    applicant_name = NameField(
        label=_("Прізвище, ім'я, по батькові"),
        error_messages={"required": _("Напишіть, як вас звати.")},
    )
    applicant_birth_date = BirthDateField(
        label=_("Дата народження"),
        error_messages={"required": _("Напишіть дату народження.")},
    )
    phone = PhoneField(
        label=_("Телефон"),
        help_text=_("Зателефонуємо, якщо прийом перенесуть."),
        error_messages={"required": _("Потрібен номер телефону, щоб повідомити про зміни.")},
    )
    service = forms.ModelChoiceField(
        label=_("Яка послуга потрібна"), queryset=Service.objects.none(), required=False, empty_label="—",
        help_text=_("Якщо не знаєте — залиште порожнім, адміністратор підкаже на місці."),
        error_messages={"invalid_choice": _("Оберіть послугу зі списку.")},
    )
    consent = forms.BooleanField(
        label=_("Я згоден (згодна) на обробку персональних даних, потрібних для надання послуг"),
        error_messages={"required": _("Без згоди на обробку персональних даних ми не можемо вас записати.")},
    )
    warning_acknowledged = forms.BooleanField(
        label=_("Мене попереджено про відповідальність за надання недостовірних відомостей"),
        error_messages={"required": _("Підтвердьте, що вас попереджено про відповідальність за недостовірні відомості.")},
    )

    def __init__(self, *args, community, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        self.now = now
        self.slot = None
        self.fields["service"].queryset = (
            Service.objects.filter(is_active=True, mobile_allowed=True)
            .filter(models_q_for_community(community))
            .select_related("provider")
        )
        self.fields["applicant_name"].error_messages["max_length"] = _("Задовго: не більше %(limit_value)d знаків.")

    @property
    def is_bot(self):
        # Bots fill every field; people never see this one (see the template).
        return bool(self.data.get("website"))

    def clean(self):
        data = super().clean()
        slot = SlotChoice(self.community, data.get("session"), data.get("date"), data.get("start"), now=self.now)
        if slot.problem:
            self.add_error(None, slot.problem)
        else:
            self.slot = slot
        return data

    def booking(self):
        """An unsaved SessionBooking with the consent and the warning recorded now."""
        data, now = self.cleaned_data, timezone.now()
        return SessionBooking(
            community=self.community, session=self.slot.session, date=self.slot.date, start=self.slot.start,
            applicant_name=data["applicant_name"], applicant_birth_date=data["applicant_birth_date"],
            phone=data["phone"], service=data["service"], consent_at=now, warning_acknowledged_at=now,
        )


class BookingLookupForm(forms.Form):
    """A citizen finds their booking by its number and the phone they booked with."""

    number = forms.CharField(
        label=_("Номер запису"), max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "З-1234-5678", "autocomplete": "off"}),
        error_messages={"required": _("Напишіть номер запису з SMS.")},
    )
    phone = PhoneField(label=_("Номер телефону, з яким ви записувалися"),
                       error_messages={"required": _("Напишіть номер телефону.")})

    def clean_number(self):
        from .bookings import normalise_number

        number = normalise_number(self.cleaned_data["number"])
        if number is None:
            raise forms.ValidationError(_("Номер запису — літера З і 8 цифр, наприклад З-1234-5678."))
        return number


class StaffCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Причина (людина отримає її в SMS)"), max_length=300,
        error_messages={"required": _("Напишіть причину: людина отримає її в SMS."),
                        "max_length": _("Не більше 300 символів.")},
    )

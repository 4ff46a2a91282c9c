from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.ua import rntrc

from catalogue.models import Service
from communities.models import Settlement
from core.forms import BirthDateField, NameField, PhoneField, TextField, parse_id, text_formfield
from eligibility import rules
from eligibility.models import EligibilityCategory

from .actions import ServiceChoice
from .models import WEEKDAY_CHOICES, PaymentMethod, RejectReason, Relation, Status, VisitRequest

# Ukraine with a margin: a point outside is a typo (swapped latitude and longitude, as a rule).
LAT_RANGE = (Decimal("44.0"), Decimal("52.5"))
LON_RANGE = (Decimal("22.0"), Decimal("40.5"))


class ServicesField(forms.ModelMultipleChoiceField):
    default_error_messages = {
        "invalid_choice": _("Такої послуги немає в каталозі."),
        "invalid_pk_value": _("Такої послуги немає в каталозі."),
        "required": _("Оберіть хоча б одну послугу."),
        "invalid_list": _("Оберіть послуги зі списку."),
    }

    def _check_values(self, value):
        # Only ids a database can hold reach the query (SQLite raises on wider integers).
        for pk in value:
            if parse_id(pk) is None:
                raise forms.ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value")
        return super()._check_values(value)


def _category_labels(day):
    """A label maker: the category and, if it needs a document, the documents valid on `day`."""
    catalogue = rules.evidence_documents_by_kind(day)  # one query for the whole list

    def label(category):
        if category.is_computed:
            return category.name
        names = catalogue.get(category.kind) or [category.evidence or _("документ")]
        return _("%(name)s (підтвердження: %(documents)s)") % {
            "name": category.name, "documents": str(_(" або ")).join(str(n) for n in names),
        }
    return label


class VisitRequestForm(forms.ModelForm):
    """The request as both the operator and the citizen fill it in.

    The services and their document checklists are posted as `services` (ids) and `doc_<id>`
    checkboxes; `service_choices()` turns them into actions.ServiceChoice for the save.
    """

    for_someone_else = forms.TypedChoiceField(
        label=_("Для кого виїзд?"),
        choices=[("0", _("Для себе")), ("1", _("Для іншої людини (сусіда, родича)"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="0",
    )
    applicant_name = NameField(label=_("Прізвище, ім'я, по батькові"))
    applicant_birth_date = BirthDateField(label=_("Дата народження"))
    applicant_phone = PhoneField(label=_("Телефон"), required=False)
    requester_name = NameField(label=_("Ваше прізвище та ім'я"), required=False)
    requester_phone = PhoneField(label=_("Ваш телефон"), required=False)
    requester_relation = forms.ChoiceField(
        label=_("Ким ви доводитеся цій людині"),
        # "Starosta" is set by the starosta's own form only (StarostaRequestForm), never chosen.
        choices=[("", "—")] + [c for c in Relation.choices if c[0] != Relation.STAROSTA],
        required=False,
    )
    category = forms.ModelChoiceField(
        label=_("Категорія"),
        queryset=EligibilityCategory.objects.none(),
        required=False,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"invalid_choice": _("Оберіть категорію зі списку.")},
    )
    services = ServicesField(
        label=_("Послуги"),
        queryset=Service.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    preferred_weekdays = forms.TypedMultipleChoiceField(
        label=_("Зручні дні"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Оберіть дні зі списку.")},
    )
    window_start = forms.TimeField(
        label=_("Зручно з"), required=False, widget=forms.TimeInput(format="%H:%M", attrs={"placeholder": "09:00"}),
        error_messages={"invalid": _("Напишіть час як години:хвилини, наприклад 09:30.")},
    )
    window_end = forms.TimeField(
        label=_("Зручно до"), required=False, widget=forms.TimeInput(format="%H:%M", attrs={"placeholder": "17:00"}),
        error_messages={"invalid": _("Напишіть час як години:хвилини, наприклад 14:00.")},
    )
    payment_method = forms.ChoiceField(
        label=_("Як буде оплачено платні послуги"),
        choices=[("", "—")] + list(PaymentMethod.choices),
        required=False,
    )
    applicant_tax_number = forms.CharField(
        label=_("РНОКПП (ідентифікаційний код) того, хто платить"),
        required=False,
        max_length=20,
        help_text=_("Лише якщо платна послуга цього вимагає для оплати: 10 цифр з картки платника податків."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    consent = forms.BooleanField(
        # Whoever is filing agrees; when it is someone else, the person is asked at the visit.
        label=_("Людина згодна на обробку персональних даних для надання послуг (якщо звертається "
                "інша людина, це її згода; згоду самої людини запитають під час візиту)"),
        error_messages={"required": _("Без згоди на обробку персональних даних заявку прийняти не можна.")},
    )
    warning_acknowledged = forms.BooleanField(
        label=_("Людину попереджено про відповідальність за надання недостовірних відомостей"),
        error_messages={"required": _("Попередьте людину про відповідальність за недостовірні відомості і позначте це.")},
    )
    # The version of the request this page was opened with (edits only): saving is refused if someone
    # else saved in between (visits.actions.update_request).
    version = forms.IntegerField(
        label=_("Версія заявки"), widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1,
        error_messages={
            "required": _("Сторінку відкрито неповністю: відкрийте заявку заново і внесіть зміни ще раз."),
            "invalid": _("Сторінку відкрито неповністю: відкрийте заявку заново і внесіть зміни ще раз."),
            "min_value": _("Сторінку відкрито неповністю: відкрийте заявку заново і внесіть зміни ще раз."),
            "max_value": _("Сторінку відкрито неповністю: відкрийте заявку заново і внесіть зміни ще раз."),
        },
    )

    class Meta:
        model = VisitRequest
        # Street, building, notes…: invisible characters removed before storing and matching.
        formfield_callback = text_formfield
        fields = [
            "applicant_name", "applicant_birth_date", "applicant_phone",
            "requester_name", "requester_phone", "requester_relation",
            "settlement", "street", "building", "flat", "entrance", "floor", "lift",
            "intercom", "access_notes", "latitude", "longitude",
            "category", "evidence_available", "evidence_note",
            "payment_method", "applicant_tax_number", "preferred_weekdays", "window_start", "window_end", "notes",
        ]
        widgets = {
            "access_notes": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {
            "settlement": {"invalid_choice": _("Оберіть населений пункт зі списку."),
                           "required": _("Оберіть населений пункт.")},
            "floor": {"invalid": _("Поверх — це число, наприклад 3.")},
            "latitude": {"invalid": _("Широта — це число, наприклад 47.9105.")},
            "longitude": {"invalid": _("Довгота — це число, наприклад 33.3918.")},
        }
        help_texts = {
            "latitude": _("Можна не заповнювати: Валіза знайде будинок за адресою, а позначку можна "
                          "пересунути на мапі в заявці."),
        }

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        self.fields["settlement"].queryset = Settlement.objects.filter(community=community)
        self.fields["settlement"].empty_label = "—"
        self.fields["category"].queryset = EligibilityCategory.objects.filter(
            community=community, is_active=True
        )
        self.fields["category"].label_from_instance = _category_labels(timezone.localdate())
        self.fields["services"].queryset = (
            Service.objects.filter(is_active=True)
            .filter(models_q_for_community(community))
            .select_related("provider")
            .prefetch_related("documents", "fees")
        )
        if not self.instance.pk:
            del self.fields["version"]  # a new request has nothing to conflict with
        for name in ("street", "building"):
            self.fields[name].error_messages["required"] = _("Це поле потрібне для виїзду.")
        self.fields["applicant_name"].error_messages["required"] = _("Напишіть, як звати людину.")
        self.fields["applicant_birth_date"].error_messages["required"] = _(
            "Дата народження потрібна, щоб перевірити право на виїзд."
        )
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and field.max_length:
                field.error_messages["max_length"] = _("Задовго: не більше %(limit_value)d знаків.")
        if self.instance.pk and self.instance.requester_relation == Relation.STAROSTA:
            # A starosta's request stays theirs when the operator edits it (issue 12).
            self.fields["requester_relation"].choices = [
                *self.fields["requester_relation"].choices, (Relation.STAROSTA, Relation.STAROSTA.label)]
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.fields["for_someone_else"].initial = "1" if self.instance.requester_name else "0"
            self.fields["services"].initial = [rs.service_id for rs in self.instance.services.all()]
            self.fields["consent"].initial = True
            self.fields["warning_acknowledged"].initial = True

    # -- documents per service -------------------------------------------------------------
    def checked_documents(self):
        """Catalogue document ids ticked as 'the person has it'."""
        source = self.data if self.is_bound else {}
        ids = set()
        for key in source:
            if key.startswith("doc_") and parse_id(key[4:]) is not None:
                ids.add(parse_id(key[4:]))
        if not self.is_bound and self.instance.pk:
            for rs in self.instance.services.all():
                ids |= {d.document_id for d in rs.documents.all() if d.has and d.document_id}
        return ids

    def service_choices(self):
        checked = self.checked_documents()
        return [
            ServiceChoice(service, {d.pk for d in service.documents.all() if d.pk in checked})
            for service in self.cleaned_data["services"]
        ]

    def service_rows(self):
        """For the template: each catalogue service, whether it is chosen, its documents."""
        if self.is_bound:
            chosen = {str(v) for v in self.data.getlist("services")} if hasattr(self.data, "getlist") else set()
        else:
            chosen = {str(v) for v in (self.fields["services"].initial or [])}
        checked = self.checked_documents()
        rows = []
        for service in self.fields["services"].queryset:
            rows.append({
                "service": service,
                "chosen": str(service.pk) in chosen,
                "documents": [(d, d.pk in checked) for d in service.documents.all()],
            })
        return rows

    # -- validation ------------------------------------------------------------------------
    def clean_applicant_tax_number(self):
        """10 digits with a right check digit (stdnum.ua.rntrc); spaces and dashes are allowed in typing."""
        code = "".join(ch for ch in self.cleaned_data.get("applicant_tax_number") or "" if ch not in " -")
        if not code:
            return ""
        if not code.isdigit() or len(code) != 10:
            raise forms.ValidationError(_("РНОКПП — це 10 цифр з картки платника податків. Перевірте, будь ласка."))
        if not rntrc.is_valid(code):
            raise forms.ValidationError(_("У РНОКПП помилка в одній із цифр: перевірте його за карткою платника "
                                          "податків."))
        return code

    def clean_services(self):
        services = self.cleaned_data["services"]
        not_mobile = [s for s in services if not s.mobile_allowed]
        if not_mobile:
            raise forms.ValidationError(
                _("Послугу «%(name)s» не можна отримати вдома: її надають лише в ЦНАП.")
                % {"name": not_mobile[0].name}
            )
        return services

    def clean(self):
        data = super().clean()
        someone_else = data.get("for_someone_else")
        if someone_else:
            if not data.get("requester_name"):
                self.add_error("requester_name", _("Напишіть, хто звертається."))
            if not data.get("requester_phone") and "requester_phone" not in self.errors:
                self.add_error("requester_phone", _("Потрібен телефон того, хто звертається."))
            if not data.get("requester_relation"):
                self.add_error("requester_relation", _("Оберіть, ким ви доводитеся цій людині."))
        else:
            data["requester_name"] = data["requester_phone"] = data["requester_relation"] = ""
            if not data.get("applicant_phone") and "applicant_phone" not in self.errors:
                self.add_error("applicant_phone", _("Потрібен номер телефону, щоб узгодити візит."))

        services = data.get("services") or []
        if any(s.is_paid for s in services) and not data.get("payment_method"):
            self.add_error("payment_method", _("Серед послуг є платні: оберіть спосіб оплати."))

        start, end = data.get("window_start"), data.get("window_end")
        if start and end and start >= end:
            self.add_error("window_end", _("Кінець має бути пізніше за початок."))

        lat, lon = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lon is None) and not ({"latitude", "longitude"} & set(self.errors)):
            self.add_error("longitude", _("Вкажіть обидві координати або жодної."))
        elif lat is not None and lon is not None:
            if not (LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]):
                self.add_error("latitude", _("Ця точка поза Україною. Можливо, широту й довготу переплутано?"))
        return data

    def build_request(self, channel):
        """An unsaved VisitRequest with the consent recorded (who and when)."""
        req = self.save(commit=False)
        req.community = self.community
        now = timezone.now()
        if not req.pk:
            req.channel = channel
            req.consent_at = now
            req.warning_acknowledged_at = now
            req.consent_by = self.cleaned_data.get("requester_name") or req.applicant_name
            # The words agreed to, kept with the agreement (whose it is: consent_by).
            req.consent_text = str(self.fields["consent"].label)
        if "version" in self.cleaned_data:
            req.version = self.cleaned_data["version"]
        req.requester_name = self.cleaned_data["requester_name"]
        req.requester_phone = self.cleaned_data["requester_phone"]
        req.requester_relation = self.cleaned_data["requester_relation"]
        return req


def models_q_for_community(community):
    from django.db.models import Q

    return Q(provider__community__isnull=True) | Q(provider__community=community)


class PublicRequestForm(VisitRequestForm):
    """The citizen's form: fewer fields, the honeypot, consent worded for the person."""

    # Bots fill every field; people never see this one.
    website = forms.CharField(required=False, label=_("Не заповнюйте це поле"))

    class Meta(VisitRequestForm.Meta):
        fields = [
            "applicant_name", "applicant_birth_date", "applicant_phone",
            "requester_name", "requester_phone", "requester_relation",
            "settlement", "street", "building", "flat", "entrance", "floor", "lift",
            "intercom", "access_notes", "category", "evidence_available",
            "payment_method", "preferred_weekdays", "window_start", "window_end", "notes",
        ]
        widgets = VisitRequestForm.Meta.widgets
        error_messages = VisitRequestForm.Meta.error_messages

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = _(
            "Я згоден (згодна) на обробку персональних даних, потрібних для надання послуг"
        )
        self.fields["consent"].error_messages["required"] = _(
            "Без згоди на обробку персональних даних ми не можемо прийняти заявку."
        )
        self.fields["warning_acknowledged"].label = _(
            "Мене попереджено про відповідальність за надання недостовірних відомостей"
        )
        self.fields["warning_acknowledged"].error_messages["required"] = _(
            "Підтвердьте, що вас попереджено про відповідальність за недостовірні відомості."
        )
        self.fields["evidence_available"].label = _("Є документ, що підтверджує категорію")

    @property
    def is_bot(self):
        return bool(self.data.get("website"))


class DecisionForm(forms.Form):
    ACTIONS = [
        (Status.ACCEPTED, _("Прийняти")),
        (Status.NEEDS_INFO, _("Попросити уточнити")),
        (Status.REJECTED, _("Відхилити")),
    ]
    action = forms.ChoiceField(choices=ACTIONS, error_messages={"invalid_choice": _("Оберіть дію.")})
    reason = forms.ChoiceField(
        label=_("Причина відмови"), choices=[("", "—")] + list(RejectReason.choices), required=False
    )
    comment = TextField(label=_("Коментар"), required=False, max_length=2000, multiline=True,
                        widget=forms.Textarea(attrs={"rows": 3}))


# Letters or digits a search needs (a trigram index narrows nothing shorter; issue 17).
SEARCH_MIN_CHARS = 3


class RequestFilterForm(forms.Form):
    q = TextField(label=_("Пошук"), required=False, max_length=100, error_messages={
        "max_length": _("Пошук задовгий: напишіть коротше, до 100 знаків — прізвище, номер заявки чи телефону."),
    })
    status = forms.ChoiceField(label=_("Стан"), required=False,
                               choices=[("", _("Усі"))] + list(Status.choices))
    settlement = forms.ModelChoiceField(label=_("Населений пункт"), required=False,
                                        queryset=Settlement.objects.none(), empty_label=_("Усі"))
    category = forms.ModelChoiceField(label=_("Категорія"), required=False,
                                      queryset=EligibilityCategory.objects.none(), empty_label=_("Усі"))
    service = forms.ModelChoiceField(label=_("Послуга"), required=False,
                                     queryset=Service.objects.none(), empty_label=_("Усі"))
    age_from = forms.IntegerField(label=_("Вік від"), required=False, min_value=0, max_value=130)
    age_to = forms.IntegerField(label=_("Вік до"), required=False, min_value=0, max_value=130)
    waiting_days = forms.IntegerField(label=_("Чекає днів, не менше"), required=False,
                                      min_value=0, max_value=3650)

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["settlement"].queryset = Settlement.objects.filter(community=community)
        self.fields["category"].queryset = EligibilityCategory.objects.filter(community=community)
        self.fields["service"].queryset = Service.objects.filter(models_q_for_community(community))

    def clean_q(self):
        q = self.cleaned_data["q"].strip()
        # Fewer than three letters or digits (or only "%" and "_") match nearly every row and no index
        # can narrow them: the search would read the whole table.
        if q and sum(ch.isalnum() for ch in q) < SEARCH_MIN_CHARS:
            raise forms.ValidationError(
                _("Для пошуку напишіть щонайменше 3 літери або цифри: прізвище, номер заявки чи телефону."))
        return q


class StatusLookupForm(forms.Form):
    number = forms.CharField(
        label=_("Номер заявки або запису на прийом"), max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "1234-5678", "autocomplete": "off"}),
        error_messages={"required": _("Напишіть номер заявки.")},
    )
    phone = PhoneField(label=_("Номер телефону, вказаний у заявці"),
                       error_messages={"required": _("Напишіть номер телефону.")})

    has_prefix = False

    def clean_number(self):
        typed = self.cleaned_data["number"].strip()
        value = "".join(ch for ch in typed if ch.isdigit())
        if len(value) != 8:
            raise forms.ValidationError(_("Номер заявки — це 8 цифр, наприклад 1234-5678; номер запису на прийом "
                                          "— літера З і 8 цифр, наприклад З-1234-5678."))
        # A letter in front (З-…, Z…) names a fixed-point booking, never a request (ADR 4, issue 12).
        self.has_prefix = bool(typed) and not typed[0].isdigit()
        return f"{value[:4]}-{value[4:]}"


class PublicDeliveryForm(forms.Form):
    """The person's choice of how a case's result comes back, on the status page. The choices come
    from the journal's case (a layer above, ADR 8) through the request's cases."""

    case = forms.IntegerField(widget=forms.HiddenInput)
    delivery = forms.ChoiceField(label=_("Як ви хочете отримати результат"), widget=forms.RadioSelect,
                                 error_messages={"required": _("Оберіть, як ви хочете отримати результат."),
                                                 "invalid_choice": _("Оберіть, як ви хочете отримати результат.")})
    address = TextField(label=_("Адреса для пошти"), required=False, max_length=300,
                        help_text=_("Лише для пошти: населений пункт, вулиця, будинок, квартира, індекс."),
                        error_messages={"max_length": _("Адреса задовга: напишіть коротше, до 300 знаків.")})

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delivery"].choices = choices


class PinForm(forms.Form):
    """The point the operator put on the request's map (or typed under it)."""

    latitude = forms.DecimalField(label=_("Широта"),
                                  error_messages={"required": _("Поставте позначку на мапі або вкажіть широту."),
                                                  "invalid": _("Широта — це число, наприклад 48.5123.")})
    longitude = forms.DecimalField(label=_("Довгота"),
                                   error_messages={"required": _("Поставте позначку на мапі або вкажіть довготу."),
                                                   "invalid": _("Довгота — це число, наприклад 35.0123.")})

    def clean(self):
        data = super().clean()
        lat, lon = data.get("latitude"), data.get("longitude")
        if lat is not None and lon is not None and not (
                LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]):
            raise forms.ValidationError(_("Ця точка поза Україною. Можливо, широту й довготу переплутано?"))
        for name in ("latitude", "longitude"):
            if data.get(name) is not None:
                data[name] = data[name].quantize(Decimal("0.000001"))  # about 10 cm: the map gives more digits
        return data


class StarostaRequestForm(VisitRequestForm):
    """A starosta's request for a person of their settlements (issue 12): the operator's form and rules,
    with the starosta as the one who asks ("channel" starosta). The person's own consent is then taken
    at the visit, as for every request filed by someone else (visits.models.record_own_consent)."""

    class Meta(VisitRequestForm.Meta):
        fields = [f for f in VisitRequestForm.Meta.fields if f not in ("latitude", "longitude")]

    def __init__(self, *args, starosta, settlements, **kwargs):
        data = kwargs.get("data", args[0] if args else None)
        if data is not None:
            # Who asks is the starosta, whatever the page sent: only their phone can be typed.
            data = data.copy()
            data["for_someone_else"] = "1"
            data["requester_name"] = starosta.get_full_name() or starosta.username
            data["requester_relation"] = Relation.STAROSTA
            if not (data.get("requester_phone") or "").strip():
                data["requester_phone"] = starosta.phone  # the phone on their account, unless they typed one
            if args:
                args = (data, *args[1:])
            else:
                kwargs["data"] = data
        super().__init__(*args, community=starosta.community, **kwargs)
        names = ", ".join(s.name for s in settlements)
        self.fields["settlement"].queryset = Settlement.objects.filter(pk__in=[s.pk for s in settlements])
        self.fields["settlement"].error_messages["invalid_choice"] = _(
            "Ви можете подавати заявки лише для людей зі своїх населених пунктів: %(names)s."
        ) % {"names": names}
        self.fields["requester_phone"].label = _("Ваш телефон (старости)")
        if not self.is_bound:
            self.fields["requester_phone"].initial = starosta.phone
        self.fields["requester_relation"].choices = [(Relation.STAROSTA, Relation.STAROSTA.label)]
        for name in ("for_someone_else", "requester_name", "requester_relation"):
            self.fields[name].widget = forms.HiddenInput()
        self.fields["consent"].label = _(
            "Людина згодна, щоб я подав(ла) заявку і її дані обробили для надання послуг (свою згоду на обробку "
            "даних людина підтвердить під час візиту)"
        )

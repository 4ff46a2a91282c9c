from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import AuthorisationOrder, ConflictDeclaration, Instruction, Training


class RevokeForm(forms.Form):
    order = forms.ModelChoiceField(
        label=_("наказ"),
        queryset=AuthorisationOrder.objects.none(),
        error_messages={
            "required": _("Оберіть наказ, який скасовуєте."),
            "invalid_choice": _("Такого наказу немає серед чинних."),
        },
    )
    reason = forms.CharField(
        label=_("причина скасування"), max_length=300, error_messages={"required": _("Вкажіть причину скасування наказу.")}
    )

    def __init__(self, *args, community_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].queryset = AuthorisationOrder.objects.filter(
            community_id=community_id, revoked_at__isnull=True
        ).select_related("user")


class InstructionForm(forms.ModelForm):
    class Meta:
        model = Instruction
        fields = ["kind", "crisis", "service", "title", "steps", "contacts", "documents", "registry", "mistakes", "is_active"]

    def __init__(self, *args, community_id, **kwargs):
        super().__init__(*args, **kwargs)
        # The community's own services and the national ones (the catalogue's rule for the laptop).
        self.fields["service"].queryset = (
            self.fields["service"]
            .queryset.filter(is_active=True)
            .filter(Q(provider__community_id=community_id) | Q(provider__community__isnull=True))
            .order_by("name_uk")
        )

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == Instruction.Kind.CARD:
            if not cleaned.get("service"):
                self.add_error("service", _("Оберіть послугу, до якої належить технологічна картка."))
            cleaned["crisis"] = ""
        elif kind == Instruction.Kind.CRISIS:
            if not cleaned.get("crisis"):
                self.add_error("crisis", _("Оберіть кризову ситуацію, до якої належить інструкція."))
            cleaned["service"] = None
        return cleaned


class ConflictForm(forms.ModelForm):
    """A staff member's own declaration: a relative or an address they must not serve."""

    class Meta:
        model = ConflictDeclaration
        fields = ["kind", "person_name", "birth_date", "settlement", "street", "building", "flat", "note"]
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"}), "kind": forms.RadioSelect}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.user, self.instance.community_id = user, user.community_id
        self.fields["settlement"].queryset = self.fields["settlement"].queryset.filter(community_id=user.community_id)
        self.fields["birth_date"].error_messages["invalid"] = _("Дату народження вкажіть як 25.03.1950.")

    def clean_birth_date(self):
        from django.utils import timezone

        value = self.cleaned_data.get("birth_date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("Дата народження не може бути в майбутньому."))
        return value


class TrainingForm(forms.ModelForm):
    """The coordinator records a training that took place (people.training.record_training checks it)."""

    class Meta:
        model = Training
        fields = ["trainee", "topic", "topic_note", "held_on", "trainer", "trainer_name", "refresh_by"]
        widgets = {"held_on": forms.DateInput(attrs={"type": "date"}), "refresh_by": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, community_id, **kwargs):
        super().__init__(*args, **kwargs)
        from accounts.models import User

        staff = User.objects.filter(community_id=community_id, is_active=True).order_by("last_name", "first_name")
        self.fields["trainee"].queryset = staff
        self.fields["trainer"].queryset = staff
        self.fields["trainee"].error_messages["invalid_choice"] = _("Оберіть працівника своєї громади.")
        self.fields["held_on"].error_messages["required"] = _("Вкажіть дату навчання.")

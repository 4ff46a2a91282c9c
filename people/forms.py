from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import AuthorisationOrder, Instruction


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

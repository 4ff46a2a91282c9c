from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import TextField

from .models import CaseState, Delivery


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


class DecisionForm(forms.Form):
    granted = forms.TypedChoiceField(
        label=_("Рішення"), widget=forms.RadioSelect, coerce=lambda v: v == "1",
        choices=[("1", _("Послугу надано")), ("0", _("Відмовлено"))])
    reason = TextField(label=_("Підстава відмови"), required=False, max_length=2000, multiline=True,
                       widget=forms.Textarea(attrs={"rows": 3}),
                       help_text=_("Обов'язково для відмови: людина має право знати чому."))

    def clean(self):
        data = super().clean()
        if data.get("granted") is False and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Вкажіть підставу відмови."))
        return data


class ResultForm(forms.Form):
    delivery = forms.ChoiceField(label=_("Як видано результат"), choices=Delivery.choices,
                                 widget=forms.RadioSelect)

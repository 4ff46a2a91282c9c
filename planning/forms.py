import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from teams.models import Team


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

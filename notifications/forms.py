from django import forms
from django.utils.translation import gettext_lazy as _


class RetryForm(forms.Form):
    """The retry button; a message that may already have arrived also needs the tick."""

    confirm = forms.BooleanField(
        label=_("Я перевірив(ла): людина цього повідомлення не отримала"), required=False,
        help_text=_("Шлюз, можливо, вже прийняв це повідомлення."),
    )

    def __init__(self, *args, message, **kwargs):
        kwargs.setdefault("prefix", f"m{message.pk}")
        super().__init__(*args, **kwargs)
        self.message = message
        if not message.outcome_unknown:
            del self.fields["confirm"]

    def clean(self):
        data = super().clean()
        if self.message.outcome_unknown and not data.get("confirm"):
            self.add_error("confirm", _("Позначте, що ви перевірили: інакше людина може отримати "
                                        "те саме SMS двічі."))
        return data

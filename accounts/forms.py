from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Неправильне ім'я користувача або пароль. Перевірте, чи не ввімкнено "
                           "Caps Lock і чи правильна мова клавіатури."),
        "inactive": _("Цей обліковий запис вимкнено. Зверніться до керівника ЦНАП."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Ім'я користувача")
        self.fields["password"].label = _("Пароль")
        self.fields["username"].widget = forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"})

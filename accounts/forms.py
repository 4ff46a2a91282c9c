from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
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
        # AuthenticationForm sets max_length after the field is built, so nothing checks it: an
        # over-long name reached axes' failed-login record (varchar 255) and PostgreSQL refused it.
        self.fields["username"].validators.append(MaxLengthValidator(self.fields["username"].max_length))

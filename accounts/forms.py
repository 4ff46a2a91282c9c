from django import forms
from django.contrib.auth import forms as auth_forms
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


class CodeForm(forms.Form):
    """The code after the password: six digits from the app."""

    code = forms.CharField(
        label=_("Код із застосунку"), max_length=10,
        help_text=_("Шість цифр, які застосунок-автентифікатор на вашому телефоні показує для «Valiza». "
                    "Код змінюється кожні 30 секунд."),
        error_messages={"required": _("Введіть шість цифр, які показує застосунок.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "pattern": "[0-9 ]*", "autofocus": True}),
    )


class RecoveryCodeForm(forms.Form):
    """Instead of the app: one of the ten recovery codes, used up by this login."""

    recovery_code = forms.CharField(
        label=_("Резервний код"), max_length=20,
        help_text=_("Вісім літер і цифр з аркуша резервних кодів, наприклад abcd-2345. Кожен код діє один раз."),
        error_messages={"required": _("Введіть один із резервних кодів.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false",
                                      "autocapitalize": "off"}),
    )


class EnrolForm(CodeForm):
    """The first code from the app just set up: proves the key reached it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = _("Шість цифр, які застосунок показує зараз для «Valiza».")


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's form, speaking to the member of staff; the rules are AUTH_PASSWORD_VALIDATORS."""

    error_messages = {
        **auth_forms.PasswordChangeForm.error_messages,
        "password_incorrect": _("Поточний пароль введено неправильно. Введіть його ще раз."),
        "password_mismatch": _("Новий пароль і його повтор не збігаються. Введіть їх ще раз."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Поточний пароль")
        self.fields["new_password1"].label = _("Новий пароль")
        self.fields["new_password2"].label = _("Новий пароль ще раз")
        self.fields["new_password1"].help_text = _(
            "Щонайменше 10 символів; найпростіше запам'ятати кілька слів разом. Не схожий на ваше ім'я, прізвище, "
            "ім'я користувача чи телефон і не з переліку найпоширеніших паролів.")
        self.fields["new_password2"].help_text = ""
        for name in ("old_password", "new_password1", "new_password2"):
            self.fields[name].widget.attrs.pop("autofocus", None)
        self.fields["old_password"].widget.attrs["autofocus"] = True

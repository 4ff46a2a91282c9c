"""Password rules for staff (AUTH_PASSWORD_VALIDATORS): Django's own checks, with messages that speak to
the member of staff, and a common-password check that also catches Cyrillic typed in the wrong keyboard
layout ("йцукен" is "qwerty", "пароль" is "gfhjkm") and a few common Ukrainian words."""

from django.contrib.auth import password_validation as django_validators
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MIN_LENGTH = 10

# The Ukrainian ЙЦУКЕН layout over the Latin keys it shares (Ukrainian "і" and "ї" sit where Latin "s"
# and "]" are): a word typed with the wrong layout switched on.
_UK = "йцукенгшщзхїфівапролджєячсмитьбю"
_LATIN = "qwertyuiop[]asdfghjkl;'zxcvbnm,."
_LAYOUT = str.maketrans(_UK, _LATIN)
_RU_EXTRA = str.maketrans("ыэъё", "s']`")

# Frequent in Ukrainian leaks and obvious in this office; Django's list is Latin only.
UKRAINIAN_COMMON = {
    "пароль", "йцукен", "йцукенг", "йцукенгшщз", "привіт", "україна", "слава україні", "славаукраїні",
    "цнап", "валіза", "адміністратор", "кохання", "любов", "сонечко", "зайчик",
}


class MinimumLengthValidator(django_validators.MinimumLengthValidator):
    def __init__(self, min_length=MIN_LENGTH):
        super().__init__(min_length)

    def get_error_message(self):
        return _("Пароль закороткий: потрібно щонайменше %(n)d символів. Найпростіше — кілька слів разом.") % {
            "n": self.min_length}

    def get_help_text(self):
        return _("Щонайменше %(n)d символів.") % {"n": self.min_length}


class UserAttributeSimilarityValidator(django_validators.UserAttributeSimilarityValidator):
    ATTRIBUTES = ("username", "first_name", "last_name", "email", "phone")

    def __init__(self, user_attributes=ATTRIBUTES, max_similarity=0.7):
        super().__init__(user_attributes, max_similarity)

    def get_error_message(self):
        return _("Пароль надто схожий на дані вашого облікового запису (%(verbose_name)s). Придумайте інший.")

    def get_help_text(self):
        return _("Не схожий на ваше ім'я, прізвище, ім'я користувача чи телефон.")


class CommonPasswordValidator(django_validators.CommonPasswordValidator):
    def validate(self, password, user=None):
        typed = password.lower().strip()
        as_latin_keys = typed.translate(_LAYOUT).translate(_RU_EXTRA)
        if typed in UKRAINIAN_COMMON or typed in self.passwords or as_latin_keys in self.passwords:
            raise ValidationError(self.get_error_message(), code="password_too_common")

    def get_error_message(self):
        return _("Цей пароль є в переліках найпоширеніших паролів, його вгадують першим. Придумайте інший.")

    def get_help_text(self):
        return _("Не з переліку найпоширеніших паролів.")


class NumericPasswordValidator(django_validators.NumericPasswordValidator):
    def get_error_message(self):
        return _("Пароль не може складатися лише з цифр.")

    def get_help_text(self):
        return _("Не лише цифри.")

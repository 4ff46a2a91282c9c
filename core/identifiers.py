"""Ukrainian account and tax identifiers, checked down to their check digits by python-stdnum:
a Ukrainian IBAN (ISO 13616, mod 97), a ЄДРПОУ code (8 digits) and a РНОКПП (10 digits).

The payment QR code (payments/nbu_qr.py) and the catalogue's payment details (catalogue.Provider)
use the same rules, with the same Ukrainian messages: a typo is caught where it is typed.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import iban as std_iban
from stdnum.ua import edrpou as std_edrpou
from stdnum.ua import rntrc as std_rntrc

_WHITE_SPACE = re.compile(r"\s+")
_UA_IBAN = re.compile(r"UA[0-9]{27}")
_RECIPIENT_CODE = re.compile(r"[0-9]{8}|[0-9]{10}")


class IdentifierError(ValueError):
    """An identifier that is not one; `message` says what is wrong, in Ukrainian."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def compact(value):
    return _WHITE_SPACE.sub("", str(value or ""))


def clean_ua_iban(value):
    """The IBAN without spaces and in capitals, or IdentifierError saying what is wrong."""
    iban = compact(value).upper()
    if not iban.startswith("UA"):
        raise IdentifierError(_("Рахунок має бути українським IBAN, що починається з UA."))
    if not _UA_IBAN.fullmatch(iban):
        raise IdentifierError(_("IBAN має 29 символів: UA і 27 цифр; введено %(count)d.") % {"count": len(iban)})
    if not std_iban.is_valid(iban):
        raise IdentifierError(_("У IBAN помилка: контрольні цифри не збігаються. Перевірте рахунок."))
    return iban


def clean_recipient_code(value):
    """A ЄДРПОУ code (8 digits) or a РНОКПП (10 digits) without spaces, or IdentifierError."""
    code = compact(value)
    if not _RECIPIENT_CODE.fullmatch(code):
        raise IdentifierError(_("Код отримувача — 8 цифр коду ЄДРПОУ або 10 цифр РНОКПП."))
    if len(code) == 8 and not std_edrpou.is_valid(code):
        raise IdentifierError(_("У коді ЄДРПОУ помилка: остання, контрольна цифра не збігається. Перевірте код."))
    if len(code) == 10 and not std_rntrc.is_valid(code):
        raise IdentifierError(_("У РНОКПП помилка: остання, контрольна цифра не збігається. Перевірте номер."))
    return code


def validate_ua_iban(value):
    """Model and form validator: clean_ua_iban's message as a field error."""
    try:
        clean_ua_iban(value)
    except IdentifierError as exc:
        raise ValidationError(exc.message, code="iban") from None


def validate_recipient_code(value):
    """Model and form validator: clean_recipient_code's message as a field error."""
    try:
        clean_recipient_code(value)
    except IdentifierError as exc:
        raise ValidationError(exc.message, code="recipient_code") from None

"""ЄДРПОУ, РНОКПП and IBAN are checked down to their check digits (python-stdnum), with Ukrainian
messages, in the catalogue's payment details as in the payment QR code."""

import pytest
from django.core.exceptions import ValidationError

from catalogue.models import Provider
from core import identifiers

GOOD_IBAN = "UA213223130000026007233566001"


@pytest.mark.parametrize("code", ["37955989", "32855961", "00032129", "1759013776", "2530414071", " 3285 5961 "])
def test_valid_edrpou_and_rnokpp_pass(code):
    assert identifiers.clean_recipient_code(code) == code.replace(" ", "")


@pytest.mark.parametrize(("code", "message"), [
    ("32855968", "У коді ЄДРПОУ помилка"),  # last digit changed
    ("32855916", "У коді ЄДРПОУ помилка"),  # two digits swapped
    ("1759013770", "У РНОКПП помилка"),
    ("2530414072", "У РНОКПП помилка"),
    ("3285596", "8 цифр коду ЄДРПОУ або 10 цифр РНОКПП"),
    ("328559610", "8 цифр коду ЄДРПОУ або 10 цифр РНОКПП"),
    ("3285596A", "8 цифр коду ЄДРПОУ або 10 цифр РНОКПП"),
])
def test_a_wrong_check_digit_or_length_is_named(code, message):
    with pytest.raises(identifiers.IdentifierError, match=message):
        identifiers.clean_recipient_code(code)


def test_every_single_digit_typo_in_an_iban_is_caught():
    assert identifiers.clean_ua_iban("ua21 3223 1300 0002 6007 2335 6600 1") == GOOD_IBAN
    for position in range(2, 29):
        typo = GOOD_IBAN[:position] + str((int(GOOD_IBAN[position]) + 1) % 10) + GOOD_IBAN[position + 1:]
        with pytest.raises(identifiers.IdentifierError, match="контрольні цифри не збігаються"):
            identifiers.clean_ua_iban(typo)
    with pytest.raises(identifiers.IdentifierError, match="українським IBAN"):
        identifiers.clean_ua_iban("DE89370400440532013000")


def test_the_provider_model_refuses_wrong_payment_details_and_takes_empty_ones(db):
    provider = Provider(name="Відділ", edrpou="32855968", iban=GOOD_IBAN[:-1] + "2")
    with pytest.raises(ValidationError) as error:
        provider.full_clean()
    assert "У коді ЄДРПОУ помилка" in error.value.message_dict["edrpou"][0]
    assert "контрольні цифри" in error.value.message_dict["iban"][0]
    Provider(name="Державний орган").full_clean()  # no payment details: nothing to check
    Provider(name="Відділ", edrpou="32855961", iban=GOOD_IBAN).full_clean()


def test_the_provider_admin_shows_the_check_digit_message(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser(username="root", password="x-pass-123"))
    form = {"name": "Відділ реєстрації", "short_name": "", "edrpou": "1759013770", "iban": GOOD_IBAN,
            "payment_recipient": "Відділ"}
    response = client.post("/admin/catalogue/provider/add/", form)
    assert response.status_code == 200
    assert "У РНОКПП помилка: остання, контрольна цифра не збігається." in response.content.decode()
    assert not Provider.objects.exists()
    assert client.post("/admin/catalogue/provider/add/", {**form, "edrpou": "1759013776"}).status_code == 302
    assert Provider.objects.get().edrpou == "1759013776"

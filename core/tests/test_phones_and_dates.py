from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.forms import BirthDateField, display_phone, normalize_phone
from core.text import match_key


@pytest.mark.parametrize("typed", ["067 123 45 67", "+38 (067) 123-45-67", "0671234567", "380671234567",
                                   "+380671234567"])
def test_ukrainian_phone_is_normalised_to_e164(typed):
    assert normalize_phone(typed) == "+380671234567"


@pytest.mark.parametrize("typed", ["12345", "067 123", "телефон", "+380001234567", "9" * 40])
def test_bad_phone_is_refused_in_ukrainian(typed):
    with pytest.raises(ValidationError) as exc:
        normalize_phone(typed)
    assert any(ch in str(exc.value) for ch in "аеиіоу")


def test_phone_is_displayed_in_national_format():
    assert display_phone("+380671234567") == "067 123 4567"


def test_birth_date_in_future_is_refused():
    with pytest.raises(ValidationError, match="майбутньому"):
        BirthDateField().clean((timezone.localdate() + timedelta(days=1)).strftime("%d.%m.%Y"))


def test_absurdly_old_birth_date_is_refused():
    with pytest.raises(ValidationError, match="120"):
        BirthDateField().clean("01.01.1880")


@pytest.mark.parametrize("typed", ["05.03.1941", "1941-03-05", "05/03/1941"])
def test_birth_date_accepts_common_spellings(typed):
    assert BirthDateField().clean(typed) == date(1941, 3, 5)


def test_impossible_date_gets_a_clear_message():
    with pytest.raises(ValidationError, match="день.місяць.рік"):
        BirthDateField().clean("31.02.1941")


def test_apostrophe_variants_and_spacing_match():
    assert match_key("Мар’яна  Д'ЯЧЕНКО") == match_key("мар'яна дʼяченко")

"""The normaliser: one house however a register, OpenStreetMap or an operator writes it."""

import pytest

from addresses.normalise import address_key, house_key, settlement_key, split_street


@pytest.mark.parametrize("typed", [
    "вулиця Шевченка", "вул. Шевченка", "вул.Шевченка", "вул Шевченка", "ВУЛ. ШЕВЧЕНКА",
    "Шевченка вул.", "Шевченка, вулиця", "  вул.   Шевченка ", "ул. Шевченка", "вулиця імені Шевченка",
])
def test_street_types_and_spacing_are_one_street(typed):
    assert split_street(typed) == ("вулиця", "шевченка")


@pytest.mark.parametrize(("typed", "expected"), [
    ("проспект Незалежності", ("проспект", "незалежності")),
    ("просп. Незалежності", ("проспект", "незалежності")),
    ("пр-т Незалежності", ("проспект", "незалежності")),
    ("провулок Квітковий", ("провулок", "квітковий")),
    ("пров. Квітковий", ("провулок", "квітковий")),
    ("пл. Соборна", ("площа", "соборна")),
    ("Соборна площа", ("площа", "соборна")),
    ("бульв. Лесі Українки", ("бульвар", "лесі українки")),
    ("бульвар Лесі Українки", ("бульвар", "лесі українки")),
    ("Андріївський узвіз", ("узвіз", "андріївський")),
    ("Харківське шосе", ("шосе", "харківське")),
    ("тупик Садовий", ("тупик", "садовий")),
    ("майдан Незалежності", ("майдан", "незалежності")),
    ("наб. Дніпровська", ("набережна", "дніпровська")),
    ("вулиця Героїв - Чорнобильців", ("вулиця", "героїв-чорнобильців")),
    ("Садова", ("", "садова")),
])
def test_each_street_type_is_unified(typed, expected):
    assert split_street(typed) == expected


@pytest.mark.parametrize("typed", ["вул. Мар'янівська", "вул. Мар’янівська", "вул. Марʼянівська",
                                   "вул. Мар`янівська", "вулиця МАР'ЯНІВСЬКА"])
def test_every_apostrophe_is_one(typed):
    assert split_street(typed) == ("вулиця", "мар'янівська")


def test_a_street_named_like_a_type_keeps_its_name():
    # "Площа" alone is a name, not a type with nothing after it.
    assert split_street("Площа") == ("", "площа")


@pytest.mark.parametrize("typed", ["12а", "12-А", "12 А", "12-а", "буд. 12а", "будинок 12 А", "12a", "№ 12-а", "12А."])
def test_house_letters_are_one_house(typed):
    assert house_key(typed) == "12а"


@pytest.mark.parametrize(("typed", "expected"), [
    ("12/1", "12/1"), ("12 / 1", "12/1"), ("буд. 12/1-Б", "12/1б"), ("12 корп. 2", "12к2"),
    ("12 к. 2", "12к2"), ("7", "7"), ("107", "107"),
])
def test_fractions_and_corpus_are_kept(typed, expected):
    assert house_key(typed) == expected


def test_different_houses_stay_different():
    assert len({house_key(h) for h in ("12", "12а", "12б", "12/1", "121", "1/2")}) == 6


@pytest.mark.parametrize("typed", ["м. Вербівка", "місто Вербівка", "Вербівка", "ВЕРБІВКА", "смт Вербівка"])
def test_settlement_types_are_dropped(typed):
    assert settlement_key(typed) == "вербівка"


def test_village_with_two_words():
    assert settlement_key("с. Зелений Гай") == settlement_key("Зелений  Гай") == "зелений гай"


def test_address_key_joins_the_parts():
    assert (address_key(3, "вул. Т.Шевченка", "буд. 12-А")
            == address_key(3, "вулиця Т. Шевченка", "12 а")
            == "3|вулиця|т шевченка|12а")
    assert address_key(3, "провулок Шевченка", "12а") != address_key(3, "вулиця Шевченка", "12а")
    assert address_key(4, "вулиця Шевченка", "12а") != address_key(3, "вулиця Шевченка", "12а")

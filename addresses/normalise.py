"""Ukrainian addresses as people and registers write them, reduced to one comparable form.

"вул. Т.Шевченка, буд. 12-А", "вулиця Т. Шевченка 12 а" and "Шевченка Т. вул., 12а" are one house;
a register written by a GIS, an OpenStreetMap extract and an operator typing on the phone must meet.
Plain Python: no Django (the importer, the geocoder and tests call these).
"""

import re
from functools import lru_cache

from core.text import match_key

# Every spelling of a street type → one canonical word. Russian-era spellings still fill old registers.
_STREET_TYPES = {
    "вулиця": ("вулиця", "вул", "ул", "улица", "вулиці"),
    "проспект": ("проспект", "просп", "пр-т", "пр-кт", "пр", "пр-кт."),
    "провулок": ("провулок", "пров", "пер", "переулок", "пр-к"),
    "площа": ("площа", "пл", "площадь"),
    "бульвар": ("бульвар", "бульв", "б-р", "бул"),
    "узвіз": ("узвіз", "узв", "спуск"),
    "шосе": ("шосе", "ш", "шоссе"),
    "тупик": ("тупик", "туп"),
    "майдан": ("майдан",),
    "набережна": ("набережна", "наб"),
    "алея": ("алея", "ал"),
    "проїзд": ("проїзд", "пр-д", "проезд"),
    "мікрорайон": ("мікрорайон", "мкр", "мкрн", "мікрорайон.", "м-н"),
    "квартал": ("квартал", "кв-л"),
    "в'їзд": ("в'їзд",),
    "лінія": ("лінія",),
}
STREET_TYPE = {spelling: canonical for canonical, spellings in _STREET_TYPES.items() for spelling in spellings}

# Settlement types before a name: "м. Вербівка", "с. Зелений Гай", "смт Лозуватка".
_SETTLEMENT_TYPES = {"м", "місто", "с", "село", "смт", "селище", "с-ще", "сщ", "с-ще міського типу", "хутір", "х"}
# Honorifics that registers keep and people drop: "вулиця імені Тараса Шевченка".
_NAME_FILLERS = {"ім", "імені", "им", "имени"}

# Latin letters that look like Cyrillic ones, typed by a keyboard in the wrong layout ("12a").
_LOOKALIKES = str.maketrans("aeiocxpkmhtby", "аеіосхркмнтву")
_HOUSE_PREFIX = re.compile(r"^(?:будинок|буд\.?|б\.|д\.|дом|№)\s*")
_CORPUS = re.compile(r"\s*(?:корпус|корп\.?|к\.)\s*")
_PUNCT = re.compile(r"[,;()\"«»]")
_DASH = re.compile(r"\s*[-‐‑–—]\s*")


def _tokens(value):
    # A dot ends a word ("вул.Шевченка" → "вул." "шевченка"); dashes between words are kept tight.
    value = _DASH.sub("-", _PUNCT.sub(" ", match_key(value)))
    return [t for t in value.replace(".", ". ").split(" ") if t]


# A register repeats each street and house number many times: 100,000 rows hold a few thousand names.
@lru_cache(maxsize=65536)
def split_street(value):
    """(canonical street type or "", the name's match form) of a street as typed.

    The type may stand before or after the name ("Шевченка вул."); without one the type is "".
    """
    tokens = _tokens(value)
    kind = ""
    for i in (0, len(tokens) - 1):
        if len(tokens) > 1 and 0 <= i < len(tokens) and tokens[i].rstrip(".") in STREET_TYPE:
            kind = STREET_TYPE[tokens[i].rstrip(".")]
            del tokens[i]
            break
    words = [t.rstrip(".") for t in tokens]
    words = [w for w in words if w and w not in _NAME_FILLERS]
    return kind, " ".join(words)


def street_key(value):
    """The street's name alone, for matching when one side gives no street type."""
    return split_street(value)[1]


@lru_cache(maxsize=65536)
def house_key(value):
    """A house number's match form: "буд. 12-А", "12 А", "12a" → "12а"; "12/1" and "12к1" kept."""
    value = match_key(value).translate(_LOOKALIKES)
    value = _HOUSE_PREFIX.sub("", value)
    value = _CORPUS.sub("к", value)
    value = re.sub(r"\s*/\s*", "/", value)
    # A letter after the number, with or without a dash or space, joins it: 12-а, 12 а → 12а.
    value = re.sub(r"(\d)[\s-]+([^\W\d_])\b", r"\1\2", value)
    return re.sub(r"\s+", "", value.rstrip("."))


@lru_cache(maxsize=4096)
def settlement_key(value):
    """A settlement's name without its type: "м. Вербівка", "село Вербівка" → "вербівка"."""
    tokens = _tokens(value)
    while len(tokens) > 1 and tokens[0].rstrip(".") in _SETTLEMENT_TYPES:
        tokens = tokens[1:]
    return " ".join(t.rstrip(".") for t in tokens)


def address_key(settlement_id, street, house):
    """The key a register's point is stored and found by: settlement, street type and name, house."""
    kind, name = split_street(street)
    return f"{settlement_id}|{kind}|{name}|{house_key(house)}"

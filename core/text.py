import re

_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "´": "'", "‘": "'"})
_SPACES = re.compile(r"\s+")


def match_key(value):
    """A form of a name or address for comparison: case, spaces and apostrophe variants ignored.

    Ukrainian names are typed with four different apostrophes; "Мар’яна" and "Мар'яна" are one
    person.
    """
    if not value:
        return ""
    value = value.translate(_APOSTROPHES).casefold()
    return _SPACES.sub(" ", value).strip()

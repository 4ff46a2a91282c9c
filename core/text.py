"""Text as people type it: invisible characters out, names compared loosely."""

import re
import unicodedata

_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "´": "'", "‘": "'"})
_SPACES = re.compile(r"\s+")

# Characters that take no room on the screen yet make two names differ: Hangul fillers (letters
# that draw nothing, a known trick to pass a "required" check) besides the Unicode categories below.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")
# Line and paragraph separators (U+2028/9) and NEL end a line like "\n" does.
_LINE_BREAKS = frozenset("\n\r\u0085\u2028\u2029")


def _invisible(char):
    # Cf: format characters — zero-width space, joiners and non-joiners (U+200B–U+200D), marks of
    # direction and their overrides and isolates (U+200E/F, U+202A–U+202E, U+2066–U+2069), the word
    # joiner (U+2060), the byte order mark (U+FEFF), the soft hyphen, tags. Cc: control characters.
    return unicodedata.category(char) in ("Cf", "Cc") or char in _BLANK_LETTERS


def strip_invisible(value, *, multiline=False):
    """`value` without invisible and control characters, before it is stored or compared.

    A name with a zero-width space or a direction override looks the same on the screen as one
    without, but is another string: it would dodge the duplicate check and confuse a search. A tab
    or a line break becomes a space in one-line text; in text of several lines (`multiline`) tabs and
    line breaks stay ("\\n" for U+2028/9). Everything else visible is kept exactly as typed.
    """
    if not value or not isinstance(value, str):
        return value
    if value.isascii() and value.isprintable():
        return value  # the common case, without a look at every character
    out = []
    for char in value:
        if char in _LINE_BREAKS:
            if not multiline:
                out.append(" ")
            elif char in "\n\r":
                out.append(char)
            else:
                out.append("\n")
        elif char == "\t":
            out.append("\t" if multiline else " ")
        elif not _invisible(char):
            out.append(char)
    return "".join(out)


def match_key(value):
    """A form of a name or address for comparison: case, spaces, apostrophe variants and invisible
    characters ignored.

    Ukrainian names are typed with four different apostrophes; "Мар’яна" and "Мар'яна" are one
    person, and so are "Марія" and "Ма\\u200bрія".
    """
    if not value:
        return ""
    value = strip_invisible(value).translate(_APOSTROPHES).casefold()
    return _SPACES.sub(" ", value).strip()


def sms_name(full_name):
    """Whom an SMS is about, short: "Марія К." from "Коваленко Марія Іванівна" (surname first, as the
    forms ask), so a neighbour who asked for two people tells the texts apart. One word stays as it is."""
    parts = strip_invisible(full_name or "").split()
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0][:30]
    return f"{parts[1][:30]} {parts[0][0].upper()}."

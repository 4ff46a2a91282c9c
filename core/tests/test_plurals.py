"""Numbers with nouns in Ukrainian: 1 рік, 2 роки, 5 років. gettext without a catalogue knows only "one"
and "many" (it would say "92 років"), so every message with a count has its three forms in
locale/uk/LC_MESSAGES/django.po, compiled by `make messages`. This finds a message that has none."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation.template import templatize

ROOT = Path(settings.BASE_DIR)
CATALOGUE = ROOT / "locale" / "uk" / "LC_MESSAGES" / "django.mo"
PLURAL_CALLS = {"ngettext", "ngettext_lazy"}
SKIP = {".venv", "var", "tests", "migrations", "node_modules", ".git"}


def _product_files(pattern):
    for path in ROOT.rglob(pattern):
        if not SKIP.intersection(path.relative_to(ROOT).parts):
            yield path


def plural_messages():
    """(singular, plural, where) of every ngettext call and {% blocktranslate count %} in the product."""
    found = []
    for path in _product_files("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in PLURAL_CALLS:
                one, many = node.args[0], node.args[1]
                if isinstance(one, ast.Constant) and isinstance(many, ast.Constant):
                    found.append((one.value, many.value, f"{path.relative_to(ROOT)}:{node.lineno}"))
    for path in _product_files("*.html"):
        for match in re.finditer(r"ngettext\((u'.*?'|u\".*?\"), (u'.*?'|u\".*?\"), count\)",
                                 templatize(path.read_text(encoding="utf-8"), origin=str(path))):
            found.append((ast.literal_eval(match.group(1)), ast.literal_eval(match.group(2)),
                          str(path.relative_to(ROOT))))
    return found


@pytest.fixture(scope="module")
def catalogue():
    if not CATALOGUE.exists():
        pytest.fail(f"{CATALOGUE.relative_to(ROOT)} is missing: run `make messages` (msgfmt from Debian's gettext).")
    with CATALOGUE.open("rb") as f:
        return gettext.GNUTranslations(f)


def test_the_product_has_messages_with_a_count():
    # The scan itself works: a refactoring that hides the calls from it would make the next test empty.
    found = plural_messages()
    assert len(found) >= 10
    assert any(one == "%(n)d рік" for one, _many, _where in found)
    assert any(where.endswith(".html") for *_msg, where in found)


def test_every_message_with_a_count_has_three_ukrainian_forms(catalogue):
    missing = [f"{where}: {one!r}" for one, many, where in plural_messages()
               if catalogue._catalog.get((one, 2)) is None]
    assert not missing, "No Ukrainian plural forms in locale/uk/LC_MESSAGES/django.po for:\n" + "\n".join(missing)


def test_the_forms_keep_the_message_s_placeholders(catalogue):
    messages = {one: many for one, many, _where in plural_messages()}
    for key, text in catalogue._catalog.items():
        if not isinstance(key, tuple):
            continue  # the catalogue's header
        one, index = key
        names = set(re.findall(r"%\((\w+)\)", text))
        assert "n" in names, f"form {index} of {one!r} does not show the number: {text!r}"
        assert names <= set(re.findall(r"%\((\w+)\)", one + messages.get(one, ""))), (one, text)


@pytest.mark.parametrize(("n", "expected"), [
    (1, "1 рік"), (2, "2 роки"), (4, "4 роки"), (5, "5 років"), (11, "11 років"), (12, "12 років"),
    (21, "21 рік"), (22, "22 роки"), (81, "81 рік"), (85, "85 років"), (92, "92 роки"), (111, "111 років"),
])
def test_ages_are_said_as_in_ukrainian(n, expected, catalogue):
    from eligibility.rules import _years

    with translation.override("uk"):
        assert _years(n) == expected

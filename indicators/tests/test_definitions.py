"""Each definition is written once (indicators.figures.DEFINITIONS): docs/indicators.md carries the same
words, and the dashboard shows them beside the figure."""

from pathlib import Path

from django.conf import settings
from django.utils import translation

from indicators.figures import DEFINITIONS

DOC = Path(settings.BASE_DIR) / "docs" / "indicators.md"


def test_the_documentation_holds_every_definition_word_for_word():
    text = " ".join(DOC.read_text(encoding="utf-8").split())
    with translation.override("uk"):
        for key, definition in DEFINITIONS.items():
            assert f"`{key}`" in text, key
            for part, words in definition.items():
                assert " ".join(str(words).split()) in text, (key, part)

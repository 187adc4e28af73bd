"""The translation catalogs (issue 23): the template holds every message the code and the
templates mark, each language translates every one of them with the same fields, and a
message a catalog lacks falls back to English."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from glossary.catalogs import LOCALES, catalog_path, gettext_for, untranslated
from glossary.languages import Language

ROOT = Path(__file__).resolve().parent.parent
FIELDS = re.compile(r"\{[^}]*\}|%\([a-z]+\)s")
OTHERS = [language for language in Language if language != Language.EN]


def _ids(path: Path) -> set[str]:
    with path.open("rb") as po:
        return {str(m.id) for m in read_po(po) if m.id}


def test_the_template_holds_every_message_the_code_and_templates_mark(tmp_path: Path):
    """`make catalogs` was run after the last change of a marked text."""
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "T", "-k", "N_", "-k", "_", "--no-location", "-o", str(fresh), "."],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    assert _ids(fresh) == _ids(LOCALES / "messages.pot")


@pytest.mark.parametrize("language", OTHERS, ids=[language.value for language in OTHERS])
def test_every_message_is_translated_with_the_same_fields(language: Language):
    missing = untranslated(language)
    print(f"{language.value}: {len(missing)} untranslated")  # the count, in -s runs
    assert missing == []
    with catalog_path(language).open("rb") as po:
        for message in read_po(po, locale=language.value):
            if message.id:
                assert sorted(FIELDS.findall(str(message.id))) == sorted(
                    FIELDS.findall(str(message.string))
                ), message.id


def test_a_message_no_catalog_has_falls_back_to_english():
    assert gettext_for("fr")("A sentence written after the catalogs") == (
        "A sentence written after the catalogs"
    )
    assert gettext_for("fr")("Confirm") == "Confirmer"

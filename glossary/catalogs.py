"""The translations: gettext catalogs kept as `.po` files in `glossary/locales/`, made and
updated with Babel (`make catalogs`: `pybabel extract` then `pybabel update`), read here.

A catalog is compiled in memory when first used, so the repository holds only the `.po`
files translators edit. A message without a translation (or marked fuzzy) falls back to
English; `python -m glossary.catalogs` lists them per language.
"""

from __future__ import annotations

import gettext
import io
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from glossary.languages import RIGHT_TO_LEFT, Language
from glossary.phrases import english_date

LOCALES = Path(__file__).parent / "locales"
DOMAIN = "messages"


def catalog_path(language: Language) -> Path:
    return LOCALES / language.value / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(language: Language) -> gettext.NullTranslations:
    path = catalog_path(language)
    if language == Language.EN or not path.exists():
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    with path.open("rb") as po:
        catalog = read_po(po, locale=language.value)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(fp=compiled, domain=DOMAIN)


def gettext_for(language: Language | str) -> Callable[[str], str]:
    return translations(Language(language)).gettext


def is_rtl(language: Language | str) -> bool:
    return Language(language) in RIGHT_TO_LEFT


def write_date(language: Language | str) -> Callable[[date, str], str]:
    """A date as the reader writes it: "12 December 2026", "12 décembre 2026", ...; short:
    "12 Dec 2026", "12 déc. 2026"."""
    language = Language(language)
    if language == Language.EN:
        return english_date
    from babel.dates import format_date, format_skeleton

    def written(day: date, style: str = "date") -> str:
        if style == "date":
            return format_date(day, format="long", locale=language.value)
        skeleton = "MMMd" if style == "daymonth" else "yMMMd"
        return format_skeleton(skeleton, day, locale=language.value)

    return written


def local_moment(moment: datetime, timezone: str, language: Language | str) -> str:
    """A deadline in the reader's zone and language, with the zone named:
    `Monday 9 March 2026, 17:00 (Africa/Nairobi, UTC+03:00)`, `lundi 9 mars 2026, 17:00 ...`."""
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone, timezone = ZoneInfo("UTC"), "UTC"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(zone)
    offset = local.strftime("%z")
    where = f"({timezone}, UTC{offset[:3]}:{offset[3:]})"
    language = Language(language)
    if language == Language.EN:
        return f"{local:%A} {local.day} {local:%B %Y, %H:%M} {where}"
    from babel.dates import format_date, format_time

    day = format_date(local, format="full", locale=language.value)
    return f"{day}, {format_time(local, 'HH:mm', locale=language.value)} {where}"


def untranslated(language: Language) -> list[str]:
    """The msgids of the template (`messages.pot`) the language's catalog does not translate."""
    from babel.messages.pofile import read_po

    with (LOCALES / f"{DOMAIN}.pot").open("rb") as pot:
        wanted = [m.id for m in read_po(pot) if m.id]
    path = catalog_path(language)
    if not path.exists():
        return [str(i) for i in wanted]
    with path.open("rb") as po:
        catalog = read_po(po, locale=language.value)
    missing = []
    for msgid in wanted:
        message = catalog.get(msgid)
        if message is None or not message.string or message.fuzzy:
            missing.append(str(msgid))
    return missing


def main() -> int:
    """Print the untranslated count per language, and the messages; 0 whatever the count
    (tests/test_catalogs.py holds the bounds)."""
    for language in Language:
        if language == Language.EN:
            continue
        missing = untranslated(language)
        print(f"{language.value}: {len(missing)} untranslated")
        for msgid in missing:
            print(f"  {msgid!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

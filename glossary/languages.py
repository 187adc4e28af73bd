"""The languages outsiders are written to in: English, French, Spanish, Portuguese, Russian
and Arabic (right to left), and the working language of each partner country, by default.

MIEUX's partners (SEEDS-EXTRACT: feedback "in English and French", "a language barrier and
an interpreter"): francophone Africa, Latin America, lusophone Africa, Central Asia and
Eastern Europe, the Middle East. Staff read English; a person's own setting (`language` on
a contact, a roster entry or a staff member) wins over the country's default.
"""

from __future__ import annotations

from enum import StrEnum


class Language(StrEnum):
    EN = "en"
    FR = "fr"
    ES = "es"
    PT = "pt"
    RU = "ru"
    AR = "ar"


def N_(msgid: str) -> str:
    """Marks a msgid for `pybabel extract` where it is written, translated where it is read
    (a name, an activity type put into another message). The one definition: this module
    imports nothing, so the light modules of the glossary can use it."""
    return msgid


# Msgids too: a document names its working language in its reader's language.
LANGUAGE_NAMES = {
    Language.EN: N_("English"),
    Language.FR: N_("French"),
    Language.ES: N_("Spanish"),
    Language.PT: N_("Portuguese"),
    Language.RU: N_("Russian"),
    Language.AR: N_("Arabic"),
}
RIGHT_TO_LEFT = frozenset({Language.AR})
# How a link to a page in the language names it, for its readers.
LANGUAGE_NAMES_NATIVE = {
    Language.EN: "English",
    Language.FR: "Français",
    Language.ES: "Español",
    Language.PT: "Português",
    Language.RU: "Русский",
    Language.AR: "العربية",
}

_BY_COUNTRY: dict[Language, tuple[str, ...]] = {
    Language.FR: (
        "Algeria", "Benin", "Burkina Faso", "Burundi", "Cameroon", "Central African Republic",
        "Chad", "Comoros", "Congo", "Côte d'Ivoire", "Cote d'Ivoire",
        "Democratic Republic of the Congo", "Djibouti", "Gabon", "Guinea", "Haiti",
        "Madagascar", "Mali", "Mauritania", "Morocco", "Niger", "Rwanda", "Senegal", "Togo",
        "Tunisia",
    ),
    Language.ES: (
        "Andean Community", "Argentina", "Bolivia", "Chile", "Colombia", "Costa Rica", "Cuba",
        "Dominican Republic", "Ecuador", "El Salvador", "Equatorial Guinea", "Guatemala",
        "Honduras", "Mexico", "Nicaragua", "Panama", "Paraguay", "Peru", "Uruguay", "Venezuela",
    ),
    Language.PT: (
        "Angola", "Brazil", "Cabo Verde", "Cape Verde", "Guinea-Bissau", "Mozambique",
        "Sao Tome and Principe",
    ),
    Language.RU: (
        "Armenia", "Azerbaijan", "Belarus", "Kazakhstan", "Kyrgyzstan", "Moldova", "Russia",
        "Tajikistan", "Turkmenistan", "Uzbekistan",
    ),
    Language.AR: (
        "Egypt", "Iraq", "Jordan", "Lebanon", "Libya", "Palestine", "Sudan", "Syria", "Yemen",
    ),
}  # fmt: skip
_COUNTRIES = {
    name.casefold(): language for language, names in _BY_COUNTRY.items() for name in names
}


def language_of_country(country: str) -> Language:
    """The working language MIEUX wrote to the country's authorities in; English if none."""
    return _COUNTRIES.get(country.strip().casefold(), Language.EN)


def language_named(name: str) -> Language | None:
    """`Language` for "French", "fr" or "Français"-less English names; None if not ours."""
    wanted = name.strip().casefold()
    for language, english in LANGUAGE_NAMES.items():
        if wanted in (language.value, english.casefold()):
            return language
    return None

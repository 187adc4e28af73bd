"""The time zone of a country, for contacts who gave none (DOMAIN.md §4: reminders land in
the recipient's working hours, "from the roster or the country").

Built from the IANA tables the `tzdata` package ships (`iso3166.tab`: code -> name,
`zone.tab`: code -> zones), with the names MIEUX uses ("Cabo Verde", "Côte d'Ivoire") as
aliases, and the capital's zone for the countries that span several.
"""

from __future__ import annotations

import unicodedata
from importlib.resources import files

# Where zone.tab's first zone for a country is not its capital's.
_CAPITAL_ZONE = {
    "AR": "America/Argentina/Buenos_Aires",
    "AU": "Australia/Sydney",
    "BR": "America/Sao_Paulo",
    "CA": "America/Toronto",
    "CD": "Africa/Kinshasa",
    "CL": "America/Santiago",
    "CN": "Asia/Shanghai",
    "EC": "America/Guayaquil",
    "ES": "Europe/Madrid",
    "ID": "Asia/Jakarta",
    "KZ": "Asia/Almaty",
    "MN": "Asia/Ulaanbaatar",
    "MX": "America/Mexico_City",
    "MY": "Asia/Kuala_Lumpur",
    "PT": "Europe/Lisbon",
    "RU": "Europe/Moscow",
    "UA": "Europe/Kyiv",
    "US": "America/New_York",
    "UZ": "Asia/Tashkent",
}

# The names partners and the EU use, beside the IANA table's own.
_ALIASES = {
    "cabo verde": "CV",
    "cote d'ivoire": "CI",
    "ivory coast": "CI",
    "democratic republic of the congo": "CD",
    "dr congo": "CD",
    "republic of the congo": "CG",
    "congo": "CG",
    "republic of moldova": "MD",
    "turkiye": "TR",
    "czechia": "CZ",
    "lao pdr": "LA",
    "viet nam": "VN",
    "the gambia": "GM",
    "kyrgyz republic": "KG",
    "swaziland": "SZ",
    "eswatini": "SZ",
    "united states": "US",
    "united kingdom": "GB",
    "russian federation": "RU",
    "iran (islamic republic of)": "IR",
    "syrian arab republic": "SY",
    "united republic of tanzania": "TZ",
    "bolivia (plurinational state of)": "BO",
    "timor-leste": "TL",
    "palestinian territories": "PS",
    "north korea": "KP",
    "south korea": "KR",
}


def _normal(name: str) -> str:
    # The IANA table writes "Côte d\u2019Ivoire": the typographic apostrophe first.
    text = unicodedata.normalize("NFKD", name.replace("\u2019", "'"))
    return " ".join(text.encode("ascii", "ignore").decode().lower().split())


def _rows(table: str) -> list[list[str]]:
    text = (files("tzdata.zoneinfo") / table).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


def _build() -> dict[str, str]:
    codes = {_normal(row[1]): row[0] for row in _rows("iso3166.tab")}
    codes.update(_ALIASES)
    first_zone: dict[str, str] = {}
    for row in _rows("zone.tab"):
        first_zone.setdefault(row[0], row[2])
    first_zone.update(_CAPITAL_ZONE)
    return {name: first_zone[code] for name, code in codes.items() if code in first_zone}


# Built once at import, outside the workflow sandbox (the glossary is passed through).
_ZONE_OF_COUNTRY = _build()


def zone_of_country(country: str) -> str | None:
    """The IANA zone of a country named in English ("Kenya" -> "Africa/Nairobi"), or None."""
    return _ZONE_OF_COUNTRY.get(_normal(country))

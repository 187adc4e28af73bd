"""Text the workflows write for people outside the team, kept translatable.

A workflow decides *what* to say; the notice's recipient decides the language. So a
sentence for an outsider travels as a `Phrase`: its English text with named fields (the
gettext msgid) and the values to put in them. The workflow keeps the English rendering for
the audit and for staff; the email activity renders it again in the recipient's language
from the catalogs (glossary/catalogs.py). The English here needs neither Babel nor a
catalog, so it is cheap and deterministic inside a workflow.

Fields: `{name}` is put in as it is (a name, a place); `{name:date}` is an ISO date written
the reader's way ("12 December 2026"), `{name:shortdate}` shorter ("12 Dec 2026"),
`{name:daymonth}` without the year ("12 Dec");
`{name:t}` is itself a msgid (marked with `N_` where it is written).
"""

from __future__ import annotations

import string
from collections.abc import Callable
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from glossary.languages import N_ as N_

_FIELDS = string.Formatter()


class Phrase(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    args: dict[str, str] = {}

    def english(self) -> str:
        return render(self, lambda text: text, english_date)


DATE_STYLES = {"date": "%d %B %Y", "shortdate": "%d %b %Y", "daymonth": "%d %b"}


def english_date(day: date, style: str = "date") -> str:
    return day.strftime(DATE_STYLES[style])


def T(msgid: str, **args: object) -> Phrase:
    """A phrase to translate; dates go in as dates, the rest as text."""
    return Phrase(id=msgid, args={k: _text(v) for k, v in args.items()})


def _text(value: object) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def render(phrase: Phrase, gettext: Callable[[str], str], write_date: Callable[[date], str]) -> str:
    """`phrase` in the language of `gettext`, dates as `write_date` writes them."""
    out = []
    for literal, field, spec, _ in _FIELDS.parse(gettext(phrase.id)):
        out.append(literal)
        if field is None:
            continue
        value = phrase.args.get(field, "")
        if spec in DATE_STYLES and value:
            out.append(write_date(date.fromisoformat(value), spec))
        elif spec == "t":
            out.append(gettext(value))
        else:
            out.append(value)
    return "".join(out)


def words(text: str | Phrase) -> str:
    """The English, whichever was given."""
    return text.english() if isinstance(text, Phrase) else text

"""The links a notice carries, one per answer its recipient may give (`mieux web` serves
them). Built here, where the signing secret is, never in the workflow: its history holds
what may be answered, not a credential."""

from __future__ import annotations

from dataclasses import dataclass

from glossary.answers import CHOICES, AnswerToken, sign
from glossary.catalogs import gettext_for
from glossary.notices import Notice, reader_language


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class AnswerLinks:
    base_url: str
    secret: str

    def for_notice(self, notice: Notice) -> list[Link]:
        if notice.answer is None:
            return []
        # From the notice alone (planned_at, not the clock): a retried send has the same links.
        language = reader_language(notice)
        token = sign(
            AnswerToken.for_notice(
                notice.reference, notice.to.id, notice.answer, notice.planned_at, language
            ),
            self.secret,
        )
        gettext = gettext_for(language)
        return [
            Link(gettext(label), f"{self.base_url}/answer/{token}/{choice}")
            for choice, label in CHOICES[notice.answer.step].items()
        ]

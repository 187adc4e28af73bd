"""The public summary of an Action (issue 14): what, where, when, themes, activities and
outcome, for the programme's website. Written at approval and at closure, and by
`mieux publish` for every approved Action.

Public by construction: it is built from a short list of the status's fields, never from
the whole; no person's name or id (officer, experts, focal points), no vote, no comment, no
audit entry, no participants' split that could single anyone out.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from activities.document_render import Block, Bullets, Content, Facts, Heading, Table
from glossary.catalogs import gettext_for
from glossary.languages import Language
from glossary.phrases import N_
from glossary.public import PLANNED, PUBLIC_ACTIVITY, PUBLIC_STAGE
from glossary.status import ActionStatus

# The link back to the site's index, from a page in another language.
ALL_ACTIONS = N_("All MIEUX Actions")


def _dates(status: ActionStatus, month: Callable[[date], str], _: Callable[[str], str]) -> str:
    held = [a for a in status.activities if a.stage != "cancelled"]
    if not held:
        return "-"
    first, last = min(a.start for a in held), max(a.end for a in held)
    if (first.year, first.month) == (last.year, last.month):
        return month(first)
    return _("{start} to {end}").format(start=month(first), end=month(last))


def _writers(language: str) -> tuple[Callable[[date], str], Callable[[date], str]]:
    """(a month, a day) as the reader writes them."""
    if language == Language.EN:
        return (lambda d: f"{d:%B %Y}"), (lambda d: f"{d:%d %b %Y}")
    from babel.dates import format_skeleton

    return (
        lambda d: format_skeleton("yMMMM", d, locale=language),
        lambda d: format_skeleton("yMMMd", d, locale=language),
    )


def public_summary(
    status: ActionStatus, institutions: list[str], language: str = Language.EN
) -> Content:
    """In English for the programme's site, or in the partner's language beside it."""
    _ = gettext_for(language)
    month, day = _writers(language)
    activities = sorted(status.activities, key=lambda a: a.number)
    outputs = [o for a in activities if a.stage != "cancelled" for o in a.outputs]
    held = [a for a in activities if PUBLIC_ACTIVITY.get(a.stage) == "held"]
    facts: list[tuple[str, str]] = [
        (_("Reference"), f"MIEUX {status.reference}"),
        (_("Country"), status.country),
        (_("Region"), status.region),
        (_("Themes"), ", ".join(status.themes)),
        (_("Requested by"), "; ".join(institutions) or "-"),
        (_("Received"), month(status.received_on)),
        (_("When"), _dates(status, month, _)),
        (_("Status"), _(PUBLIC_STAGE.get(status.stage, str(status.stage)))),
    ]
    if held:
        facts.append((_("Participants"), str(sum(a.participants or 0 for a in held))))
    if status.adopted:
        facts.append((_("Adopted"), status.adoption or _("yes")))
    blocks: list[Block] = [
        Facts(tuple(facts)),
        Heading(_("Activities")),
        Table(
            (_("No."), _("Type"), _("Title"), _("Where"), _("Dates"), _("Status")),
            tuple(
                (
                    str(a.number),
                    _(a.type),
                    a.title,
                    a.place,
                    _("{start} to {end}").format(start=day(a.start), end=day(a.end))
                    if a.end != a.start
                    else day(a.start),
                    _(PUBLIC_ACTIVITY.get(a.stage, PLANNED)),
                )
                for a in activities
            ),
        ),
    ]
    if outputs:
        blocks += [Heading(_("What it produced")), Bullets(tuple(outputs))]
    return Content(status.title or status.name, status.reference, tuple(blocks), language)

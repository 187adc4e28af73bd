"""At submission, a warning when an open Action has the same partner and topic: MIEUX's
requests often came twice (through the team and through the EU Delegation), and a second
Action on the same need splits the work. A warning, not a refusal: a partner may well ask
again on the same topic once the first Action is under way."""

from __future__ import annotations

import re

from glossary import Request
from reads.errors import BadInput, Refused, Unreachable
from reads.session import Session

# Two topics match when most of their words do ("migration data" and "migration data
# management"); words of three letters or fewer ("of", "and", "the") say nothing.
SAME_TOPIC = 0.6


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.casefold()) if len(w) > 3}


def _institution(text: str) -> str:
    return " ".join(text.casefold().split())


def same_topic(one: str, other: str) -> bool:
    a, b = _words(one), _words(other)
    if not a or not b:
        return one.casefold().strip() == other.casefold().strip()
    return len(a & b) / len(a | b) >= SAME_TOPIC


def same_partner(one: Request, other: Request) -> bool:
    mine = {_institution(a.institution) for a in one.requesting_authorities}
    return any(_institution(a.institution) in mine for a in other.requesting_authorities)


async def open_duplicates(session: Session, request: Request, reference: str) -> list[str]:
    """The open Actions, other than `reference`, with the same partner and topic."""
    from reads import actions

    query = (
        f"{actions.actions_of(session)} AND ExecutionStatus = 'Running'"
        f" AND MieuxCountry = {actions.literal(request.country)}"
    )
    found = []
    for row in await actions.listed(session, query):
        other = str(row["reference"])
        if other == reference:
            continue
        try:
            theirs = await actions.request_of(session, other)
        except (BadInput, Refused):
            continue  # closed or removed between the list and the read
        if same_partner(request, theirs) and same_topic(request.topic, theirs.topic):
            found.append(f"{other} ({row['stage'] or 'open'}: {theirs.name}, {theirs.topic})")
    return found


async def warn_of_duplicates(session: Session, request: Request, reference: str) -> str | None:
    """One warning line, or None; a failed check is said, never fails the submission."""
    try:
        found = await open_duplicates(session, request, reference)
    except (Refused, Unreachable, BadInput) as problem:
        return f"mieux: could not check for an open Action of the same partner: {problem}"
    if not found:
        return None
    return (
        f"mieux: warning: {reference} has the partner and topic of open Action"
        f"{'s' if len(found) > 1 else ''} {'; '.join(found)}. If it is the same need,"
        f' withdraw one: mieux withdraw {reference} --reason "duplicate of ..."'
    )

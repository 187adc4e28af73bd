"""`mieux knowledge search TEXT`: closed Actions found by what they produced (activities,
outputs, adoption) and the lessons learned, from the knowledge register in the shared
database; each with its reference, what was produced and the lesson."""

from __future__ import annotations

import asyncio
import json
import re
from argparse import Namespace
from dataclasses import asdict
from typing import Any

from reads.actions import region_named, theme_named
from reads.errors import DONE, BadInput, Unreachable
from reads.session import Session

PRODUCED_SHOWN = 4  # lines of "produced" per Action on the terminal; --json has them all


def _knowledge(session: Session) -> Any:
    from store.knowledge import Knowledge

    session.settings.state_dir.mkdir(parents=True, exist_ok=True)
    return Knowledge(session.settings.database_url)


def _country_named(text: str, known: list[str]) -> str:
    for country in known:
        if country.casefold() == text.strip().casefold():
            return country
    listed = "; ".join(known) if known else "none yet"
    raise BadInput(f"--country: no ended Action is in {text!r}; the register holds: {listed}")


async def knowledge_search(session: Session, args: Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    if not re.search(r"\w", args.text):
        raise BadInput(f"TEXT: {args.text!r} has no word to search for")
    theme = theme_named(args.theme) if args.theme else None
    region = region_named(args.region) if args.region else None
    from store.knowledge import Knowledge

    knowledge = Knowledge(session.existing_database)
    try:
        country = None
        if args.country:
            known = await asyncio.to_thread(knowledge.countries)
            country = _country_named(args.country, known)
        found = await asyncio.to_thread(
            knowledge.search,
            args.text,
            theme=theme,
            country=country,
            region=region,
            limit=args.limit,
        )
    except SQLAlchemyError as error:
        raise Unreachable(
            f"the knowledge register is unreachable ({type(error).__name__})"
        ) from None
    if args.json:
        print(json.dumps([asdict(f) for f in found], indent=2, ensure_ascii=False))
        return DONE
    if not found:
        print(f"No ended Action matches {args.text!r}.")
        return DONE
    for finding in found:
        print(f"{finding.reference}  {finding.title}  ({finding.country}, {finding.region})")
        print(f"  themes: {', '.join(finding.themes)}")
        for line in finding.produced[:PRODUCED_SHOWN]:
            print(f"  produced: {line}")
        if len(finding.produced) > PRODUCED_SHOWN:
            print(f"  ... {len(finding.produced) - PRODUCED_SHOWN} more (--json)")
        lesson = finding.lessons.strip().splitlines()[0] if finding.lessons.strip() else ""
        print(f"  lesson: {lesson or '(none recorded: mieux register lessons REF FILE)'}")
        print()
    return DONE

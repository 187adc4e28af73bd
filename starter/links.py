"""`mieux links`: the Temporal UI's workflow list, filtered the ways management asks, as
URLs with their visibility queries (the search attributes of DOMAIN.md §6)."""

from __future__ import annotations

from argparse import Namespace
from datetime import UTC, datetime
from urllib.parse import quote

from glossary import Region, Stage
from glossary.names import TERMINAL_STAGES, stage_words
from reads.errors import DONE
from reads.session import Session
from workflows import search_attributes as sa


def management_links(session: Session, now: datetime) -> list[tuple[str, str, str]]:
    """(section, what, url) for each view."""
    settings = session.settings
    base = (
        f"WorkflowType = 'ActionLifecycle' AND TaskQueue = '{settings.task_queue}'"
        " AND ExecutionStatus = 'Running'"
    )
    ui = f"{settings.web.ui_url}/namespaces/{settings.temporal.namespace}/workflows?query="
    views: list[tuple[str, str, str]] = [("Open Actions", "all", base)]
    views += [
        ("By stage", stage_words(s.value), f"{base} AND {sa.STAGE.name} = '{s.value}'")
        for s in Stage
        if s not in TERMINAL_STAGES
    ]
    views.append(
        (
            "Overdue",
            "past a deadline now",
            f"{base} AND {sa.NEXT_DUE.name} < '{now:%Y-%m-%dT%H:%M:%SZ}'",
        )
    )
    views.append(("On hold", "on hold", f"{base} AND {sa.ON_HOLD.name} = true"))
    views += [("By region", r.value, f"{base} AND {sa.REGION.name} = '{r.value}'") for r in Region]
    views += [
        ("By officer", o.id, f"{base} AND {sa.PROJECT_OFFICER.name} = '{o.id}'")
        for o in settings.staff.project_officers
    ]
    return [(section, what, ui + quote(query)) for section, what, query in views]


async def links(session: Session, args: Namespace) -> int:
    section = ""
    for heading, what, url in management_links(session, datetime.now(UTC)):
        if heading != section:
            print(("\n" if section else "") + heading)
            section = heading
        print(f"  {what:38} {url}")
    return DONE

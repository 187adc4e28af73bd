"""The public summary of an Action (issue 14): what, where, when, themes, activities and
outcome, for the programme's website. Written at approval and at closure, and by
`mieux publish` for every approved Action.

Public by construction: it is built from a short list of the status's fields, never from
the whole; no person's name or id (officer, experts, focal points), no vote, no comment, no
audit entry, no participants' split that could single anyone out.
"""

from __future__ import annotations

from activities.document_render import Block, Bullets, Content, Facts, Heading, Table
from glossary.public import PUBLIC_ACTIVITY, PUBLIC_STAGE
from glossary.status import ActionStatus


def _dates(status: ActionStatus) -> str:
    held = [a for a in status.activities if a.stage != "cancelled"]
    if not held:
        return "-"
    first, last = min(a.start for a in held), max(a.end for a in held)
    return (
        f"{first:%B %Y}"
        if (first.year, first.month) == (last.year, last.month)
        else (f"{first:%B %Y} to {last:%B %Y}")
    )


def public_summary(status: ActionStatus, institutions: list[str]) -> Content:
    activities = sorted(status.activities, key=lambda a: a.number)
    outputs = [o for a in activities if a.stage != "cancelled" for o in a.outputs]
    held = [a for a in activities if PUBLIC_ACTIVITY.get(a.stage) == "held"]
    facts: list[tuple[str, str]] = [
        ("Reference", f"MIEUX {status.reference}"),
        ("Country", status.country),
        ("Region", status.region),
        ("Themes", ", ".join(status.themes)),
        ("Requested by", "; ".join(institutions) or "-"),
        ("Received", f"{status.received_on:%B %Y}"),
        ("When", _dates(status)),
        ("Status", PUBLIC_STAGE.get(status.stage, str(status.stage))),
    ]
    if held:
        facts.append(("Participants", str(sum(a.participants or 0 for a in held))))
    if status.adopted:
        facts.append(("Adopted", status.adoption or "yes"))
    blocks: list[Block] = [
        Facts(tuple(facts)),
        Heading("Activities"),
        Table(
            ("No.", "Type", "Title", "Where", "Dates", "Status"),
            tuple(
                (
                    str(a.number),
                    a.type,
                    a.title,
                    a.place,
                    f"{a.start:%d %b %Y}" + (f" to {a.end:%d %b %Y}" if a.end != a.start else ""),
                    PUBLIC_ACTIVITY.get(a.stage, "planned"),
                )
                for a in activities
            ),
        ),
    ]
    if outputs:
        blocks += [Heading("What it produced"), Bullets(tuple(outputs))]
    return Content(status.title or status.name, status.reference, tuple(blocks))

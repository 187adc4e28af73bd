"""`mieux publish --out DIR`: the programme's public pages as a static site the website can
host as it is: `index.html` (the Actions by region and by theme), and per Action
`actions/REF.html` and `actions/REF.md`, the same public summary the workflow writes at
approval and at the end (activities/public_summary.py: no people, no votes).

Approved Actions only (glossary/public.py): the running ones from Temporal, the ended ones
from the register, so an Action Temporal's retention removed keeps its page.
"""

from __future__ import annotations

import asyncio
from argparse import Namespace
from dataclasses import dataclass
from html import escape
from pathlib import Path

from glossary.public import PUBLIC_STAGE, is_public
from glossary.status import ActionStatus
from starter.errors import DONE, BadInput, Refused
from starter.session import Session

CONCURRENT_READS = 8


@dataclass(frozen=True)
class PublicAction:
    status: ActionStatus
    institutions: list[str]


async def public_actions(session: Session) -> list[PublicAction]:
    from starter import reads

    rows = await reads.listed(session, reads.actions_of(session))
    gate = asyncio.Semaphore(CONCURRENT_READS)

    async def read(ref: str) -> PublicAction | None:
        async with gate:
            try:
                status = await session.status(ref)
                if not is_public(status):
                    return None
                request = await reads.request_of(session, ref)
            except (Refused, BadInput):
                return None  # removed by retention meanwhile: the register has it
        return PublicAction(status, [a.institution for a in request.requesting_authorities])

    live = [a for a in await asyncio.gather(*(read(str(r["reference"])) for r in rows)) if a]
    known = {a.status.reference for a in live}
    registered = await asyncio.to_thread(reads.registered, session, None)
    ended = [
        PublicAction(record.status, list(record.institutions))
        for record in registered
        if record.reference not in known and is_public(record.status)
    ]
    return sorted(live + ended, key=lambda a: reads.sort_key(a.status.reference))


def _link(action: PublicAction) -> str:
    s = action.status
    said = PUBLIC_STAGE.get(s.stage, str(s.stage))
    return (
        f'<li><a href="actions/{escape(s.reference)}.html">MIEUX {escape(s.reference)}</a>'
        f" {escape(s.title or s.name)} <small>({escape(s.country)}; {escape(said)})</small></li>"
    )


def index_page(actions: list[PublicAction]) -> str:
    from activities.document_render import PAGE_STYLE

    by_region: dict[str, list[PublicAction]] = {}
    by_theme: dict[str, list[PublicAction]] = {}
    for action in actions:
        by_region.setdefault(action.status.region, []).append(action)
        for theme in action.status.themes:
            by_theme.setdefault(theme, []).append(action)
    parts = [
        '<!doctype html><html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>MIEUX Actions</title><style>{PAGE_STYLE}</style></head><body>",
        "<h1>MIEUX Actions</h1>",
        f"<p>{len(actions)} Actions, approved by the Project Steering Group.</p>",
        '<nav><a href="#by-region">By region</a> · <a href="#by-theme">By theme</a></nav>',
    ]
    for anchor, title, groups in (
        ("by-region", "By region", by_region),
        ("by-theme", "By theme", by_theme),
    ):
        parts.append(f'<h2 id="{anchor}">{title}</h2>')
        for name in sorted(groups):
            parts.append(f"<h3>{escape(name)} ({len(groups[name])})</h3><ul>")
            parts.extend(_link(a) for a in groups[name])
            parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write_site(actions: list[PublicAction], folder: Path) -> int:
    from activities.document_render import to_html, to_markdown
    from activities.public_summary import public_summary

    if folder.exists() and not folder.is_dir():
        raise BadInput(f"--out: {folder} is a file, not a folder")
    pages = folder / "actions"
    pages.mkdir(parents=True, exist_ok=True)
    for action in actions:
        content = public_summary(action.status, action.institutions)
        ref = action.status.reference
        (pages / f"{ref}.html").write_text(to_html(content, home="../index.html"), "utf-8")
        (pages / f"{ref}.md").write_text(to_markdown(content), "utf-8")
    (folder / "index.html").write_text(index_page(actions), "utf-8")
    return len(actions)


async def publish(session: Session, args: Namespace) -> int:
    folder = Path(args.out)
    actions = await public_actions(session)
    try:
        count = await asyncio.to_thread(write_site, actions, folder)
    except OSError as error:
        raise BadInput(f"cannot write {folder}: {error.strerror or error}") from None
    print(f"{count} Action pages and the index written to {folder}")
    return DONE

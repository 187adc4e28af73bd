"""The programme's public pages as a static site the website can
host as it is: `index.html` (the Actions by region and by theme), and per Action
`actions/REF.html` and `actions/REF.md`, the same public summary the workflow writes at
approval and at the end (activities/public_summary.py: no people, no votes).

Approved Actions only (glossary/public.py): the running ones from Temporal, the ended ones
from the register, so an Action Temporal's retention removed keeps its page.
"""

from __future__ import annotations

import sys
from html import escape
from pathlib import Path

from glossary.catalogs import gettext_for
from glossary.languages import LANGUAGE_NAMES_NATIVE, Language, language_of_country
from glossary.public import PUBLIC_STAGE, is_public
from reads.errors import BadInput
from reads.reports.figures import CaseFile
from reads.session import Session


async def public_actions(session: Session) -> list[CaseFile]:
    """The approved Actions, as the report reads them: Temporal's, then the register's."""
    from reads.actions import case_files, sort_key

    cases, unreadable = await case_files(session, None)
    for problem in unreadable:
        print(f"mieux: left out of the site: {problem}", file=sys.stderr)
    public = [case for case in cases if is_public(case.status)]
    return sorted(public, key=lambda case: sort_key(case.status.reference))


def _link(action: CaseFile) -> str:
    s = action.status
    said = PUBLIC_STAGE.get(s.stage, str(s.stage))
    return (
        f'<li><a href="actions/{escape(s.reference)}.html">MIEUX {escape(s.reference)}</a>'
        f" {escape(s.title or s.name)} <small>({escape(s.country)}; {escape(said)})</small></li>"
    )


def index_page(actions: list[CaseFile]) -> str:
    from activities.document_render import PAGE_STYLE

    by_region: dict[str, list[CaseFile]] = {}
    by_theme: dict[str, list[CaseFile]] = {}
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


def write_site(actions: list[CaseFile], folder: Path) -> int:
    from activities.document_render import to_html, to_markdown
    from activities.public_summary import ALL_ACTIONS, public_summary

    if folder.exists() and not folder.is_dir():
        raise BadInput(f"--out: {folder} is a file, not a folder")
    pages = folder / "actions"
    pages.mkdir(parents=True, exist_ok=True)
    for action in actions:
        status, ref = action.status, action.status.reference
        theirs = language_of_country(status.country)
        english = public_summary(status, list(action.institutions))
        other = ""
        if theirs != Language.EN:
            # The same page in the partner country's language, each linking to the other.
            local = public_summary(status, list(action.institutions), theirs)
            home = gettext_for(theirs)(ALL_ACTIONS)
            back = f'<a href="{escape(ref)}.html" hreflang="en">English</a>'
            page = to_html(local, home="../index.html", home_label=home, other=back)
            (pages / f"{ref}.{theirs.value}.html").write_text(page, "utf-8")
            (pages / f"{ref}.{theirs.value}.md").write_text(to_markdown(local), "utf-8")
            name = LANGUAGE_NAMES_NATIVE[theirs]
            other = (
                f'<a href="{escape(ref)}.{theirs.value}.html" hreflang="{theirs.value}">{name}</a>'
            )
        page = to_html(english, home="../index.html", other=other)
        (pages / f"{ref}.html").write_text(page, "utf-8")
        (pages / f"{ref}.md").write_text(to_markdown(english), "utf-8")
    (folder / "index.html").write_text(index_page(actions), "utf-8")
    return len(actions)

"""How the read commands look for people: rich tables on stdout, nothing else.

Every value from a workflow or a file goes in as plain `Text`, never as rich markup, so a
title with brackets prints as it is.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from glossary.names import command_words, mail_problem_words, stage_words
from reads.reports.lines import report_lines, report_tables
from reads.times import span as span
from reads.times import time_left as time_left

if TYPE_CHECKING:
    from glossary import ActionStatus
    from glossary.roster import Candidate
    from reads.reports.figures import Figures
    from starter.status_view import StatusView

AUDIT_ENTRIES = 8


def console() -> Console:
    # Pipes and captured output get a fixed width, so scripts and tests see whole lines.
    width = None if sys.stdout.isatty() else 120
    return Console(file=sys.stdout, width=width, highlight=False, emoji=False, markup=False)


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False)
    for column in columns:
        table.add_column(column)
    return table


def _section(out: Console, table: Table) -> None:
    out.print()
    out.print(table)


def _row(table: Table, *cells: object) -> None:
    table.add_row(*(Text("" if c is None else str(c)) for c in cells))


def _when(at: datetime) -> str:
    return f"{at:%Y-%m-%d %H:%M}"


def status_text(action: ActionStatus | StatusView, now: datetime) -> str:
    """The status table, rendered whole before any of it is printed."""
    out = console()
    with out.capture() as captured:
        _status(out, action, now)
    return captured.get()


def _status(out: Console, action: ActionStatus | StatusView, now: datetime) -> None:
    title = f"{action.reference}  {action.name}"
    if action.title and action.title != action.name:
        title += f" — {action.title}"
    out.print(Text(title, style="bold"))
    stage = stage_words(str(action.stage))
    if action.psg_round and str(action.stage) == "psg_review":
        stage += f" (round {action.psg_round})"
    if action.on_hold:
        stage += f"  ON HOLD: {action.hold_reason}"
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column()
    for label, value in (
        ("Stage", stage),
        ("Waiting on", action.waiting_on),
        ("From", ", ".join(action.waiting_for) or "-"),
        ("Officer", _officer(action)),
        ("Where", f"{action.country} ({action.region})"),
        ("Themes", ", ".join(action.themes)),
        ("Received", f"{action.received_on:%Y-%m-%d}"),
    ):
        facts.add_row(Text(label), Text(value))
    if action.outcome:
        facts.add_row(Text("Outcome"), Text(action.outcome))
    out.print(facts)

    # The Action's clocks and, during implementation, every activity's: one list by due date.
    open_clocks = [("", c) for c in action.clocks] + [
        (str(a.number), c) for a in action.activities for c in a.clocks
    ]
    if open_clocks:
        clocks = _table("Open clocks (UTC)", "Clock", "Activity", "Name", "Due", "Time left")
        for number, clock in sorted(open_clocks, key=lambda nc: nc[1].due_at):
            left = "paused" if clock.paused else time_left(clock.due_at, now)
            if not clock.deadline:
                left = f"reminders until {_when(clock.due_at)}"
            _row(clocks, clock.label, number or "-", clock.name, _when(clock.due_at), left)
        _section(out, clocks)
    if action.psg_votes:
        votes = _table("PSG votes", "Round", "Member", "Vote", "Comment", "By", "At")
        for vote in action.psg_votes:
            _row(
                votes, vote.round, vote.member, vote.decision, vote.comment, vote.by, _when(vote.at)
            )
        _section(out, votes)
    if action.activities:
        activities = _table(
            "Activities", "#", "Type", "Title", "Place", "Dates", "Stage", "Experts"
        )
        for activity in action.activities:
            experts = ", ".join(f"{e.expert_id} ({e.state})" for e in activity.experts) or "-"
            dates = f"{activity.start:%Y-%m-%d} to {activity.end:%Y-%m-%d}"
            _row(
                activities,
                activity.number,
                activity.type,
                activity.title,
                activity.place,
                dates,
                activity.stage + (f" ({activity.note})" if activity.note else ""),
                experts,
            )
        _section(out, activities)
        evaluated = [a for a in action.activities if a.evaluation]
        if evaluated:
            scores = _table("Evaluations", "#", "Scores", "Summary")
            for a in evaluated:
                marks = ", ".join(f"{c} {v}/5" for c, v in a.evaluation.items())
                _row(scores, a.number, marks, a.evaluation_summary or "-")
            _section(out, scores)
    if action.documents:
        documents = _table("Documents", "Document", "Word", "Markdown")
        for document in action.documents:
            _row(documents, document.label, document.docx_path, document.markdown_path)
        _section(out, documents)
    problems = getattr(action, "mail_problems", None) or []
    if problems:
        mail = _table(
            "Mail that may not have reached someone", "At", "Notice", "To", "What", "To do"
        )
        for problem in problems:
            what, todo = mail_problem_words(problem.trouble, problem.key)
            _row(mail, _when(problem.at), problem.key, problem.to, what, todo)
        _section(out, mail)
    if action.audit:
        shown = action.audit[-AUDIT_ENTRIES:]
        total = len(action.audit) + (getattr(action, "audit_left_out", 0) or 0)
        label = f"last {len(shown)} of {total}"
        audit = _table(f"Audit trail ({label})", "At", "By", "Command", "Result", "Detail")
        for entry in shown:
            result = "done" if entry.accepted else "refused"
            _row(
                audit, _when(entry.at), entry.by, command_words(entry.command), result, entry.detail
            )
        _section(out, audit)
    counted = getattr(action, "refusals_not_listed", None) or {}
    if counted:
        lines = ", ".join(f"{what}: {n:,}" for what, n in sorted(counted.items()))
        out.print(Text(f"Refusals past the first 200, counted only: {lines}"))


def action_list(
    rows: Sequence[Mapping[str, object]], now: datetime, total: int | None = None
) -> None:
    """Plain columns, not a rich table: a page of 50 prints in a millisecond, and pipes
    into `grep` and `sort` as it is."""
    if not rows:
        print("No Action matches.")
        return
    header = ("Reference", "Stage", "Region", "Country", "Officer", "Hold", "Next due", "Left")
    lines = [header]
    for row in rows:
        due = row["next_due"]
        due_at = datetime.fromisoformat(str(due)) if due else None
        lines.append(
            (
                str(row["reference"]),
                stage_words(str(row["stage"])),
                str(row["region"]),
                str(row["country"]),
                str(row["officer"]),
                "on hold" if row["on_hold"] else "",
                _when(due_at) if due_at else "",
                time_left(due_at, now) if due_at else "",
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = [
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    ]
    out.insert(1, "  ".join("-" * width for width in widths))
    total = len(rows) if total is None else total
    if total > len(rows):
        out.append(f"{len(rows)} most recent of {total:,} Actions; `--limit 0` lists every one")
    else:
        out.append(f"{len(rows)} Action{'s' if len(rows) != 1 else ''}")
    print("\n".join(out))


def _counts(title: str, counts: Mapping[str, int], total: int | None = None) -> Table:
    table = _table(title, "", "Count", "Share")
    whole = total if total is not None else sum(counts.values())
    for name, count in counts.items():
        share = f"{100 * count / whole:.0f}%" if whole else "-"
        _row(table, name, count, share)
    return table


def figures(report: Figures) -> None:
    out = console()
    for line in report_lines(report):
        out.print(Text(line))
    for title, counts in report_tables(report):
        if counts:
            _section(out, _counts(title, counts))
        else:
            out.print(Text(f"\n{title}: none"))
    from reads.reports.tables import breakdown_tables

    for listed in breakdown_tables(report):
        if not listed.rows:
            continue
        table = _table(listed.title, *listed.headers)
        for cells in listed.rows:
            _row(table, *cells)
        _section(out, table)


def mail_list(rows: Sequence[tuple[int, datetime, str, str]]) -> None:
    out = console()
    if not rows:
        out.print("The inbox is empty.")
        return
    table = _table("", "#", "Received (UTC)", "To", "Subject")
    for number, received, to, subject in rows:
        _row(table, number, _when(received.astimezone(UTC)), to, subject)
    out.print(table)


def candidates(found: Sequence[Candidate]) -> None:
    out = console()
    if not found:
        out.print("No expert in the roster matches and is free on those dates.")
        return
    table = _table(
        "", "Expert", "Score", "Expertise", "Languages", "Deployed before", "Focal point"
    )
    for c in found:
        _row(
            table,
            c.expert_id,
            f"{c.score:.0f}",
            ", ".join(c.matched_expertise),
            ", ".join(c.matched_languages),
            c.past_deployments,
            c.focal_point_id or "",
        )
    out.print(table)


def _officer(action: Any) -> str:
    """The officer by name, with the id staff type in commands (a status of an earlier
    release has the id only)."""
    name = getattr(action, "project_officer_name", "")
    return f"{name} ({action.project_officer})" if name else action.project_officer

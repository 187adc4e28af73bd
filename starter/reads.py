"""The read commands: `status` (a query), `list` (a visibility query on the search
attributes of DOMAIN.md §6), `report` (both, for every Action) and `history export`."""

from __future__ import annotations

import asyncio
import json
import sys
from argparse import Namespace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from temporalio.service import RPCError

from reads.actions import (
    actions_of,
    case_files,
    count_of,
    listed,
    literal,
    region_named,
    theme_named,
)
from reads.errors import DONE, REFUSED, BadInput
from reads.session import Session, Target
from starter.inputs import reference
from workflows import search_attributes as sa

if TYPE_CHECKING:
    pass

# rich (render), the report and the Action's input models load only in the commands that
# use them: `mieux status --json` pays for none of them.


def _now() -> datetime:
    return datetime.now(UTC)


async def status(session: Session, args: Namespace) -> int:
    # Read as the workflow wrote it: building the status models is what staff need not wait
    # for (starter/status_view.py).
    answer = await session.status_json(reference(args.reference))
    if args.json:
        print(json.dumps(answer, indent=2, ensure_ascii=False))
        return DONE
    from starter import render
    from starter.status_view import StatusView

    try:
        table = render.status_text(StatusView(answer), _now())
    except (AttributeError, KeyError, TypeError, ValueError):
        # A status of another release: its model fills in what this one lacks.
        from glossary import ActionStatus

        table = render.status_text(ActionStatus.model_validate(answer), _now())
    print(table, end="")
    return DONE


# -- list -------------------------------------------------------------------------------


def visibility_query(session: Session, args: Namespace, now: datetime) -> str:
    clauses = [actions_of(session)]
    if args.stage:
        clauses.append(f"{sa.STAGE.name} = {literal(args.stage)}")
    if args.region:
        clauses.append(f"{sa.REGION.name} = {literal(region_named(args.region))}")
    if getattr(args, "theme", None):
        # A keyword list matches when one of its values is the one asked for.
        clauses.append(f"{sa.THEMES.name} = {literal(theme_named(args.theme))}")
    if args.country:
        clauses.append(f"{sa.COUNTRY.name} = {literal(args.country)}")
    if args.officer:
        clauses.append(f"{sa.PROJECT_OFFICER.name} = {literal(args.officer)}")
    if args.overdue:
        clauses.append(f"{sa.NEXT_DUE.name} < {literal(now.isoformat())}")
    if args.on_hold:
        clauses.append(f"{sa.ON_HOLD.name} = true")
    return " AND ".join(clauses)


async def list_actions(session: Session, args: Namespace) -> int:
    if args.limit < 0:
        raise BadInput(f"--limit {args.limit}: at least 0 (0 lists every Action)")
    now = _now()
    query = visibility_query(session, args, now)
    if args.json or not args.limit:
        rows = await listed(session, query, args.limit)
        total = len(rows)
    else:
        # The page and the count of all side by side: one round trip's time, not two
        # (connected first, so that the two share one connection).
        await session.client()
        rows, total = await asyncio.gather(
            listed(session, query, args.limit), count_of(session, query)
        )
    if args.json:
        print(json.dumps(rows, indent=2))
        return DONE
    from starter import render

    render.action_list(rows, now, total)
    return DONE


# -- report -----------------------------------------------------------------------------


# MIEUX received its first requests in 2009.
FIRST_YEAR = 2009


async def report(session: Session, args: Namespace) -> int:
    from starter.experts import facts

    # References carry four-digit years (DOMAIN §6); none is older than the programme.
    if args.year is not None and not FIRST_YEAR <= args.year <= 9999:
        raise BadInput(f"--year: {args.year} is not a year from {FIRST_YEAR} to 9999")

    cases, unreadable = await case_files(session, args.year)
    for problem in unreadable:
        print(f"mieux: left out of the report: {problem}", file=sys.stderr)
    if unreadable and not args.partial:
        print(
            f"mieux: the report leaves out {len(unreadable)} Action(s); it exits 1 unless"
            " --partial accepts that",
            file=sys.stderr,
        )
    deployed = [
        slot.expert_id
        for case in cases
        for activity in case.status.activities
        for slot in activity.experts
    ]
    known = await asyncio.to_thread(facts, session.settings, deployed)
    from reads.reports.figures import compute, stage_targets

    figures = compute(
        cases,
        year=args.year,
        category_of=lambda expert: known.get(expert, (None, None))[0],
        nationality_of=lambda expert: known.get(expert, (None, None))[1],
        targets=stage_targets(session.settings.policy),
    )
    also: list[Path] = []
    if args.docx or args.out:
        from reads.reports.as_docx import write_docx

        docx = Path(args.out) if args.out else report_path(session, figures.scope)
        if not args.out:  # our own folder of reports: made, and each year's report replaced
            docx.parent.mkdir(parents=True, exist_ok=True)
        also.append(await _written(docx, write_docx, figures, force=args.force or not args.out))
    if args.html:
        from reads.reports.as_html import write_html

        also.append(await _written(Path(args.html), write_html, figures, force=args.force))
    if args.csv:
        from reads.reports.as_csv import write_csv

        folder = Path(args.csv)
        await _written(folder, write_csv, figures)
        also.append(folder)
    if args.json:
        print(figures.model_dump_json(indent=2))
    else:
        from starter import render

        render.figures(figures)
        for path in also:
            print(f"\nwritten to {path}")
    if unreadable and not args.partial:
        # Figures without an Action are wrong figures: a script must not take them for whole
        # (issue 22.16). `--partial` accepts them, named above.
        return REFUSED
    return DONE


async def _written(path: Path, write: Any, figures: Any, *, force: bool = False) -> Path:
    from starter.outputs import target_file, target_folder

    if path.suffix:
        target_file(path, force=force)
    else:
        target_folder(path)
    try:
        await asyncio.to_thread(write, figures, path)
    except OSError as error:
        raise BadInput(f"cannot write {path}: {error.strerror or error}") from None
    return path


def report_path(session: Session, scope: str) -> Path:
    """`.mieux/reports/report-2026.docx`: beside the rest of the state, not wherever the
    command happened to run."""
    return session.settings.state_dir / "reports" / f"report-{scope.replace(' ', '-')}.docx"


# -- history ----------------------------------------------------------------------------


async def history_export(session: Session, args: Namespace) -> int:
    target = Target(reference(args.reference))
    handle = await session.handle(target)
    try:
        history = await handle.fetch_history(rpc_timeout=session.timeout)
    except RPCError as error:
        raise await session.explain(error, target) from None
    path = Path(args.output)
    try:
        await asyncio.to_thread(path.write_text, history.to_json(), encoding="utf-8")
    except OSError as error:
        raise BadInput(f"cannot write {path}: {error.strerror or error}") from None
    print(f"{target.workflow_id}: {len(history.events)} events written to {path}")
    started = history.events[0].workflow_execution_started_event_attributes
    if started.continued_execution_run_id:
        # One run per file, as the Replayer takes it; the earlier runs are Temporal's to show.
        print(
            f"this is the Action's latest run; it continued from run"
            f" {started.continued_execution_run_id} (temporal workflow show --workflow-id"
            f" {target.workflow_id} --run-id {started.continued_execution_run_id})"
        )
    return DONE

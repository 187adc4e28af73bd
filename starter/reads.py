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

from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import GetWorkflowExecutionHistoryRequest
from temporalio.client import WorkflowExecutionStatus
from temporalio.service import RPCError

from glossary.names import Region, Theme
from reads.errors import DONE, REFUSED, BadInput, Refused, Unreachable
from reads.session import Session, Target
from starter.inputs import reference
from workflows import search_attributes as sa

if TYPE_CHECKING:
    from reads.reports.figures import CaseFile

# rich (render), the report and the Action's input models load only in the commands that
# use them: `mieux status --json` pays for none of them.

# How many Actions `report` reads at once: enough to be quick, few enough for a dev server.
CONCURRENT_READS = 16


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


def literal(value: str) -> str:
    if '"' not in value:
        return f'"{value}"'
    if "'" not in value:
        return f"'{value}'"
    raise BadInput(f"{value!r}: a filter value cannot hold both kinds of quotes")


def region_named(text: str) -> str:
    for region in Region:
        if region.value.lower() == text.strip().lower():
            return region.value
    raise BadInput(
        f"--region: {text!r} is not a region; one of: {'; '.join(r.value for r in Region)}"
    )


def theme_named(text: str) -> str:
    for theme in Theme:
        if theme.value.lower() == text.strip().lower():
            return theme.value
    raise BadInput(f"--theme: {text!r} is not a theme; one of: {'; '.join(t.value for t in Theme)}")


def actions_of(session: Session) -> str:
    """Every Action of this deployment: another task queue is another deployment's."""
    return f"WorkflowType = 'ActionLifecycle' AND TaskQueue = {literal(session.task_queue)}"


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


def sort_key(reference: str) -> tuple[int, int, str]:
    year, _, number = reference.partition("-")
    if year.isdigit() and number.isdigit():
        return int(year), int(number), reference
    return 0, 0, reference


async def listed(session: Session, query: str, limit: int = 0) -> list[dict[str, Any]]:
    """The Actions `query` finds, the `limit` most recent (0: all), by reference."""
    client = await session.client()
    rows: list[dict[str, Any]] = []
    try:
        async for execution in client.list_workflows(
            query,
            limit=limit or None,
            page_size=min(limit or 1000, 1000),
            rpc_timeout=session.timeout,
        ):
            found = execution.typed_search_attributes
            due = found.get(sa.NEXT_DUE)
            rows.append(
                {
                    "reference": found.get(sa.REFERENCE) or execution.id.removeprefix("action-"),
                    "workflow_id": execution.id,
                    "stage": found.get(sa.STAGE) or "",
                    "region": found.get(sa.REGION) or "",
                    "country": found.get(sa.COUNTRY) or "",
                    "officer": found.get(sa.PROJECT_OFFICER) or "",
                    "on_hold": bool(found.get(sa.ON_HOLD)),
                    "next_due": due.isoformat() if due else None,
                    "running": execution.status == WorkflowExecutionStatus.RUNNING,
                }
            )
    except RPCError as error:
        raise session.failure(error, f"the list query {query!r}") from None
    return sorted(rows, key=lambda row: sort_key(str(row["reference"])))


async def _count(session: Session, query: str) -> int:
    client = await session.client()
    try:
        return (await client.count_workflows(query, rpc_timeout=session.timeout)).count
    except RPCError as error:
        raise session.failure(error, f"the count of {query!r}") from None


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
            listed(session, query, args.limit), _count(session, query)
        )
    if args.json:
        print(json.dumps(rows, indent=2))
        return DONE
    from starter import render

    render.action_list(rows, now, total)
    return DONE


# -- report -----------------------------------------------------------------------------


async def _case_file(session: Session, ref: str) -> CaseFile:
    status = await session.status(ref)
    request = await request_of(session, ref)
    from reads.reports.figures import CaseFile

    return CaseFile(
        status=status,
        requester_types=tuple(str(a.type) for a in request.requesting_authorities),
        countries=tuple(request.countries),
        institutions=tuple(a.institution for a in request.requesting_authorities),
    )


async def request_of(session: Session, ref: str) -> Any:
    """The request as the Action received it: the input of its first history event."""
    client = await session.client()
    try:
        history = await client.workflow_service.get_workflow_execution_history(
            GetWorkflowExecutionHistoryRequest(
                namespace=client.namespace,
                execution=WorkflowExecution(workflow_id=f"action-{ref}"),
                maximum_page_size=1,
            ),
            timeout=session.timeout,
        )
    except RPCError as error:
        raise await session.explain(error, Target(ref)) from None
    started = history.history.events[0].workflow_execution_started_event_attributes
    from glossary import ActionInput

    [action_input] = await client.data_converter.decode(started.input.payloads, [ActionInput])
    return action_input.request


async def case_files(session: Session, year: int | None) -> tuple[list[CaseFile], list[str]]:
    """The case files of the Actions of `year` (all when None), and those that could not be
    read, each with its reason: one broken Action does not hide the others' figures."""
    rows = await listed(session, actions_of(session))
    references = [
        str(r["reference"])
        for r in rows
        if year is None or str(r["reference"]).startswith(f"{year}-")
    ]
    gate = asyncio.Semaphore(CONCURRENT_READS)
    unreadable: list[str] = []

    async def read(ref: str) -> CaseFile | None:
        async with gate:
            try:
                return await _case_file(session, ref)
            except (Refused, Unreachable) as refusal:
                # This Action's own trouble (its workflow task failing, say): Temporal
                # answered the listing, so the others' figures still stand.
                unreadable.append(f"{ref}: {refusal.message}")
                return None
            except BadInput:
                # Listed, then removed by retention before it was read: the register,
                # below, has it if it ended.
                return None

    found = [c for c in await asyncio.gather(*(read(ref) for ref in references)) if c]
    # Ended Actions Temporal no longer holds (its retention removed them) come from the
    # register; an Action in both is counted once, from Temporal.
    live = {case.status.reference for case in found}
    for record in await asyncio.to_thread(registered, session, year):
        if record.reference not in live:
            from reads.reports.figures import CaseFile

            found.append(
                CaseFile(
                    status=record.status,
                    requester_types=tuple(record.requester_types),
                    countries=tuple(record.countries),
                    institutions=tuple(record.institutions),
                )
            )
    return found, sorted(unreadable)


def registered(session: Session, year: int | None) -> list[Any]:
    from sqlalchemy.exc import SQLAlchemyError

    from store.register import Register

    try:
        return Register(session.existing_database).records(year)
    except SQLAlchemyError as error:
        raise Unreachable(
            f"the register of Actions is unreachable ({type(error).__name__}); the report"
            " would miss the Actions Temporal no longer holds"
        ) from None


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
    return DONE

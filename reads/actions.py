"""Reading Actions: from Temporal's visibility (the search attributes of DOMAIN.md §6),
their first history event (the request as received) and status query, and from the
register of ended Actions; the case files the reports and the public pages are made of.
Shared by the CLI and anything else that reads the programme; no arguments parsed here."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import GetWorkflowExecutionHistoryRequest
from temporalio.client import WorkflowExecutionStatus
from temporalio.service import RPCError

from glossary.names import Region, Theme
from reads.errors import BadInput, Refused, Unreachable
from reads.session import Session, Target
from workflows import search_attributes as sa

if TYPE_CHECKING:
    from reads.reports.figures import CaseFile

# How many Actions are read at once: enough to be quick, few enough for a dev server.
CONCURRENT_READS = 16


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
    """Every Action of this deployment, once: another task queue is another deployment's,
    and the runs an Action continued from (glossary/carried.py) are the same Action."""
    return (
        f"WorkflowType = 'ActionLifecycle' AND TaskQueue = {literal(session.task_queue)}"
        " AND ExecutionStatus != 'ContinuedAsNew'"
    )


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


async def count_of(session: Session, query: str) -> int:
    client = await session.client()
    try:
        return (await client.count_workflows(query, rpc_timeout=session.timeout)).count
    except RPCError as error:
        raise session.failure(error, f"the count of {query!r}") from None


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

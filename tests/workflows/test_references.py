"""References `YYYY-NN` in order of receipt, no gap, no duplicate (DOMAIN.md §6)."""

import asyncio

from temporalio.client import WithStartWorkflowOperation
from temporalio.common import WorkflowIDConflictPolicy

from config.staff import DEFAULT_STAFF
from glossary import Policy
from tests.workflows.support import Outbox, running_worker, sample_request
from workflows.reference_register import (
    ReferenceRegister,
    RegisterRequest,
    RegisterState,
)


async def test_twenty_concurrent_submissions_get_twenty_consecutive_references(
    time_skipping_env, task_queue
):
    client = time_skipping_env.client
    register = f"references-{task_queue}"

    async def submit(n: int) -> str:
        start = WithStartWorkflowOperation(
            ReferenceRegister.run,
            RegisterState(year=2026),
            id=register,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            task_queue=task_queue,
        )
        return await client.execute_update_with_start_workflow(
            ReferenceRegister.register_request,
            RegisterRequest(
                request=sample_request(name=f"Request {n}"),
                policy=Policy(),
                staff=DEFAULT_STAFF,
                submitted_by="test",
            ),
            start_workflow_operation=start,
        )

    async with running_worker(time_skipping_env, task_queue, Outbox()):
        references = await asyncio.gather(*(submit(n) for n in range(20)))
        started = [
            await client.get_workflow_handle(f"action-{ref}").describe() for ref in references
        ]

    assert sorted(references) == [f"2026-{n:02d}" for n in range(1, 21)]
    assert len(set(references)) == 20
    assert {d.workflow_type for d in started} == {"ActionLifecycle"}

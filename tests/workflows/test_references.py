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


async def test_a_new_action_takes_the_workers_policy_and_directory_not_the_submitters(
    time_skipping_env, task_queue, monkeypatch
):
    """Issue 21 (10): what the workers were started with decides, whoever submits."""
    from datetime import timedelta

    from glossary import ActionInput
    from workflows.action_lifecycle import ActionLifecycle

    monkeypatch.setenv("MIEUX_POLICY__FICHE_DEADLINE", "P30D")  # the workers' setting
    client = time_skipping_env.client
    start = WithStartWorkflowOperation(
        ReferenceRegister.run,
        RegisterState(year=2026),
        id=f"references-{task_queue}",
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        task_queue=task_queue,
    )
    forged = DEFAULT_STAFF.model_copy(update={"programme_manager": DEFAULT_STAFF.psg["EEAS"][0]})
    async with running_worker(time_skipping_env, task_queue, Outbox()):
        reference = await client.execute_update_with_start_workflow(
            ReferenceRegister.register_request,
            RegisterRequest(
                request=sample_request(),
                policy=Policy(fiche_deadline=timedelta(days=10)),  # the submitter's shell
                staff=forged,
                submitted_by="test",
            ),
            start_workflow_operation=start,
        )
        handle = client.get_workflow_handle(f"action-{reference}")
        status = await handle.query(ActionLifecycle.status)
        history = await handle.fetch_history()
    started = history.events[0].workflow_execution_started_event_attributes
    taken = ActionInput.model_validate_json(started.input.payloads[0].data)
    assert taken.policy.fiche_deadline == timedelta(days=30)
    assert taken.staff.programme_manager.id == "pm.rossi"  # not the desk the shell named
    assert status.stage == "intake"

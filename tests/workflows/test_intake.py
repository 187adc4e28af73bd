"""Intake: the walking skeleton of the lifecycle (DOMAIN.md §3 stage 1)."""

from datetime import timedelta

from temporalio.client import WorkflowUpdateFailedError

from glossary import Stage
from tests.workflows.support import Outbox, action_input, running_worker, start_action
from workflows.action_lifecycle import ActionLifecycle


async def test_intake_accept_opens_the_fiche_clock(time_skipping_env, task_queue):
    outbox = Outbox()
    async with running_worker(time_skipping_env, task_queue, outbox):
        handle = await start_action(time_skipping_env.client, task_queue, action_input())
        result = await handle.execute_update(
            "intake_decision", {"decision": "accept", "by": "anna"}
        )
        status = await handle.query(ActionLifecycle.status)
    assert "accepted" in result
    assert status.stage == Stage.FICHE_DRAFTING
    assert [c.name for c in status.clocks] == ["fiche"]
    assert status.clocks[0].due_at - status.audit[-1].at == timedelta(days=21)
    assert status.audit[-1].by == "anna"


async def test_intake_decision_with_a_bad_payload_is_refused_with_its_reason(
    time_skipping_env, task_queue
):
    outbox = Outbox()
    async with running_worker(time_skipping_env, task_queue, outbox):
        handle = await start_action(time_skipping_env.client, task_queue, action_input())
        try:
            await handle.execute_update("intake_decision", {"decision": "reject"})
        except WorkflowUpdateFailedError as error:
            reason = str(error.cause)
        status = await handle.query(ActionLifecycle.status)
    assert "a rejection needs a reason" in reason
    assert status.stage == Stage.INTAKE
    assert status.audit == []

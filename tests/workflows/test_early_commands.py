"""A command can reach a new Action in its very first workflow task, before `run` starts
(`mieux request submit` then `mieux intake REF accept` at once)."""

from glossary import Stage
from tests.workflows.support import Outbox, action_input, running_worker, status_of
from workflows.action_lifecycle import ActionLifecycle


async def test_an_intake_decision_sent_before_the_first_task_leaves_no_intake_clock(
    time_skipping_env, task_queue
):
    env = time_skipping_env
    # Start and accept before any worker polls: both land in the first workflow task.
    handle = await env.client.start_workflow(
        ActionLifecycle.run, action_input(), id=f"action-early-{task_queue}", task_queue=task_queue
    )
    await handle.signal("intake_decision", {"decision": "accept", "by": "po.martin"})
    async with running_worker(env, task_queue, Outbox()):
        status = await status_of(handle)
    assert status.stage == Stage.FICHE_DRAFTING
    assert [c.name for c in status.clocks] == ["fiche"]

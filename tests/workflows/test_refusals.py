"""Commands the workflow refuses: a clear reason, and nothing recorded (DOMAIN.md §6).

Updates are refused by their validator, so nothing reaches the history; signals of the
same name are fire-and-forget, so their refusal is kept in the audit trail and nothing else
changes.
"""

import pydantic_core
import pytest
from temporalio.client import WorkflowUpdateFailedError

from glossary import Stage
from tests.workflows.support import (
    Outbox,
    accept,
    action_input,
    running_worker,
    sample_fiche,
    start_action,
    status_of,
    to_psg,
    vote,
)


async def refused(handle, command: str, payload) -> str:
    with pytest.raises(WorkflowUpdateFailedError) as error:
        await handle.execute_update(command, payload)
    return error.value.cause.message


async def test_a_command_for_another_stage_is_refused(time_skipping_env, task_queue):
    env = time_skipping_env
    async with running_worker(env, task_queue, Outbox()):
        handle = await start_action(env.client, task_queue, action_input())
        before = await status_of(handle)
        reason = await refused(handle, "submit_fiche", {"fiche": sample_fiche()})
        after = await status_of(handle)
    assert reason == "submit_fiche is for the fiche_drafting stage; Action 2026-01 is in intake"
    assert after == before


async def test_a_vote_from_someone_not_in_the_psg_is_refused(time_skipping_env, task_queue):
    env = time_skipping_env
    async with running_worker(env, task_queue, Outbox()):
        handle = await start_action(env.client, task_queue, action_input())
        await to_psg(handle)
        before = await status_of(handle)
        reason = await refused(
            handle, "psg_vote", {"member": "FRONTEX", "decision": "approved", "by": "x"}
        )
        after = await status_of(handle)
    assert reason == "'FRONTEX' is not a PSG member (members: DG_INTPA, DG_HOME, EEAS)"
    assert after == before


async def test_psg_member_cannot_vote_twice_in_one_round(time_skipping_env, task_queue):
    env = time_skipping_env
    async with running_worker(env, task_queue, Outbox()):
        handle = await start_action(env.client, task_queue, action_input())
        await to_psg(handle)
        await vote(handle, "EEAS")
        before = await status_of(handle)
        reason = await refused(
            handle, "psg_vote", {"member": "EEAS", "decision": "rejected", "comment": "no"}
        )
        after = await status_of(handle)
    assert reason == "EEAS already voted 'approved' in PSG round 1"
    assert after == before


async def test_any_command_after_a_terminal_stage_is_refused(time_skipping_env, task_queue):
    env = time_skipping_env
    async with running_worker(env, task_queue, Outbox()):
        handle = await start_action(env.client, task_queue, action_input())
        await handle.execute_update("withdraw", {"reason": "no longer needed"})
        closed = await handle.result()
        # The Action's workflow ends with its terminal stage, so the server itself refuses
        # anything sent afterwards; its case file stays readable.
        with pytest.raises(Exception):  # noqa: B017 - servers word this differently
            await handle.execute_update("hold", {"reason": "too late"})
        after = await status_of(handle)
    assert after == closed
    assert after.stage == Stage.WITHDRAWN


async def test_an_invalid_payload_is_refused_with_the_field_named(time_skipping_env, task_queue):
    env = time_skipping_env
    async with running_worker(env, task_queue, Outbox()):
        handle = await start_action(env.client, task_queue, action_input())
        await accept(handle)
        before = await status_of(handle)
        reason = await refused(handle, "submit_fiche", {"fiche": {"title": "x"}})
        not_a_dict = await refused(handle, "hold", "please hold")
        after = await status_of(handle)
    assert reason.startswith("invalid SubmitFiche: fiche.title: String should have at least 2")
    assert not_a_dict.startswith("invalid Hold: ")
    assert after == before


async def test_commands_other_than_resume_are_refused_while_on_hold(time_skipping_env, task_queue):
    env = time_skipping_env
    async with running_worker(env, task_queue, Outbox()):
        handle = await start_action(env.client, task_queue, action_input())
        await accept(handle)
        await handle.execute_update("hold", {"reason": "elections"})
        before = await status_of(handle)
        reason = await refused(handle, "submit_fiche", {"fiche": sample_fiche()})
        twice = await refused(handle, "hold", {"reason": "again"})
        after = await status_of(handle)
    assert reason == "Action 2026-01 is on hold (elections); resume it first"
    assert twice == reason
    assert after == before


async def test_a_refused_signal_changes_nothing_but_the_audit_trail(time_skipping_env, task_queue):
    env = time_skipping_env
    async with running_worker(env, task_queue, Outbox()):
        handle = await start_action(env.client, task_queue, action_input())
        await to_psg(handle)
        before = await status_of(handle)
        await handle.signal("psg_vote", {"member": "FRONTEX", "decision": "approved", "by": "eve"})
        await handle.signal("psg_vote", ["not", "an", "object"])
        await vote(handle, "EEAS")  # an update after the signals: they have been handled
        after = await status_of(handle)
    refusals = [a for a in after.audit if not a.accepted]
    assert [(a.command, a.by) for a in refusals] == [("psg_vote", "eve"), ("psg_vote", "unknown")]
    assert "'FRONTEX' is not a PSG member" in refusals[0].detail
    assert refusals[1].detail.startswith("invalid PsgVote: ")
    assert after.stage == before.stage == Stage.PSG_REVIEW
    assert [v.member for v in after.psg_votes] == ["EEAS"]
    assert after.clocks == before.clocks


async def test_a_signal_without_a_payload_or_with_extra_arguments_is_refused_not_fatal(
    time_skipping_env, task_queue
):
    env = time_skipping_env
    async with running_worker(env, task_queue, Outbox()):
        handle = await start_action(env.client, task_queue, action_input())
        await handle.signal("hold")  # e.g. `temporal workflow signal --name hold`, no input
        await handle.signal("psg_vote", args=[{"member": "EEAS"}, "extra"])
        await handle.signal("activity_progress", "not a view")
        await accept(handle)  # the workflow still takes commands
        status = await status_of(handle)
    refused = [(a.command, a.accepted) for a in status.audit if not a.accepted]
    assert refused == [("hold", False), ("psg_vote", False), ("activity_progress", False)]
    assert status.stage == Stage.FICHE_DRAFTING
    assert not status.on_hold


async def test_a_flood_of_refused_signals_is_counted_not_kept_and_the_status_stays_small(
    time_skipping_env, task_queue
):
    """Issue 22.7: 2,500 refused `hold` signals made the status too large to read. Past 200,
    refusals are counted by command and sender; the status holds at most 500 audit entries."""
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle = await start_action(env.client, task_queue, action_input())
        for _ in range(260):  # `resume` with nothing on hold: refused each time
            await handle.signal("resume", {"by": "po.martin"})
        status = await status_of(handle)
        answer = await handle.query("status")  # the raw query, as the CLI reads it

    refused = [e for e in status.audit if not e.accepted]
    assert len(refused) == 200
    assert status.refusals_not_listed == {"resume from po.martin": 60}
    assert len(pydantic_core.to_json(answer)) < 200_000

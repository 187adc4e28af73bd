"""Hold, resume and withdraw at any non-terminal stage (DOMAIN.md §3)."""

import pytest

from glossary import Stage
from tests.workflows.support import (
    Outbox,
    accept,
    action_input,
    days,
    running_worker,
    sample_fiche,
    start_action,
    status_of,
    to_psg,
    vote,
)


async def test_hold_keeps_the_remaining_fiche_time(time_skipping_env, task_queue):
    """Hold 45 days in the middle of the Fiche clock: due at the original time + 45 days."""
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle = await start_action(env.client, task_queue, action_input())
        accepted_at = await accept(handle)
        await env.sleep(days(10))
        await handle.execute_update("hold", {"reason": "elections in Kenya", "by": "pm"})
        held = await status_of(handle)
        held_at = held.audit[-1].at
        await env.sleep(days(45))
        await handle.execute_update("resume", {"by": "pm"})
        resumed = await status_of(handle)
        resumed_at = resumed.audit[-1].at
        await env.sleep(days(30))
    shift = resumed_at - held_at
    assert held.on_hold and held.clocks[0].paused
    fiche = next(c for c in resumed.clocks if c.name == "fiche")
    assert fiche.due_at == accepted_at + days(21) + shift
    assert abs(shift - days(45)) < days(0.01)
    sent = [(s.notice.key.split("/")[1], s.notice.key.split("/")[2], s.at) for s in outbox.sent]
    during_hold = [(c, step) for c, step, at in sent if held_at < at < resumed_at]
    assert during_hold == [("hold-1", "due")]  # the 30-day "still on hold?", nothing else
    [(still_on_hold_at)] = [at for c, step, at in sent if c == "hold-1"]
    assert still_on_hold_at - held_at == days(30)
    fiche_sent = [(step, at) for c, step, at in sent if c == "fiche"]
    assert fiche_sent[:4] == [
        ("reminder-1", accepted_at + days(7)),
        ("reminder-2", accepted_at + days(14) + shift),
        ("reminder-3", accepted_at + days(19) + shift),
        ("due", accepted_at + days(21) + shift),
    ]


async def test_resume_when_not_on_hold_is_refused(time_skipping_env, task_queue):
    env = time_skipping_env
    async with running_worker(env, task_queue, Outbox()):
        handle = await start_action(env.client, task_queue, action_input())
        before = await status_of(handle)
        with pytest.raises(Exception) as refused:
            await handle.execute_update("resume", {"by": "pm"})
        after = await status_of(handle)
    assert "is not on hold; there is nothing to resume" in str(refused.value.cause)
    assert after == before


async def _reach(stage: Stage, handle) -> None:
    if stage == Stage.INTAKE:
        return
    if stage == Stage.FICHE_DRAFTING:
        await accept(handle)
    elif stage == Stage.CONSULTATION:
        await accept(handle)
        await handle.execute_update("submit_fiche", {"fiche": sample_fiche()})
    elif stage == Stage.PSG_REVIEW:
        await to_psg(handle)
    elif stage == Stage.IMPLEMENTATION:
        await to_psg(handle)
        for member in ("DG_INTPA", "DG_HOME", "EEAS"):
            await vote(handle, member)


@pytest.mark.parametrize(
    "stage",
    [
        Stage.INTAKE,
        Stage.FICHE_DRAFTING,
        Stage.CONSULTATION,
        Stage.PSG_REVIEW,
        Stage.IMPLEMENTATION,
    ],
)
async def test_withdraw_ends_the_action_from_every_open_stage(time_skipping_env, task_queue, stage):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle = await start_action(env.client, task_queue, action_input())
        await _reach(stage, handle)
        assert (await status_of(handle)).stage == stage
        await handle.execute_update("withdraw", {"reason": "the ministry withdrew", "by": "po"})
        result = await handle.result()
    assert result.stage == Stage.WITHDRAWN
    assert result.clocks == []
    # The Action's own notices; its activities, if any had invited experts by then, also
    # withdraw those invitations (tested in test_plan_changes.py).
    told = {s.notice.to.role for s in outbox.matching("withdrawal", "withdrawal")}
    expected = {"partner_focal_point", "project_officer"}
    if stage in (Stage.PSG_REVIEW, Stage.IMPLEMENTATION):
        expected |= {"psg:DG_INTPA", "psg:DG_HOME", "psg:EEAS"}
    assert told == expected


async def test_withdraw_while_on_hold_is_accepted(time_skipping_env, task_queue):
    env = time_skipping_env
    async with running_worker(env, task_queue, Outbox()):
        handle = await start_action(env.client, task_queue, action_input())
        await accept(handle)
        await handle.execute_update("hold", {"reason": "waiting for the new minister"})
        await handle.execute_update("withdraw", {"reason": "request dropped"})
        result = await handle.result()
    assert result.stage == Stage.WITHDRAWN
    assert not result.on_hold


@pytest.mark.parametrize(
    ("decision", "stage", "outcome"),
    [
        (
            {"decision": "reject", "reason": "outside MIEUX's mandate"},
            Stage.REJECTED,
            "rejected at intake: outside MIEUX's mandate",
        ),
        ({"decision": "forward", "forward_to": "TAIEX"}, Stage.FORWARDED, "forwarded to TAIEX"),
    ],
)
async def test_reject_and_forward_at_intake_end_the_action_and_tell_the_partner(
    time_skipping_env, task_queue, decision, stage, outcome
):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle = await start_action(env.client, task_queue, action_input())
        await handle.execute_update("intake_decision", decision)
        result = await handle.result()
    assert (result.stage, result.outcome) == (stage, outcome)
    [notice] = outbox.matching("decision")
    assert notice.notice.to.role == "partner_focal_point"
    assert outcome in notice.notice.subject

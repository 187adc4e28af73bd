"""The Action Fiche clock: due 21 days after acceptance, reminders at 7, 14 and 19 days,
escalation to the programme manager at 21 days and weekly after (DOMAIN.md §4)."""

from glossary import Policy, Stage
from tests.workflows.support import (
    Outbox,
    accept,
    action_input,
    days,
    running_worker,
    sample_fiche,
    start_action,
    status_of,
)


async def test_intake_reminder_at_4_days_and_escalation_at_7_then_weekly(
    time_skipping_env, task_queue
):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle = await start_action(env.client, task_queue, action_input())
        started = (await handle.describe()).start_time
        await env.sleep(days(15))
        await accept(handle)
        await env.sleep(days(10))
    intake = outbox.matching("reminder", "intake") + outbox.matching("escalation", "intake")
    offsets = [(s.notice.kind, round((s.at - started) / days(1), 3)) for s in intake]
    assert offsets == [("reminder", 4), ("escalation", 7), ("escalation", 14)]
    assert intake[0].notice.to.id == "po.martin"
    assert {s.notice.to.id for s in intake[1:]} == {"pm.rossi"}


async def test_fiche_reminders_go_out_at_7_14_and_19_days_then_escalate_at_21_and_weekly(
    time_skipping_env, task_queue
):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle = await start_action(env.client, task_queue, action_input())
        accepted_at = await accept(handle)
        await env.sleep(days(36))
        status = await status_of(handle)
    fiche = outbox.matching("reminder", "fiche") + outbox.matching("escalation", "fiche")
    fiche.sort(key=lambda s: s.at)
    timeline = [
        (s.notice.kind, s.notice.to.id, round((s.at - accepted_at) / days(1), 3)) for s in fiche
    ]
    assert timeline == [
        ("reminder", "po.martin", 7),
        ("reminder", "po.martin", 14),
        ("reminder", "po.martin", 19),
        ("escalation", "pm.rossi", 21),
        ("escalation", "pm.rossi", 28),
        ("escalation", "pm.rossi", 35),
    ]
    assert status.clocks[0].due_at == accepted_at + days(21)
    assert fiche[0].notice.command == f"mieux fiche submit {status.reference} FICHE.json"


async def test_fiche_reminders_stop_when_the_fiche_arrives(time_skipping_env, task_queue):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle = await start_action(env.client, task_queue, action_input())
        await accept(handle)
        await env.sleep(days(10))
        await handle.execute_update("submit_fiche", {"fiche": sample_fiche()})
        await env.sleep(days(40))
        status = await status_of(handle)
    fiche_notices = [s for s in outbox.sent if s.notice.key.split("/")[1] == "fiche"]
    assert [s.notice.key.split("/")[2] for s in fiche_notices] == ["reminder-1"]
    assert status.stage == Stage.PSG_REVIEW  # consultation closed by silence meanwhile


async def test_extended_deadline_moves_the_due_time_and_is_in_the_audit_trail(
    time_skipping_env, task_queue
):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle = await start_action(env.client, task_queue, action_input())
        accepted_at = await accept(handle)
        await handle.execute_update(
            "extend_deadline",
            {"clock": "fiche", "extend_by": "P7D", "reason": "ministry reshuffle", "by": "pm"},
        )
        await env.sleep(days(29))
        status = await status_of(handle)
    escalations = outbox.matching("escalation", "fiche")
    assert [round((s.at - accepted_at) / days(1), 3) for s in escalations] == [28]
    assert status.clocks[0].due_at == accepted_at + days(28)
    assert "ministry reshuffle" in status.audit[-1].detail


async def test_a_running_action_keeps_the_policy_it_started_with(time_skipping_env, task_queue):
    """Settings change later; the Action's clocks were captured in its input."""
    env, outbox = time_skipping_env, Outbox()
    policy = Policy(working_hours="", fiche_deadline=days(30), fiche_reminders=[days(25)])
    async with running_worker(env, task_queue, outbox):
        handle = await start_action(env.client, task_queue, action_input(policy=policy))
        accepted_at = await accept(handle)
        await env.sleep(days(31))
    fiche = [s for s in outbox.sent if s.notice.key.split("/")[1] == "fiche"]
    assert [round((s.at - accepted_at) / days(1), 3) for s in fiche] == [25, 30]

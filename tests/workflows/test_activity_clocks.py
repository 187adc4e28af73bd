"""The clocks of an activity after approval (DOMAIN.md §4): reminders before the start,
the completion report, the evaluation; a hold over the activity's dates; no burst of past
alarms. Times are when each notice actually went (tests/workflows/support.py `Sent.at`)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from temporalio.client import WorkflowUpdateFailedError

from glossary import AuditEntry, Policy
from tests.workflows.support import (
    Outbox,
    action_input,
    activity,
    activity_plan,
    confirm_all,
    days,
    running_worker,
    start_action,
    status_of,
    to_implementation,
    until,
)


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def steps(outbox: Outbox, clock_prefix: str) -> list[tuple[str, str, datetime]]:
    """(step, recipient, when) of every notice of the clocks named so, in order sent."""
    return [
        (s.notice.key.split("/")[2], s.notice.to.id, s.at)
        for s in outbox.sent
        if s.notice.key.split("/")[1].startswith(clock_prefix)
    ]


async def scheduled_action(
    env: Any, task_queue: str, *, starts_in: int, then: str = "scheduled", **input: Any
) -> Any:
    """An approved Action with one three-day workshop `starts_in` days from now, both
    experts confirmed; returns (handle, the workshop's first day)."""
    today = (await env.get_current_time()).date()
    [planned] = activity_plan(today + timedelta(days=starts_in), 1)
    handle = await start_action(env.client, task_queue, action_input(**input))
    await to_implementation(handle, [planned])
    await confirm_all(handle, [1], then=then)
    return handle, date.fromisoformat(planned["start"])


async def test_activity_reminders_go_14_and_3_days_before_the_start_to_experts_and_partner(
    time_skipping_env, task_queue
):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle, start = await scheduled_action(env, task_queue, starts_in=40)
        experts = [e.expert_id for e in activity(await status_of(handle), 1).experts]
        await env.sleep(days(39))
    sent = steps(outbox, "activity-1")
    expected = {"partner-2026-01", *experts}
    for step, before in (("reminder-1", 14), ("reminder-2", 3)):
        assert {to for s, to, _ in sent if s == step} == expected
        assert {at for s, _, at in sent if s == step} == {midnight(start) - days(before)}


async def test_a_hold_does_not_move_the_dated_activity_reminders(time_skipping_env, task_queue):
    """Held from day 20 to day 30 before a workshop on day 40: the "14 d before" reminder
    falls in the hold and is not sent (on the record); "3 d before" goes on its date, not
    ten days late as a pausable clock would send it."""
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle, start = await scheduled_action(env, task_queue, starts_in=40)
        await env.sleep(days(20))
        await handle.execute_update("hold", {"reason": "elections", "by": "pm.rossi"})
        await until(handle, lambda s: activity(s, 1).stage == "scheduled")
        await env.sleep(days(10))
        await handle.execute_update("resume", {"by": "pm.rossi"})
        await env.sleep(days(9))
        await until(handle, lambda _: bool(outbox.matching("reminder", "activity-1")))
        child = await _child_audit(env, "2026-01")
    sent = steps(outbox, "activity-1")
    assert {s for s, _, _ in sent} == {"reminder-2"}
    assert {at for _, _, at in sent} == {midnight(start) - days(3)}
    skipped = [e.detail for e in child if "not sent: the Action is on hold" in e.detail]
    assert len(skipped) == 3  # the 14-day reminder to two experts and the partner


async def _child_audit(env: Any, reference: str) -> list[Any]:
    """The activity workflow's own audit trail (its `audit` query)."""
    child = env.client.get_workflow_handle(f"action-{reference}-activity-1")
    return await child.query("audit", result_type=list[AuditEntry])


async def test_an_activity_whose_dates_fall_inside_a_hold_asks_the_officer_for_new_dates(
    time_skipping_env, task_queue
):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle, _ = await scheduled_action(env, task_queue, starts_in=40)
        await env.sleep(days(20))
        await handle.execute_update("hold", {"reason": "elections", "by": "pm.rossi"})
        await env.sleep(days(30))  # the workshop's dates (days 40-42) pass on hold
        await handle.execute_update("resume", {"by": "pm.rossi"})
        resumed = await env.get_current_time()
        status = await until(handle, lambda s: "new dates" in activity(s, 1).note)
        await env.sleep(days(7.5))
        await until(handle, lambda s: bool(outbox.matching("escalation", "redate")))
        new_start = (resumed + days(30)).date()
        await handle.execute_update(
            "amend_plan",
            {
                "reschedule": [
                    {
                        "number": 1,
                        "start": new_start.isoformat(),
                        "end": (new_start + days(2)).isoformat(),
                    }
                ],
                "by": "po.martin",
            },
        )
        after = await until(handle, lambda s: activity(s, 1).stage == "mobilising")
    assert activity(status, 1).stage == "scheduled"
    assert not outbox.matching("reminder", "activity-1")  # nobody told of dates on hold
    assert not outbox.matching("reminder", "report-1")  # and no report asked for
    [ask] = outbox.matching("reminder", "redate")
    assert ask.notice.to.id == "po.martin"
    assert abs(ask.at - resumed) < timedelta(seconds=1)
    assert "mieux plan amend 2026-01" in ask.notice.command
    [escalation] = outbox.matching("escalation", "redate")
    assert escalation.notice.to.id == "pm.rossi"
    assert escalation.at == ask.at + days(7)
    assert activity(after, 1).note == ""


async def test_a_report_clock_opening_late_sends_its_latest_alarm_once_not_a_burst(
    time_skipping_env, task_queue
):
    """An activity that ended 55 days ago: its report is long overdue the moment its clock
    opens. One escalation goes, the earlier steps are skipped on the record, and the next
    escalation comes a week later (before the fix: eight mails in one second)."""
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle, start = await scheduled_action(env, task_queue, starts_in=-58, then="reporting")
        await until(handle, lambda s: activity(s, 1).stage == "reporting")
        opened = await env.get_current_time()
        # Escalation 7 falls within the next day whatever the hour the test runs at, and
        # escalation 8 a week after it: 1.5 days see the one and not the other (7.5 did
        # not after noon UTC).
        await env.sleep(days(1.5))
        audit = await _child_audit(env, "2026-01")
    sent = steps(outbox, "report-1")
    ended = midnight(start) + days(3)
    # Due 7 d after the end, then weekly: escalation 6 is the latest step already past.
    assert [s for s, _, _ in sent] == ["escalation-6", "escalation-7"]
    assert abs(sent[0][2] - opened) < timedelta(seconds=1)
    assert sent[1][2] == ended + days(7) + days(7) * 7
    skipped = [e.detail for e in audit if "only the latest goes out" in e.detail]
    # One line for the run of them: reminder-1, due, escalations 1-5.
    [line] = skipped
    assert line.startswith(
        "Completion report of activity 1: 7 steps not sent, reminder-1 to escalation-5 (due "
    )


async def test_completion_report_reminder_at_3_days_then_manager_at_7_and_weekly(
    time_skipping_env, task_queue
):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle, start = await scheduled_action(env, task_queue, starts_in=20)
        await env.sleep(days(20 + 3 + 21.5))
        await until(handle, lambda s: len(outbox.matching("escalation", "report-1")) == 3)
    ended = midnight(start) + days(3)
    assert not outbox.webhooks  # off unless the Action was started with the webhook set
    assert steps(outbox, "report-1") == [
        ("reminder-1", "po.martin", ended + days(3)),
        ("due", "pm.rossi", ended + days(7)),
        ("escalation-1", "pm.rossi", ended + days(14)),
        ("escalation-2", "pm.rossi", ended + days(21)),
    ]


async def test_evaluation_reminder_at_10_days_and_manager_at_14(time_skipping_env, task_queue):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle, _ = await scheduled_action(env, task_queue, starts_in=20)
        await env.sleep(days(24))
        await until(handle, lambda s: activity(s, 1).stage == "reporting")
        await handle.execute_update(
            "activity_completed", {"activity": 1, "participants": 20, "women": 9, "men": 11}
        )
        await until(handle, lambda s: activity(s, 1).stage == "evaluation")
        reported = next(c for c in activity(await status_of(handle), 1).clocks)
        await env.sleep(days(20))
    assert steps(outbox, "evaluation-1") == [
        ("reminder-1", "po.martin", reported.started_at + days(10)),
        ("due", "pm.rossi", reported.started_at + days(14)),
    ]


async def test_a_non_default_escalation_repeat_spaces_the_escalations(
    time_skipping_env, task_queue
):
    env, outbox = time_skipping_env, Outbox()
    policy = Policy(working_hours="", escalation_repeat=days(3))
    async with running_worker(env, task_queue, outbox):
        handle, start = await scheduled_action(env, task_queue, starts_in=20, policy=policy)
        await env.sleep(days(20 + 3 + 17))
        await until(handle, lambda s: len(outbox.matching("escalation", "report-1")) >= 3)
    ended = midnight(start) + days(3)
    escalations = [(s, at) for s, _, at in steps(outbox, "report-1") if s != "reminder-1"]
    assert escalations[:4] == [
        ("due", ended + days(7)),
        ("escalation-1", ended + days(10)),
        ("escalation-2", ended + days(13)),
        ("escalation-3", ended + days(16)),
    ]


async def test_activity_escalations_reach_the_webhook(time_skipping_env, task_queue):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        today = (await env.get_current_time()).date()
        handle = await start_action(
            env.client,
            task_queue,
            action_input().model_copy(update={"escalation_webhook": True}),
        )
        await to_implementation(handle, activity_plan(today + timedelta(days=20), 1))
        await confirm_all(handle, [1])
        await env.sleep(days(31))
        await until(handle, lambda s: bool(outbox.webhooks))
    posted = {n.key.split("/")[1] for n in outbox.webhooks}
    assert "report-1" in posted
    assert all(n.kind == "escalation" for n in outbox.webhooks)


async def test_confirmed_experts_and_their_focal_points_are_told_of_a_withdrawal(
    time_skipping_env, task_queue
):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle, _ = await scheduled_action(env, task_queue, starts_in=40)
        experts = [e.expert_id for e in activity(await status_of(handle), 1).experts]
        await handle.execute_update("withdraw", {"reason": "the government fell"})
        await handle.result()
    told = [s.notice for s in outbox.matching("withdrawal", "cancel-1")]
    assert {n.to.id for n in told if n.to.role == "expert"} == set(experts)
    assert sum(1 for n in told if n.to.role == "focal_point") == 2
    assert all(n.key.split("/")[2].startswith("confirmed-") for n in told)
    assert all("the government fell" in " ".join(n.details) for n in told)


async def test_deadline_extend_reaches_an_activitys_report_clock(time_skipping_env, task_queue):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle, start = await scheduled_action(env, task_queue, starts_in=20)
        await env.sleep(days(24))
        status = await until(handle, lambda s: activity(s, 1).stage == "reporting")
        assert [c.name for c in activity(status, 1).clocks] == ["report-1"]
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await handle.execute_update(
                "extend_deadline",
                {"clock": "evaluation", "activity": 1, "extend_by": "P7D", "reason": "leave"},
            )
        await handle.execute_update(
            "extend_deadline",
            {"clock": "report", "activity": 1, "extend_by": "P7D", "reason": "officer on leave"},
        )
        moved = await until(
            handle, lambda s: activity(s, 1).clocks[0].due_at == midnight(start) + days(17)
        )
        await env.sleep(days(14))
    assert "no open clock 'evaluation' on activity 1 (open: report-1)" in str(refused.value.cause)
    assert moved.audit[-1].detail.startswith("activity 1: report extended by 7 days")
    [due] = [at for s, _, at in steps(outbox, "report-1") if s == "due"]
    assert due == midnight(start) + days(3 + 7 + 7)

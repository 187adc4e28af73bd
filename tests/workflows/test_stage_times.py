"""Time in stage against the policy's targets (issue 14, M&E): two time-skipped Actions whose
stage times are known, through the report's own computation."""

from __future__ import annotations

from glossary import Policy
from reads.reports.figures import CaseFile, stage_targets, time_in_stage
from tests.workflows.support import (
    Outbox,
    action_input,
    days,
    running_worker,
    sample_fiche,
    start_action,
    status_of,
    vote,
)


async def _drive(env, task_queue, reference: str, drafting: float) -> CaseFile:
    handle = await start_action(env.client, task_queue, action_input(reference))
    await env.sleep(days(2))
    await handle.execute_update("intake_decision", {"decision": "accept", "by": "po.martin"})
    await env.sleep(days(drafting))
    await handle.execute_update("submit_fiche", {"fiche": sample_fiche(), "by": "po.martin"})
    await env.sleep(days(3))
    await handle.execute_update("consultation_feedback", {"organisation": "EC services"})
    await env.sleep(days(4))
    for member in ("DG_INTPA", "DG_HOME", "EEAS"):
        await vote(handle, member)
    status = await status_of(handle)
    return CaseFile(status=status, requester_types=(), countries=("Kenya",))


async def test_stage_times_are_measured_and_set_against_the_targets(time_skipping_env, task_queue):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        on_time = await _drive(env, task_queue, "2026-01", drafting=10)
        late = await _drive(env, task_queue, "2026-02", drafting=30)
    rows = {r.stage: r for r in time_in_stage([on_time, late], stage_targets(Policy()))}

    assert [s.stage for s in on_time.status.stages] == [
        "intake",
        "fiche_drafting",
        "consultation",
        "psg_review",
        "implementation",
    ]
    assert rows["intake"].stays == 2 and abs(rows["intake"].median_days - 2) < 0.01
    assert abs(rows["fiche_drafting"].median_days - 20) < 0.01  # median of 10 and 30
    assert abs(rows["fiche_drafting"].p90_days - 30) < 0.01
    assert rows["fiche_drafting"].target_days == 21
    assert rows["fiche_drafting"].within_target == 0.5
    assert abs(rows["consultation"].median_days - 3) < 0.01
    assert rows["consultation"].within_target == 1.0
    assert abs(rows["psg_review"].median_days - 4) < 0.01
    assert "implementation" not in rows  # still there: no stay has ended


async def test_time_on_hold_does_not_count_against_a_stages_target(time_skipping_env, task_queue):
    """Issue 21 (9): 12 days drafting + 30 on hold is on time against 21 days."""
    env = time_skipping_env
    async with running_worker(env, task_queue, Outbox()):
        handle = await start_action(env.client, task_queue, action_input())
        await handle.execute_update("intake_decision", {"decision": "accept", "by": "po.martin"})
        await env.sleep(days(5))
        await handle.execute_update("hold", {"reason": "elections", "by": "pm.rossi"})
        await env.sleep(days(30))
        await handle.execute_update("resume", {"by": "pm.rossi"})
        await env.sleep(days(7))
        await handle.execute_update("submit_fiche", {"fiche": sample_fiche(), "by": "po.martin"})
        status = await status_of(handle)
    case = CaseFile(status=status, requester_types=(), countries=("Kenya",))
    rows = {r.stage: r for r in time_in_stage([case], stage_targets(Policy()))}
    drafting = next(s for s in status.stages if s.stage == "fiche_drafting")
    assert abs(drafting.held_days - 30) < 0.01
    assert abs(rows["fiche_drafting"].median_days - 12) < 0.01
    assert rows["fiche_drafting"].within_target == 1.0

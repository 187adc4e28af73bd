"""A whole Action, from request to `closed`, on the time-skipping server (issue 5)."""

import time
from datetime import timedelta

from glossary import Stage
from tests.workflows.support import (
    Outbox,
    action_input,
    activity,
    activity_plan,
    days,
    invited,
    respond,
    running_worker,
    start_action,
    to_implementation,
    until,
)


async def test_a_full_action_with_seven_activities_runs_from_request_to_closed(
    time_skipping_env, task_queue
):
    env, outbox = time_skipping_env, Outbox()
    today = (await env.get_current_time()).date()
    plan = activity_plan(today + timedelta(days=40), 7)
    async with running_worker(env, task_queue, outbox):
        began = time.perf_counter()  # from the request to closed, the worker already up
        handle = await start_action(env.client, task_queue, action_input())
        await to_implementation(handle, plan)
        status = await until(handle, lambda s: all(len(invited(s, n)) == 2 for n in range(1, 8)))
        for n in range(1, 8):
            for expert in invited(status, n):
                await respond(handle, n, expert, True)
        await until(handle, lambda s: all(a.stage == "scheduled" for a in s.activities))
        await env.sleep(days(40 + 7 * 6 + 4))
        await until(handle, lambda s: all(a.stage == "reporting" for a in s.activities))
        for n in range(1, 8):
            await handle.execute_update(
                "activity_completed",
                {"activity": n, "participants": 30, "women": 14, "men": 16, "outputs": ["notes"]},
            )
        await until(handle, lambda s: all(a.stage == "evaluation" for a in s.activities))
        for n in range(1, 8):
            await handle.execute_update(
                "evaluation_done", {"activity": n, "scores": {"relevance": 5}}
            )
        await until(handle, lambda s: s.stage == Stage.COMPLETION)
        await handle.execute_update("deliverables_validated", {"by": "partner"})
        await handle.execute_update("feedback_received", {"overall_rating": 5})
        await until(handle, lambda s: s.stage == Stage.FOLLOW_UP)
        await env.sleep(days(200))
        await handle.execute_update(
            "follow_up_received",
            {"adopted": True, "adoption": "approved by Supreme Decree"},
        )
        result = await handle.result()
        wall = time.perf_counter() - began
    print(f"\nfull Action (7 activities x 2 experts) to closed: {wall:.2f} s wall time")
    assert result.stage == Stage.CLOSED
    assert result.outcome == "closed; adopted: approved by Supreme Decree"
    assert [a.stage for a in result.activities] == ["delivered"] * 7
    assert all(len(a.experts) == 2 for a in result.activities)
    assert sum(a.participants for a in result.activities) == 210
    kinds = {s.notice.kind for s in outbox.sent}
    assert {"invitation", "confirmation", "reminder", "questionnaire"} <= kinds
    assert {d.kind for d in outbox.documents} == {
        "action_fiche",
        "expert_invitation",
        "activity_report",
        "final_report",
    }
    assert activity(result, 7).women == 14

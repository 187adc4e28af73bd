"""A whole Action, from request to `closed`, on the time-skipping server (issue 5)."""

import time

from glossary import Stage
from tests.workflows.support import Outbox, activity, full_action, running_worker


async def test_a_full_action_with_seven_activities_runs_from_request_to_closed(
    time_skipping_env, task_queue
):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        began = time.perf_counter()  # from the request to closed, the worker already up
        result = await full_action(env, task_queue)
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
        "public_summary",
    }
    # The website's summary: once at approval, once at the end.
    summaries = [d for d in outbox.documents if d.kind == "public_summary"]
    assert [str(d.status.stage) for d in summaries if d.status] == ["implementation", "closed"]
    assert [d.label for d in result.documents if d.kind == "public_summary"] == [
        "Public summary at approval",
        "Public summary at the end (closed)",
    ]
    assert activity(result, 7).women == 14

"""A signal and an update that reach one workflow task replay in the order they ran live
(issue 22; workflows/casework.py SIGNALS_AFTER_UPDATES).

The SDK's core hands such a pair over update first when the task runs live, and signal first
when the history is replayed (by a worker without the workflow in its cache, or by another
host). Before 0.7 the commands then came in another order and the workflow task failed as
nondeterministic: about 1 no-cache run in 20 of test_commands_at_close.py failed that way
(and one CI run). The
history here was recorded live with the update first: the Fiche was taken, the hold refused.
"""

from __future__ import annotations

import json
from pathlib import Path

from temporalio.api.enums.v1 import EventType
from temporalio.worker import Replayer

from tests.record_histories import CONVERTER, HISTORIES, load_history
from worker.main import WORKFLOWS
from worker.proof import ProofInterceptor, Trust

RACE = HISTORIES / "races" / "update_then_signal_in_one_task.json"


def _replayer(updates_first: bool) -> Replayer:
    # The history was recorded with the local single user, as the workflow tests run.
    interceptor = ProofInterceptor(Trust())
    if not updates_first:

        async def in_the_order_given(self: object) -> None:
            return None

        inbound = interceptor._inbound
        interceptor._inbound = type("InOrder", (inbound,), {"_updates_first": in_the_order_given})
    return Replayer(workflows=WORKFLOWS, data_converter=CONVERTER, interceptors=[interceptor])


def _events(path: Path) -> list[dict]:
    return json.loads(path.read_text())["events"]


def test_the_recorded_history_has_the_race():
    """The signal is in history before the task that accepted the update (so a replay hands
    it over first), and the update succeeded (so live, it ran before the hold)."""
    events = _events(RACE)
    kinds = [EventType.Value(e["eventType"]) for e in events]
    accepted = kinds.index(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED, 30)
    update = events[accepted]["workflowExecutionUpdateAcceptedEventAttributes"]
    assert update["acceptedRequest"]["input"]["name"] == "submit_fiche"
    started = max(
        i for i in range(accepted) if kinds[i] == EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED
    )
    scheduled = max(
        i for i in range(started) if kinds[i] == EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED
    )
    signals = [
        events[i]["workflowExecutionSignaledEventAttributes"]["signalName"]
        for i in range(scheduled, started)
        if kinds[i] == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED
    ]
    assert signals == ["hold"]
    completed = next(
        e["workflowExecutionUpdateCompletedEventAttributes"]
        for e in events[accepted:]
        if e["eventType"] == "EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED"
    )
    assert "success" in completed["outcome"]


async def test_it_replays_with_updates_first():
    result = await _replayer(updates_first=True).replay_workflow(
        load_history(RACE), raise_on_replay_failure=False
    )
    assert result.replay_failure is None


async def test_in_the_order_core_gives_it_is_nondeterministic():
    """Why the yield is there: without it the hold is applied first on replay, the Fiche
    is refused, and the consultation the live run started is missing."""
    result = await _replayer(updates_first=False).replay_workflow(
        load_history(RACE), raise_on_replay_failure=False
    )
    assert result.replay_failure is not None
    assert "Nondeterminism" in str(result.replay_failure)

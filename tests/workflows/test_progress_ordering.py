"""An activity's reports reach the Action in any order and none is lost (issue 15, defect 1).

The defect: the child's first `activity_progress` signal and `ChildWorkflowExecutionStarted`
handled in one workflow task; the signal handler ran first, then the resumed
`start_child_workflow` overwrote the reported view with the planned one, and the Action
showed no experts for days. A worker under load does that by chance; here a workflow runner
makes it happen every time: it fails the Action's workflow task that resolves the child's
start until the child's report is in the Action's history, so the retried task carries both.
"""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from tests.workflows.support import (
    WORKFLOWS,
    Outbox,
    action_input,
    activity,
    activity_plan,
    demo_roster_copy,
    invited,
    roster_activities,
    start_action,
    status_of,
    to_implementation,
    until,
)


class _Gate:
    def __init__(self) -> None:
        self.reported = threading.Event()
        self.held = 0
        self.merged: list[str] | None = None


class _HoldingInstance:
    def __init__(self, inner: Any, gate: _Gate, is_action: bool) -> None:
        self._inner, self._gate, self._is_action = inner, gate, is_action

    def activate(self, act: Any) -> Any:
        kinds = [job.WhichOneof("variant") for job in act.jobs]
        if self._is_action and "resolve_child_workflow_execution_start" in kinds:
            if "signal_workflow" in kinds:
                self._gate.merged = kinds
            elif self._gate.merged is None:
                # Below the SDK's 2 s deadlock limit; the task is failed either way and
                # retried, carrying whatever reached the history meanwhile.
                self._gate.reported.wait(1.5)
                self._gate.held += 1
                raise RuntimeError("held by the test until the child has reported")
        return self._inner.activate(act)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class _HoldingRunner(SandboxedWorkflowRunner):
    def __init__(self, gate: _Gate) -> None:
        super().__init__()
        self._gate = gate

    def create_instance(self, det: Any) -> Any:
        inner = super().create_instance(det)
        return _HoldingInstance(inner, self._gate, det.defn.name == "ActionLifecycle")


async def _child_has_reported(env: Any, child_id: str, gate: _Gate) -> None:
    while True:
        try:
            async for event in env.client.get_workflow_handle(child_id).fetch_history_events():
                if event.event_type == EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED:
                    gate.reported.set()
                    return
        except Exception:  # not started yet
            pass
        await asyncio.sleep(0.02)


async def test_a_report_handled_with_the_child_start_is_kept(
    time_skipping_env, task_queue, tmp_path
):
    env, outbox, gate = time_skipping_env, Outbox(), _Gate()
    roster = demo_roster_copy(tmp_path)
    async with Worker(
        env.client,
        task_queue=task_queue,
        workflows=WORKFLOWS,
        activities=outbox.activities() + roster_activities(roster),
        workflow_runner=_HoldingRunner(gate),
    ):
        today = (await env.get_current_time()).date()
        handle = await start_action(env.client, task_queue, action_input("2026-01"))
        watcher = asyncio.create_task(_child_has_reported(env, "action-2026-01-activity-1", gate))
        await to_implementation(handle, activity_plan(today + timedelta(days=40), 1))
        await asyncio.wait_for(watcher, 30)
        status = await until(handle, lambda s: gate.merged is not None, seconds=30)
        # Both events were handled in one activation, and the report survived it.
        assert gate.held >= 1
        assert gate.merged.index("signal_workflow") >= 0
        assert len(invited(status, 1)) == 2, activity(status, 1)
        assert activity(status, 1).report >= 1
        assert activity(status, 1).next_due is not None


async def test_an_older_report_never_replaces_a_newer_one(time_skipping_env, task_queue):
    from tests.workflows.support import running_worker

    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        today = (await env.get_current_time()).date()
        handle = await start_action(env.client, task_queue, action_input("2026-02"))
        await to_implementation(handle, activity_plan(today + timedelta(days=40), 1))
        latest = activity(await until(handle, lambda s: len(invited(s, 1)) == 2), 1)
        stale = latest.model_copy(update={"experts": [], "report": latest.report - 1})
        await handle.signal("activity_progress", stale)
        newer = latest.model_copy(update={"note": "newer", "report": latest.report + 1})
        await handle.signal("activity_progress", newer)
        await handle.signal("activity_progress", stale)
        status = await until(handle, lambda s: activity(s, 1).note == "newer")
        assert activity(status, 1).report == latest.report + 1
        assert len(invited(await status_of(handle), 1)) == 2

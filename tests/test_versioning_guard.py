"""The replay guard catches an unsafe change, and `workflow.patched` makes it safe.

The worked example of docs/versioning.md: a one-second timer added at the start of
`ActionLifecycle.run`, before its clocks. Unguarded, every recorded Action fails to replay;
behind `workflow.patched(...)` they all replay, and the Actions started with the patch go on
replaying through the next two steps (`deprecate_patch`, then the plain code).

The variants subclass the real workflow under its registered name: the SDK keeps the
inherited handlers and queries, and asks only that `run` be redefined with `@workflow.run`.
They run outside the sandbox: it would re-import this module for every replayed run (five
times slower), and what the guard compares, the commands, is the same with or without it.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from functools import cache

import pytest
from temporalio import workflow
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer, Worker
from temporalio.workflow import NondeterminismError

from glossary import ActionInput, ActionStatus, Stage
from tests.record_histories import CONVERTER, demo_request, load_history, recorded_files
from tests.workflows.support import STAFF, Outbox
from worker.main import WORKFLOWS
from workflows.action_lifecycle import ActionLifecycle
from workflows.casework import (
    BOARD_MEMO,
    INTAKE_FROM_RECEIPT,
    MAIL_APART,
    NOTICES_AND_DATED_CLOCKS,
    PROVEN_SENDERS,
    PUBLIC_SUMMARIES,
    REGISTER_ENDED_ACTIONS,
    SIGNALS_AFTER_UPDATES,
)
from workflows.continuation import ACTIVITIES_OUTLIVE, CONTINUE_AS_NEW

PATCH = "extra-timer-before-fiche"


async def _extra_timer() -> None:
    await workflow.sleep(timedelta(seconds=1), summary="extra")


@workflow.defn(name="ActionLifecycle", sandboxed=False)
class Unguarded(ActionLifecycle):
    """Step 0, the mistake: the timer added as if no Action were running."""

    @workflow.run
    async def run(self, input: ActionInput) -> ActionStatus:
        await _extra_timer()
        return await super().run(input)


@workflow.defn(name="ActionLifecycle", sandboxed=False)
class Patched(ActionLifecycle):
    """Step 1: old Actions (no marker in their history) skip the timer, new ones take it."""

    @workflow.run
    async def run(self, input: ActionInput) -> ActionStatus:
        if workflow.patched(PATCH):
            await _extra_timer()
        return await super().run(input)


@workflow.defn(name="ActionLifecycle", sandboxed=False)
class Deprecated(ActionLifecycle):
    """Step 2, once no Action started before step 1 is still running: always the timer."""

    @workflow.run
    async def run(self, input: ActionInput) -> ActionStatus:
        workflow.deprecate_patch(PATCH)
        await _extra_timer()
        return await super().run(input)


@workflow.defn(name="ActionLifecycle", sandboxed=False)
class Plain(ActionLifecycle):
    """Step 3, once no Action started before step 2 is still running: the patch is gone."""

    @workflow.run
    async def run(self, input: ActionInput) -> ActionStatus:
        await _extra_timer()
        return await super().run(input)


@cache
def _replayer(variant: type) -> Replayer:
    """A replayer with the variant in place of ActionLifecycle, and the other workflows."""
    others = [w for w in WORKFLOWS if w is not ActionLifecycle]
    return Replayer(workflows=[variant, *others], data_converter=CONVERTER)


@cache
def _recorded_actions() -> list[WorkflowHistory]:
    histories = [load_history(p) for p in recorded_files()]
    return [h for h in histories if _type(h) == "ActionLifecycle"]


def _type(history: WorkflowHistory) -> str:
    return history.events[0].workflow_execution_started_event_attributes.workflow_type.name


async def _replays(variant: type, history: WorkflowHistory) -> Exception | None:
    result = await _replayer(variant).replay_workflow(history, raise_on_replay_failure=False)
    return result.replay_failure


def test_there_are_recorded_actions_to_guard():
    assert len(_recorded_actions()) >= 8


async def _failures(variant: type) -> dict[str, Exception | None]:
    """Replay every recorded Action on one replay worker (faster than one each)."""
    histories = _recorded_actions()

    async def each() -> AsyncIterator[WorkflowHistory]:
        for history in histories:
            yield history

    results = await _replayer(variant).replay_workflows(each(), raise_on_replay_failure=False)
    # By run: an Action that continued as new is recorded as two runs of one workflow id.
    return {h.run_id: results.replay_failures.get(h.run_id) for h in histories}


async def test_an_unguarded_extra_timer_fails_every_recorded_action():
    failures = await _failures(Unguarded)
    assert all(isinstance(f, NondeterminismError) for f in failures.values()), failures
    # Core pairs commands with the history's events by type: the new timer meets the
    # search-attribute upsert (or a notice, or an update) that the old code issued first.
    assert all("Timer machine does not handle this event" in str(f) for f in failures.values())


async def test_the_same_timer_behind_workflow_patched_replays_every_recorded_action():
    failures = await _failures(Patched)
    assert len(failures) == len(_recorded_actions())
    assert failures == dict.fromkeys(failures)


async def test_the_replay_test_raises_on_the_unguarded_change():
    # What tests/test_replay.py does (raise_on_replay_failure defaults to True).
    with pytest.raises(NondeterminismError):
        await _replayer(Unguarded).replay_workflow(_recorded_actions()[0])


async def _record_under(variant: type, env, task_queue: str) -> WorkflowHistory:
    """An Action run by a worker with `variant`: rejected at intake, so it ends at once."""
    async with Worker(
        env.client,
        task_queue=task_queue,
        workflows=[variant, *(w for w in WORKFLOWS if w is not ActionLifecycle)],
        activities=Outbox().activities_without_a_database(),
    ):
        handle = await env.client.start_workflow(
            "ActionLifecycle",
            ActionInput(reference="2026-90", request=demo_request(), staff=STAFF),
            id=f"action-2026-90-{variant.__name__}-{task_queue}",
            task_queue=task_queue,
            result_type=ActionStatus,
        )
        await handle.execute_update(
            "intake_decision", {"decision": "reject", "reason": "outside the mandate"}
        )
        result = await handle.result()  # the time-skipping server skips the extra second
        assert result.stage == Stage.REJECTED
        return await handle.fetch_history()


def _patch_markers(history: WorkflowHistory) -> list[str]:
    """The patch ids recorded, in order (every patch marker is named `core_patch`; its id
    is in the marker's `patch-data` payload)."""
    ids = []
    for e in history.events:
        if not e.HasField("marker_recorded_event_attributes"):
            continue
        marker = e.marker_recorded_event_attributes
        assert marker.marker_name == "core_patch"
        ids.append(json.loads(marker.details["patch-data"].payloads[0].data)["id"])
    return ids


async def test_each_step_replays_the_actions_of_the_step_before(time_skipping_env, task_queue):
    """patched -> deprecate_patch -> plain code: each step is safe for the Actions the
    previous step started, and only for those (docs/versioning.md)."""
    env = time_skipping_env
    under_patched = await _record_under(Patched, env, f"{task_queue}-patched")
    under_deprecated = await _record_under(Deprecated, env, f"{task_queue}-deprecated")
    before = _recorded_actions()[0]
    # The project's own release markers (workflows.casework) around the example's: 0.2,
    # the two of 0.6, the two of 0.7 (with the 0.5 sender proof read at once) and the one of
    # 0.8 at the start, the example's before the Fiche, 0.3 where the Action ends (never
    # approved, it writes no public summary: no 0.4 marker).
    expected = [
        NOTICES_AND_DATED_CLOCKS,
        MAIL_APART,
        SIGNALS_AFTER_UPDATES,
        PROVEN_SENDERS,
        BOARD_MEMO,
        CONTINUE_AS_NEW,
        ACTIVITIES_OUTLIVE,
        INTAKE_FROM_RECEIPT,
        PATCH,
        REGISTER_ENDED_ACTIONS,
    ]
    assert PUBLIC_SUMMARIES not in _patch_markers(under_patched)
    assert _patch_markers(under_patched) == _patch_markers(under_deprecated) == expected

    assert await _replays(Patched, under_patched) is None
    assert await _replays(Deprecated, under_patched) is None
    assert await _replays(Deprecated, under_deprecated) is None
    assert await _replays(Plain, under_deprecated) is None
    assert await _replays(Patched, under_deprecated) is None  # step 2 can be rolled back

    # Skipping a step breaks the Actions it was waiting for: the deprecated patch on an
    # Action started before step 1, the plain code on one started under step 1 (its marker
    # is not deprecated), and rolling back past step 1 on one that took the timer.
    assert isinstance(await _replays(Deprecated, before), NondeterminismError)
    assert isinstance(await _replays(Plain, under_patched), NondeterminismError)
    assert isinstance(await _replays(ActionLifecycle, under_patched), NondeterminismError)

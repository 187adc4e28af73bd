"""Commands that arrive while an Action closes are refused or handled, never a workflow task
failure (issue 15, defect 2; cf. sdk-python #1591: updates handled after the main coroutine
returned). `running_worker` fails the test on any task failure; `make test` also runs this
module with no workflow cache, where every activation is a replay."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.service import RPCError

from glossary import Stage
from tests.workflows.support import (
    Outbox,
    accept,
    action_input,
    running_worker,
    start_action,
    status_of,
)

# What anyone might send in the same moment: valid, invalid, and the ending itself again.
_BURST: list[tuple[str, dict[str, Any]]] = [
    ("hold", {"reason": "waiting for the ministry", "by": "po.martin"}),
    ("resume", {"by": "po.martin"}),
    ("extend_deadline", {"clock": "fiche", "days": 3, "reason": "partner asked", "by": "po"}),
    ("submit_fiche", {"fiche": {"title": "incomplete"}, "by": "po.martin"}),
    ("withdraw", {"reason": "the ministry withdrew", "by": "po.martin"}),
    ("psg_vote", {"member": "DG_HOME", "decision": "approved", "by": "DG_HOME"}),
]


async def _send(handle: Any, name: str, body: dict[str, Any], as_signal: bool) -> str:
    try:
        if as_signal:
            await handle.signal(name, body)
            return "signalled"
        await handle.execute_update(name, body)
        return "applied"
    except WorkflowUpdateFailedError as refused:
        return f"refused: {refused.cause}"
    except RPCError as closed:
        # Sent after the close: the server answers for the closed workflow.
        assert "completed" in str(closed) or "not found" in str(closed), closed
        return "closed"


@pytest.mark.parametrize("as_signal", [False, True], ids=["updates", "signals"])
async def test_commands_sent_with_the_withdrawal_are_refused_or_handled(
    time_skipping_env, task_queue, as_signal
):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle = await start_action(env.client, task_queue, action_input("2026-07"))
        await accept(handle)
        ending = _send(handle, "withdraw", {"reason": "no longer needed", "by": "po"}, False)
        burst = [_send(handle, n, b, as_signal) for n, b in _BURST * 3]
        answers = await asyncio.gather(ending, *burst)
        result = await handle.result()
    assert result.stage == Stage.WITHDRAWN
    assert all(a in ("applied", "signalled", "closed") or a.startswith("refused") for a in answers)
    withdrawals = [
        a
        for a, (n, _) in zip(answers, [("withdraw", 0), *_BURST * 3], strict=True)
        if n == "withdraw"
    ]
    if not as_signal:
        assert withdrawals.count("applied") == 1, withdrawals
    # The Action ended once, with one withdrawal notice per recipient.
    keys = [s.notice.key for s in outbox.matching("withdrawal", "withdrawal")]
    assert keys and len(keys) == len(set(keys))


async def test_an_update_after_the_close_is_answered_by_the_server(time_skipping_env, task_queue):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle = await start_action(env.client, task_queue, action_input("2026-08"))
        await handle.execute_update(
            "intake_decision", {"decision": "reject", "reason": "outside the mandate", "by": "po"}
        )
        await handle.result()
        answers = [await _send(handle, n, b, False) for n, b in _BURST]
        status = await status_of(handle)
    assert answers == ["closed"] * len(_BURST)
    assert status.stage == Stage.REJECTED

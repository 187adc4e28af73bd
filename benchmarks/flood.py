"""An Action flooded with refused signals still takes commands (issue 22.7).

Its own dev server (Temporal's default limits: 10,000 signals per run, a continue-as-new
suggested at 4 MB or 4,096 events... whichever the server says) and an in-process worker with
the real workflows. One Action is accepted (it waits on its Fiche clock), or with
`--stage implementation` approved with two workshops 40 days ahead (their experts invited),
then SIGNALS `resume` signals it refuses (it is not on hold) are sent, CONCURRENCY at a time;
then one real command, a hold. Prints how many runs the Action went through, the longest
run's history, the refusals it counted, whether the command after the flood was taken and,
in implementation, whether the workshops (started by the first run) took it.

    .venv/bin/python -m benchmarks.flood --signals 12000
    .venv/bin/python -m benchmarks.flood --signals 12000 --stage implementation
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from benchmarks.servers import dev_server, recording_worker
from tests.workflows.support import action_input, activity_plan, invited, to_implementation, until
from workflows.action_lifecycle import ActionLifecycle

TASK_QUEUE = "mieux-bench-flood"


async def _runs(client, workflow_id: str) -> list[int]:
    """The history length of each run, first to last."""
    lengths = []
    # Walk back from the latest run: each run's first event names the one it continued.
    run_id = (await client.get_workflow_handle(workflow_id).describe()).run_id
    while run_id:
        run = client.get_workflow_handle(workflow_id, run_id=run_id)
        events = [e async for e in run.fetch_history_events()]
        lengths.append(len(events))
        started = events[0].workflow_execution_started_event_attributes
        run_id = started.continued_execution_run_id
    return lengths[::-1]


async def _held(client, workflow_id: str, patience: float = 30.0) -> float | None:
    """Seconds until the activity's workflow took the Action's hold, relayed by its latest
    run (None if it did not within `patience`)."""
    began = time.perf_counter()
    activity = client.get_workflow_handle(workflow_id)
    while time.perf_counter() - began < patience:
        audit = await activity.query("audit")
        if any(e["command"] == "hold" and e["accepted"] for e in audit):
            return time.perf_counter() - began
        await asyncio.sleep(0.05)
    return None


async def run(signals: int, concurrency: int, stage: str) -> None:
    env = await dev_server()
    try:
        with tempfile.TemporaryDirectory() as folder:
            async with recording_worker(env.client, TASK_QUEUE, Path(folder)):
                handle = await env.client.start_workflow(
                    ActionLifecycle.run,
                    action_input("2100-001"),
                    id="flooded-action",
                    task_queue=TASK_QUEUE,
                )
                if stage == "implementation":
                    today = (await env.get_current_time()).date()
                    await to_implementation(handle, activity_plan(today + timedelta(days=40), 2))
                    await until(handle, lambda s: all(invited(s, n) for n in (1, 2)))
                else:
                    await handle.execute_update(
                        "intake_decision", {"decision": "accept", "by": "po.martin"}
                    )
                began = time.perf_counter()
                numbers = iter(range(signals))
                refused_by_server = 0

                async def sender() -> None:
                    nonlocal refused_by_server
                    for _ in numbers:
                        try:
                            await handle.signal("resume", {"by": "po.martin"})
                        except Exception:
                            refused_by_server += 1

                await asyncio.gather(*(sender() for _ in range(concurrency)))
                flood = time.perf_counter() - began
                began = time.perf_counter()
                answer = await handle.execute_update(
                    "hold", {"reason": "after the flood", "by": "po.martin"}
                )
                command = time.perf_counter() - began
                status = await handle.query(ActionLifecycle.status)
                lengths = await _runs(env.client, handle.id)
                held = [
                    await _held(env.client, f"action-2100-001-activity-{a.number}")
                    for a in status.activities
                ]
    finally:
        await env.shutdown()
    refusals = sum(1 for e in status.audit if e.command == "resume" and not e.accepted)
    refusals += sum(status.refusals_not_listed.values())
    print(f"signals sent                 {signals} ({concurrency} at a time, {flood:.1f} s)")
    print(f"signals the server refused   {refused_by_server}")
    print(f"refusals the Action counted  {refusals}")
    print(f"runs of the Action           {len(lengths)}")
    print(f"history events per run      {lengths} (longest {max(lengths)})")
    print(f"command after the flood      {answer!r} in {command:.2f} s")
    print(f"stage, on hold               {status.stage}, {status.on_hold}")
    for number, seconds in enumerate(held, start=1):
        took = f"on hold {seconds:.2f} s after the command" if seconds is not None else "NOT held"
        print(f"activity {number} (first run's)    {took}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signals", type=int, default=12_000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument(
        "--stage", choices=["fiche_drafting", "implementation"], default="fiche_drafting"
    )
    args = parser.parse_args(argv)
    asyncio.run(run(args.signals, args.concurrency, args.stage))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""An Action flooded with refused signals still takes commands (issue 22.7).

Its own dev server (Temporal's default limits: 10,000 signals per run, a continue-as-new
suggested at 4 MB or 4,096 events... whichever the server says) and an in-process worker with
the real workflows. One Action is accepted (it waits on its Fiche clock), then SIGNALS
`resume` signals it refuses (it is not on hold) are sent, CONCURRENCY at a time; then one
real command. Prints how many runs the Action went through, the longest run's history, the
refusals it counted, and whether the command after the flood was taken.

    .venv/bin/python -m benchmarks.flood --signals 12000
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.servers import dev_server, recording_worker
from tests.workflows.support import action_input
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


async def run(signals: int, concurrency: int) -> None:
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signals", type=int, default=12_000)
    parser.add_argument("--concurrency", type=int, default=20)
    args = parser.parse_args(argv)
    asyncio.run(run(args.signals, args.concurrency))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Many open Actions: park N Actions on a clock and read the worker's memory.

Starts its own dev server, then a worker process (`python -m benchmarks.parked_actions
--worker`, the real workflows, the tests' recording Outbox for notices) with a given
`max_cached_workflows`, starts N Actions (each runs its first task: acknowledgement,
officer notice, the intake clock's timer) and, with `--clock fiche` (the default), accepts
each at intake so that it waits on its 21-day Fiche clock; once every Action is parked,
queries a sample of them (each query of an evicted Action is a replay) and reads the worker's
resident memory from /proc. Repeats for each cache size asked for.

    .venv/bin/python -m benchmarks.parked_actions --actions 10000 --cache 500 --cache 250
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from benchmarks.servers import dev_server
from tests.workflows.support import action_input
from workflows.action_lifecycle import ActionLifecycle

TASK_QUEUE = "mieux-bench-parked"


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def _worker(address: str, cache: int) -> None:
    import logging
    import tempfile

    from temporalio.worker import Worker

    from tests.workflows.support import Outbox, demo_roster_copy, roster_activities
    from worker.main import WORKFLOWS

    failures: list[str] = []

    class Failures(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            failures.append(record.getMessage())

    logging.getLogger("temporalio.worker._workflow").addHandler(Failures(logging.ERROR))
    client = await Client.connect(address, data_converter=pydantic_data_converter)
    with tempfile.TemporaryDirectory() as folder:
        async with Worker(
            client,
            task_queue=TASK_QUEUE,
            workflows=WORKFLOWS,
            activities=Outbox().activities() + roster_activities(demo_roster_copy(Path(folder))),
            max_cached_workflows=cache,
        ):
            print("ready", flush=True)
            await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    print(f"task failures {len(failures)}", flush=True)


async def _protocol_lines(stream: asyncio.StreamReader, lines: asyncio.Queue[str]) -> None:
    while raw := await stream.readline():
        text = raw.decode(errors="replace").strip()
        if text == "ready" or text.startswith("task failures "):
            await lines.put(text)


async def _first_task_done(client: Client, workflow_id: str) -> bool:
    async for event in client.get_workflow_handle(workflow_id).fetch_history_events():
        if event.event_type == EventType.EVENT_TYPE_TIMER_STARTED:
            return True
    return False


async def _park(
    client: Client, prefix: str, count: int, clock: str, concurrency: int = 50
) -> float:
    began = time.perf_counter()
    numbers = iter(range(1, count + 1))

    async def starter() -> None:
        for n in numbers:
            handle = await client.start_workflow(
                ActionLifecycle.run,
                action_input(f"{2100 + n // 1000}-{n % 1000:03d}"),
                id=f"{prefix}-{n}",
                task_queue=TASK_QUEUE,
            )
            if clock == "fiche":
                # Returns once the worker has applied it: the Fiche clock's timer is set.
                await handle.execute_update(
                    "intake_decision", {"decision": "accept", "by": "po.martin"}
                )

    await asyncio.gather(*(starter() for _ in range(concurrency)))
    # Parked: the last Actions have run their first task and wait on their timer.
    for n in range(count, max(count - 20, 0), -1):
        for _ in range(1200):  # at most 10 minutes per Action
            if await _first_task_done(client, f"{prefix}-{n}"):
                break
            await asyncio.sleep(0.5)
    return time.perf_counter() - began


async def run(actions: int, caches: list[int], samples: int, clock: str) -> None:
    env = await dev_server()
    address = env.client.service_client.config.target_host
    print(f"{actions} Actions per run, parked on the {clock} clock, {os.cpu_count()} cores")
    print(
        f"{'cache':>7} {'park s':>8} {'idle RSS':>9} {'parked RSS':>11} {'after queries':>14}"
        f" {'query s':>8} {'task failures':>14}"
    )
    try:
        for cache in caches:
            worker = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "benchmarks.parked_actions",
                "--worker",
                address,
                "--cache",
                str(cache),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
            )
            assert worker.stdout and worker.stdin
            # The SDK's core logs to stdout too: read it all the time, or the pipe fills
            # and the worker blocks writing a log line.
            lines: asyncio.Queue[str] = asyncio.Queue()
            reader = asyncio.create_task(_protocol_lines(worker.stdout, lines))
            while await lines.get() != "ready":
                pass
            idle = _rss_mib(worker.pid)
            prefix = f"parked-{cache}"
            parked_in = await _park(env.client, prefix, actions, clock)
            parked = _rss_mib(worker.pid)
            began = time.perf_counter()
            step = max(actions // samples, 1)
            for n in range(1, actions + 1, step):
                await env.client.get_workflow_handle(f"{prefix}-{n}").query("status")
            queried_in = time.perf_counter() - began
            after = _rss_mib(worker.pid)
            worker.stdin.write(b"\n")
            await worker.stdin.drain()
            while not (line := await lines.get()).startswith("task failures "):
                pass
            failures = line.removeprefix("task failures ")
            await asyncio.wait_for(worker.wait(), 60)
            reader.cancel()
            print(
                f"{cache:>7} {parked_in:8.1f} {idle:8.0f}M {parked:10.0f}M {after:13.0f}M"
                f" {queried_in:8.1f} {failures:>14}"
            )
    finally:
        await env.shutdown()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=10_000)
    parser.add_argument("--cache", type=int, action="append", help="max_cached_workflows")
    parser.add_argument("--samples", type=int, default=200, help="Actions queried after")
    parser.add_argument(
        "--clock", choices=("intake", "fiche"), default="fiche", help="the clock they wait on"
    )
    parser.add_argument("--worker", metavar="ADDRESS", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    caches = args.cache or [1000, 200]
    if args.worker:
        asyncio.run(_worker(args.worker, caches[0]))
        return 0
    if args.actions < 1 or any(c < 0 for c in caches):
        parser.error("--actions at least 1, --cache at least 0")
    asyncio.run(run(args.actions, caches, args.samples, args.clock))
    return 0


if __name__ == "__main__":
    code = main()
    # The Temporal runtime can crash at interpreter exit (TEMPORAL-NOTES.md): the figures are
    # printed, so leave without the interpreter's teardown.
    sys.stdout.flush()
    os._exit(code)

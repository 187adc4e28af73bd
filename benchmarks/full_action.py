"""The full Action, time-skipped, against a bare tree of the same shape.

Each round, on one time-skipping test server and a fresh task queue each:
- **real**: the project's own full-lifecycle body (`tests.workflows.support.full_action`:
  21-day Fiche, PSG, 7 activities x 2 experts, completion, follow-up) with the real
  workflows, the real roster activities on SQLite and the tests' recording Outbox;
- **bare**: `benchmarks.bare_tree` with, per workflow, the timers, activities, upserts,
  signals and updates counted from the real round's histories, no-op bodies, and the driver
  sending as many updates and queries as the real driver did.

Prints the median wall time of each and the median of the per-round ratios.

    .venv/bin/python -m benchmarks.full_action --rounds 5
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

import tests.workflows.support as support
from benchmarks.bare_tree import BareChild, BareParent, Shape, bare_step
from worker.binaries import temporal_test_server
from worker.client import register_search_attributes
from worker.main import WORKFLOWS

E = EventType


async def _shape(client: Client, workflow_id: str) -> tuple[Shape, Counter[str]]:
    counts: Counter[str] = Counter()
    async for event in client.get_workflow_handle(workflow_id).fetch_history_events():
        counts[E.Name(event.event_type)] += 1
    return (
        Shape(
            timers=counts["EVENT_TYPE_TIMER_STARTED"],
            activities=counts["EVENT_TYPE_ACTIVITY_TASK_SCHEDULED"],
            upserts=counts["EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES"],
            signals_out=counts["EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED"],
            updates=counts["EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED"],
        ),
        counts,
    )


TASKS = "EVENT_TYPE_WORKFLOW_TASK_COMPLETED"


async def real_round(env: WorkflowEnvironment, queries: Counter[str]) -> tuple[float, Shape]:
    queue = f"bench-real-{uuid.uuid4().hex[:8]}"
    counted = support.status_of

    async def status_of(handle: Any) -> Any:
        queries["real"] += 1
        return await counted(handle)

    support.status_of = status_of  # `until` polls through it
    try:
        with tempfile.TemporaryDirectory() as folder:
            roster = support.demo_roster_copy(Path(folder))
            outbox = support.Outbox()
            async with Worker(
                env.client,
                task_queue=queue,
                workflows=WORKFLOWS,
                activities=outbox.activities() + support.roster_activities(roster),
            ):
                began = time.perf_counter()
                await support.full_action(env, queue)
                wall = time.perf_counter() - began
    finally:
        support.status_of = counted
    parent_id = f"action-{support.action_input().reference}-{queue}"
    parent, counts = await _shape(env.client, parent_id)
    reference = support.action_input().reference
    parent.children = []
    for n in range(1, 8):
        child, child_counts = await _shape(env.client, f"action-{reference}-activity-{n}")
        parent.children.append(child)
        counts[TASKS] += child_counts[TASKS]
    queries["real tasks"] = counts[TASKS]
    # Children of every round share ids; the next real round reuses them once these closed.
    return wall, parent


async def bare_round(env: WorkflowEnvironment, shape: Shape, queries: int) -> float:
    queue = f"bench-bare-{uuid.uuid4().hex[:8]}"
    async with Worker(
        env.client, task_queue=queue, workflows=[BareParent, BareChild], activities=[bare_step]
    ):
        began = time.perf_counter()
        handle = await env.client.start_workflow(
            BareParent.run, shape, id=f"bare-{queue}", task_queue=queue
        )
        for n in range(shape.updates):
            await handle.execute_update(BareParent.step, n)
            for _ in range(queries // max(shape.updates, 1)):
                await handle.query(BareParent.seen)
        await handle.result()
        wall = time.perf_counter() - began
    tasks = (await _shape(env.client, handle.id))[1][TASKS]
    for n in range(len(shape.children)):
        tasks += (await _shape(env.client, f"{handle.id}-child-{n}"))[1][TASKS]
    _TASK_COUNTS["bare"] = tasks
    return wall


_TASK_COUNTS: Counter[str] = Counter()


async def run(rounds: int) -> None:
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=temporal_test_server(),
        data_converter=pydantic_data_converter,
    )
    await register_search_attributes(env.client)
    real: list[float] = []
    bare: list[float] = []
    queries: Counter[str] = Counter()
    try:
        for _ in range(rounds):
            queries.clear()
            wall, shape = await real_round(env, queries)
            real.append(wall)
            bare.append(await bare_round(env, shape, queries["real"]))
    finally:
        await env.shutdown()
    children = shape.children
    print(f"{rounds} rounds, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}")
    print(
        f"shape: parent {shape.timers} timers, {shape.activities} activities,"
        f" {shape.upserts} upserts, {shape.updates} updates, {shape.signals_out} signals out;"
        f" {len(children)} children with {sum(c.timers for c in children)} timers,"
        f" {sum(c.activities for c in children)} activities,"
        f" {sum(c.signals_out for c in children)} signals out; {queries['real']} queries"
    )
    print(
        f"workflow tasks: real tree {queries['real tasks']}, bare tree {_TASK_COUNTS['bare']}"
        " (time-skipped wall time follows the number of tasks more than what they do)"
    )
    ratio = statistics.median(r / b for r, b in zip(real, bare, strict=True))
    print(f"real full Action  median {statistics.median(real):6.2f} s  min {min(real):6.2f} s")
    print(f"bare tree         median {statistics.median(bare):6.2f} s  min {min(bare):6.2f} s")
    print(f"ratio (median of rounds) {ratio:.2f}x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds: at least 1")
    asyncio.run(run(args.rounds))
    return 0


if __name__ == "__main__":
    code = main()
    # The Temporal runtime can crash at interpreter exit (TEMPORAL-NOTES.md): the figures are
    # printed, so leave without the interpreter's teardown.
    sys.stdout.flush()
    os._exit(code)

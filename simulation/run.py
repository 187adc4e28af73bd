"""One simulated year through the real workflows on Temporal's time-skipping test server:
the requests arrive on their dates, the people answer after their delays, the clocks remind
and escalate, and the run returns once every Action has ended.

Real: ActionLifecycle and ActivityDelivery as the worker runs them, the policy and staff of
the settings, the roster's search and reservations (the demo roster on a scratch SQLite
database). Simulated: the people, and the outside world the notices and documents go to.
"""

from __future__ import annotations

import asyncio
import json
import math
import multiprocessing
import os
import queue
import tempfile
import traceback
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from temporalio.client import WorkflowHandle
from temporalio.runtime import LoggingConfig, Runtime, TelemetryConfig, TelemetryFilter
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from activities.roster import DEMO_ROSTER, RosterActivities
from activities.roster_import import import_records, json_records
from glossary import ActionInput, ActionStatus, Policy, Request
from glossary.people import StaffDirectory
from simulation.later import Later, Year
from simulation.mailroom import Mailroom, Sent
from simulation.scenario import Scenario
from store.db import dispose_engine, engine_for
from worker.binaries import temporal_test_server
from worker.client import register_search_attributes
from worker.codec import data_converter
from workflows.action_lifecycle import ActionLifecycle
from workflows.activity_delivery import ActivityDelivery

# Every simulated expert and focal point keeps Brussels hours: which of two equally good
# experts the roster hands to which of an Action's activities depends on which reserved
# first, and that must not move a reminder across a working morning (same seed, same year).
ROSTER_ZONE = "Europe/Brussels"


def _load_roster(url: str) -> None:
    data = json.loads((files("activities") / DEMO_ROSTER).read_text(encoding="utf-8"))
    for person in [*data["experts"], *data["focal_points"]]:
        person["timezone"] = ROSTER_ZONE
    import_records(engine_for(url), json_records(data), source="simulation")


def _quiet_runtime() -> Runtime:
    """The SDK core's warnings about the test server's features (heartbeat details) are
    not for a person reading the simulation's figures: errors only."""
    errors = TelemetryFilter(core_level="ERROR", other_level="ERROR")
    return Runtime(telemetry=TelemetryConfig(logging=LoggingConfig(filter=errors)))


async def _watch(year: WorkflowHandle[Any, Any], progress: Callable[[int], None]) -> None:
    """The progress bar: how many Actions have ended, asked of the year now and then."""
    while True:
        await asyncio.sleep(0.5)
        try:
            _, ended = await year.query(Year.progress)
        except RPCError:
            continue
        progress(ended)


@dataclass(frozen=True)
class Outcome:
    statuses: list[ActionStatus]
    sent: list[Sent]
    applied: Counter[str]  # the people's commands the Actions took, by command


# Independent parts of the year, each in its own process with its own test server: the
# server runs one moment of workflow time after another, and one Python process is one core,
# so parts side by side use the machine. Each part has its own roster: an expert may then be
# deployed in two parts at once, the price of a year in a minute.
PARTS = 2
# A test server slows down as it holds more workflows and timers (measured, one part alone:
# 1.9 s per Action for 3, 1.8 for 6, 1.55 for 12, 2.1 for 25): parts of about 12.
REQUESTS_PER_PART = 12
AT_ONCE = max(2, os.cpu_count() or 2)


async def simulate(
    scenario: Scenario,
    policy: Policy,
    staff: StaffDirectory,
    progress: Callable[[int], None] = lambda _done: None,
    parts: int | None = None,
) -> Outcome:
    if parts is None:
        parts = max(PARTS, math.ceil(scenario.requests / REQUESTS_PER_PART))
    numbers = range(1, scenario.requests + 1)
    jobs = [
        _Job(k, scenario, [n for n in numbers if (n - 1) % parts == k], policy, staff)
        for k in range(min(parts, scenario.requests))
    ]
    found = await _in_processes(jobs, progress)
    applied: Counter[str] = Counter()
    for outcome in found:
        applied.update(outcome.applied)
    return Outcome(
        statuses=sorted((s for o in found for s in o.statuses), key=lambda s: s.reference),
        sent=sorted((s for o in found for s in o.sent), key=lambda s: (s.at, s.notice.key)),
        applied=applied,
    )


@dataclass(frozen=True)
class _Job:
    part: int
    scenario: Scenario
    numbers: list[int]
    policy: Policy
    staff: StaffDirectory


async def _in_processes(jobs: list[_Job], progress: Callable[[int], None]) -> list[Outcome]:
    """Each part in a process of its own, as many at once as the machine has cores: one
    Python process is one core (the GIL), and more parts at once than cores only make each
    slower (measured: docs/benchmarks.md)."""
    context = multiprocessing.get_context("spawn")
    messages = context.Queue()
    waiting = list(jobs)
    running: dict[int, Any] = {}
    ended = [0] * len(jobs)
    found: dict[int, Outcome] = {}
    loop = asyncio.get_running_loop()

    def start_next() -> None:
        job = waiting.pop(0)
        running[job.part] = context.Process(target=_part_process, args=(job, messages))
        running[job.part].start()

    try:
        while waiting and len(running) < AT_ONCE:
            start_next()
        while len(found) < len(jobs):
            kind, part, value = await loop.run_in_executor(None, _next_message, messages, running)
            if kind == "progress":
                ended[part] = value
                progress(sum(ended))
            elif kind == "done":
                found[part] = value
                running.pop(part).join(timeout=10)
                if waiting:
                    start_next()
            else:
                raise RuntimeError(f"part {part + 1} of the simulated year failed:\n{value}")
    finally:
        for process in running.values():
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
    return [found[k] for k in sorted(found)]


def _next_message(messages: Any, running: dict[int, Any]) -> tuple[str, int, Any]:
    while True:
        try:
            message: tuple[str, int, Any] = messages.get(timeout=1.0)
            return message
        except queue.Empty:
            # A part that died without a word (killed, out of memory) would be waited on
            # for ever.
            for part, process in running.items():
                if process.exitcode not in (None, 0):
                    return "failed", part, f"its process exited with {process.exitcode}"


def _part_process(job: _Job, messages: Any) -> None:
    def tell(done: int) -> None:
        messages.put(("progress", job.part, done))

    try:
        outcome = asyncio.run(
            _part(job.scenario, job.numbers, job.policy, job.staff, _quiet_runtime(), tell)
        )
        messages.put(("done", job.part, outcome))
    except BaseException:  # reported to the parent, which says which part failed
        messages.put(("failed", job.part, traceback.format_exc()))
    messages.close()
    messages.join_thread()
    # The Temporal runtime's threads can crash the interpreter's finalisation
    # (TEMPORAL-NOTES.md): the outcome is sent, so leave without it.
    os._exit(0)


async def _part(
    scenario: Scenario,
    numbers: list[int],
    policy: Policy,
    staff: StaffDirectory,
    runtime: Runtime,
    progress: Callable[[int], None],
) -> Outcome:
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=temporal_test_server(),
        data_converter=data_converter(None),
        runtime=runtime,
    )
    try:
        await register_search_attributes(env.client)
        with tempfile.TemporaryDirectory(prefix="mieux-simulate-") as scratch:
            url = f"sqlite:///{Path(scratch) / 'roster.db'}"
            await asyncio.to_thread(_load_roster, url)
            try:
                return await _run(env, scenario, numbers, policy, staff, url, progress)
            finally:
                dispose_engine(url)
    finally:
        await env.shutdown()


async def _run(
    env: WorkflowEnvironment,
    scenario: Scenario,
    numbers: list[int],
    policy: Policy,
    staff: StaffDirectory,
    roster_url: str,
    progress: Callable[[int], None],
) -> Outcome:
    task_queue = f"simulation-{uuid.uuid4()}"
    mailroom = Mailroom(env.client, scenario, task_queue, policy, staff)
    roster = RosterActivities(roster_url)

    async with Worker(
        env.client,
        task_queue=task_queue,
        workflows=[ActionLifecycle, ActivityDelivery, Later, Year],
        # The same workflow code without the sandbox's per-run module proxies: replay and
        # the workflow tests run them sandboxed; here a year of them runs in one process.
        workflow_runner=UnsandboxedWorkflowRunner(),
        # Every Action and activity of the part stays in the cache: an evicted one is
        # replayed from its whole history on its next task.
        max_cached_workflows=2_000,
        max_concurrent_workflow_task_polls=2,
        max_concurrent_activity_task_polls=1,
        activities=[
            *mailroom.activities(),
            roster.find_candidates,
            roster.reserve_expert,
            roster.release_expert,
            roster.record_deployment,
            roster.expert_contact,
        ],
    ):
        year = await env.client.start_workflow(
            Year.run,
            [
                ActionInput(
                    reference=scenario.reference(n),
                    request=Request.model_validate(scenario.request(n)),
                    policy=policy,
                    staff=staff,
                    submitted_by="simulation",
                )
                for n in numbers
            ],
            id=f"sim-year-{scenario.year}",
            task_queue=task_queue,
        )
        watching = asyncio.create_task(_watch(year, progress))
        try:
            statuses = await year.result()
        finally:
            watching.cancel()
    return Outcome(list(statuses), list(mailroom.sent), mailroom.applied)

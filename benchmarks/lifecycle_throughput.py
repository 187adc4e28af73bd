"""How many Actions one worker process carries through their staff commands, per second.

Starts its own Temporal dev server (in memory), one in-process worker with the real
workflows, fake notice and document activities (the tests' Outbox) and the real roster on a
SQLite copy of the demo roster, then drives N Actions, C at a time, with commands only:

  request submitted through the ReferenceRegister (update-with-start) -> intake accept ->
  Action Fiche with K activities -> no objection -> 3 PSG approvals -> every invited expert
  confirms -> all activities `scheduled` -> withdraw -> the Action ends `withdrawn`.

The activities lie in the future and a dev server's clock does not skip, so this measures
the command-driven part of the lifecycle; withdrawing ends each Action cleanly (its
activities are cancelled and their experts released).

    make bench
    .venv/bin/python -m benchmarks.lifecycle_throughput --actions 200 --concurrency 100
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
import traceback
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from temporalio import activity
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WithStartWorkflowOperation, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.service import RPCError, RPCStatusCode
from temporalio.worker import (
    ActivityInboundInterceptor,
    ExecuteActivityInput,
    Interceptor,
    Worker,
)

from benchmarks.servers import dev_server
from config.staff import DEFAULT_STAFF
from glossary import Policy, Stage
from tests.workflows.support import (
    Outbox,
    demo_roster_copy,
    roster_activities,
    sample_fiche,
    sample_request,
)
from worker.main import WORKFLOWS
from workflows.action_lifecycle import ActionLifecycle
from workflows.reference_register import (
    ReferenceRegister,
    RegisterRequest,
    RegisterState,
    register_id,
)

TASK_QUEUE = "mieux-bench"
PSG = ("DG_INTPA", "DG_HOME", "EEAS")
# Activities are three-day workshops four days apart, every Action on its own dates: the
# same best-ranked experts can serve them all, so no slot runs out of candidates.
FIRST_START = timedelta(days=60)
SPACING = timedelta(days=4)
# Notices go out at once: working hours would only defer them (timers), not the commands.
POLICY = Policy(working_hours="")
# Submissions in flight to the ReferenceRegister: below the server's 10 updates per workflow.
REGISTER_IN_FLIGHT = 8
REGISTER_ATTEMPTS = 3
RETRYABLE = (RPCStatusCode.UNAVAILABLE, RPCStatusCode.RESOURCE_EXHAUSTED)


@dataclass
class Settings:
    actions: int
    concurrency: int
    activities: int
    poll: float
    wait: float


@dataclass
class Report:
    actions: int
    concurrency: int
    activities: int
    wall: float
    startup: float
    commands: dict[str, list[float]] = field(default_factory=dict)
    phases: dict[str, list[float]] = field(default_factory=dict)
    activity_waits: list[float] = field(default_factory=list)
    activity_runs: dict[str, list[float]] = field(default_factory=dict)
    task_waits: list[float] = field(default_factory=list)
    task_runs: list[float] = field(default_factory=list)
    action_events: list[int] = field(default_factory=list)
    all_events: list[int] = field(default_factory=list)
    polls: int = 0
    register_retries: list[str] = field(default_factory=list)
    worker_warnings: list[str] = field(default_factory=list)
    peak_rss_mib: float = 0.0
    server_rss_mib: float = 0.0
    cpu_self: float = 0.0
    cpu_server: float = 0.0
    load_before: float = 0.0

    @property
    def per_second(self) -> float:
        return self.actions / self.wall if self.wall > 0 else 0.0

    def command_latencies(self) -> list[float]:
        return [s for name, xs in self.commands.items() if name != "register" for s in xs]


class Phases:
    """Seconds each stretch of one Action took, in the report under the stretch's name."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.mark = time.perf_counter()

    def done(self, name: str) -> None:
        now = time.perf_counter()
        self.report.phases.setdefault(name, []).append(now - self.mark)
        self.mark = now


class ActivityTimes(Interceptor):
    """How long activities waited for a slot on the worker and how long they ran."""

    def __init__(self, report: Report) -> None:
        self.report = report

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        return _TimedActivity(next, self.report)


class _TimedActivity(ActivityInboundInterceptor):
    def __init__(self, next: ActivityInboundInterceptor, report: Report) -> None:
        super().__init__(next)
        self.report = report

    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        info = activity.info()
        waited = datetime.now(UTC) - info.current_attempt_scheduled_time
        self.report.activity_waits.append(waited.total_seconds())
        began = time.perf_counter()
        try:
            return await self.next.execute_activity(input)
        finally:
            ran = time.perf_counter() - began
            self.report.activity_runs.setdefault(info.activity_type, []).append(ran)


class Recorder(logging.Handler):
    """Keeps the worker's and the SDK's warnings and errors, to be counted in the report."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(f"{record.name}: {record.getMessage()}"[:300])


def parse(argv: Sequence[str] | None) -> Settings:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.lifecycle_throughput", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--actions", type=int, default=50, help="Actions to drive (N)")
    parser.add_argument("--concurrency", type=int, default=50, help="Actions in flight (C)")
    parser.add_argument("--activities", type=int, default=2, help="activities per Action (K)")
    parser.add_argument(
        "--quick", action="store_true", help="a smoke run: 5 Actions, status polled every 0.05 s"
    )
    parser.add_argument(
        "--poll",
        type=float,
        default=None,
        help="seconds between status queries while waiting (default 0.2: more often loads "
        "the worker with queries)",
    )
    parser.add_argument(
        "--wait", type=float, default=120.0, help="longest wait for one Action's step (s)"
    )
    args = parser.parse_args(argv)
    actions = 5 if args.quick else args.actions
    if actions < 1 or args.concurrency < 1 or not 1 <= args.activities <= 99:
        parser.error("--actions and --concurrency must be >= 1, --activities 1..99")
    poll = args.poll if args.poll is not None else 0.05 if args.quick else 0.2
    return Settings(actions, min(args.concurrency, actions), args.activities, poll, args.wait)


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile; plenty for a few hundred samples."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = max(1, round(share * len(ordered) + 0.5))
    return ordered[min(rank, len(ordered)) - 1]


class Driver:
    """One staff member per Action, sending the commands the CLI would send."""

    def __init__(self, client: Client, settings: Settings, report: Report) -> None:
        self.client = client
        self.settings = settings
        self.report = report
        self.today = date.today()
        self.register_gate = asyncio.Semaphore(REGISTER_IN_FLIGHT)

    async def timed(self, name: str, call: Awaitable[Any]) -> Any:
        began = time.perf_counter()
        result = await call
        self.report.commands.setdefault(name, []).append(time.perf_counter() - began)
        return result

    async def command(self, handle: WorkflowHandle[Any, Any], name: str, body: Any) -> str:
        return await self.timed(name, handle.execute_update(name, body))

    async def submit(self, n: int) -> str:
        """The request through the ReferenceRegister: a reference, and its Action started.

        All submissions of a year go to one workflow, and the server holds at most 10
        updates in flight per workflow (`history.maxInFlightUpdates`): with 50 sent at once
        it refused the extra ones (RESOURCE_EXHAUSTED), the SDK retried, and some came back
        "workflow update was aborted" (UNAVAILABLE) to the caller. So a few at a time, and a
        retry under the same update id, which the server answers from the first attempt when
        that one did go through (no second reference). An Action's own commands go one at a
        time, as staff send them, so this limit does not bite there."""
        async with self.register_gate:
            for attempt in range(1, REGISTER_ATTEMPTS + 1):
                try:
                    return await self.timed("register", self._submit_once(n))
                except RPCError as error:
                    if error.status not in RETRYABLE or attempt == REGISTER_ATTEMPTS:
                        raise
                    self.report.register_retries.append(f"{error.status.name}: {error.message}")
                    await asyncio.sleep(0.1 * attempt)
        raise AssertionError("unreachable")

    async def _submit_once(self, n: int) -> str:
        start = WithStartWorkflowOperation(
            ReferenceRegister.run,
            RegisterState(year=self.today.year),
            id=register_id(self.today.year),
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            task_queue=TASK_QUEUE,
        )
        return await self.client.execute_update_with_start_workflow(
            ReferenceRegister.register_request,
            RegisterRequest(
                request=sample_request(name=f"Benchmark request {n}", received_on=self.today),
                policy=POLICY,
                staff=DEFAULT_STAFF,
                submitted_by="benchmark",
            ),
            start_workflow_operation=start,
            id=f"benchmark-submission-{n}",
        )

    def plan(self, n: int) -> list[dict[str, Any]]:
        k = self.settings.activities
        plan = []
        for number in range(1, k + 1):
            start = self.today + FIRST_START + SPACING * (n * k + number - 1)
            plan.append(
                {
                    "number": number,
                    "type": "workshop",
                    "title": f"Migration data workshop {number}",
                    "country": "Kenya",
                    "city": "Nairobi",
                    "start": start.isoformat(),
                    "end": (start + timedelta(days=2)).isoformat(),
                }
            )
        return plan

    async def until(
        self, handle: WorkflowHandle[Any, Any], what: str, condition: Callable[[Any], bool]
    ) -> Any:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.settings.wait
        while True:
            status = await handle.query(ActionLifecycle.status)
            self.report.polls += 1
            if condition(status):
                return status
            if loop.time() > deadline:
                raise TimeoutError(
                    f"{handle.id}: {what} not reached in {self.settings.wait} s; "
                    f"stage {status.stage}, activities {status.activities}"
                )
            await asyncio.sleep(self.settings.poll)

    async def action(self, n: int) -> str:
        phase = Phases(self.report)
        reference = await self.submit(n)
        phase.done("submission")
        handle = self.client.get_workflow_handle_for(ActionLifecycle.run, f"action-{reference}")
        await self.command(handle, "intake_decision", {"decision": "accept", "by": "po.martin"})
        fiche = sample_fiche(activities=self.plan(n))
        await self.command(handle, "submit_fiche", {"fiche": fiche, "by": "po.martin"})
        await self.command(
            handle, "consultation_feedback", {"organisation": "EC services", "by": "ec.services"}
        )
        for member in PSG:
            await self.command(
                handle,
                "psg_vote",
                {"member": member, "decision": "approved", "comment": "ok", "by": member},
            )
        phase.done("intake to PSG approval")
        numbers = range(1, self.settings.activities + 1)
        status = await self.until(
            handle, "experts invited", lambda s: all(_invited_everyone(s, n) for n in numbers)
        )
        phase.done("experts invited")
        for view in status.activities:
            for expert in view.experts:
                if expert.state == "invited":
                    await self.command(
                        handle,
                        "expert_response",
                        {"activity": view.number, "expert_id": expert.expert_id, "confirmed": True},
                    )
        phase.done("confirmations sent")
        await self.until(
            handle,
            "activities scheduled",
            lambda s: (
                len(s.activities) == len(numbers)
                and all(a.stage == "scheduled" for a in s.activities)
            ),
        )
        phase.done("activities scheduled")
        await self.command(handle, "withdraw", {"reason": "benchmark run ends", "by": "pm"})
        result = await handle.result()
        if result.stage != Stage.WITHDRAWN:
            raise RuntimeError(f"{reference} ended {result.stage}, not withdrawn")
        phase.done("withdrawn and ended")
        return reference

    async def histories(self, reference: str) -> None:
        """Events per Action (alone, and with its ActivityDelivery children), and how long
        each workflow task waited for the worker and took there, from the histories."""
        ids = [f"action-{reference}"] + [
            f"action-{reference}-activity-{number}"
            for number in range(1, self.settings.activities + 1)
        ]
        sizes = []
        for workflow_id in ids:
            history = await self.client.get_workflow_handle(workflow_id).fetch_history()
            sizes.append(len(history.events))
            workflow_task_times(history.events, self.report)
        self.report.action_events.append(sizes[0])
        self.report.all_events.append(sum(sizes))


def workflow_task_times(events: Sequence[Any], report: Report) -> None:
    at: dict[int, datetime] = {}
    for event in events:
        when = event.event_time.ToDatetime()
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:
            at[event.event_id] = when
        elif event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED:
            scheduled = at.get(event.workflow_task_started_event_attributes.scheduled_event_id)
            if scheduled is not None:
                report.task_waits.append((when - scheduled).total_seconds())
            at[event.event_id] = when
        elif event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
            started = at.get(event.workflow_task_completed_event_attributes.started_event_id)
            if started is not None:
                report.task_runs.append((when - started).total_seconds())


def _invited_everyone(status: Any, number: int) -> bool:
    view = next((a for a in status.activities if a.number == number), None)
    if view is None:
        return False
    invited = [e for e in view.experts if e.state == "invited"]
    return len(invited) == POLICY.experts_per_activity


async def drive(client: Client, settings: Settings, report: Report) -> list[str]:
    driver = Driver(client, settings, report)
    gate = asyncio.Semaphore(settings.concurrency)

    async def one(n: int) -> str:
        async with gate:
            return await driver.action(n)

    report.load_before = os.getloadavg()[0]
    cpu = _cpu(resource.RUSAGE_SELF)
    began = time.perf_counter()
    references = await asyncio.gather(*(one(n) for n in range(settings.actions)))
    report.wall = time.perf_counter() - began
    report.cpu_self = _cpu(resource.RUSAGE_SELF) - cpu
    for reference in references:
        await driver.histories(reference)
    return references


async def run(settings: Settings) -> Report:
    report = Report(settings.actions, settings.concurrency, settings.activities, 0.0, 0.0)
    recorder = Recorder()
    logging.getLogger().addHandler(recorder)
    began = time.perf_counter()
    children_cpu = _cpu(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryDirectory(prefix="mieux-bench-") as folder:
        roster = demo_roster_copy(Path(folder))
        env = await dev_server()
        try:
            async with Worker(
                env.client,
                task_queue=TASK_QUEUE,
                workflows=WORKFLOWS,
                activities=Outbox().activities() + roster_activities(roster),
                interceptors=[ActivityTimes(report)],
            ):
                report.startup = time.perf_counter() - began
                await drive(env.client, settings, report)
        finally:
            await env.shutdown()
            logging.getLogger().removeHandler(recorder)
    report.worker_warnings = recorder.records
    report.peak_rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # The dev server is a child process: once shut down and reaped, its peak shows here.
    report.server_rss_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    report.cpu_server = _cpu(resource.RUSAGE_CHILDREN) - children_cpu
    return report


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def render(report: Report) -> str:
    commands = report.command_latencies()
    register = report.commands.get("register", [])
    per_command = ", ".join(
        f"{name} {1000 * statistics.median(xs):.0f}"
        for name, xs in report.commands.items()
        if name != "register"
    )
    server = f"{report.server_rss_mib:.0f} MiB" if report.server_rss_mib else "not measured"
    # Under pytest the largest child may be another server; run alone, it is the dev server.
    lines = [
        "mieux-flow lifecycle throughput (one worker process, dev server in memory)",
        f"  machine            {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"temporalio {_sdk_version()}, "
        f"{platform.system()} {platform.machine()}, load average {report.load_before:.2f} "
        "at the start",
        f"  shape              {report.activities} activities x "
        f"{POLICY.experts_per_activity} experts per Action; "
        "request -> intake -> Fiche -> no objection -> 3 PSG approvals -> experts confirmed",
        "                     -> activities scheduled -> withdraw (activities lie in the "
        "future: the dev server does not skip time)",
        f"  Actions            {report.actions} ({report.concurrency} in flight)",
        f"  wall time          {report.wall:.2f} s (start-up of server and worker "
        f"{report.startup:.2f} s, not counted)",
        f"  Actions/s          {report.per_second:.2f} "
        f"({sum(report.all_events) / report.wall:.0f} history events/s, children included)",
        f"  history events     per Action median {statistics.median(report.action_events):.0f},"
        f" max {max(report.action_events)}; with its activities median "
        f"{statistics.median(report.all_events):.0f}, max {max(report.all_events)}",
        f"  command round trip p50 {1000 * percentile(commands, 0.5):.0f} ms, "
        f"p95 {1000 * percentile(commands, 0.95):.0f} ms over {len(commands)} updates "
        "(execute_update)",
        f"                     median by command (ms): {per_command}",
        f"  request submission p50 {1000 * percentile(register, 0.5):.0f} ms, "
        f"p95 {1000 * percentile(register, 0.95):.0f} ms (update-with-start on the "
        f"ReferenceRegister, {REGISTER_IN_FLIGHT} in flight; "
        f"{len(report.register_retries)} retried)",
        "  one Action (median s) "
        + ", ".join(f"{name} {statistics.median(xs):.2f}" for name, xs in report.phases.items()),
        f"  workflow tasks     wait for the worker p50 {ms(report.task_waits, 0.5)}, "
        f"p95 {ms(report.task_waits, 0.95)}; on the worker p50 {ms(report.task_runs, 0.5)}, "
        f"p95 {ms(report.task_runs, 0.95)} ({len(report.task_runs)} tasks, from the histories)",
        f"  activities         wait for a slot p50 {ms(report.activity_waits, 0.5)}, "
        f"p95 {ms(report.activity_waits, 0.95)}; run, median ms: "
        + ", ".join(
            f"{name} {1000 * statistics.median(xs):.0f} (x{len(xs)})"
            for name, xs in sorted(report.activity_runs.items())
        ),
        f"  status queries     {report.polls} (polling every step's outcome)",
        f"  CPU                worker + driver {report.cpu_self:.1f} s during the run "
        f"({report.cpu_self / report.wall:.2f} cores); dev server {report.cpu_server:.1f} s "
        "from start to shutdown",
        f"  peak RSS           {report.peak_rss_mib:.0f} MiB (worker + driver); "
        f"dev server {server}",
        f"  worker warnings    {len(report.worker_warnings)}",
    ]
    lines += [f"    {w}" for w in report.worker_warnings[:10]]
    return "\n".join(lines)


def ms(values: Sequence[float], share: float) -> str:
    return f"{1000 * percentile(values, share):.0f} ms"


def _sdk_version() -> str:
    from importlib.metadata import version

    return version("temporalio")


async def main(argv: Sequence[str] | None = None) -> Report:
    report = await run(parse(argv))
    print(render(report), flush=True)
    return report


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    code = 0
    try:
        asyncio.run(main())
    except BaseException:  # also Ctrl-C: report, then leave without the finaliser race
        traceback.print_exc()
        code = 1
    # A process that used a Temporal client can crash at interpreter exit (TEMPORAL-NOTES,
    # sdk-python #300): flush and leave without finalisation.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)

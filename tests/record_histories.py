"""Record the replay histories of `tests/histories/` from scripted scenarios.

    make histories                                   # every scenario
    .venv/bin/python -m tests.record_histories hold_and_resume intake_rejected

Each scenario is a small async function registered under its name in `SCENARIOS`: it drives
one workflow with staff commands (updates and signals, as the CLI sends them) on a fresh
in-memory dev server, and returns the handle whose history is written to
`tests/histories/<name>.json`. `tests/test_replay.py` replays every file with the current
workflow code; docs/versioning.md says when to re-record.

The dev server runs in real time, so scenarios cannot wait days: they move the Action with
commands, and where a path needs a timer to fire (reminders, escalations, positive silence)
the Action's policy is given durations of a second or two. The histories hold only the
fictitious people of config/staff.py and the demo contacts below (DOMAIN §5: no personal
data), which `tests/test_replay.py` checks.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import temporalio
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WithStartWorkflowOperation, WorkflowHandle, WorkflowHistory
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from config.staff import DEFAULT_STAFF
from glossary import ActionInput, Policy, Request
from glossary.people import Contact
from tests.workflows.support import Outbox, sample_fiche, sample_request, status_of
from worker.binaries import temporal_cli
from worker.main import WORKFLOWS
from workflows import search_attributes
from workflows.action_lifecycle import ActionLifecycle
from workflows.reference_register import ReferenceRegister, RegisterRequest, RegisterState

HISTORIES = Path(__file__).parent / "histories"
YEAR = 2026
# The register scenarios use another year, so the Actions the register starts
# (`action-2025-NN`) never collide with the ones started directly (`action-2026-NN`).
REGISTER_YEAR = 2025
PSG = ("DG_INTPA", "DG_HOME", "EEAS")

Handle = WorkflowHandle[Any, Any]


# -- demo data (fictitious: reserved example.org addresses only) ------------------------


def demo_request(**changes: Any) -> Request:
    data: dict[str, Any] = {
        "partner_focal_point": Contact(
            name="Partner Focal Point",
            email="focal.point@partner.example.org",
            timezone="Africa/Nairobi",
        ),
        "eudel_contact": Contact(
            name="EUDEL Migration Desk",
            email="migration.desk@eudel.example.org",
            timezone="Africa/Nairobi",
        ),
    }
    data.update(changes)
    return sample_request(**data)


def demo_fiche(**changes: Any) -> dict[str, Any]:
    return sample_fiche(**changes)


# Working hours off: a reminder due at 02:00 UTC would otherwise wait for the next morning.
COMMANDS_ONLY = Policy(working_hours="")

# Timers of a second or two, so a recording sees reminders, escalations and positive silence
# fire; the long timers that stay pending are cancelled or left open, as in production.
SHORT = Policy(
    working_hours="",
    intake_deadline=timedelta(seconds=2),
    intake_reminders=[timedelta(seconds=1)],
    escalation_repeat=timedelta(days=7),
    consultation_window=timedelta(seconds=1),
    consultation_reminders=[],
    psg_deadline=timedelta(days=10),
    psg_reminders=[timedelta(seconds=1)],
)


# -- the recorder's side of a scenario ----------------------------------------------------


@dataclass
class Recorder:
    """What a scenario drives: the client, the task queue the worker polls, the outbox."""

    client: Client
    task_queue: str
    reference: str
    outbox: Outbox = field(default_factory=Outbox)

    async def start(
        self, *, policy: Policy = COMMANDS_ONLY, request: Request | None = None
    ) -> Handle:
        """Start an Action the way the register does, under its contract id `action-YYYY-NN`."""
        return await self.client.start_workflow(
            ActionLifecycle.run,
            ActionInput(
                reference=self.reference,
                request=request or demo_request(),
                policy=policy,
                staff=DEFAULT_STAFF,
                submitted_by="recorder",
            ),
            id=f"action-{self.reference}",
            task_queue=self.task_queue,
        )

    async def register(self, request: Request, *, policy: Policy = COMMANDS_ONLY) -> str:
        """Submit a request through the ReferenceRegister of its year (as `mieux submit` does)."""
        year = request.received_on.year
        start = WithStartWorkflowOperation(
            ReferenceRegister.run,
            RegisterState(year=year),
            id=register_workflow_id(year),
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            task_queue=self.task_queue,
        )
        return await self.client.execute_update_with_start_workflow(
            ReferenceRegister.register_request,
            RegisterRequest(
                request=request, policy=policy, staff=DEFAULT_STAFF, submitted_by="recorder"
            ),
            start_workflow_operation=start,
        )


def register_workflow_id(year: int) -> str:
    return f"mieux-references-{year}"


async def command(handle: Handle, name: str, **payload: Any) -> str:
    return await handle.execute_update(name, payload)


async def accept(handle: Handle) -> None:
    await command(handle, "intake_decision", decision="accept", by="po.martin")


async def submit(handle: Handle, **fiche: Any) -> None:
    await command(handle, "submit_fiche", fiche=demo_fiche(**fiche), by="po.martin")


async def no_objection(handle: Handle) -> None:
    await command(handle, "consultation_feedback", organisation="EUDEL Kenya", by="eudel")


async def to_psg(handle: Handle) -> None:
    await accept(handle)
    await submit(handle)
    await no_objection(handle)


async def vote(handle: Handle, member: str, decision: str = "approved", comment: str = "") -> None:
    await command(
        handle, "psg_vote", member=member, decision=decision, comment=comment, by=member.lower()
    )


async def approve_all(handle: Handle) -> None:
    for member in PSG:
        await vote(handle, member)


async def to_implementation(handle: Handle) -> None:
    await to_psg(handle)
    await approve_all(handle)


async def until(handle: Handle, what: str, holds: Callable[[Any], bool], within: float = 15) -> Any:
    """Wait for the Action's status to satisfy `holds` (a timer firing in real time).

    Polls the `status` query: a recording script has no event to wait on, and the interval
    only paces the polling.
    """
    try:
        async with asyncio.timeout(within):
            while True:
                status = await status_of(handle)
                if holds(status):
                    return status
                await asyncio.sleep(0.05)
    except TimeoutError:
        raise AssertionError(f"{handle.id}: never saw {what} within {within} s") from None


def steps_done(status: Any, clock_prefix: str) -> list[str]:
    return [s for c in status.clocks if c.name.startswith(clock_prefix) for s in c.steps_done]


# -- the scenarios ------------------------------------------------------------------------

Scenario = Callable[[Recorder], Awaitable[Handle]]


@dataclass(frozen=True)
class Entry:
    name: str
    story: str
    run: Scenario
    pending: str = ""  # why it cannot be recorded yet; empty when it can


SCENARIOS: dict[str, Entry] = {}


def scenario(name: str, story: str) -> Callable[[Scenario], Scenario]:
    def register(run: Scenario) -> Scenario:
        assert name not in SCENARIOS, f"two scenarios named {name}"
        SCENARIOS[name] = Entry(name, story, run)
        return run

    return register


def pending(name: str, story: str, waits_for: str) -> Callable[[Scenario], Scenario]:
    """A path the issue asks for that today's workflow cannot take yet: listed, not recorded.

    To record it, write the body and change `@pending(...)` to `@scenario(...)`.
    """

    def register(run: Scenario) -> Scenario:
        SCENARIOS[name] = Entry(name, story, run, pending=waits_for)
        return run

    return register


@scenario("intake_rejected", "rejected at intake with a reason; the partner is told")
async def intake_rejected(rec: Recorder) -> Handle:
    handle = await rec.start()
    await command(
        handle, "intake_decision", decision="reject", reason="outside MIEUX's mandate", by="pm"
    )
    await handle.result()
    return handle


@scenario(
    "to_implementation", "accepted, Fiche v1, no objection, approved by all three PSG members"
)
async def to_implementation_scenario(rec: Recorder) -> Handle:
    handle = await rec.start()
    await to_implementation(handle)
    return handle


@scenario("psg_revise_and_resubmit", "PSG asks for a revision; Fiche v2 is resubmitted, approved")
async def psg_revise_and_resubmit(rec: Recorder) -> Handle:
    handle = await rec.start()
    await to_psg(handle)
    await vote(handle, "DG_HOME")
    await vote(handle, "DG_INTPA", "revise", "add a session on data protection")
    await submit(handle, title="Kenya: migration data management (revised)")
    await no_objection(handle)
    await approve_all(handle)
    return handle


@scenario("hold_and_resume", "held while drafting (clocks paused), deadline extended, resumed")
async def hold_and_resume(rec: Recorder) -> Handle:
    handle = await rec.start()
    await accept(handle)
    await command(handle, "hold", reason="elections in the partner country", by="pm.rossi")
    await command(
        handle,
        "extend_deadline",
        clock="fiche",
        extend_by="P7D",
        reason="the new minister appoints a focal point",
        by="pm.rossi",
    )
    await command(handle, "resume", comment="focal point appointed", by="pm.rossi")
    await submit(handle)
    return handle


@scenario("withdraw_during_implementation", "approved, then withdrawn by the partner")
async def withdraw_during_implementation(rec: Recorder) -> Handle:
    handle = await rec.start()
    await to_implementation(handle)
    await command(handle, "withdraw", reason="the ministry was restructured", by="po.martin")
    await handle.result()
    return handle


@scenario(
    "refused_command_in_audit",
    "signals refused and kept in the audit trail: a non-member's vote, a malformed vote, a"
    " command for another stage; then the PSG approves",
)
async def refused_command_in_audit(rec: Recorder) -> Handle:
    handle = await rec.start()
    await to_psg(handle)
    await handle.signal("psg_vote", {"member": "FRONTEX", "decision": "approved", "by": "eve"})
    await handle.signal("psg_vote", ["not", "an", "object"])
    await handle.signal("submit_fiche", {"fiche": demo_fiche(), "by": "po.martin"})
    await approve_all(handle)  # updates after the signals: the signals have been handled
    status = await status_of(handle)
    refused = [a for a in status.audit if not a.accepted]
    assert len(refused) == 3, refused
    return handle


@scenario(
    "objection_then_revision",
    "an objection in consultation sends the Fiche back (revision clock); v2 passes",
)
async def objection_then_revision(rec: Recorder) -> Handle:
    handle = await rec.start()
    await accept(handle)
    await submit(handle)
    await command(
        handle,
        "consultation_feedback",
        organisation="DG HOME",
        objection="the activities overlap a running EU project",
        by="dg.home",
    )
    await submit(handle, title="Kenya: migration data management (v2)")
    await no_objection(handle)
    await approve_all(handle)
    return handle


@scenario(
    "timers_fire",
    "a policy of seconds: intake reminder and escalation fire, positive silence ends the"
    " consultation, the PSG reminder reaches the one member who has not voted",
)
async def timers_fire(rec: Recorder) -> Handle:
    handle = await rec.start(policy=SHORT)
    await until(handle, "the intake escalation", lambda s: "due" in steps_done(s, "intake"))
    await accept(handle)
    await submit(handle)
    await until(handle, "positive silence", lambda s: s.stage == "psg_review")
    await vote(handle, "DG_INTPA")
    await vote(handle, "DG_HOME")
    await until(
        handle,
        "the PSG reminder",
        lambda s: any(x.startswith("reminder-1") for x in steps_done(s, "psg")),
    )
    await vote(handle, "EEAS")
    return handle


@scenario("reference_register", "the 2025 register allocates two references, starting each Action")
async def reference_register(rec: Recorder) -> Handle:
    for name in ("Ghana II", "Ghana III"):
        await rec.register(demo_request(name=name, received_on=date(REGISTER_YEAR, 5, 4)))
    return rec.client.get_workflow_handle(register_workflow_id(REGISTER_YEAR))


@scenario(
    "action_started_by_the_register",
    "an Action started by the register (initial search attributes), accepted, then withdrawn",
)
async def action_started_by_the_register(rec: Recorder) -> Handle:
    reference = await rec.register(
        demo_request(name="Togo I", countries=["Togo"], received_on=date(REGISTER_YEAR, 6, 1))
    )
    handle = rec.client.get_workflow_handle(f"action-{reference}")
    await accept(handle)
    await command(handle, "withdraw", reason="forwarded to a national programme", by="pm")
    await handle.result()
    return handle


# Paths of the implementation stage: ActivityDelivery is being written. Each needs the fake
# roster and document activities added in `fake_activities` below.


@pending(
    "happy_path_to_closed",
    "to implementation, every activity delivered and evaluated, deliverables validated,"
    " feedback and follow-up received: closed",
    waits_for="ActivityDelivery, completion and follow-up",
)
async def happy_path_to_closed(rec: Recorder) -> Handle:
    # TODO(lead): to_implementation(handle); per activity: expert_response confirmed x2,
    # activity_completed, evaluation_done; then deliverables_validated, feedback_received,
    # follow_up_received; await handle.result() (stage `closed`).
    raise NotImplementedError


@pending(
    "expert_declines_twice_then_nomination",
    "the first two candidates decline, the roster runs out, staff nominate an expert",
    waits_for="ActivityDelivery and expert mobilisation",
)
async def expert_declines_twice_then_nomination(rec: Recorder) -> Handle:
    # TODO(lead): to_implementation(handle); expert_response confirmed=False twice (with a
    # reason); nominate_expert; leave it open once the activity is scheduled.
    raise NotImplementedError


@pending(
    "amended_plan",
    "mid-course amendment: one activity added, one cancelled, one rescheduled",
    waits_for="ActivityDelivery and amend_plan",
)
async def amended_plan(rec: Recorder) -> Handle:
    # TODO(lead): to_implementation(handle) with a three-activity Fiche; amend_plan with
    # examples/plan-amendment.json; leave it open.
    raise NotImplementedError


# -- recording ----------------------------------------------------------------------------


def fake_activities(outbox: Outbox) -> list[Any]:
    """The activities a recording worker runs: fakes under the production names.

    The implementation scenarios will add fake roster (`find_candidates`, `reserve_expert`,
    ...) and document (`write_document`) activities here.
    """
    return outbox.activities()


def recordable() -> list[Entry]:
    return [e for e in SCENARIOS.values() if not e.pending]


def reference_of(name: str) -> str:
    """A stable reference per scenario: its place in the registry (new ones go at the end)."""
    return f"{YEAR}-{list(SCENARIOS).index(name) + 1:02d}"


_TASK_EVENTS = {
    EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT,
}
_ACTIVITY_ENDS = {
    EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
    EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED,
    EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT,
    EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED,
}


def is_idle(history: WorkflowHistory) -> bool:
    """Its last workflow task completed and every activity it scheduled has finished."""
    tasks = [e.event_type for e in history.events if e.event_type in _TASK_EVENTS]
    scheduled = sum(
        e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED for e in history.events
    )
    ended = sum(e.event_type in _ACTIVITY_ENDS for e in history.events)
    return tasks[-1] == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED and scheduled == ended


async def settled_history(handle: Handle, within: float = 15) -> WorkflowHistory:
    """The history once the workflow is idle, so the file ends where a worker would stop,
    not between a notice being scheduled and sent."""
    try:
        async with asyncio.timeout(within):
            while True:
                history = await handle.fetch_history()
                if is_idle(history):
                    return history
                # Nothing to wait on but the server's state; the interval paces the polling.
                await asyncio.sleep(0.05)
    except TimeoutError:
        raise AssertionError(f"{handle.id} was still busy after {within} s") from None


def failed_tasks(history: WorkflowHistory) -> list[str]:
    """A failed workflow task is a bug (e.g. a signal payload the handler chokes on)."""
    return [
        e.workflow_task_failed_event_attributes.failure.message
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
    ]


def history_file(name: str) -> Path:
    return HISTORIES / f"{name}.json"


def load_history(path: Path) -> WorkflowHistory:
    """A recorded file as the Replayer takes it; the workflow id is stored beside the events."""
    document = json.loads(path.read_text())
    return WorkflowHistory.from_json(document["workflowId"], {"events": document["events"]})


def recorded_files() -> list[Path]:
    return sorted(HISTORIES.glob("*.json"))


def write_history(entry: Entry, history: WorkflowHistory) -> Path:
    started = history.events[0].workflow_execution_started_event_attributes
    document = {
        # Extra keys beside `events`: WorkflowHistory.from_json ignores them, and the replay
        # test passes the id on (to_json() alone does not keep it).
        "workflowId": history.workflow_id,
        "workflowType": started.workflow_type.name,
        "scenario": entry.name,
        "story": entry.story,
        "recordedWith": f"temporalio {temporalio.__version__}",
        **json.loads(history.to_json()),
    }
    path = history_file(entry.name)
    path.write_text(json.dumps(document, indent=1) + "\n")
    return path


async def record(entries: list[Entry]) -> list[tuple[str, int]]:
    HISTORIES.mkdir(exist_ok=True)
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_cli(),
        search_attributes=search_attributes.ALL,
        data_converter=pydantic_data_converter,
        ui=False,
        dev_server_log_level="error",
    )
    counts: list[tuple[str, int]] = []
    problems: list[str] = []
    try:
        # A fixed identity instead of `pid@host`: the histories name no machine, and
        # re-recording changes only what the code changed.
        client = await Client.connect(
            env.client.service_client.config.target_host,
            namespace=env.client.namespace,
            data_converter=pydantic_data_converter,
            identity="mieux-recorder",
        )
        task_queue = f"record-{uuid.uuid4()}"
        outbox = Outbox()
        async with Worker(
            client,
            task_queue=task_queue,
            workflows=WORKFLOWS,
            activities=fake_activities(outbox),
        ):
            for entry in entries:
                rec = Recorder(client, task_queue, reference_of(entry.name), outbox)
                handle = await entry.run(rec)
                history = await settled_history(handle)
                failures = failed_tasks(history)
                if failures:
                    problems.append(f"{entry.name}: failed workflow task(s): {failures}")
                    continue
                write_history(entry, history)
                counts.append((entry.name, len(history.events)))
                print(f"{entry.name:40} {len(history.events):5} events  {history.workflow_id}")
    finally:
        await env.shutdown()
    if problems:
        raise SystemExit("not written:\n" + "\n".join(problems))
    return counts


def summary(counts: list[int]) -> str:
    return (
        f"{len(counts)} histories; events: largest {max(counts)},"
        f" median {statistics.median(counts):g}, total {sum(counts)}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.record_histories", description=__doc__)
    parser.add_argument("names", nargs="*", help="scenarios to re-record (default: all)")
    parser.add_argument("--list", action="store_true", help="list the scenarios and exit")
    args = parser.parse_args(argv)
    if args.list:
        for entry in SCENARIOS.values():
            state = f"PENDING ({entry.pending})" if entry.pending else "recorded"
            print(f"{entry.name:40} {state}: {entry.story}")
        return 0
    unknown = [n for n in args.names if n not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(unknown)}")
    asked = [SCENARIOS[n] for n in args.names] or recordable()
    not_yet = [e for e in asked if e.pending]
    for entry in not_yet:
        print(f"{entry.name:40} pending: waits for {entry.pending}")
    began = time.perf_counter()
    counts = asyncio.run(record([e for e in asked if not e.pending]))
    print(f"recorded in {time.perf_counter() - began:.1f} s")
    on_disk = [len(load_history(p).events) for p in recorded_files()]
    if counts:
        print("this run: " + summary([n for _, n in counts]))
    if on_disk:
        print("tests/histories: " + summary(on_disk))
    if not args.names and any(e.pending for e in SCENARIOS.values()):
        print("pending: " + ", ".join(e.name for e in SCENARIOS.values() if e.pending))
    return 0


if __name__ == "__main__":
    try:
        code = main()
    except SystemExit as stop:
        if isinstance(stop.code, str):
            print(stop.code, file=sys.stderr)
            code = 1
        else:
            code = stop.code or 0
    # Leave without interpreter finalisation: processes that used a Temporal client crash at
    # exit now and then (TEMPORAL-NOTES.md, sdk-python #300), after the work is done.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)

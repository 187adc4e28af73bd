"""Record the replay histories of `tests/histories/` from scripted scenarios.

    make histories                                  # every scenario
    .venv/bin/python -m tests.record_histories hold_and_resume intake_rejected
    .venv/bin/python -m tests.record_histories --list

Each scenario is a small async function registered under its name in `SCENARIOS`: it drives
one Action with staff commands (updates and signals, as the CLI sends them) on a fresh
in-memory dev server and returns its handle. The Action's history is written to
`tests/histories/<name>.json`, and those of its activities (the `ActivityDelivery`
children) to `<name>.activity-N.json`. `tests/test_replay.py` replays every file with the
current workflow code; docs/versioning.md says when to re-record.

The dev server runs in real time, so scenarios cannot wait days: they move the Action with
commands; activities dated in the past are over as soon as their experts are in place; and
where a path needs a timer to fire (reminders, escalations, positive silence) the Action's
policy is given durations of a second. The histories hold only fictitious people: the staff
of config/staff.py, the demo roster and the demo contacts below (DOMAIN §5), which
`tests/test_replay.py` checks.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import temporalio
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WithStartWorkflowOperation, WorkflowHandle, WorkflowHistory
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from config.staff import DEFAULT_STAFF
from glossary import ActionInput, Policy, Request
from glossary.people import Contact
from tests.workflows.support import (
    Outbox,
    activity_plan,
    demo_roster_copy,
    invited,
    roster_activities,
    sample_fiche,
    sample_request,
    status_of,
)
from worker.binaries import temporal_cli
from worker.codec import data_converter
from worker.main import WORKFLOWS
from worker.proof import ProofInterceptor, Trust
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

# The project's converter (pydantic JSON) without a payload key: the recordings hold demo data
# only, and stay readable (and checkable for personal data) without one.
CONVERTER = data_converter(None)
# The recording workers run as a single-user deployment with answer links does (`mieux dev`):
# the proof interceptor in place and a secret, so what an Action and its activities tell
# each other carries the workers' signature, as in production. Since release 0.7 the
# histories are recorded so, and tests/test_replay.py replays them under the same trust.
RECORDING_TRUST = Trust(secret="the recorder's own, no deployment's")


# -- demo data (fictitious; addresses under example domains) ------------------------------

PARTNER = Contact(
    name="Partner Focal Point", email="focal.point@partner.example.org", timezone="Africa/Nairobi"
)
EUDEL = Contact(
    name="EUDEL Migration Desk", email="migration.desk@eudel.example.org", timezone="Africa/Nairobi"
)


def demo_request(**changes: Any) -> Request:
    return sample_request(**({"partner_focal_point": PARTNER, "eudel_contact": EUDEL} | changes))


def demo_fiche(**changes: Any) -> dict[str, Any]:
    return sample_fiche(**changes)


def today() -> date:
    """The dev server's date: it runs on the machine's clock."""
    return datetime.now(UTC).date()


# Working hours off: a reminder due at 02:00 UTC would otherwise wait for the next morning.
COMMANDS_ONLY = Policy(working_hours="")

# Timers of a second, so a recording sees reminders, escalations and positive silence fire;
# the long timers that stay pending are cancelled or left open, as in production.
SHORT = Policy(
    working_hours="",
    intake_deadline=timedelta(seconds=2),
    intake_reminders=[timedelta(seconds=1)],
    consultation_window=timedelta(seconds=1),
    consultation_reminders=[],
    psg_reminders=[timedelta(seconds=1)],
)


# -- the recorder's side of a scenario ----------------------------------------------------


@dataclass
class Recorder:
    """What a scenario drives: the client, the task queue the worker polls, the outbox."""

    client: Client
    task_queue: str
    index: int  # the scenario's place in the registry
    outbox: Outbox = field(default_factory=Outbox)

    @property
    def reference(self) -> str:
        return f"{YEAR}-{self.index + 1:02d}"

    def future_plan(self, count: int = 1, **changes: Any) -> list[dict[str, Any]]:
        """Activities (a week apart, three days each) months ahead: experts are invited,
        nothing takes place yet. Each scenario has its own month, as the roster is shared
        and refuses to book an expert twice on the same dates."""
        return activity_plan(today() + timedelta(days=60 + 30 * self.index), count, **changes)

    def past_plan(self, count: int = 1, **changes: Any) -> list[dict[str, Any]]:
        """Activities that ended before today: once their experts are in place, their
        completion report is due at once."""
        last_end = today() - timedelta(days=1 + 30 * self.index)
        return activity_plan(last_end - timedelta(days=7 * (count - 1) + 2), count, **changes)

    async def start(
        self, *, policy: Policy = COMMANDS_ONLY, request: Request | None = None
    ) -> Handle:
        """Start an Action under its contract id `action-YYYY-NN`, as the register does."""
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

    def sent(self, kind: str, clock_prefix: str = "") -> list[Any]:
        """The notices of this scenario's Action of one kind (and clock)."""
        return [
            s
            for s in self.outbox.matching(kind, clock_prefix)
            if s.notice.reference == self.reference
        ]

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
    """Every body consulted answers (since 0.5 the consultation waits for each)."""
    await command(handle, "consultation_feedback", organisation="EC services", by="ec.services")
    await command(handle, "consultation_feedback", organisation="EUDEL Kenya", by="eudel")


async def to_psg(handle: Handle, **fiche: Any) -> None:
    await accept(handle)
    await submit(handle, **fiche)
    await no_objection(handle)


async def vote(handle: Handle, member: str, decision: str = "approved", comment: str = "") -> None:
    await command(
        handle, "psg_vote", member=member, decision=decision, comment=comment, by=member.lower()
    )


async def approve_all(handle: Handle) -> None:
    for member in PSG:
        await vote(handle, member)


async def to_implementation(handle: Handle, plan: list[dict[str, Any]]) -> None:
    await to_psg(handle, activities=plan)
    await approve_all(handle)


async def until(handle: Handle, what: str, holds: Callable[[Any], bool], within: float = 20) -> Any:
    """The Action's status once `holds(status)`: a timer firing in real time, an activity
    reporting to the Action by signal a moment after a command.

    Polls the `status` query: a recording script has no event to wait on, and the interval
    only paces the polling.
    """
    status = None
    try:
        async with asyncio.timeout(within):
            while True:
                status = await status_of(handle)
                if holds(status):
                    return status
                await asyncio.sleep(0.05)
    except TimeoutError:
        seen = f"stage {status.stage}, activities {status.activities}" if status else "nothing"
        raise AssertionError(f"{handle.id}: never saw {what} within {within} s; {seen}") from None


async def deliver_both(handle: Handle, status: Any) -> None:
    """Two past activities, their experts invited in `status`: every expert confirms, both
    are reported and evaluated, and the Action reaches completion."""
    for n in (1, 2):
        for expert in invited(status, n):
            await command(handle, "expert_response", activity=n, expert_id=expert, confirmed=True)
    await until(handle, "completion reports due", lambda s: stages(s) == ["reporting"] * 2)
    for n in (1, 2):
        await command(handle, "activity_completed", activity=n, participants=24, women=13, men=11)
    await until(handle, "evaluations due", lambda s: stages(s) == ["evaluation"] * 2)
    for n in (1, 2):
        await command(handle, "evaluation_done", activity=n, scores={"relevance": 5})
    await until(handle, "completion", lambda s: s.stage == "completion")


def steps_done(status: Any, clock_prefix: str) -> list[str]:
    return [s for c in status.clocks if c.name.startswith(clock_prefix) for s in c.steps_done]


def stages(status: Any) -> list[str]:
    return [a.stage for a in status.activities]


# -- the scenarios ------------------------------------------------------------------------

Scenario = Callable[[Recorder], Awaitable[Handle]]


@dataclass(frozen=True)
class Entry:
    name: str
    story: str
    run: Scenario
    pending: str = ""  # why it cannot be recorded yet; empty when it can
    with_children: bool = True


SCENARIOS: dict[str, Entry] = {}


def scenario(
    name: str, story: str, *, with_children: bool = True
) -> Callable[[Scenario], Scenario]:
    """Register a scenario; new ones go at the end (their place gives their reference)."""

    def register(run: Scenario) -> Scenario:
        assert name not in SCENARIOS, f"two scenarios named {name}"
        assert "." not in name, "a dot separates a scenario's name from its child's"
        SCENARIOS[name] = Entry(name, story, run, with_children=with_children)
        return run

    return register


def pending(name: str, story: str, waits_for: str) -> Callable[[Scenario], Scenario]:
    """A path the workflow cannot take yet: listed (`--list`, the xfail of test_replay.py),
    not recorded. To record it, write the body and change `@pending(...)` to `@scenario(...)`.
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
    "to_implementation",
    "accepted, Fiche v1, no objection, approved by the PSG; the activity invites its experts",
)
async def to_implementation_scenario(rec: Recorder) -> Handle:
    handle = await rec.start()
    await to_implementation(handle, rec.future_plan())
    await until(handle, "two invitations", lambda s: len(invited(s, 1)) == 2)
    return handle


@scenario("psg_revise_and_resubmit", "PSG asks for a revision; Fiche v2 is resubmitted, approved")
async def psg_revise_and_resubmit(rec: Recorder) -> Handle:
    handle = await rec.start()
    await to_psg(handle, activities=rec.future_plan())
    await vote(handle, "DG_HOME")
    await vote(handle, "DG_INTPA", "revise", "add a session on data protection")
    await submit(handle, title="Kenya: migration data (revised)", activities=rec.future_plan(2))
    await no_objection(handle)
    await approve_all(handle)
    await until(handle, "invitations", lambda s: len(invited(s, 2)) == 2)
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


@scenario(
    "withdraw_during_implementation",
    "approved, experts invited, then withdrawn: the activity is cancelled, everyone told",
)
async def withdraw_during_implementation(rec: Recorder) -> Handle:
    handle = await rec.start()
    await to_implementation(handle, rec.future_plan())
    await until(handle, "two invitations", lambda s: len(invited(s, 1)) == 2)
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
    await to_psg(handle, activities=rec.future_plan())
    await handle.signal("psg_vote", {"member": "FRONTEX", "decision": "approved", "by": "eve"})
    await handle.signal("psg_vote", ["not", "an", "object"])
    await handle.signal("submit_fiche", {"fiche": demo_fiche(), "by": "po.martin"})
    await approve_all(handle)  # updates after the signals: the signals have been handled
    status = await until(handle, "two invitations", lambda s: len(invited(s, 1)) == 2)
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
    await submit(handle, activities=rec.future_plan())
    await command(
        handle,
        "consultation_feedback",
        organisation="DG HOME",
        objection="the activities overlap a running EU project",
        by="dg.home",
    )
    await submit(handle, title="Kenya: migration data (v2)", activities=rec.future_plan())
    await no_objection(handle)
    await approve_all(handle)
    await until(handle, "two invitations", lambda s: len(invited(s, 1)) == 2)
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
    await submit(handle, activities=rec.future_plan())
    await until(handle, "positive silence", lambda s: s.stage == "psg_review")
    await vote(handle, "DG_INTPA")
    await vote(handle, "DG_HOME")
    await until(
        handle,
        "the PSG reminder",
        lambda s: any(x.startswith("reminder-1") for x in steps_done(s, "psg")),
    )
    await vote(handle, "EEAS")
    await until(handle, "two invitations", lambda s: len(invited(s, 1)) == 2)
    return handle


@scenario(
    "reference_register",
    "the 2025 register allocates two references, starting each Action",
    with_children=False,  # its children are Actions, recorded by the other scenarios
)
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


@scenario(
    "happy_path_to_closed",
    "two activities: experts confirm, activities delivered, reported and evaluated;"
    " deliverables validated, feedback and follow-up received (adopted): closed",
)
async def happy_path_to_closed(rec: Recorder) -> Handle:
    handle = await rec.start()
    await to_implementation(handle, rec.past_plan(2))
    status = await until(
        handle, "invitations", lambda s: all(len(invited(s, n)) == 2 for n in (1, 2))
    )
    await deliver_both(handle, status)
    await command(handle, "deliverables_validated", comment="validated by the ministry")
    await command(handle, "feedback_received", overall_rating=5)
    await until(handle, "follow-up", lambda s: s.stage == "follow_up")
    await command(handle, "follow_up_received", adopted=True, adoption="approved by decree")
    await handle.result()
    return handle


@scenario(
    "expert_declines_twice_then_nomination",
    "one expert needed: both roster candidates decline, staff are alerted, then nominate",
)
async def expert_declines_twice_then_nomination(rec: Recorder) -> Handle:
    # Portuguese-speaking migration data experts: the demo roster has exactly two.
    plan = rec.future_plan(
        1, experts_needed=1, expertise=["migration data"], languages=["Portuguese"]
    )
    handle = await rec.start()
    await to_implementation(handle, plan)
    declined: list[str] = []
    for _ in range(2):
        status = await until(
            handle,
            "the next invitation",
            lambda s: invited(s, 1) and invited(s, 1)[0] not in declined,
        )
        [expert] = invited(status, 1)
        await command(
            handle, "expert_response", activity=1, expert_id=expert, confirmed=False, reason="busy"
        )
        declined.append(expert)
    await until(handle, "the roster alert", lambda s: rec.sent("escalation", "roster"))
    await command(handle, "nominate_expert", activity=1, expert_id="EX-PT-01", by="po.martin")
    # Since 0.5 the nominee is invited and confirms like anyone else.
    await until(handle, "the nominee invited", lambda s: invited(s, 1) == ["EX-PT-01"])
    await command(handle, "expert_response", activity=1, expert_id="EX-PT-01", confirmed=True)
    await until(handle, "the activity scheduled", lambda s: stages(s) == ["scheduled"])
    return handle


@scenario(
    "amended_plan",
    "three activities; mid-course one is added, one cancelled, one rescheduled",
)
async def amended_plan(rec: Recorder) -> Handle:
    handle = await rec.start()
    await to_implementation(handle, rec.future_plan(3))
    await until(handle, "invitations", lambda s: all(len(invited(s, n)) == 2 for n in (1, 2, 3)))
    # Activity 2 moves to the week after activity 3's (still within the scenario's month).
    later = date.fromisoformat(rec.future_plan(3)[2]["end"]) + timedelta(days=5)
    await command(
        handle,
        "amend_plan",
        add=[rec.future_plan(1, number=4, type="remote support", city="remote")[0]],
        cancel=[{"number": 3, "reason": "the partner trains its analysts itself"}],
        reschedule=[{"number": 2, "start": later.isoformat(), "end": later.isoformat()}],
        reason="readapted after the first workshop",
        by="po.martin",
    )
    await until(
        handle,
        "the amended plan at work",
        lambda s: stages(s)[2] == "cancelled" and len(invited(s, 4)) == 2,
    )
    return handle


@scenario(
    "hold_during_mobilisation",
    "held while the experts are invited (the activity is held too), then resumed",
)
async def hold_during_mobilisation(rec: Recorder) -> Handle:
    handle = await rec.start()
    await to_implementation(handle, rec.future_plan())
    await until(handle, "two invitations", lambda s: len(invited(s, 1)) == 2)
    await command(handle, "hold", reason="partner reorganisation", by="pm.rossi")
    await command(handle, "resume", by="pm.rossi")
    return handle


def refused(status: Any, name: str) -> int:
    return sum(1 for e in status.audit if e.command == name and not e.accepted)


@scenario(
    "continued_during_implementation",
    "flooded with refused signals while two workshops mobilise, the Action continues as new"
    " (0.8); the workshops, started by the first run, take the experts' answers, reports and"
    " evaluations relayed by the second, and the Action reaches completion",
)
async def continued_during_implementation(rec: Recorder) -> Handle:
    handle = await rec.start(policy=Policy(working_hours="", continue_after_events=200))
    await to_implementation(handle, rec.past_plan(2))
    status = await until(
        handle, "invitations", lambda s: all(len(invited(s, n)) == 2 for n in (1, 2))
    )
    first_run = (await handle.describe()).run_id
    # Ten at a time, each batch handled before the next is sent: the task that continues as
    # new then meets no signal of its own (the server would turn it down, a failed task).
    for batch in range(1, 30):
        if (await handle.describe()).run_id != first_run:
            break
        for _ in range(10):
            await handle.signal("resume", {"by": "po.martin"})
        await until(handle, "the batch handled", lambda s, n=batch: refused(s, "resume") == 10 * n)
    else:
        raise AssertionError("the Action did not continue as new")
    await deliver_both(handle, status)
    return handle


@scenario(
    "activity_terminated_by_hand",
    "experts invited, one confirms; the workshop's workflow is terminated by hand (0.9): the"
    " Action tells both experts and their focal points and frees their dates, then is withdrawn",
)
async def activity_terminated_by_hand(rec: Recorder) -> Handle:
    handle = await rec.start()
    await to_implementation(handle, rec.future_plan())
    status = await until(handle, "two invitations", lambda s: len(invited(s, 1)) == 2)
    first = invited(status, 1)[0]
    await command(handle, "expert_response", activity=1, expert_id=first, confirmed=True)
    await until(handle, "a confirmation", lambda s: "confirmed" in expert_states(s))
    workshop = rec.client.get_workflow_handle(f"{handle.id}-activity-1")
    await workshop.terminate("opened by mistake")
    await until(handle, "the experts freed", lambda s: expert_states(s) == {"withdrawn"})
    await command(handle, "withdraw", reason="the ministry was restructured", by="po.martin")
    await handle.result()
    return handle


def expert_states(status: Any) -> set[str]:
    return {e.state for e in status.activities[0].experts}


# -- recording ----------------------------------------------------------------------------


def fake_activities(outbox: Outbox, roster_url: str) -> list[Any]:
    """The recording worker's activities: the tests' outbox (notices, webhook, documents)
    under the production names, and the real roster activities on a copy of the demo roster."""
    return outbox.activities() + roster_activities(roster_url)


def recordable() -> list[Entry]:
    return [e for e in SCENARIOS.values() if not e.pending]


_TASK_EVENTS = {
    EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT,
}
# Things a workflow started and waits to hear back about: (started, ways it ends).
_UNDER_WAY = [
    (
        EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
        {
            EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
            EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED,
            EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT,
            EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED,
        },
    ),
    (
        EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED,
        {
            EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED,
            EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED,
        },
    ),
    (
        EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
        {
            EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED,
            EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED,
        },
    ),
    (
        EventType.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
        {
            EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED,
            EventType.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED,
        },
    ),
]


def is_idle(history: WorkflowHistory) -> bool:
    """Its last workflow task completed and nothing it started is still under way."""
    types = [e.event_type for e in history.events]
    tasks = [t for t in types if t in _TASK_EVENTS]
    if tasks[-1] != EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
        return False
    return all(types.count(begun) == sum(t in ends for t in types) for begun, ends in _UNDER_WAY)


def children_of(history: WorkflowHistory) -> list[str]:
    return [
        e.child_workflow_execution_started_event_attributes.workflow_execution.workflow_id
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED
    ]


async def settled_family(
    client: Client, workflow_id: str, *, with_children: bool, within: float = 20
) -> list[WorkflowHistory]:
    """The histories of a workflow (and its children) once all of them are idle and stay so
    between two looks, so the files end where the workers would stop, not between a notice
    being scheduled and sent or a child's signal and its parent's task."""
    previous: list[int] | None = None
    try:
        async with asyncio.timeout(within):
            while True:
                runs = await runs_of(client, workflow_id)
                family = list(runs)
                if with_children:
                    for child in [c for run in runs for c in children_of(run)]:
                        family.append(await client.get_workflow_handle(child).fetch_history())
                sizes = [len(h.events) for h in family]
                if all(is_idle(h) for h in family) and sizes == previous:
                    return family
                previous = sizes
                # Nothing to wait on but the server's state; the interval paces the polling.
                await asyncio.sleep(0.1)
    except TimeoutError:
        raise AssertionError(f"{workflow_id} was still busy after {within} s") from None


async def runs_of(client: Client, workflow_id: str) -> list[WorkflowHistory]:
    """Each run of a workflow, first to last: an Action that continued as new has several,
    and its activities were started by an earlier one."""
    runs = [await client.get_workflow_handle(workflow_id).fetch_history()]
    while (
        earlier := runs[0]
        .events[0]
        .workflow_execution_started_event_attributes.continued_execution_run_id
    ):
        runs.insert(
            0, await client.get_workflow_handle(workflow_id, run_id=earlier).fetch_history()
        )
    return runs


def failed_tasks(history: WorkflowHistory) -> list[str]:
    """A failed workflow task is a bug (e.g. a signal payload the handler chokes on)."""
    return [
        e.workflow_task_failed_event_attributes.failure.message
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
    ]


def file_name(entry: Entry, main_id: str, workflow_id: str, run: int = 0) -> str:
    """`<scenario>.json` for the Action (its last run), `<scenario>.run-N.json` for a run it
    continued as new from, `<scenario>.activity-N.json` for its children."""
    if workflow_id == main_id:
        return f"{entry.name}.run-{run}.json" if run else f"{entry.name}.json"
    return f"{entry.name}.{workflow_id.removeprefix(main_id).strip('-')}.json"


def scenario_of(path: Path) -> str:
    return path.name.split(".")[0]


def load_history(path: Path) -> WorkflowHistory:
    """A recorded file as the Replayer takes it; the workflow id is stored beside the events."""
    document = json.loads(path.read_text())
    return WorkflowHistory.from_json(document["workflowId"], {"events": document["events"]})


def recorded_files() -> list[Path]:
    """The histories of the current scenarios (what `make histories` rewrites)."""
    return sorted(HISTORIES.glob("*.json"))


def released_files() -> list[Path]:
    """Histories kept from earlier releases, `released/<release>/*.json`, while Actions
    started on that release may still run (docs/versioning.md); never rewritten."""
    return sorted(HISTORIES.glob("released/*/*.json"))


def write_history(entry: Entry, path: Path, history: WorkflowHistory) -> None:
    started = history.events[0].workflow_execution_started_event_attributes
    document = {
        # Extra keys beside `events`: WorkflowHistory.from_json would ignore them, and
        # load_history passes the id on (to_json() alone does not keep it).
        "workflowId": history.workflow_id,
        "workflowType": started.workflow_type.name,
        "scenario": entry.name,
        "story": entry.story,
        "recordedWith": f"temporalio {temporalio.__version__}",
        **json.loads(history.to_json()),
    }
    path.write_text(json.dumps(document, indent=1) + "\n")


async def record(entries: list[Entry]) -> list[tuple[str, int]]:
    HISTORIES.mkdir(exist_ok=True)
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_cli(),
        search_attributes=search_attributes.ALL,
        data_converter=CONVERTER,
        ui=False,
        dev_server_log_level="error",
    )
    written: list[tuple[str, int]] = []
    problems: list[str] = []
    try:
        # A fixed identity instead of `pid@host`: the histories name no machine, and
        # re-recording changes only what the code changed.
        client = await Client.connect(
            env.client.service_client.config.target_host,
            namespace=env.client.namespace,
            data_converter=CONVERTER,
            identity="mieux-recorder",
        )
        task_queue = f"record-{uuid.uuid4()}"
        outbox = Outbox()
        roster = demo_roster_copy(Path(tempfile.mkdtemp(prefix="mieux-record-")))
        async with Worker(
            client,
            task_queue=task_queue,
            workflows=WORKFLOWS,
            activities=fake_activities(outbox, roster),
            interceptors=[ProofInterceptor(RECORDING_TRUST)],
        ):
            for entry in entries:
                rec = Recorder(client, task_queue, list(SCENARIOS).index(entry.name), outbox)
                handle = await entry.run(rec)
                family = await settled_family(client, handle.id, with_children=entry.with_children)
                failures = [f for h in family for f in failed_tasks(h)]
                if failures:
                    problems.append(f"{entry.name}: failed workflow task(s): {failures}")
                    continue
                for old in HISTORIES.glob(f"{entry.name}.*json"):
                    old.unlink()
                runs = [h for h in family if h.workflow_id == handle.id]
                for history in family:
                    # Numbered from the first; the last run keeps the scenario's own name.
                    earlier = [i for i, r in enumerate(runs[:-1], 1) if r is history]
                    name = file_name(entry, handle.id, history.workflow_id, *earlier)
                    write_history(entry, HISTORIES / name, history)
                    written.append((name, len(history.events)))
                    print(f"{name:52} {len(history.events):5} events  {history.workflow_id}")
    finally:
        await env.shutdown()
    if problems:
        raise SystemExit("not written:\n" + "\n".join(problems))
    return written


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
    asked = [SCENARIOS[n] for n in args.names] or list(SCENARIOS.values())
    for entry in asked:
        if entry.pending:
            print(f"{entry.name:52} pending: waits for {entry.pending}")
    began = time.perf_counter()
    written = asyncio.run(record([e for e in asked if not e.pending]))
    print(f"recorded in {time.perf_counter() - began:.1f} s")
    if written:
        print("this run: " + summary([n for _, n in written]))
    on_disk = [len(load_history(p).events) for p in recorded_files()]
    if on_disk:
        print("tests/histories: " + summary(on_disk))
    print("replay them all and time it: .venv/bin/python -m tests.replay_report")
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

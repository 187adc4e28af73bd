"""Helpers for workflow tests: a sample request, and activities that record what the
workflow asked for (registered under the production names, as samples-python does)."""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import logging
import os
import re
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from temporalio import activity
from temporalio.activity import info as activity_info
from temporalio.client import Client, WorkflowHandle
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.deployment import DeploymentActivities
from activities.roster import RosterActivities, load_demo_roster
from config.settings import load_settings
from config.staff import DEFAULT_STAFF
from glossary import ActionInput, Notice, NoticeReceipt, Policy, Request, Stage
from glossary.documents import DocumentRef, DocumentRequest
from glossary.people import Contact
from glossary.register import RegisterRecord
from store.db import dispose_engine
from worker.headers import ProofHeaders
from worker.main import WORKFLOWS
from worker.proof import ProofInterceptor, Trust
from workflows.action_lifecycle import ActionLifecycle

STAFF = DEFAULT_STAFF


def sample_request(**changes: Any) -> Request:
    data: dict[str, Any] = {
        "name": "Kenya III",
        "received_on": date(2026, 3, 2),
        "requesting_authorities": [
            {"institution": "Department of Immigration Services", "country": "Kenya"}
        ],
        "countries": ["Kenya"],
        "region": "Sub-Saharan Africa",
        "themes": ["migration data"],
        "topic": "migration data",
        "partner_focal_point": Contact(
            name="Partner Focal Point",
            email="focal@immigration.example.ke",
            timezone="Africa/Nairobi",
        ),
    }
    data.update(changes)
    return Request.model_validate(data)


def sample_fiche(**changes: Any) -> dict[str, Any]:
    fiche: dict[str, Any] = {
        "title": "Kenya: migration data management",
        "objective": "Strengthen the collection and use of migration data",
        "activities": [
            {
                "number": 1,
                "type": "workshop",
                "title": "Migration data workshop",
                "country": "Kenya",
                "city": "Nairobi",
                # Ahead of today: a Fiche with past dates is refused by the CLI.
                "start": (_today() + timedelta(days=60)).isoformat(),
                "end": (_today() + timedelta(days=62)).isoformat(),
            }
        ],
    }
    fiche.update(changes)
    return fiche


def _today() -> date:
    return datetime.now(UTC).date()


@dataclass
class Sent:
    notice: Notice
    at: datetime  # when the notice activity was scheduled: the moment it actually went


# A workflow task runs a few milliseconds after its timer fired.
TASK_LATENCY = timedelta(seconds=1)


def sent_at(notice: Notice, scheduled: datetime) -> datetime:
    """When the notice went: the activity's scheduled time (a burst of stale alarms planned
    weeks apart but sent in one moment shows as that moment); snapped to the time it was
    planned for when the two agree within a task's latency, so on-time notices compare
    exactly."""
    return notice.planned_at if abs(scheduled - notice.planned_at) < TASK_LATENCY else scheduled


ALARM_STEP = re.compile(r"^(reminder-\d+|due|escalation-\d+)$")


def bursts(sent: list[Sent]) -> list[tuple[str, list[str]]]:
    """Clocks that sent two different steps together: (clock, steps) for each."""
    moments: dict[tuple[str, str, datetime], set[str]] = {}
    for s in sent:
        reference, clock, step, _ = s.notice.key.split("/", 3)
        if not ALARM_STEP.match(step):
            continue  # a command's notice (a decision, a vote request), not a clock's alarm
        # Seconds: two alarms of one clock in the same second are a burst.
        moments.setdefault((reference, clock, s.at.replace(microsecond=0)), set()).add(step)
    return [(clock, sorted(steps)) for (_, clock, _), steps in moments.items() if len(steps) > 1]


@dataclass
class Outbox:
    """Every notice the workflow sent, in order."""

    sent: list[Sent] = field(default_factory=list)
    webhooks: list[Notice] = field(default_factory=list)
    documents: list[DocumentRequest] = field(default_factory=list)
    registered: list[Any] = field(default_factory=list)

    @activity.defn(name="register_action")
    async def register_action(self, record: RegisterRecord) -> bool:
        self.registered.append(record)
        return True

    def activities_without_a_database(self) -> list[Any]:
        """For a worker with no database: the register is recorded here too."""
        return [*self.activities(), self.register_action]

    @activity.defn(name="send_notice")
    async def send_notice(self, notice: Notice) -> NoticeReceipt:
        self.sent.append(Sent(notice, sent_at(notice, activity_info().scheduled_time)))
        return NoticeReceipt(key=notice.key, message_id=f"<{len(self.sent)}@test>", sent=True)

    @activity.defn(name="post_escalation")
    async def post_escalation(self, notice: Notice) -> None:
        self.webhooks.append(notice)

    @activity.defn(name="write_document")
    async def write_document(self, request: DocumentRequest) -> DocumentRef:
        # Word rendering has its own tests (tests/activities); here only the reference matters.
        digest = hashlib.sha256(request.model_dump_json().encode()).hexdigest()
        self.documents.append(request)
        return DocumentRef(
            kind=request.kind,
            reference=request.reference,
            sha256=digest,
            docx_path=f"{request.reference}/{request.kind}-{digest[:12]}.docx",
            markdown_path=f"{request.reference}/{request.kind}-{digest[:12]}.md",
        )

    def activities(self) -> list[Any]:
        # The deployment's settings as this process's environment gives them.
        deployment = DeploymentActivities(load_settings).deployment_settings
        return [self.send_notice, self.post_escalation, self.write_document, deployment]

    def kinds_to(self, recipient_id: str) -> list[str]:
        return [
            f"{s.notice.kind}:{s.notice.key.split('/')[2]}"
            for s in self.sent
            if s.notice.to.id == recipient_id
        ]

    def matching(self, kind: str, clock_prefix: str = "") -> list[Sent]:
        return [
            s
            for s in self.sent
            if s.notice.kind == kind and s.notice.key.split("/")[1].startswith(clock_prefix)
        ]


def action_input(
    reference: str = "2026-01", policy: Policy | None = None, **request: Any
) -> ActionInput:
    # Registered the day it arrives, unless a test says otherwise: the intake clock runs
    # from receipt (DOMAIN §4).
    request.setdefault("received_on", _today())
    return ActionInput(
        reference=reference,
        request=sample_request(**request),
        policy=policy or Policy(working_hours=""),
        staff=STAFF,
    )


_DEMO_ROSTER: Path | None = None


def demo_roster_copy(folder: Path) -> str:
    """A real SQLite roster with the demo experts, copied from one built per session."""
    global _DEMO_ROSTER
    if _DEMO_ROSTER is None:
        folder = Path(tempfile.mkdtemp(prefix="mieux-roster-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        template = folder / "roster.db"
        load_demo_roster(f"sqlite:///{template}")
        _DEMO_ROSTER = template
    target = folder / f"roster-{uuid.uuid4().hex[:8]}.db"
    # SQLite's backup API, not a file copy: the roster runs in WAL mode.
    with sqlite3.connect(_DEMO_ROSTER) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    return f"sqlite:///{target}"


def roster_activities(url: str) -> list[Any]:
    """The real activities on the database at `url`: the roster's, and the register's."""
    from activities.register import RegisterActivities

    roster = RosterActivities(url)
    return [
        roster.find_candidates,
        roster.reserve_expert,
        roster.release_expert,
        roster.record_deployment,
        roster.expert_contact,
        RegisterActivities(url).register_action,
    ]


class _TaskFailures(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        error = record.exc_info[1] if record.exc_info else None
        self.messages.append(f"{record.getMessage()}: {error!r}")


# `make test` runs the workflow tests a second time with no cache: every activation is then
# a replay of the history so far, which finds non-determinism a cached worker hides.
MAX_CACHED_WORKFLOWS = int(os.environ.get("MIEUX_WORKER__MAX_CACHED_WORKFLOWS", "1000"))


@contextlib.asynccontextmanager
async def running_worker(
    env: WorkflowEnvironment,
    task_queue: str,
    outbox: Outbox,
    extra: list[Any] | None = None,
    roster_url: str | None = None,
    trust: Trust | None = None,
    workflows: list[Any] | None = None,
) -> AsyncIterator[Worker]:
    """`trust`: whom the workflows take commands from; by default the local single user,
    through the production interceptor all the same. `workflows`: in place of the
    project's (a variant of one, as in tests/test_versioning_guard.py)."""
    failures = _TaskFailures()
    sdk_log = logging.getLogger("temporalio.worker._workflow")
    sdk_log.addHandler(failures)
    with tempfile.TemporaryDirectory(prefix="mieux-test-roster-") as scratch:
        # The copy is removed with its folder: a test leaves nothing in the temporary folder.
        url = roster_url or demo_roster_copy(Path(scratch))
        async with Worker(
            env.client,
            task_queue=task_queue,
            workflows=workflows or WORKFLOWS,
            activities=outbox.activities() + roster_activities(url) + (extra or []),
            max_cached_workflows=MAX_CACHED_WORKFLOWS,
            interceptors=[ProofInterceptor(trust or Trust())],
        ) as worker:
            yield worker
        dispose_engine(url)
    sdk_log.removeHandler(failures)
    # A failed workflow task is retried and the test may still pass: fail it here instead
    # (a spinning wait condition hid behind such a retry).
    assert not failures.messages, f"workflow task failures: {failures.messages}"
    # Every workflow test also checks DOMAIN §4's "never a burst": no clock sends two of its
    # alarms at once, whatever the test drove.
    assert not bursts(outbox.sent), f"alarms of one clock sent together: {bursts(outbox.sent)}"


def proving(client: Client) -> Client:
    """The client as `worker.client.connect` builds it: commands carry their proof
    (worker/headers.py), as the CLI's and the web service's do."""
    config = client.config()
    config["interceptors"] = [ProofHeaders()]
    return Client(**config)


async def start_action(
    client: Client, task_queue: str, input: ActionInput
) -> WorkflowHandle[ActionLifecycle, Any]:
    return await client.start_workflow(
        ActionLifecycle.run,
        input,
        id=f"action-{input.reference}-{task_queue}",
        task_queue=task_queue,
    )


def days(n: float) -> timedelta:
    return timedelta(days=n)


async def status_of(handle: WorkflowHandle[Any, Any]) -> Any:
    return await handle.query(ActionLifecycle.status)


async def accept(handle: WorkflowHandle[Any, Any]) -> datetime:
    """Accept at intake; returns the workflow time the Fiche clock started."""
    await handle.execute_update("intake_decision", {"decision": "accept", "by": "po.martin"})
    status = await status_of(handle)
    return status.clocks[0].started_at


async def to_psg(handle: WorkflowHandle[Any, Any]) -> datetime:
    await accept(handle)
    await handle.execute_update("submit_fiche", {"fiche": sample_fiche(), "by": "po.martin"})
    await no_objections(handle)
    status = await status_of(handle)
    return next(c.started_at for c in status.clocks if c.name.startswith("psg"))


async def no_objections(handle: WorkflowHandle[Any, Any]) -> None:
    """Every consulted body says "no objection": the EC services, and the EU Delegation
    when the Action has one (DOMAIN §3: the consultation waits for each)."""
    await handle.execute_update(
        "consultation_feedback", {"organisation": "EC services", "by": "ec.services"}
    )
    if (await status_of(handle)).stage == "consultation":
        await handle.execute_update(
            "consultation_feedback", {"organisation": "EUDEL Kenya", "by": "eudel"}
        )


async def vote(handle: WorkflowHandle[Any, Any], member: str, decision: str = "approved") -> str:
    return await handle.execute_update(
        "psg_vote",
        {
            "member": member,
            "decision": decision,
            "comment": f"{decision} by {member}",
            "by": member,
        },
    )


def activity_plan(first_start: date, count: int, **changes: Any) -> list[dict[str, Any]]:
    """`count` workshops a week apart, three days each, in Nairobi."""
    plan = []
    for n in range(1, count + 1):
        start = first_start + timedelta(days=7 * (n - 1))
        plan.append(
            {
                "number": n,
                "type": "workshop",
                "title": f"Migration data workshop {n}",
                "country": "Kenya",
                "city": "Nairobi",
                "start": start.isoformat(),
                "end": (start + timedelta(days=2)).isoformat(),
            }
            | changes
        )
    return plan


async def to_implementation(
    handle: WorkflowHandle[Any, Any], activities: list[dict[str, Any]], **fiche: Any
) -> None:
    await accept(handle)
    await handle.execute_update(
        "submit_fiche", {"fiche": sample_fiche(activities=activities, **fiche)}
    )
    await no_objections(handle)
    for member in ("DG_INTPA", "DG_HOME", "EEAS"):
        await vote(handle, member)


async def until(handle: WorkflowHandle[Any, Any], condition: Any, *, seconds: float = 10.0) -> Any:
    """The Action's status once `condition(status)` holds.

    Activities report to the Action by signal, a moment after the command that moved them;
    this polls the query for that moment (real time, not workflow time). Without a cache
    every query replays the whole history, so it polls less often and waits longer.
    """
    import asyncio

    pause, patience = (0.01, 1) if MAX_CACHED_WORKFLOWS else (0.2, 6)
    deadline = asyncio.get_running_loop().time() + seconds * patience
    while True:
        status = await status_of(handle)
        if condition(status):
            return status
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met; last status: {status.activities}")
        await asyncio.sleep(pause)


def invited(status: Any, number: int) -> list[str]:
    view = next((a for a in status.activities if a.number == number), None)
    return [e.expert_id for e in view.experts if e.state == "invited"] if view else []


def activity(status: Any, number: int) -> Any:
    return next(a for a in status.activities if a.number == number)


async def respond(handle: WorkflowHandle[Any, Any], number: int, expert: str, yes: bool) -> str:
    return await handle.execute_update(
        "expert_response",
        {
            "activity": number,
            "expert_id": expert,
            "confirmed": yes,
            "reason": "" if yes else "busy",
        },
    )


async def confirm_all(
    handle: WorkflowHandle[Any, Any], numbers: list[int], then: str = "scheduled"
) -> None:
    """Both invited experts of each activity confirm; returns once all are `then`
    (scheduled, or reporting for an activity whose dates have passed)."""
    status = await until(handle, lambda s: all(len(invited(s, n)) == 2 for n in numbers))
    for n in numbers:
        for expert in invited(status, n):
            await respond(handle, n, expert, True)
    await until(handle, lambda s: all(activity(s, n).stage == then for n in numbers))


async def full_action(env: WorkflowEnvironment, task_queue: str) -> Any:
    """The whole lifecycle the way staff drive it: the 21-day Fiche, consultation, the PSG,
    7 workshops x 2 experts confirmed, delivered, reported and evaluated, completion and the
    follow-up; returns the closed Action's result. Shared by test_full_action.py and
    benchmarks/full_action.py."""
    today = (await env.get_current_time()).date()
    plan = activity_plan(today + timedelta(days=40), 7)
    handle = await start_action(env.client, task_queue, action_input())
    await to_implementation(handle, plan)
    status = await until(handle, lambda s: all(len(invited(s, n)) == 2 for n in range(1, 8)))
    for n in range(1, 8):
        for expert in invited(status, n):
            await respond(handle, n, expert, True)
    await until(handle, lambda s: all(a.stage == "scheduled" for a in s.activities))
    await env.sleep(days(40 + 7 * 6 + 4))
    await until(handle, lambda s: all(a.stage == "reporting" for a in s.activities))
    for n in range(1, 8):
        await handle.execute_update(
            "activity_completed",
            {"activity": n, "participants": 30, "women": 14, "men": 16, "outputs": ["notes"]},
        )
    await until(handle, lambda s: all(a.stage == "evaluation" for a in s.activities))
    for n in range(1, 8):
        await handle.execute_update("evaluation_done", {"activity": n, "scores": {"relevance": 5}})
    await until(handle, lambda s: s.stage == Stage.COMPLETION)
    await handle.execute_update("deliverables_validated", {"by": "partner"})
    await handle.execute_update("feedback_received", {"overall_rating": 5})
    await until(handle, lambda s: s.stage == Stage.FOLLOW_UP)
    await env.sleep(days(200))
    await handle.execute_update(
        "follow_up_received", {"adopted": True, "adoption": "approved by Supreme Decree"}
    )
    return await handle.result()

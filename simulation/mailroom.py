"""The simulation's activities, under the names the workflows call: notices are kept (for the
figures) and answered by the simulated people instead of being mailed; documents and the
register are recorded, not written. The roster is the real one, on a scratch database.

`simulated_step` sends a person's step as the CLI would (an update, so a refusal is known):
a command that comes before the Action is ready is tried again the next day.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from temporalio import activity
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError

from glossary import Policy
from glossary.documents import DocumentRef, DocumentRequest
from glossary.notices import Notice, NoticeReceipt
from glossary.people import StaffDirectory
from glossary.register import RegisterRecord
from simulation.later import Later
from simulation.people import answers, invitation_slot
from simulation.scenario import Scenario
from simulation.steps import Step

# Refusals that no later day will change: the step is dropped at once.
FINAL = (
    "cancelled",
    "withdrawn",
    "closed",
    "already",
    "not invited",
    "timed out",
    "no longer",
    "not found",  # the Action ended while the update was on its way
)


@dataclass(frozen=True)
class Sent:
    notice: Notice
    at: datetime


@dataclass
class Mailroom:
    client: Client
    scenario: Scenario
    task_queue: str
    policy: Policy
    staff: StaffDirectory
    sent: list[Sent] = field(default_factory=list)
    applied: Counter[str] = field(default_factory=Counter)
    _keys: set[str] = field(default_factory=set)
    _asked: Counter[tuple[str, int, int]] = field(default_factory=Counter)

    def activities(self) -> list[object]:
        return [
            self.send_notice,
            self.post_escalation,
            self.write_document,
            self.register_action,
            self.simulated_step,
        ]

    async def plan(self, step: Step) -> None:
        """Start the workflow that carries the step; once per step, whatever is retried."""
        digest = hashlib.sha256(step.model_dump_json().encode()).hexdigest()[:16]
        try:
            await self.client.start_workflow(
                Later.run,
                step,
                id=f"sim-{step.reference}-{step.command}-{digest}",
                task_queue=self.task_queue,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            )
        except WorkflowAlreadyStartedError:
            return

    @activity.defn(name="send_notice")
    async def send_notice(self, notice: Notice) -> NoticeReceipt:
        now = activity.info().scheduled_time
        if notice.key not in self._keys:  # a retried activity: told once, answered once
            self._keys.add(notice.key)
            self.sent.append(Sent(notice, now))
            slot = invitation_slot(notice)
            if slot is not None:
                self._asked[slot] += 1
            asked = self._asked[slot] if slot is not None else 1
            for step in answers(self.scenario, notice, now, asked):
                await self.plan(step)
        return NoticeReceipt(key=notice.key, message_id=f"<{notice.key}@simulation>", sent=True)

    @activity.defn(name="post_escalation")
    async def post_escalation(self, notice: Notice) -> None:
        return None

    @activity.defn(name="write_document")
    async def write_document(self, request: DocumentRequest) -> DocumentRef:
        digest = hashlib.sha256(request.model_dump_json().encode()).hexdigest()
        return DocumentRef(
            kind=request.kind,
            reference=request.reference,
            sha256=digest,
            docx_path=f"{request.reference}/{request.kind}-{digest[:12]}.docx",
            markdown_path=f"{request.reference}/{request.kind}-{digest[:12]}.md",
        )

    @activity.defn(name="register_action")
    async def register_action(self, record: RegisterRecord) -> bool:
        return True

    @activity.defn(name="simulated_step")
    async def simulated_step(self, step: Step) -> str:
        handle = self.client.get_workflow_handle(f"action-{step.reference}")
        try:
            said = str(await handle.execute_update(step.command, step.payload))
            self.applied[step.command] += 1
            return said
        except WorkflowUpdateFailedError as error:
            reason = str(error.cause.message if error.cause else error)
        except RPCError as error:
            reason = error.message  # the Action has ended
        last = activity.info().attempt >= step.attempts
        if last or "completed" in reason or any(word in reason for word in FINAL):
            return f"refused: {reason}"
        raise ApplicationError(f"not yet: {reason}", type="NotYet")

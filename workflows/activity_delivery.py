"""`ActivityDelivery`: one planned activity of an approved Action, as a child workflow
(id `action-YYYY-NN-activity-N`; DOMAIN.md §3 "Expert mobilisation", §4).

The story: mobilise the experts (invite the best candidate for each slot through their
focal point; a decline or a silent deadline moves to the next; when the roster runs out,
staff nominate) -> remind everyone before the start -> after the end, the completion
report -> the team's evaluation -> the activity report. The parent `ActionLifecycle` is
told of every step, and relays hold, resume, cancellation and rescheduling.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from temporalio import workflow
from temporalio.exceptions import FailureError

with workflow.unsafe.imports_passed_through():
    from pydantic import BaseModel, ConfigDict, ValidationError

    from activities import options
    from glossary import (
        ActivityCompleted,
        ActivityView,
        AuditEntry,
        CommandRefused,
        DeliveryInput,
        EvaluationDone,
        ExpertResponse,
        NominateExpert,
        NoticeKind,
        Recipient,
    )
    from glossary.documents import DocumentKind, DocumentRef, DocumentRequest
    from glossary.phrases import N_, Phrase, T
    from glossary.status import ExpertSlotView
    from workflows.casework import ActionWithdrawn
    from workflows.clock import Alarm, Clock
    from workflows.mobilisation import Mobilisation, Slot, start_of

# The reason an orphaned activity gives its experts: ours, so written in their language (a
# reason staff typed is theirs, and goes as they wrote it).
ACTION_CLOSED = N_("The Action this activity belongs to has been closed.")
# How the Action relays a withdrawal: our words around the reason staff gave.
ACTION_WITHDRAWN = "Action withdrawn: "


class ParentInstruction(BaseModel):
    """What the Action relays to its activity: hold, resume, cancel or reschedule."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str  # hold | resume | cancel | reschedule | report
    reason: str = ""
    by: str = "staff"
    start: date | None = None
    end: date | None = None


@workflow.defn(name="ActivityDelivery")
class ActivityDelivery(Mobilisation):
    takes_outside_commands = False  # its Action checks every command and relays it here

    @workflow.init
    def __init__(self, input: DeliveryInput) -> None:
        self.input = input
        self.activity = input.activity
        self.staff = input.staff
        self.officer_id = input.officer_id
        self._open_case(input.reference, input.action_title, input.policy)
        needed = self.activity.experts_needed
        if needed is None:
            needed = input.policy.experts_per_activity
        self.slots = [Slot(index=i + 1) for i in range(needed)]
        self.stage = "mobilising"
        self.cancel_reason = ""
        self.completion: ActivityCompleted | None = None
        self.evaluation: EvaluationDone | None = None
        self.nominations: list[NominateExpert] = []
        self.reinvite: list[str] = []
        self.report: DocumentRef | None = None
        self.rounds = 0
        self._exhaustions = 0
        self.needs_new_dates = False
        self._redates = 0
        self._reports = 0
        # Its Action ended without withdrawing it: nothing more to report (_tell_parent).
        self._orphaned = False

    # -- the story ----------------------------------------------------------------------

    @workflow.run
    async def run(self, input: DeliveryInput) -> ActivityView:
        try:
            while True:
                await self._mobilise()
                await self._before_the_start()
                if self.stage != "mobilising":  # else rescheduled: mobilise again
                    break
            await self._completion_report()
            await self._evaluation()
            self._set_stage("delivered")
        except ActionWithdrawn:
            await self._cancel_now()
        await self._mail_delivered()
        await self._tell_parent()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.view()

    async def _mobilise(self) -> None:
        self._set_stage("mobilising")
        while not all(slot.filled for slot in self.slots):
            await self._take_nominations()
            await self._invite_for_open_slots()
            await self._wait_until(
                lambda: (
                    all(s.filled for s in self.slots)
                    or any(s.state == "open" for s in self.slots)
                    # A nomination with no free place waits: checking it again at once
                    # would spin the workflow task (the SDK's deadlock detector caught it).
                    or (bool(self.nominations) and self._free_slot() is not None)
                )
            )

    async def _before_the_start(self) -> None:
        self._set_stage("scheduled")
        self._start_schedule_clock()
        # The activity takes place; its report is due after the end date.
        await self._wait_until(lambda: self.stage != "scheduled")

    async def _completion_report(self) -> None:
        await self._wait_until(lambda: self.completion is not None)

    async def _evaluation(self) -> None:
        await self._wait_until(lambda: self.evaluation is not None)
        self.report = await workflow.execute_activity(
            "write_document",
            DocumentRequest(
                kind=DocumentKind.ACTIVITY_REPORT,
                reference=self.reference,
                action_title=self.title,
                country=self.activity.country,
                prepared_on=workflow.now().date(),
                activity=self.view(),
                outputs=self.completion.outputs if self.completion else [],
            ),
            result_type=DocumentRef,
            summary=f"activity {self.activity.number} report",
            **options.WRITE_DOCUMENT,
        )

    # -- the schedule -------------------------------------------------------------------

    def _start_schedule_clock(self) -> None:
        """Reminders 14 and 3 days before the start; the clock is due when the activity
        has ended, which opens the completion report."""
        now = workflow.now()
        start = start_of(self.activity.start)
        ended = start_of(self.activity.end) + timedelta(days=1)
        offsets = [start - before - now for before in self.policy.activity_reminders_before]
        people = [s.contact.expert for s in self.slots if s.contact] + [self.input.partner]
        self.clocks.start(
            Clock(
                name=f"activity-{self.activity.number}-{self.rounds}",
                kind="activity",
                label=f"Activity {self.activity.number}",
                started_at=now,
                due_at=max(ended, now),
                reminders=sorted(o for o in offsets if o > timedelta(0)),
                reminder_to=people,
                is_deadline=False,
                # "14 d before the start" is a calendar date: a hold does not move it.
                pausable=not self.v2,
            )
        )

    def _start_report_clock(self) -> None:
        ended = start_of(self.activity.end) + timedelta(days=1)
        self._set_stage("reporting")
        clock = self.clocks.start(
            Clock(
                name=f"report-{self.activity.number}",
                kind="completion_report",
                label=f"Completion report of activity {self.activity.number}",
                started_at=ended,
                due_at=ended + self.policy.completion_report_deadline,
                reminders=list(self.policy.completion_report_reminders),
                reminder_to=[self._officer()],
                escalate_every=self.policy.escalation_repeat,
                escalate_to="programme manager",
            )
        )
        if self.v2 and self.on_hold:
            # The activity ended during a hold: its report keeps its whole time for after.
            clock.paused_at = self.now()

    def _start_evaluation_clock(self) -> None:
        now = self.now()
        self.clocks.start(
            Clock(
                name=f"evaluation-{self.activity.number}",
                kind="evaluation",
                label=f"Evaluation of activity {self.activity.number}",
                started_at=now,
                due_at=now + self.policy.evaluation_deadline,
                reminders=list(self.policy.evaluation_reminders),
                reminder_to=[self._officer()],
                escalate_to="programme manager",
            )
        )

    # -- alarms ---------------------------------------------------------------------------

    def _on_alarm(self, clock: Clock, alarm: Alarm) -> None:
        if clock.kind == "activity" and alarm.step == "due":
            self.clocks.stop(clock.name)
            if self.v2 and self.on_hold and self._dates_fell_in_hold():
                self.needs_new_dates = True
                self._record(
                    "clock",
                    "clock",
                    True,
                    f"activity {self.activity.number} was to take place during the hold:"
                    " it needs new dates",
                )
                return
            self._start_report_clock()
        elif clock.kind == "activity" and self.v2 and self.on_hold:
            assert alarm.recipient is not None
            self._record(
                "clock",
                "clock",
                True,
                f"{clock.label} {alarm.step} to {alarm.recipient.id} not sent: the Action is on"
                " hold",
            )
        elif alarm.step.startswith("reminder"):
            assert alarm.recipient is not None
            self._notify(self._reminder(clock, alarm, alarm.recipient))
        elif clock.kind == "expert":
            self._expert_timed_out(clock)
        else:
            self._notify(self._escalation(clock, alarm))

    def _expert_timed_out(self, clock: Clock) -> None:
        self.clocks.stop(clock.name)
        for slot in self.slots:
            if slot.state == "invited" and clock.name == slot.clock:
                self._record("expert_response", "clock", True, f"{slot.expert_id} did not answer")
                assert slot.expert_id is not None
                self._released(slot.expert_id)
                slot.state, slot.expert_id, slot.contact = "open", None, None
                self._revision += 1

    def _reminder(self, clock: Clock, alarm: Alarm, to: Recipient) -> Any:
        details: list[Phrase] = []
        if clock.kind == "activity":
            subject = T(
                "reminder: {type:t} {place}, {start:daymonth}-{end:shortdate}",
                **self._what_where(),
            )
            awaited, command = T("your participation"), ""
            if self.activity.interpretation:
                details = [T("Interpretation: {what}", what=self.activity.interpretation)]
        elif clock.kind == "expert":
            expert_id = self._expert_of_clock(clock.name) or to.id
            subject = T(
                "reminder: please answer the invitation by {due:shortdate}", due=clock.due_at
            )
            awaited = (
                T("your answer: confirm or decline")
                if expert_id == to.id
                else T("the expert's answer: confirm or decline")
            )
            command = self._answer_command(expert_id)
        else:
            subject = f"reminder: {clock.label} due {clock.due_at:%d %b %Y}"
            awaited, command = clock.label, self._command_for(clock)
        answer = None
        if clock.kind == "expert":
            answer = self._invitation_answer(
                self._expert_of_clock(clock.name) or to.id, clock.due_at, clock.name
            )
        return self.notice(
            NoticeKind.REMINDER,
            clock=clock.name,
            step=alarm.step,
            to=to,
            subject=subject,
            awaited=awaited,
            due_at=clock.due_at,
            command=command,
            answer=answer,
            details=details,
        )

    def _escalation(self, clock: Clock, alarm: Alarm) -> Any:
        return self.notice(
            NoticeKind.ESCALATION,
            clock=clock.name,
            step=alarm.step,
            to=self._manager(),
            subject=f"overdue: {clock.label} (due {clock.due_at:%d %b %Y})",
            awaited=clock.label,
            due_at=clock.due_at,
            command=self._command_for(clock),
        )

    def _expert_of_clock(self, clock_name: str) -> str | None:
        return next((s.expert_id for s in self.slots if s.clock == clock_name), None)

    def _command_for(self, clock: Clock) -> str:
        n = self.activity.number
        if clock.kind == "redate":
            return f"mieux plan amend {self.reference} PLAN.json (reschedule activity {n})"
        if clock.kind == "completion_report":
            return (
                f"mieux activity complete {self.reference} --activity {n}"
                " --participants T --women W --men M"
            )
        return f"mieux activity evaluate {self.reference} --activity {n} EVALUATION.json"

    async def _fire(self, alarm: Alarm) -> None:
        clock = self.clocks.get(alarm.clock)
        if clock is not None and clock.kind == "hold":
            self.clocks.mark(alarm)
            return
        await super()._fire(alarm)

    # -- commands (relayed by the Action, which checked them first) -----------------------

    def _check_expert_response(self, raw: Any) -> ExpertResponse:
        command = self._parse(ExpertResponse, raw)
        slot = self._slot_of(command.expert_id)
        if slot is None or slot.state != "invited":
            raise CommandRefused(
                f"expert {command.expert_id} has no open invitation for activity"
                f" {self.activity.number}"
            )
        return command

    def _apply_expert_response(self, raw: Any) -> str:
        command = self._check_expert_response(raw)
        slot = self._slot_of(command.expert_id)
        assert slot is not None and slot.expert_id is not None
        if slot.clock:
            self.clocks.stop(slot.clock)
        if command.confirmed:
            slot.state = "confirmed"
            detail = f"{slot.expert_id} confirmed for activity {self.activity.number}"
            self._notify_confirmation(slot)
        else:
            self._released(slot.expert_id)
            detail = f"{slot.expert_id} declined: {command.reason or 'no reason given'}"
            slot.state, slot.expert_id, slot.contact = "open", None, None
        return self._accepted("expert_response", command, detail)

    def _notify_confirmation(self, slot: Slot) -> None:
        assert slot.contact is not None
        a = self.activity
        name = slot.contact.expert.name
        for to in [slot.contact.expert, self._officer()]:
            theirs = to.role == "expert"
            self._notify(
                self.notice(
                    NoticeKind.CONFIRMATION,
                    clock=f"confirmation-{self.activity.number}-{slot.expert_id}",
                    step=f"round-{self.rounds}",
                    to=to,
                    subject=(
                        T(
                            "your participation is confirmed: {type:t} in {place},"
                            " {start:daymonth}-{end:shortdate}",
                            **self._what_where(),
                        )
                        if theirs
                        else f"{name} confirmed for activity {a.number}, {self._when_where()}"
                    ),
                    awaited=T("nothing: the participation is confirmed"),
                    details=[
                        T("Activity: {title} ({type:t})", title=a.title, type=a.type),
                        T(
                            "Where and when: {place}, {start:daymonth}-{end:shortdate}",
                            **self._what_where(),
                        ),
                        *(
                            [
                                T(
                                    "What happens next: {officer}, the project officer, will"
                                    " write about travel and the programme; reminders come"
                                    " before the start.",
                                    officer=self._officer().name,
                                ),
                            ]
                            if theirs
                            else [f"Expert: {name} ({slot.expert_id})"]
                        ),
                    ],
                )
            )

    def _check_nominate(self, raw: Any) -> NominateExpert:
        command = self._parse(NominateExpert, raw)
        if self.stage != "mobilising":
            raise CommandRefused(
                f"activity {self.activity.number} is {self.stage}: its experts are in place"
            )
        if command.expert_id in self._invited_or_held():
            raise CommandRefused(
                f"expert {command.expert_id} is already on activity {self.activity.number}"
            )
        return command

    def _apply_nominate(self, raw: Any) -> str:
        command = self._check_nominate(raw)
        self.nominations.append(command)
        return self._accepted(
            "nominate_expert",
            command,
            f"{command.expert_id} nominated for activity {self.activity.number}",
        )

    def _check_completed(self, raw: Any) -> ActivityCompleted:
        command = self._parse(ActivityCompleted, raw)
        if self.stage != "reporting":
            raise CommandRefused(self._not_ready("its completion report"))
        return command

    def _apply_completed(self, raw: Any) -> str:
        command = self._check_completed(raw)
        self.completion = command
        for slot in self.slots:
            if slot.filled and slot.expert_id:
                self._deployed(slot.expert_id)
        self.clocks.stop_kind("completion_report")
        self._set_stage("evaluation")
        self._start_evaluation_clock()
        return self._accepted(
            "activity_completed",
            command,
            f"activity {self.activity.number} delivered: {command.participants} participants"
            f" ({command.women} women, {command.men} men)",
        )

    def _check_evaluation(self, raw: Any) -> EvaluationDone:
        command = self._parse(EvaluationDone, raw)
        if self.stage != "evaluation":
            raise CommandRefused(self._not_ready("its evaluation"))
        return command

    def _apply_evaluation(self, raw: Any) -> str:
        command = self._check_evaluation(raw)
        self.evaluation = command
        self.clocks.stop_kind("evaluation")
        return self._accepted(
            "evaluation_done", command, f"activity {self.activity.number} evaluated"
        )

    def _not_ready(self, what: str) -> str:
        n, end = self.activity.number, self.activity.end
        if self.stage in ("mobilising", "scheduled"):
            return f"activity {n} ends on {end:%Y-%m-%d}; {what} comes after that"
        return f"activity {n} is {self.stage}; it is not waiting for {what}"

    def _slot_of(self, expert_id: str) -> Slot | None:
        return next((s for s in self.slots if s.expert_id == expert_id), None)

    # -- instructions from the Action -----------------------------------------------------

    def _apply_instruction(self, instruction: ParentInstruction) -> None:
        if instruction.kind == "hold" and not self.on_hold:
            self._apply_hold(self._parse_hold(instruction))
        elif instruction.kind == "resume" and self.on_hold:
            self._apply_resume(self._check_resume({"by": instruction.by}))
            self._after_resume()
        elif instruction.kind == "report":
            # The Action asks after an activity quiet for long (0.9): a report answers.
            self._revision += 1
        elif instruction.kind == "cancel":
            self.cancel_reason = instruction.reason
            self.withdrawal = instruction
            self._revision += 1
        elif instruction.kind == "reschedule" and instruction.start and instruction.end:
            self._reschedule(instruction.start, instruction.end, instruction.by)

    def _parse_hold(self, instruction: ParentInstruction) -> Any:
        return self._check_hold({"reason": instruction.reason or "Action on hold"})

    def _reschedule(self, start: date, end: date, by: str) -> None:
        """New dates: every expert held for the old ones is asked again for the new ones."""
        self.activity = self.activity.model_copy(update={"start": start, "end": end})
        self.clocks.stop_kind("activity", "completion_report", "expert", "redate")
        self.needs_new_dates = False
        for slot in self.slots:
            if slot.expert_id:
                self._released(slot.expert_id)
                self.reinvite.append(slot.expert_id)
            slot.state, slot.expert_id, slot.contact = "open", None, None
        self._set_stage("mobilising")
        self._record("amend_plan", by, True, f"rescheduled to {start:%Y-%m-%d}..{end:%Y-%m-%d}")
        self._revision += 1

    async def _cancel_now(self) -> None:
        """Withdraw pending invitations by email and free every reservation."""
        for slot in self.slots:
            if slot.expert_id is None or slot.contact is None:
                continue
            self._released(slot.expert_id)
            if self.v2 and slot.filled:
                self._tell_confirmed_of_cancellation(slot)
            if slot.state == "invited":
                self._call_off(slot, invited=True)
        self.clocks.open.clear()
        self.on_hold = False
        self._set_stage("cancelled")
        await self._flush()

    def _cancel_words(self) -> str | Phrase:
        """The reason, with what is ours written in the reader's language."""
        if self.cancel_reason == ACTION_CLOSED:
            return T(ACTION_CLOSED)
        if self.cancel_reason.startswith(ACTION_WITHDRAWN):
            reason = self.cancel_reason.removeprefix(ACTION_WITHDRAWN)
            return T("Action withdrawn: {reason}", reason=reason)
        return self.cancel_reason

    def _tell_confirmed_of_cancellation(self, slot: Slot) -> None:
        """An expert holding a confirmation keeps the dates free until told otherwise."""
        self._call_off(slot, invited=False)

    def _call_off(self, slot: Slot, invited: bool) -> None:
        assert slot.contact is not None and slot.expert_id is not None
        for to in self._expert_and_focal_point(slot.contact):
            self._notify(
                self._calling_off(
                    number=self.activity.number,
                    title=self.activity.title,
                    expert_id=slot.expert_id,
                    expert_name=slot.contact.expert.name,
                    invited=invited,
                    to=to,
                    what_where=self._what_where(),
                    reason=self._cancel_words(),
                )
            )

    # -- a hold over the activity's dates -------------------------------------------------

    def _dates_fell_in_hold(self) -> bool:
        """The activity was to begin while the Action was on hold, so it did not take place
        as planned: it needs new dates (an activity already under way when the hold began
        goes on to its report)."""
        return self.held_since is not None and self.held_since < start_of(self.activity.start)

    def _after_resume(self) -> None:
        if not self.v2 or self.stage != "scheduled":
            return
        start = start_of(self.activity.start)
        began_in_hold = self.held_since is not None and self.held_since < start <= self.now()
        if not (self.needs_new_dates or began_in_hold):
            return
        self.needs_new_dates = True
        self.clocks.stop_kind("activity")
        self._redates += 1
        now = self.now()
        clock = self.clocks.start(
            Clock(
                name=f"redate-{self.activity.number}-{self._redates}",
                kind="redate",
                label=f"New dates for activity {self.activity.number}",
                started_at=now,
                due_at=now + self.policy.escalation_repeat,
                escalate_every=self.policy.escalation_repeat,
                escalate_to="programme manager",
            )
        )
        self._notify(
            self.notice(
                NoticeKind.REMINDER,
                clock=clock.name,
                step="ask",
                to=self._officer(),
                subject=f"new dates needed: activity {self.activity.number} fell inside the hold",
                awaited=f"new dates for activity {self.activity.number} (or its cancellation)",
                due_at=clock.due_at,
                command=self._command_for(clock),
                details=[
                    f"{self.activity.type} {self._when_where()} was to start while the Action"
                    " was on hold; its experts stay reserved until it is re-dated or cancelled"
                ],
            )
        )

    # -- what the Action and management see ---------------------------------------------

    def _set_stage(self, stage: str) -> None:
        self.stage = stage
        self._revision += 1

    def _ended(self) -> bool:
        return self.stage in ("delivered", "cancelled") or self.withdrawal is not None

    def _stage_name(self) -> str:
        return self.stage

    def _when_where(self) -> str:
        a = self.activity
        return f"{a.place}, {a.start:%d %b}-{a.end:%d %b %Y}"

    def _what_where(self) -> dict[str, Any]:
        """The activity's type, place and dates, for phrases the reader's language writes."""
        a = self.activity
        return {"type": a.type, "place": a.place, "start": a.start, "end": a.end}

    def view(self) -> ActivityView:
        a = self.activity
        return ActivityView(
            number=a.number,
            type=str(a.type),
            title=a.title,
            place=a.place,
            start=a.start,
            end=a.end,
            stage=self.stage,
            experts=[
                ExpertSlotView(expert_id=s.expert_id, state=s.state)
                for s in self.slots
                if s.expert_id
            ],
            participants=self.completion.participants if self.completion else None,
            women=self.completion.women if self.completion else None,
            men=self.completion.men if self.completion else None,
            note=self.cancel_reason
            or ("needs new dates: they fell inside the hold" if self.needs_new_dates else ""),
            next_due=self.clocks.next_due(),
            evaluation=dict(self.evaluation.scores) if self.evaluation else {},
            evaluation_summary=self.evaluation.summary if self.evaluation else "",
            outputs=list(self.completion.outputs) if self.completion else [],
            clocks=self.clocks.views() if self.v2 else [],
            report=self._reports,
            mail_problems=list(self.mail_problems),
        )

    def _waiting(self) -> str:
        a = self.activity
        if self.needs_new_dates:
            return f"new dates for activity {a.number} ({a.type}, {self._when_where()})"
        if self.stage == "mobilising":
            waiting = sum(1 for s in self.slots if s.state == "invited")
            missing = sum(1 for s in self.slots if s.state == "exhausted")
            parts = []
            if waiting:
                parts.append(f"waiting for {waiting} expert confirmation(s)")
            if missing:
                parts.append(f"{missing} expert(s) to nominate (roster exhausted)")
            what = " and ".join(parts) or "looking for experts"
            return f"{what} for activity {a.number} ({a.type}, {self._when_where()})"
        return f"activity {a.number} ({a.type}, {self._when_where()}): {self.stage}"

    def _publish(self) -> None:
        workflow.set_current_details(self._waiting())

    async def _tell_parent(self) -> None:
        if self._orphaned:
            return
        self._reports += 1
        try:
            await workflow.get_external_workflow_handle(self.input.parent_id).signal(
                "activity_progress", self.view()
            )
        except FailureError as error:
            # Since 0.8 an activity outlives the run that started it, and a report reaches
            # whichever run is current: none is only when the Action was ended by hand
            # (terminated) without a withdrawal. Cancelled, rather than going on for months
            # for an Action nobody follows.
            self._orphaned = True
            self._record(
                "activity_progress",
                "worker",
                True,
                "the Action has ended without withdrawing this activity (terminated by hand?),"
                f" so it is cancelled ({error.message})",
            )
            if self.withdrawal is None and self.stage not in ("delivered", "cancelled"):
                # Told to the experts invited: the team's closing of the Action, in plain words.
                self.cancel_reason = ACTION_CLOSED
                self.withdrawal = ParentInstruction(kind="cancel", reason=self.cancel_reason)
                self._revision += 1

    async def _wait_until(self, done: Any) -> None:
        # The Action shows each activity's experts: tell it whenever something moved.
        seen = -1
        while not done():
            if seen != self._revision:
                await self._flush()  # the invitations are out before the Action says so
                seen = self._revision
                await self._tell_parent()
            await super()._wait_until(lambda seen=seen: done() or self._revision != seen)

    def _webhook_enabled(self) -> bool:
        return self.input.escalation_webhook

    @workflow.query(name="status")
    def status(self) -> ActivityView:
        return self.view()

    @workflow.query(name="audit")
    def audit_trail(self) -> list[AuditEntry]:
        """What happened to this activity: commands, refusals, alarms skipped on hold."""
        return list(self.audit)

    # -- signals: the Action relays staff commands and instructions here ------------------

    @workflow.signal(name="expert_response")
    def expert_response(self, command: Any = None, *_: Any) -> None:
        self._signalled("expert_response", command, self._apply_expert_response)

    @workflow.signal(name="nominate_expert")
    def nominate_expert(self, command: Any = None, *_: Any) -> None:
        self._signalled("nominate_expert", command, self._apply_nominate)

    @workflow.signal(name="activity_completed")
    def activity_completed(self, command: Any = None, *_: Any) -> None:
        self._signalled("activity_completed", command, self._apply_completed)

    @workflow.signal(name="evaluation_done")
    def evaluation_done(self, command: Any = None, *_: Any) -> None:
        self._signalled("evaluation_done", command, self._apply_evaluation)

    @workflow.signal(name="extend_deadline")
    def extend_deadline(self, command: Any = None, *_: Any) -> None:
        self._signalled(
            "extend_deadline", command, lambda raw: self._apply_extend(self._check_extend(raw))
        )

    @workflow.signal(name="instruction")
    def instruction(self, instruction: Any = None, *_: Any) -> None:
        self._proven()
        if not self._from_our_workers():
            self._record("instruction", "unproven", False, "not signed by the Action's workers")
            self._revision += 1
            return
        try:
            self._apply_instruction(ParentInstruction.model_validate(instruction))
        except ValidationError:
            self._record("instruction", "unknown", False, "not an instruction from the Action")
            self._revision += 1

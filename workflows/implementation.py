"""The Action after approval (DOMAIN.md §3 stages 5-8): its activities as `ActivityDelivery`
children, then completion, follow-up and closure. A part of `ActionLifecycle`, kept in its
own module so each reads as one story.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ActivityError, ChildWorkflowError, FailureError
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from activities import options
    from glossary import (
        ActionFiche,
        ActivityCompleted,
        ActivityView,
        AmendPlan,
        CommandRefused,
        DeliverablesValidated,
        DeliveryInput,
        EvaluationDone,
        ExpertResponse,
        FeedbackReceived,
        FollowUpReceived,
        NominateExpert,
        NoticeKind,
        PlannedActivity,
        Recipient,
        StaffDirectory,
        Stage,
    )
    from glossary.answers import AnswerRequest, AnswerStep
    from glossary.commands import Command
    from glossary.documents import DocumentKind, DocumentRef, DocumentRequest
    from glossary.phrases import N_, T
    from glossary.request import Request
    from glossary.roster import ExpertContact, Reservation
    from glossary.status import ExpertSlotView
    from workflows.activity_delivery import ActivityDelivery, ParentInstruction
    from workflows.casework import (
        ADOPTED_WATCHED,
        DEPENDENCIES,
        EXPERTS_FREED,
        VALIDATION_REQUEST,
        Casework,
    )
    from workflows.clock import Alarm, Clock

FINISHED = ("delivered", "cancelled")


# What the Action relays to an activity, as the audit names it.
RELAYED_AS = {
    "instruction": "the Action's instruction",
    "expert_response": "the expert's answer",
    "nominate_expert": "the nomination",
    "activity_completed": "the completion report",
    "evaluation_done": "the evaluation",
}


# An activity in these stages has not taken place: its experts are held for dates to come.
BEFORE_IT_TAKES_PLACE = ("mobilising", "scheduled")
# Expert places that hold a roster reservation (workflows/mobilisation.py, Slot.state).
HELD = ("invited", "confirmed", "nominated")
CLOSED_OUTSIDE = "activity workflow ended: closed outside the Action (terminated or failed)"
# An activity reports whenever one of its clocks fires; this long past its next deadline
# without a word (or this long at most without one), an adopted one is asked after.
QUIET_GRACE = timedelta(days=1)
QUIET_AT_MOST = timedelta(days=14)


def ended(view: ActivityView, note: str) -> ActivityView:
    """An activity whose workflow ended outside the Action: cancelled, and its clocks, which
    nothing will fire now, no longer shown as open."""
    return view.model_copy(
        update={"stage": "cancelled", "note": note, "clocks": [], "next_due": None}
    )


def planned_view(activity: PlannedActivity, stage: str = "planned") -> ActivityView:
    return ActivityView(
        number=activity.number,
        type=str(activity.type),
        title=activity.title,
        place=activity.place,
        start=activity.start,
        end=activity.end,
        stage=stage,
    )


class Implementation(Casework):
    stage: Stage
    fiche: ActionFiche | None
    request: Request
    staff: StaffDirectory
    officer_id: str

    def _open_implementation(self) -> None:
        self.plan: list[PlannedActivity] = []
        self.views: dict[int, ActivityView] = {}
        self._children: dict[int, asyncio.Task[None]] = {}
        # Started by an earlier run of this Action (continued as new): they report here by
        # signal, their handles stayed with that run.
        self._adopted: set[int] = set()
        # Of those, the ones a signal found ended (_signal_activity).
        self._presumed_ended: set[int] = set()
        # Since 0.9: the experts of an activity closed outside the Action, being freed.
        self._freeing: list[asyncio.Task[None]] = []
        # Since 0.9: when each adopted activity last reported (or this run began).
        self._heard_from: dict[int, datetime] = {}
        self._watching: asyncio.Task[None] | None = None
        # Since 0.8 (set by ActionLifecycle): activities outlive the run that started them.
        self.activities_outlive = False
        # Each expert invitation answered, by its clock: what the answer was.
        self._answered_invitations: dict[str, str] = {}
        # The stage a run that continued as new began in (workflows/continuation.py).
        self.resumed_in: Stage | None = None
        self._mission_handled = False
        self.awaiting_plan = False
        # 0.5: an activity starts once what it depends on is delivered (its `depends_on`).
        self.follows_dependencies = False
        self._plan_clocks = 0
        self.validated: DeliverablesValidated | None = None
        self.feedback: FeedbackReceived | None = None
        self.feedback_overdue = False
        self.follow_up: FollowUpReceived | None = None
        self.adoption_checked = False
        self.final_report: DocumentRef | None = None

    # -- implementation -----------------------------------------------------------------

    async def _implementation(self) -> None:
        assert self.fiche is not None
        if self._adopted and workflow.patched(ADOPTED_WATCHED):
            self._heard_from = dict.fromkeys(self._adopted, workflow.now())
            self._watching = asyncio.create_task(self._watch_adopted())
        if not self.views:  # else carried over by a run that continued as new
            self.plan = sorted(self.fiche.activities, key=lambda a: (a.start, a.number))
            self.views = {a.number: planned_view(a) for a in self.plan}
            self.follows_dependencies = workflow.patched(DEPENDENCIES)
        if self.fiche.two_step:
            # The fact-finding mission first; the rest once the plan is adjusted after it.
            mission = self.fiche.activities[0]
            await self._start_child(mission)
            await self._wait_until(lambda: self.views[mission.number].stage in FINISHED)
            if not self._mission_handled:
                self._mission_handled = True
                self.awaiting_plan = True
                if self.follows_dependencies:
                    self._plan_the_next_step()
            await self._wait_until(lambda: not self.awaiting_plan)
        elif not self.follows_dependencies:
            for activity in self.plan:
                await self._start_child(activity)
        if not self.follows_dependencies:
            await self._wait_until(self._all_activities_finished)
            return
        while True:
            for activity in self._ready():
                await self._start_child(activity)
            if self._all_activities_finished():
                return
            await self._wait_until(lambda: self._all_activities_finished() or bool(self._ready()))

    def _ready(self) -> list[PlannedActivity]:
        """Planned activities not yet started whose prerequisites are delivered (a cancelled
        prerequisite no longer holds them back)."""
        if self.awaiting_plan:
            return []
        return [
            a
            for a in self.plan
            if not self._started(a.number)
            and self.views[a.number].stage == "planned"
            and all(self.views[d].stage in FINISHED for d in a.depends_on if d in self.views)
        ]

    def _plan_the_next_step(self) -> None:
        """A two-step Action after its fact-finding mission: the officer plans the rest,
        reminded, and the manager hears when it is late (issue 21: it stalled silently)."""
        now = self.now()
        self._plan_clocks += 1
        self.clocks.start(
            Clock(
                name=f"next-step-{self._plan_clocks}",
                kind="next_step",
                label="Plan of the next step",
                started_at=now,
                due_at=now + self.policy.next_step_deadline,
                reminders=list(self.policy.next_step_reminders),
                reminder_to=[self._officer()],
                escalate_every=self.policy.escalation_repeat,
                escalate_to="programme manager",
            )
        )
        self._notify(
            self.notice(
                NoticeKind.REMINDER,
                clock=f"next-step-{self._plan_clocks}",
                step="mission-delivered",
                to=self._officer(),
                subject="the fact-finding mission is delivered: plan the next step",
                awaited="the plan of the Action's next step",
                due_at=now + self.policy.next_step_deadline,
                command=f"mieux plan next-step {self.reference} PLAN.json",
            )
        )

    def _all_activities_finished(self) -> bool:
        running = any(not task.done() for task in self._children.values())
        return not running and all(v.stage in FINISHED for v in self.views.values())

    def _started(self, number: int) -> bool:
        return number in self._children or number in self._adopted

    def _child_id(self, number: int) -> str:
        return f"action-{self.reference}-activity-{number}"

    async def _start_child(self, activity: PlannedActivity) -> None:
        if self._started(activity.number) or self.views[activity.number].stage in FINISHED:
            return
        assert self.fiche is not None
        # Before the await: the child's first progress report can arrive in the same task
        # as its start, and must not be overwritten by this planned view.
        self.views[activity.number] = planned_view(activity, "mobilising")
        handle = await workflow.start_child_workflow(
            ActivityDelivery.run,
            DeliveryInput(
                reference=self.reference,
                action_title=self.title,
                activity=activity,
                fiche=self.fiche,
                themes=[str(t) for t in self.request.themes],
                countries=list(self.request.countries),
                policy=self.policy,
                staff=self.staff,
                officer_id=self.officer_id,
                partner=self._partner(),
                parent_id=workflow.info().workflow_id,
                escalation_webhook=self._webhook_enabled() and self.v2,
            ),
            id=self._child_id(activity.number),
            # Since 0.8 an activity outlives its Action's run, which may continue as new
            # (workflows/continuation.py); a withdrawal still reaches it as an instruction.
            **(
                {"parent_close_policy": ParentClosePolicy.ABANDON}
                if self.activities_outlive
                else {}
            ),
            static_summary=f"{self.reference} activity {activity.number}: {activity.title}",
        )

        async def outcome() -> None:
            try:
                self.views[activity.number] = await handle
            except ChildWorkflowError as error:
                # Terminated or failed by hand (e.g. from the UI): the Action goes on without it.
                self._closed_outside(activity.number, f"activity workflow ended: {error}")
            self._revision += 1

        self._children[activity.number] = asyncio.create_task(outcome())

    def _relay(self, instruction: ParentInstruction, numbers: list[int] | None = None) -> None:
        running = [n for n, task in self._children.items() if not task.done()]
        running += [n for n in sorted(self._adopted) if self.views[n].stage not in FINISHED]
        for number in running:
            if numbers is not None and number not in numbers:
                continue
            self._later(
                lambda number=number: self._signal_activity(number, "instruction", instruction)
            )

    async def _wait_for_children(self) -> None:
        await workflow.wait_condition(
            lambda: (
                all(t.done() for t in self._children.values())
                and all(self.views[n].stage in FINISHED for n in self._adopted)
            )
        )

    # -- activity commands: checked here, carried out by the activity's workflow ---------

    def _activity_view(self, command_name: str, number: int) -> ActivityView:
        self._expect_stage(command_name, Stage.IMPLEMENTATION)
        view = self.views.get(number)
        if view is None:
            known = ", ".join(str(n) for n in sorted(self.views))
            raise CommandRefused(f"Action {self.reference} has no activity {number} ({known})")
        if view.stage == "cancelled":
            raise CommandRefused(f"activity {number} was cancelled: {view.note}")
        if view.stage == "delivered":
            raise CommandRefused(f"activity {number} is already delivered and evaluated")
        if not self._started(number):
            raise CommandRefused(f"activity {number} has not started (waiting for the plan)")
        return view

    def _invitation_of(self, view: ActivityView, expert_id: str) -> str:
        """The open invitation's clock (one per invitation), or "" when there is none."""
        prefix = f"expert-{view.number}-{expert_id}-"
        return next((c.name for c in view.clocks if c.name.startswith(prefix)), "")

    def _check_expert_response(self, raw: Any) -> ExpertResponse:
        command = self._parse(ExpertResponse, raw)
        view = self._activity_view("expert_response", command.activity)
        invited = [e.expert_id for e in view.experts if e.state == "invited"]
        # The activity learns of an answer a moment after the Action relays it: a second
        # answer to the same invitation in that moment (the expert confirms, their focal
        # point declines) is refused here, so one answer wins (issue 22.9).
        answered = self._answered_invitations
        invitation = self._invitation_of(view, command.expert_id)
        if invitation and invitation in answered:
            raise CommandRefused(
                f"the answer to this invitation is already recorded: {answered[invitation]}"
            )
        if command.expert_id not in invited:
            raise CommandRefused(
                f"expert {command.expert_id} was not invited to activity {command.activity}"
                + (f" (awaiting: {', '.join(invited)})" if invited else "")
            )
        return command

    def _check_nominate(self, raw: Any) -> NominateExpert:
        command = self._parse(NominateExpert, raw)
        view = self._activity_view("nominate_expert", command.activity)
        if view.stage != "mobilising":
            raise CommandRefused(
                f"activity {command.activity} is {view.stage}: its experts are in place"
            )
        if command.expert_id in [e.expert_id for e in view.experts]:
            raise CommandRefused(
                f"expert {command.expert_id} is already on activity {command.activity}"
            )
        return command

    def _check_completed(self, raw: Any) -> ActivityCompleted:
        command = self._parse(ActivityCompleted, raw)
        view = self._activity_view("activity_completed", command.activity)
        if view.stage != "reporting":
            raise CommandRefused(
                f"activity {command.activity} ends on {view.end:%Y-%m-%d}; its completion is"
                " reported after that"
                if view.stage in ("mobilising", "scheduled", "planned")
                else f"activity {command.activity} is {view.stage}, not waiting for its report"
            )
        return command

    def _check_evaluation(self, raw: Any) -> EvaluationDone:
        command = self._parse(EvaluationDone, raw)
        view = self._activity_view("evaluation_done", command.activity)
        if view.stage != "evaluation":
            raise CommandRefused(
                f"activity {command.activity} is {view.stage}; it is evaluated after its"
                " completion report"
            )
        return command

    def _relay_command(self, name: str, command: Command, number: int, detail: str) -> str:
        payload = command.model_dump(mode="json")
        self._later(lambda: self._signal_activity(number, name, payload))
        return self._accepted(name, command, detail)

    async def _signal_activity(self, number: int, name: str, payload: Any) -> None:
        """An activity's workflow can end while a signal to it is on its way: it finished
        just then, or someone terminated it by hand. Its end, not a failed Action."""
        handle = workflow.get_external_workflow_handle(self._child_id(number))
        try:
            await handle.signal(name, payload)
        except FailureError as error:
            view = self.views[number]
            # Started by this run: its handle tells its end. By an earlier one (continued as
            # new): nothing else will, so it is taken as ended, unless its own last report,
            # sent just before it ended, is handled after this (activity_progress).
            if number in self._adopted and view.stage not in FINISHED:
                self._presumed_ended.add(number)
                self._closed_outside(number, CLOSED_OUTSIDE)
                self._revision += 1
            what = RELAYED_AS.get(name, name)
            self._record(
                "activity_progress",
                "worker",
                True,
                f"activity {number}'s workflow had already ended, so {what} was not passed on"
                f" ({error.message})",
            )

    async def _watch_adopted(self) -> None:
        """Ask an adopted activity to report once it has been quiet too long: a live one
        answers with its state, an ended one is found closed when the request fails."""
        while True:
            quiet = [n for n in sorted(self._adopted) if self.views[n].stage not in FINISHED]
            if not quiet:
                return
            ask_at = {n: self._expected_word(n) for n in quiet}
            now = workflow.now()
            due = [n for n in quiet if ask_at[n] <= now]
            if not due:
                # Woken by the time to ask, not by each report: a report only moves that time
                # later, which the next turn of this loop reads.
                with contextlib.suppress(TimeoutError):
                    await workflow.wait_condition(
                        lambda quiet=quiet: all(self.views[n].stage in FINISHED for n in quiet),
                        timeout=min(ask_at.values()) - now,
                        timeout_summary="adopted activities quiet?",
                    )
                continue
            for number in due:
                self._heard_from[number] = now  # asked: the next ask is a window later
                report = ParentInstruction(kind="report", by="worker")
                self._later(lambda n=number, r=report: self._signal_activity(n, "instruction", r))
            self._revision += 1

    def _expected_word(self, number: int) -> datetime:
        heard = self._heard_from[number]
        next_due = self.views[number].next_due
        if next_due is None or next_due < heard:
            return heard + QUIET_AT_MOST
        return min(next_due + QUIET_GRACE, heard + QUIET_AT_MOST)

    def _closed_outside(self, number: int, note: str) -> None:
        """The activity's workflow ended without the Action (terminated by hand): shown as
        cancelled, and since 0.9 its experts are told and freed here, as it would have."""
        before = self.views[number]
        self.views[number] = ended(before, note)
        held = [e for e in before.experts if e.state in HELD]
        if before.stage not in BEFORE_IT_TAKES_PLACE or not held:
            return
        if not workflow.patched(EXPERTS_FREED):
            return
        self.views[number] = self.views[number].model_copy(
            update={
                "experts": [
                    ExpertSlotView(expert_id=e.expert_id, state="withdrawn") if e in held else e
                    for e in before.experts
                ]
            }
        )
        # Beside the Action, not in its way: a roster database that is away delays only this.
        self._freeing.append(asyncio.create_task(self._free_experts(before, held)))

    async def _free_experts(self, view: ActivityView, held: list[ExpertSlotView]) -> None:
        """What `ActivityDelivery._cancel_now` does, with the same notice keys: an expert it
        had told already is not told twice (the outbox sends a key once)."""
        planned = next(a for a in self.plan if a.number == view.number)
        themes = [str(t) for t in self.request.themes]
        what_where = {"type": view.type, "place": view.place, "start": view.start, "end": view.end}
        for expert in held:
            reservation = Reservation.of(expert.expert_id, self.reference, planned, themes)
            try:
                await workflow.execute_activity(
                    "release_expert",
                    reservation,
                    summary=f"release {expert.expert_id}",
                    **options.RELEASE_EXPERT,
                )
                contact = await workflow.execute_activity(
                    "expert_contact",
                    expert.expert_id,
                    result_type=ExpertContact,
                    summary=f"contact of {expert.expert_id}",
                    **options.EXPERT_CONTACT,
                )
            except ActivityError as error:
                cause = getattr(error.cause, "message", str(error.cause))
                self._record(
                    "activity_progress",
                    "worker",
                    False,
                    f"activity {view.number}: {expert.expert_id} could not be freed: {cause}",
                )
                continue
            recipients = [contact.expert, *([contact.focal_point] if contact.focal_point else [])]
            for to in recipients:
                self._notify(
                    self._calling_off(
                        number=view.number,
                        title=view.title,
                        expert_id=expert.expert_id,
                        expert_name=contact.expert.name,
                        invited=expert.state == "invited",
                        to=to,
                        what_where=what_where,
                        reason=T("The MIEUX team has cancelled this activity."),
                    )
                )
            self._record(
                "activity_progress",
                "worker",
                True,
                f"activity {view.number} was closed outside the Action: {expert.expert_id}"
                f" ({expert.state}) told it is off, and their dates released",
            )
        self._revision += 1

    # -- amending the plan ----------------------------------------------------------------

    def _check_amend_plan(self, raw: Any) -> AmendPlan:
        command = self._parse(AmendPlan, raw)
        self._expect_stage("amend_plan")
        for new in command.add:
            if new.number in self.views:
                raise CommandRefused(f"activity {new.number} already exists; number it anew")
        for change in [*command.cancel, *command.reschedule]:
            view = self.views.get(change.number)
            if view is None:
                raise CommandRefused(f"Action {self.reference} has no activity {change.number}")
            if view.stage in FINISHED:
                raise CommandRefused(f"activity {change.number} is already {view.stage}")
        for change in [*command.cancel, *command.reschedule]:
            if self.views[change.number].stage not in ("planned", "mobilising", "scheduled"):
                raise CommandRefused(
                    f"activity {change.number} has taken place; it can no longer be changed"
                )
        return command

    def _apply_amend_plan(self, raw: Any) -> str:
        command = self._check_amend_plan(raw)
        for cancel in command.cancel:
            view = self.views[cancel.number]
            if self._started(cancel.number):
                self._relay(
                    ParentInstruction(kind="cancel", reason=cancel.reason, by=command.by),
                    [cancel.number],
                )
            else:
                self.views[cancel.number] = view.model_copy(
                    update={"stage": "cancelled", "note": cancel.reason}
                )
        for change in command.reschedule:
            self.plan = [
                a.model_copy(update={"start": change.start, "end": change.end})
                if a.number == change.number
                else a
                for a in self.plan
            ]
            self._relay(
                ParentInstruction(
                    kind="reschedule", start=change.start, end=change.end, by=command.by
                ),
                [change.number],
            )
            self.views[change.number] = self.views[change.number].model_copy(
                update={"start": change.start, "end": change.end}
            )
        for new in command.add:
            self.plan.append(new)
            self.views[new.number] = planned_view(new)
        if self.follows_dependencies:
            # The implementation loop starts what is ready, in the order of dependencies.
            self.awaiting_plan = False
            self.clocks.stop_kind("next_step")
        elif self.awaiting_plan or command.add:
            self.awaiting_plan = False
            waiting = [a for a in self.plan if not self._started(a.number)]
            for activity in waiting:
                self._later(lambda activity=activity: self._start_child(activity))
        parts = [f"added {', '.join(str(a.number) for a in command.add)}"] if command.add else []
        parts += [f"cancelled {c.number} ({c.reason})" for c in command.cancel]
        parts += [f"rescheduled {r.number} to {r.start:%Y-%m-%d}" for r in command.reschedule]
        return self._accepted(
            "amend_plan", command, "plan amended: " + "; ".join(parts or [command.reason])
        )

    # -- completion -------------------------------------------------------------------------

    async def _completion(self) -> None:
        if self.resumed_in != Stage.COMPLETION:  # else its clocks are carried over
            self._start_completion()
        await self._wait_until(
            lambda: (
                self.validated is not None and (self.feedback is not None or self.feedback_overdue)
            )
        )
        await self._end_completion()

    def _start_completion(self) -> None:
        self.stage = Stage.COMPLETION
        now = self.now()
        eudel = self._eudel()
        self._notify(
            self.notice(
                NoticeKind.QUESTIONNAIRE,
                clock="feedback",
                step="questionnaire",
                to=self._partner(),
                cc=[eudel] if eudel else [],
                subject=T("your feedback on the Action"),
                awaited=T("the partner feedback questionnaire"),
                due_at=now + self.policy.feedback_deadline,
                command=f"mieux feedback {self.reference} FEEDBACK.json",
                answer=AnswerRequest(
                    step=AnswerStep.FEEDBACK, until=now + self.policy.feedback_deadline
                ),
            )
        )
        self.clocks.start(
            Clock(
                name="feedback",
                kind="feedback",
                label=N_("Partner feedback"),
                started_at=now,
                due_at=now + self.policy.feedback_deadline,
                reminders=list(self.policy.feedback_reminders),
                reminder_to=[self._partner()],
            )
        )
        if workflow.patched(VALIDATION_REQUEST) and self.validated is None:
            self._ask_for_validation(now)

    async def _end_completion(self) -> None:
        self.clocks.stop("feedback")
        self.final_report = await workflow.execute_activity(
            "write_document",
            DocumentRequest(
                kind=DocumentKind.FINAL_REPORT,
                reference=self.reference,
                action_title=self.title,
                country=self.request.country,
                prepared_on=self.now().date(),
                status=self.status(),
                officer_name=self._officer().name,
            ),
            result_type=DocumentRef,
            summary="final report",
            **options.WRITE_DOCUMENT,
        )

    def _ask_for_validation(self, now: Any) -> None:
        """The partner is asked, with a link, and reminded; the manager hears when it is
        late (issue 21: an Action sat 400 days in completion for want of this)."""
        due = now + self.policy.validation_deadline
        self.clocks.start(
            Clock(
                name="validation",
                kind="validation",
                label=N_("Validation of the deliverables"),
                started_at=now,
                due_at=due,
                reminders=list(self.policy.validation_reminders),
                reminder_to=[self._partner()],
                escalate_every=self.policy.escalation_repeat,
                escalate_to="programme manager",
            )
        )
        delivered = [
            T(
                "Activity {number}: {type:t}, {title} ({place}); outputs: {outputs}",
                number=v.number,
                type=v.type,
                title=v.title,
                place=v.place,
                outputs=", ".join(v.outputs),
            )
            if v.outputs
            else T(
                "Activity {number}: {type:t}, {title} ({place})",
                number=v.number,
                type=v.type,
                title=v.title,
                place=v.place,
            )
            for v in sorted(self.views.values(), key=lambda v: v.number)
            if v.stage != "cancelled"
        ]
        self._notify(
            self.notice(
                NoticeKind.VALIDATION_REQUEST,
                clock="validation",
                step="request",
                to=self._partner(),
                subject=T("please validate the deliverables of the Action"),
                awaited=T("your validation of the deliverables"),
                due_at=due,
                command=f"mieux validate {self.reference}",
                details=delivered,
                answer=AnswerRequest(step=AnswerStep.VALIDATION, until=due),
            )
        )

    def _check_validated(self, raw: Any) -> DeliverablesValidated:
        command = self._parse(DeliverablesValidated, raw)
        self._expect_stage("deliverables_validated")
        if self.validated is not None:
            raise CommandRefused("the deliverables are already validated")
        return command

    def _apply_validated(self, raw: Any) -> str:
        self.validated = self._check_validated(raw)
        self.clocks.stop("validation")
        return self._accepted("deliverables_validated", self.validated, "deliverables validated")

    def _check_feedback(self, raw: Any) -> FeedbackReceived:
        command = self._parse(FeedbackReceived, raw)
        self._expect_stage("feedback_received")
        if self.feedback is not None:
            raise CommandRefused("the partner's feedback is already recorded")
        return command

    def _apply_feedback(self, raw: Any) -> str:
        self.feedback = self._check_feedback(raw)
        self.clocks.stop("feedback")
        return self._accepted(
            "feedback_received", self.feedback, f"feedback: {self.feedback.overall_rating}/5"
        )

    # -- follow-up ------------------------------------------------------------------------

    async def _follow_up(self) -> None:
        """Six months after completion the questionnaire, at twelve the adoption check."""
        if self.resumed_in != Stage.FOLLOW_UP:  # else its clock is carried over
            self._start_follow_up()
        await self._wait_until(
            lambda: self.adoption_checked or (self.follow_up is not None and self.follow_up.adopted)
        )
        self.clocks.stop("follow-up")

    def _start_follow_up(self) -> None:
        self.stage = Stage.FOLLOW_UP
        now = self.now()
        first = self.policy.follow_up_after
        self.clocks.start(
            Clock(
                name="follow-up",
                kind="follow_up",
                label=N_("Follow-up"),
                started_at=now,
                due_at=now + self.policy.adoption_check_after,
                reminders=[first] + [first + r for r in self.policy.follow_up_reminders],
                reminder_to=[self._partner()],
            )
        )

    def _follow_up_alarm(self, clock: Clock, alarm: Alarm) -> None:
        if alarm.step == "due":
            self.adoption_checked = True
            self._record("follow_up_received", "clock", True, self._adoption())
            if self.v2:
                self._notify(
                    self.notice(
                        NoticeKind.ESCALATION,
                        clock=clock.name,
                        step="due",
                        to=self._officer(),
                        subject="follow-up due: the adoption check closes the Action",
                        awaited="nothing more: the Action closes with this adoption check",
                        details=[self._adoption()],
                    )
                )
            return
        if self.follow_up is not None:
            return
        assert alarm.recipient is not None
        questionnaire = alarm.step == "reminder-1"
        self._notify(
            self.notice(
                NoticeKind.QUESTIONNAIRE if questionnaire else NoticeKind.REMINDER,
                clock=clock.name,
                step=alarm.step,
                to=alarm.recipient,
                cc=[e for e in [self._eudel()] if e] if questionnaire else [],
                subject=T("follow-up: what became of the Action's deliverables?"),
                awaited=T("the follow-up questionnaire"),
                due_at=clock.due_at,
                command=f"mieux follow-up {self.reference} FOLLOW_UP.json",
                answer=AnswerRequest(step=AnswerStep.FOLLOW_UP, until=clock.due_at),
            )
        )

    def _adoption(self) -> str:
        if self.follow_up and self.follow_up.adopted:
            return f"adopted: {self.follow_up.adoption}"
        if self.follow_up:
            return f"not adopted yet: {self.follow_up.adoption or self.follow_up.comment}"
        return "adoption check: no answer to the follow-up"

    def _check_follow_up(self, raw: Any) -> FollowUpReceived:
        command = self._parse(FollowUpReceived, raw)
        self._expect_stage("follow_up_received")
        return command

    def _apply_follow_up(self, raw: Any) -> str:
        self.follow_up = self._check_follow_up(raw)
        return self._accepted("follow_up_received", self.follow_up, self._adoption())

    # -- provided by ActionLifecycle ------------------------------------------------------

    def _expect_stage(self, command: str, stage: Stage | None = None) -> None:
        raise NotImplementedError

    def _partner(self) -> Recipient:
        raise NotImplementedError

    def _eudel(self) -> Recipient | None:
        raise NotImplementedError

    def status(self) -> Any:
        raise NotImplementedError

"""`ActionLifecycle`: one durable workflow per request, from intake to closure
(DOMAIN.md §3-§4). Staff commands move it between stages; the clocks nag when they don't.

Stages, in the order this module tells them: intake -> fiche_drafting -> consultation ->
psg_review (-> back to fiche_drafting on `revise` or an objection) -> implementation ->
completion -> follow_up -> closed; rejected, forwarded and withdrawn end it early.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from pydantic import ValidationError

    from activities import options
    from glossary import (
        TERMINAL_STAGES,
        ActionFiche,
        ActionInput,
        ActionStatus,
        ActivityView,
        CommandRefused,
        DecisionRule,
        Hold,
        NoticeKind,
        PsgVoteView,
        Recipient,
        Resume,
        Stage,
        Withdraw,
    )
    from glossary.answers import AnswerRequest, AnswerStep
    from glossary.caller import Caller
    from glossary.commands import ExtendDeadline
    from glossary.country_zones import zone_of_country
    from glossary.documents import DocumentKind, DocumentRef, DocumentRequest
    from glossary.phrases import Phrase, T
    from glossary.public import is_public
    from glossary.register import RegisterRecord, without_personal_data
    from glossary.status import AUDIT_IN_STATUS, DocumentView, StageSpan
    from workflows import search_attributes as sa
    from workflows.activity_delivery import ACTION_WITHDRAWN, ParentInstruction
    from workflows.casework import (
        BOARD_MEMO,
        PUBLIC_SUMMARIES,
        REGISTER_ENDED_ACTIONS,
        ActionWithdrawn,
    )
    from workflows.clock import Alarm, Clock
    from workflows.continuation import ACTIVITIES_OUTLIVE, CONTINUE_AS_NEW, Continuation
    from workflows.implementation import FINISHED
    from workflows.permissions import COMMAND_OF_LINK
    from workflows.process import STAGE_OF_COMMAND
    from workflows.review import consulted_body


# The memo key the board reads (web/board.py).
BOARD = "board"


def raw_clock(raw: Any) -> str:
    return str(raw.get("clock", "")) if isinstance(raw, dict) else ""


# What staff may type for an activity's clock kinds (`mieux deadline extend --activity`).
ACTIVITY_CLOCK_WORDS = {"report": "completion_report", "dates": "redate"}


@workflow.defn(name="ActionLifecycle")
class ActionLifecycle(Continuation):
    @workflow.init
    def __init__(self, input: ActionInput) -> None:
        self.input = input
        self.request = input.request
        self.staff = input.staff
        self._open_case(input.reference, input.request.name, input.policy)
        self.board_memo = workflow.patched(BOARD_MEMO)
        self._memo: dict[str, Any] = {}
        self.stage = Stage.INTAKE
        self.officer_id = self.staff.officer(
            input.request.project_officer, str(input.request.region)
        ).id
        self.fiche: ActionFiche | None = None
        self.fiche_version = 0
        self.psg_round = 0
        self.psg_votes: list[PsgVoteView] = []
        self.revisions = 0
        self.consultations = 0
        # Per consultation round: which consulted body said "no objection" (0.5 on).
        self.consulted_answers: dict[str, str] = {}
        self.consult_everyone = False
        self.outcome = ""
        self.documents: list[DocumentRef] = []
        self._summaries: list[asyncio.Task[None]] = []
        self._open_implementation()
        self.continues = workflow.patched(CONTINUE_AS_NEW)
        self.activities_outlive = self.continues and workflow.patched(ACTIVITIES_OUTLIVE)
        self.runs_before = 0
        if input.carried is not None:
            self._restore(input.carried)
            return
        # Here, not in run(): a command delivered with the first task runs before run().
        self._start_intake_clock()
        if self.v2:
            self._acknowledge_receipt()

    # -- the story ----------------------------------------------------------------------

    @workflow.run
    async def run(self, input: ActionInput) -> ActionStatus:
        try:
            await self._wait_until(lambda: self.stage != Stage.INTAKE)
            # Drafting, consultation and the PSG may loop (revise, objection); the command
            # handlers and the clocks move the stage, this waits for where it ends.
            await self._wait_until(
                lambda: (
                    self.stage in TERMINAL_STAGES
                    or self.stage == Stage.IMPLEMENTATION
                    or self.resumed_in in (Stage.COMPLETION, Stage.FOLLOW_UP)
                )
            )
            if self.resumed_in in (Stage.COMPLETION, Stage.FOLLOW_UP):
                # Continued as new after the implementation: on from where the run ended.
                if self.resumed_in == Stage.COMPLETION:
                    await self._completion()
                await self._follow_up()
                self._end(Stage.CLOSED, f"closed; {self._adoption()}")
            elif self.stage == Stage.IMPLEMENTATION:
                # Written once, by the run that saw the approval.
                if self.resumed_in != Stage.IMPLEMENTATION and workflow.patched(PUBLIC_SUMMARIES):
                    self._public_summary("Public summary at approval")
                await self._implementation()
                await self._completion()
                await self._follow_up()
                self._end(Stage.CLOSED, f"closed; {self._adoption()}")
        except ActionWithdrawn:
            self._withdraw_now()
            await self._flush()
            await self._wait_for_children()
        self._publish()
        if workflow.patched(REGISTER_ENDED_ACTIONS):
            await self._flush()  # the closure notices first: the register never delays them
            if is_public(self.status()) and workflow.patched(PUBLIC_SUMMARIES):
                self._public_summary(f"Public summary at the end ({self.stage})")
            await self._register()
        await workflow.wait_condition(
            lambda: all(t.done() for t in [*self._summaries, *self._freeing])
        )
        await self._flush()  # what freeing experts queued (nothing, when nothing was freed)
        await self._mail_delivered()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.status()

    def _continue_if_long(self) -> None:
        if not self._time_to_continue():
            return
        events = workflow.info().get_current_history_length()
        run = self.runs_before + 1
        self._record(
            "continue_as_new",
            "worker",
            True,
            f"run {run} ended after {events} history events; run {run + 1} goes on with all"
            " it decided, the same clocks and the same workflow id",
        )
        workflow.continue_as_new(self.input.model_copy(update={"carried": self._carry()}))

    def _public_summary(self, label: str) -> None:
        """Written beside the Action's progress, never holding it up: a document store
        that is away delays only the summary (and the end of the run, which waits for it)."""
        self._summaries.append(asyncio.create_task(self._write_public_summary(label)))

    async def _write_public_summary(self, label: str) -> None:
        try:
            ref = await workflow.execute_activity(
                "write_document",
                DocumentRequest(
                    kind=DocumentKind.PUBLIC_SUMMARY,
                    reference=self.reference,
                    action_title=self.title or self.request.name,
                    country=self.request.country,
                    prepared_on=self.now().date(),
                    status=without_personal_data(self.status()),
                    institutions=[a.institution for a in self.request.requesting_authorities],
                ),
                result_type=DocumentRef,
                summary=label.lower(),
                **options.WRITE_DOCUMENT,
            )
        except ActivityError as error:
            self._record("public_summary", "worker", False, f"{label} not written: {error.cause}")
            return
        self.documents.append(ref.model_copy(update={"label": label}))

    async def _register(self) -> None:
        record = RegisterRecord(
            reference=self.reference,
            ended_at=self.now(),
            requester_types=[str(a.type) for a in self.request.requesting_authorities],
            institutions=[a.institution for a in self.request.requesting_authorities],
            countries=list(self.request.countries),
            status=without_personal_data(self.status()),
        )
        await workflow.execute_activity(
            "register_action",
            record,
            result_type=bool,
            summary="the register of Actions",
            **options.REGISTER_ACTION,
        )

    # -- the stage, and when each began and ended ----------------------------------------

    @property
    def stage(self) -> Stage:
        return self._stage

    @stage.setter
    def stage(self, value: Stage) -> None:
        # State only, no command: recorded histories replay unchanged.
        spans: list[StageSpan] = self.__dict__.setdefault("stage_spans", [])
        if not spans or spans[-1].stage != value:
            now = self.now()
            if spans:
                spans[-1] = spans[-1].model_copy(update={"left": now})
            spans.append(StageSpan(stage=value, entered=now))
        self._stage = value

    # -- hold, resume, withdraw ---------------------------------------------------------

    def _apply_withdraw_command(self, raw: Any) -> str:
        command = self._parse(Withdraw, raw, allowed_on_hold=True)
        self.withdrawal = command
        return self._accepted("withdraw", command, f"withdrawn: {command.reason}")

    def _withdraw_now(self) -> None:
        reached_psg = self.stage not in (Stage.INTAKE, Stage.FICHE_DRAFTING, Stage.CONSULTATION)
        reason = self.withdrawal.reason if self.withdrawal else ""
        self._relay(ParentInstruction(kind="cancel", reason=f"{ACTION_WITHDRAWN}{reason}"))
        self._end(Stage.WITHDRAWN, f"withdrawn: {reason}")
        recipients = [self._partner(), self._officer()]
        if self.v2:
            recipients += [e for e in [self._eudel()] if e]
        if reached_psg:
            recipients += [p for body in self.staff.psg for p in self._psg_people(body)]
        for to in recipients:
            self._notify(
                self.notice(
                    NoticeKind.WITHDRAWAL,
                    clock="withdrawal",
                    step="notice",
                    to=to,
                    subject=T("Action {name} withdrawn", name=self.request.name),
                    awaited=T("nothing: the Action is withdrawn"),
                    details=[reason],
                )
            )

    def _end(self, stage: Stage, outcome: str) -> None:
        self.stage = stage
        self.outcome = outcome
        self.on_hold = False
        self.clocks.open.clear()

    # -- alarms ---------------------------------------------------------------------------

    def _on_alarm(self, clock: Clock, alarm: Alarm) -> None:
        if clock.kind == "follow_up":
            self._follow_up_alarm(clock, alarm)
        elif clock.kind == "feedback" and alarm.step == "due":
            self.feedback_overdue = True
            self._notify(self._escalation(clock, alarm, self._officer()))
        elif alarm.step.startswith("reminder"):
            assert alarm.recipient is not None
            if clock.kind == "psg" and self._has_voted(alarm.recipient):
                return
            self._notify(self._reminder(clock, alarm, alarm.recipient))
        elif clock.kind == "consultation":
            # Positive silence: no objection within the window is no objection (DOMAIN §3).
            self.clocks.stop(clock.name)
            self._record("consultation_feedback", "clock", True, "no objection within the window")
            self._start_psg_round()
        elif clock.kind == "psg" and self.policy.psg_decision_rule == DecisionRule.SILENCE_APPROVES:
            self._record("psg_vote", "clock", True, "silence of the non-voters counts as approval")
            self._decide_psg(silence_approves=True)
        else:
            to = self._director() if clock.kind == "psg" else self._manager()
            self._notify(self._escalation(clock, alarm, to))

    def _reminder(self, clock: Clock, alarm: Alarm, to: Recipient) -> Any:
        awaited, command = self._awaited(clock)
        return self.notice(
            NoticeKind.REMINDER,
            clock=clock.name,
            step=alarm.step,
            to=to,
            subject=T(
                "reminder: {label:t} due {due:shortdate}", label=clock.label, due=clock.due_at
            ),
            awaited=awaited,
            due_at=clock.due_at,
            command=command,
            answer=self._answer_for(clock, to),
        )

    def _answer_for(self, clock: Clock, to: Recipient) -> AnswerRequest | None:
        """The answers a reminder offers: the same as the notice it reminds of."""
        step = {
            "consultation": AnswerStep.CONSULTATION,
            "psg": AnswerStep.PSG_VOTE,
            "feedback": AnswerStep.FEEDBACK,
            "validation": AnswerStep.VALIDATION,
        }.get(clock.kind)
        if step is None:
            return None
        subject, round_ = "", None
        if step == AnswerStep.CONSULTATION:
            subject, round_ = consulted_body(to), self.fiche_version
        elif step == AnswerStep.PSG_VOTE:
            subject, round_ = to.role.removeprefix("psg:"), self.psg_round
        return AnswerRequest(step=step, subject=subject, until=clock.due_at, round=round_)

    # -- answer links: each answers one step, for one person (workflows/permissions.py) --

    def _check_link(self, name: str, command: Any, caller: Caller) -> None:
        link = caller.link
        assert link is not None
        if link.reference != self.reference or COMMAND_OF_LINK.get(link.step) != name:
            raise CommandRefused(f"This link does not answer {name} on Action {self.reference}.")
        if link.step == AnswerStep.PSG_VOTE:
            if command.member != link.subject:
                raise CommandRefused(f"This link is for the vote of {link.subject} only.")
            self._same_step(link.round, self.psg_round, "the PSG vote", "round")
        elif link.step == AnswerStep.CONSULTATION:
            if command.organisation != link.subject:
                raise CommandRefused(f"This link is for the comments of the {link.subject} only.")
            self._same_step(
                link.round, self.fiche_version, "the consultation on the Action Fiche", "version"
            )
        elif link.step == AnswerStep.INVITATION:
            if command.expert_id != link.subject or command.activity != link.activity:
                raise CommandRefused("This link is for another invitation.")
            view = self.views.get(command.activity)
            open_now = self._invitation_of(view, command.expert_id) if view else ""
            if link.round is not None and open_now and not open_now.endswith(f"-{link.round}"):
                raise CommandRefused(
                    "This question is closed: the link was for an earlier invitation to this"
                    " activity; the message about the current one carries its own link."
                )

    def _same_step(self, linked: int | None, now_open: int, what: str, word: str) -> None:
        if linked == now_open:
            return
        which = f"{word} {linked}" if linked else "an earlier round"
        raise CommandRefused(
            f"This question is closed: the link was for {what} ({which}), which has ended."
            f" {what[0].upper()}{what[1:]} now open is {word} {now_open}; the message about it"
            " carries its own link."
        )

    def _escalation(self, clock: Clock, alarm: Alarm, to: Recipient) -> Any:
        awaited, command = self._awaited(clock)
        overdue = self.now() - clock.due_at
        return self.notice(
            NoticeKind.ESCALATION,
            clock=clock.name,
            step=alarm.step,
            to=to,
            subject=f"overdue: {clock.label} (due {clock.due_at:%d %b %Y})",
            awaited=awaited,
            due_at=clock.due_at,
            command=command,
            details=[f"overdue by {overdue.days} days"] if overdue > timedelta(0) else [],
        )

    def _hold_reminder(self, alarm: Alarm) -> Any:
        return self.notice(
            NoticeKind.REMINDER,
            clock=alarm.clock,
            step=alarm.step,
            to=self._manager(),
            subject="still on hold?",
            awaited=f"a decision to resume or withdraw (on hold: {self.hold_reason})",
            command=f"mieux resume {self.reference}",
        )

    def _awaited(self, clock: Clock) -> tuple[str | Phrase, str]:
        ref = self.reference
        officer = self._officer().name
        if clock.kind == "intake":
            return (f"the intake decision from {officer}", f"mieux intake {ref} accept")
        if clock.kind in ("fiche", "revision"):
            return (
                f"the Action Fiche from {officer}",
                f"mieux fiche submit {ref} FICHE.json",
            )
        if clock.kind == "consultation":
            return (
                T("comments on the Action Fiche (silence counts as no objection)"),
                f"mieux consult {ref} --by ORG --no-objection",
            )
        if clock.kind == "psg":
            missing = [b for b in self.staff.psg if b not in self._votes_this_round()]
            return (
                f"PSG votes from {', '.join(missing)}",
                f"mieux approve {ref} --member MEMBER",
            )
        if clock.kind == "feedback":
            return (T("the partner feedback questionnaire"), f"mieux feedback {ref} FEEDBACK.json")
        if clock.kind == "next_step":
            return (
                "the plan of the next step after the fact-finding mission",
                f"mieux plan next-step {ref} PLAN.json",
            )
        if clock.kind == "validation":
            return (T("the partner's validation of the deliverables"), f"mieux validate {ref}")
        return (clock.label, "")

    # -- who ----------------------------------------------------------------------------

    def _director(self) -> Recipient:
        return Recipient.of("programme_director", self.staff.programme_director)

    def _psg_people(self, body: str) -> list[Recipient]:
        return [Recipient.of(f"psg:{body}", p) for p in self.staff.psg[body]]

    def _has_voted(self, person: Recipient) -> bool:
        return person.role.removeprefix("psg:") in self._votes_this_round()

    def _partner(self) -> Recipient:
        return self._in_country(
            Recipient.of(
                "partner_focal_point", self.request.partner_focal_point, f"partner-{self.reference}"
            )
        )

    def _eudel(self) -> Recipient | None:
        contact = (self.fiche.eudel_contact if self.fiche else None) or self.request.eudel_contact
        if contact is None:
            return None
        return self._in_country(Recipient.of("eudel", contact, f"eudel-{self.reference}"))

    def _in_country(self, person: Recipient) -> Recipient:
        """A partner or EUDEL contact who gave no time zone (UTC, the default) reads the
        clock of the requesting country: reminders come in its working hours."""
        if not self.v2 or person.timezone != "UTC":
            return person
        zone = zone_of_country(self.request.country)
        return person.model_copy(update={"timezone": zone}) if zone else person

    # -- what management sees -----------------------------------------------------------

    def _ended(self) -> bool:
        return self.stage in TERMINAL_STAGES or self.withdrawal is not None

    def _stage_name(self) -> str:
        return str(self.stage) if self.stage in TERMINAL_STAGES else "withdrawn"

    def _expect_stage(self, command: str, stage: Stage | None = None) -> None:
        # The process table says where each command belongs; `mieux process` prints it.
        stage = stage or STAGE_OF_COMMAND[command]
        if self.stage != stage:
            raise CommandRefused(
                f"{command} is for the {stage} stage; Action {self.reference} is in {self.stage}"
            )

    def _waiting_on(self) -> tuple[str, list[str]]:
        if self.stage in TERMINAL_STAGES:
            return ("nothing: " + self.outcome, [])
        if self.on_hold:
            return (f"a decision to resume (on hold: {self.hold_reason})", ["programme manager"])
        officer = self._officer().name
        match self.stage:
            case Stage.INTAKE:
                return ("the intake decision: accept, reject or forward", [officer])
            case Stage.FICHE_DRAFTING:
                return (f"Action Fiche version {self.fiche_version + 1}", [officer])
            case Stage.CONSULTATION:
                return ("comments of the EU Delegation and EC services", ["EUDEL", "EC services"])
            case Stage.PSG_REVIEW:
                missing = [b for b in self.staff.psg if b not in self._votes_this_round()]
                return (f"PSG votes (round {self.psg_round})", missing)
            case Stage.IMPLEMENTATION:
                if self.awaiting_plan:
                    return ("the plan adjusted after the fact-finding mission", [officer])
                return ("; ".join(self._activity_waits()), [officer])
            case Stage.COMPLETION:
                missing = []
                if self.validated is None:
                    missing.append("validation of the deliverables")
                if self.feedback is None:
                    missing.append("the partner feedback questionnaire")
                return (" and ".join(missing), ["partner focal point"])
            case Stage.FOLLOW_UP:
                return ("the follow-up questionnaire and the adoption check", ["partner"])
        return (f"the {self.stage} stage", [officer])

    def _activity_waits(self) -> list[str]:
        waits = []
        for view in sorted(self.views.values(), key=lambda v: v.number):
            if view.stage in FINISHED:
                continue
            when = f"{view.type}, {view.place}, {view.start:%d %b}-{view.end:%d %b}"
            pending = sum(1 for e in view.experts if e.state == "invited")
            if view.stage == "mobilising" and pending:
                waits.append(
                    f"{pending} expert confirmation(s) for activity {view.number} ({when})"
                )
            else:
                waits.append(f"activity {view.number} {view.stage} ({when})")
        return waits or ["the activities to finish"]

    def _publish(self) -> None:
        wanted = [
            sa.REFERENCE.value_set(self.reference),
            sa.STAGE.value_set(str(self.stage)),
            sa.REGION.value_set(str(self.request.region)),
            sa.COUNTRY.value_set(self.request.country),
            sa.THEMES.value_set([str(t) for t in self.request.themes]),
            sa.PROJECT_OFFICER.value_set(self.officer_id),
            sa.ON_HOLD.value_set(self.on_hold),
        ]
        dues = [self.clocks.next_due()] + [v.next_due for v in self.views.values()]
        due = min((d for d in dues if d is not None), default=None)
        if self.on_hold:
            due = None
        wanted.append(sa.NEXT_DUE.value_set(due) if due else sa.NEXT_DUE.value_unset())
        current = workflow.info().typed_search_attributes
        changed = [u for u in wanted if current.get(u.key) != u.value]
        if changed:
            workflow.upsert_search_attributes(changed)
        if self.board_memo:
            self._publish_memo()
        workflow.set_current_details(self._details())

    def _publish_memo(self) -> None:
        """What the board shows beside the search attributes; encrypted like any payload."""
        what, whom = self._waiting_on()
        problems = len(self.mail_problems) + sum(len(v.mail_problems) for v in self.views.values())
        memo = {
            "name": self.request.name,
            "waiting_on": what,
            "waiting_for": list(whom),
            "mail_problems": problems,
        }
        if memo != self._memo:
            workflow.upsert_memo({BOARD: memo})
            self._memo = memo

    def _details(self) -> str:
        what, whom = self._waiting_on()
        lines = [f"**{self.reference} {self.request.name}**: stage `{self.stage}`"]
        lines.append(f"Waiting for {what}" + (f" from {', '.join(whom)}" if whom else ""))
        for clock in self.clocks.open.values():
            state = " (paused)" if clock.paused_at else ""
            lines.append(f"- {clock.label} due {clock.due_at:%Y-%m-%d %H:%M} UTC{state}")
        return "\n".join(lines)

    @workflow.query(name="status")
    def status(self) -> ActionStatus:
        what, whom = self._waiting_on()
        return ActionStatus(
            reference=self.reference,
            name=self.request.name,
            stage=self.stage,
            on_hold=self.on_hold,
            hold_reason=self.hold_reason,
            title=self.title,
            country=self.request.country,
            region=self.request.region,
            themes=[str(t) for t in self.request.themes],
            project_officer=self.officer_id,
            project_officer_name=self._officer().name,
            received_on=self.request.received_on,
            clocks=self.clocks.views(),
            waiting_on=what,
            waiting_for=whom,
            psg_round=self.psg_round,
            psg_votes=list(self.psg_votes),
            fiche_version=self.fiche_version,
            activities=[self.views[n] for n in sorted(self.views)],
            outcome=self.outcome,
            feedback_rating=self.feedback.overall_rating if self.feedback else None,
            adopted=self.follow_up.adopted if self.follow_up else None,
            adoption=self.follow_up.adoption if self.follow_up else "",
            documents=[
                DocumentView(
                    label=d.label or d.kind,
                    kind=d.kind,
                    docx_path=d.docx_path,
                    markdown_path=d.markdown_path,
                )
                for d in [*self.documents, *self._final_report_listed()]
            ],
            audit=self.audit[-AUDIT_IN_STATUS:],
            audit_left_out=max(0, len(self.audit) - AUDIT_IN_STATUS),
            refusals_not_listed=dict(self.refusals_not_listed),
            stages=list(self.__dict__.get("stage_spans", [])),
            mail_problems=self.mail_problems
            + [p for n in sorted(self.views) for p in self.views[n].mail_problems],
        )

    def _webhook_enabled(self) -> bool:
        return self.input.escalation_webhook

    # -- commands: an update with a validator, and a signal of the same name (DOMAIN §6) --

    @workflow.update(name="intake_decision")
    def intake_decision(self, command: Any) -> str:
        return self._apply_intake_decision(command)

    @intake_decision.validator
    def _intake_decision_valid(self, command: Any) -> None:
        self._check_intake_decision(command)

    @workflow.signal(name="intake_decision")
    def intake_decision_signal(self, command: Any = None, *_: Any) -> None:
        self._signalled("intake_decision", command, self._apply_intake_decision)

    @workflow.update(name="submit_fiche")
    def submit_fiche(self, command: Any) -> str:
        return self._apply_submit_fiche(command)

    @submit_fiche.validator
    def _submit_fiche_valid(self, command: Any) -> None:
        self._check_submit_fiche(command)

    @workflow.signal(name="submit_fiche")
    def submit_fiche_signal(self, command: Any = None, *_: Any) -> None:
        self._signalled("submit_fiche", command, self._apply_submit_fiche)

    @workflow.update(name="consultation_feedback")
    def consultation_feedback(self, command: Any) -> str:
        return self._apply_consultation_feedback(command)

    @consultation_feedback.validator
    def _consultation_feedback_valid(self, command: Any) -> None:
        self._check_consultation_feedback(command)

    @workflow.signal(name="consultation_feedback")
    def consultation_feedback_signal(self, command: Any = None, *_: Any) -> None:
        self._signalled("consultation_feedback", command, self._apply_consultation_feedback)

    @workflow.update(name="psg_vote")
    def psg_vote(self, command: Any) -> str:
        return self._apply_psg_vote(command)

    @psg_vote.validator
    def _psg_vote_valid(self, command: Any) -> None:
        self._check_psg_vote(command)

    @workflow.signal(name="psg_vote")
    def psg_vote_signal(self, command: Any = None, *_: Any) -> None:
        self._signalled("psg_vote", command, self._apply_psg_vote)

    def _check_extend_anywhere(self, raw: Any) -> ExtendDeadline:
        """The Action's own clocks, or with `activity` one of that activity's deadlines
        (an expert's confirmation, the completion report, the evaluation, new dates)."""
        command = self._parse(ExtendDeadline, raw, allowed_on_hold=True)
        if command.activity is None:
            return self._check_extend(raw)
        view = self._activity_view("extend_deadline", command.activity)
        deadlines = [c for c in view.clocks if c.deadline]
        kind = ACTIVITY_CLOCK_WORDS.get(command.clock, command.clock)
        found = [c for c in deadlines if c.name == command.clock] or [
            c for c in deadlines if c.kind == kind
        ]
        if len(found) != 1:
            names = ", ".join(c.name for c in deadlines)
            raise CommandRefused(
                f"no open clock {command.clock!r} on activity {command.activity}"
                + (f" (open: {names})" if names else " (no deadline is running)")
            )
        # The activity finds its clock by name: what staff typed may be a kind or a word.
        return command.model_copy(update={"clock": found[0].name})

    def _extend_anywhere(self, raw: Any) -> str:
        command = self._check_extend_anywhere(raw)
        if command.activity is None:
            return self._apply_extend(command)
        return self._relay_command(
            "extend_deadline",
            command,
            command.activity,
            f"activity {command.activity}: {raw_clock(raw)} extended by"
            f" {command.extend_by.days} days: {command.reason}",
        )

    @workflow.update(name="extend_deadline")
    def extend_deadline(self, command: Any) -> str:
        return self._extend_anywhere(command)

    @extend_deadline.validator
    def _extend_deadline_valid(self, command: Any) -> None:
        self._check_extend_anywhere(command)

    @workflow.signal(name="extend_deadline")
    def extend_deadline_signal(self, command: Any = None, *_: Any) -> None:
        self._signalled("extend_deadline", command, self._extend_anywhere)

    def _hold_everything(self, raw: Any) -> str:
        command = self._check_hold(raw)
        self._relay(ParentInstruction(kind="hold", reason=command.reason, by=command.by))
        return self._apply_hold(command)

    def _resume_everything(self, raw: Any) -> str:
        command = self._check_resume(raw)
        spans: list[StageSpan] = self.__dict__.get("stage_spans", [])
        if spans and self.held_since is not None:
            # M&E counts a stay without its time on hold (issue 21.9): state only.
            held = (self.now() - self.held_since) / timedelta(days=1)
            spans[-1] = spans[-1].model_copy(update={"held_days": spans[-1].held_days + held})
        self._relay(ParentInstruction(kind="resume", by=command.by))
        return self._apply_resume(command)

    @workflow.update(name="hold")
    def hold(self, command: Any) -> str:
        return self._hold_everything(command)

    @hold.validator
    def _hold_valid(self, command: Any) -> None:
        self._check_hold(command)

    @workflow.signal(name="hold")
    def hold_signal(self, command: Any = None, *_: Any) -> None:
        self._signalled("hold", command, self._hold_everything)

    @workflow.update(name="resume")
    def resume(self, command: Any) -> str:
        return self._resume_everything(command)

    @resume.validator
    def _resume_valid(self, command: Any) -> None:
        self._check_resume(command)

    @workflow.signal(name="resume")
    def resume_signal(self, command: Any = None, *_: Any) -> None:
        self._signalled("resume", command, self._resume_everything)

    @workflow.update(name="withdraw")
    def withdraw(self, command: Any) -> str:
        return self._apply_withdraw_command(command)

    @withdraw.validator
    def _withdraw_valid(self, command: Any) -> None:
        self._parse(Withdraw, command, allowed_on_hold=True)

    @workflow.signal(name="withdraw")
    def withdraw_signal(self, command: Any = None, *_: Any) -> None:
        self._signalled("withdraw", command, self._apply_withdraw_command)

    # -- the activities' commands, checked here and carried out by each ActivityDelivery --

    def _relay_expert_response(self, raw: Any) -> str:
        c = self._check_expert_response(raw)
        answer = "confirmed" if c.confirmed else f"declined ({c.reason or 'no reason'})"
        invitation = self._invitation_of(self.views[c.activity], c.expert_id)
        if invitation:
            self._answered_invitations[invitation] = answer
        return self._relay_command(
            "expert_response", c, c.activity, f"{c.expert_id} {answer} for activity {c.activity}"
        )

    def _relay_nominate(self, raw: Any) -> str:
        c = self._check_nominate(raw)
        return self._relay_command(
            "nominate_expert", c, c.activity, f"{c.expert_id} nominated for activity {c.activity}"
        )

    def _relay_completed(self, raw: Any) -> str:
        c = self._check_completed(raw)
        return self._relay_command(
            "activity_completed", c, c.activity, f"activity {c.activity} completion reported"
        )

    def _relay_evaluation(self, raw: Any) -> str:
        c = self._check_evaluation(raw)
        return self._relay_command(
            "evaluation_done", c, c.activity, f"activity {c.activity} evaluated"
        )

    @workflow.update(name="expert_response")
    def expert_response(self, command: Any) -> str:
        return self._relay_expert_response(command)

    @expert_response.validator
    def _expert_response_valid(self, command: Any) -> None:
        self._check_expert_response(command)

    @workflow.signal(name="expert_response")
    def expert_response_signal(self, command: Any = None, *_: Any) -> None:
        self._signalled("expert_response", command, self._relay_expert_response)

    @workflow.update(name="nominate_expert")
    def nominate_expert(self, command: Any) -> str:
        return self._relay_nominate(command)

    @nominate_expert.validator
    def _nominate_expert_valid(self, command: Any) -> None:
        self._check_nominate(command)

    @workflow.signal(name="nominate_expert")
    def nominate_expert_signal(self, command: Any = None, *_: Any) -> None:
        self._signalled("nominate_expert", command, self._relay_nominate)

    @workflow.update(name="activity_completed")
    def activity_completed(self, command: Any) -> str:
        return self._relay_completed(command)

    @activity_completed.validator
    def _activity_completed_valid(self, command: Any) -> None:
        self._check_completed(command)

    @workflow.signal(name="activity_completed")
    def activity_completed_signal(self, command: Any = None, *_: Any) -> None:
        self._signalled("activity_completed", command, self._relay_completed)

    @workflow.update(name="evaluation_done")
    def evaluation_done(self, command: Any) -> str:
        return self._relay_evaluation(command)

    @evaluation_done.validator
    def _evaluation_done_valid(self, command: Any) -> None:
        self._check_evaluation(command)

    @workflow.signal(name="evaluation_done")
    def evaluation_done_signal(self, command: Any = None, *_: Any) -> None:
        self._signalled("evaluation_done", command, self._relay_evaluation)

    @workflow.update(name="amend_plan")
    def amend_plan(self, command: Any) -> str:
        return self._apply_amend_plan(command)

    @amend_plan.validator
    def _amend_plan_valid(self, command: Any) -> None:
        self._check_amend_plan(command)

    @workflow.signal(name="amend_plan")
    def amend_plan_signal(self, command: Any = None, *_: Any) -> None:
        self._signalled("amend_plan", command, self._apply_amend_plan)

    @workflow.update(name="deliverables_validated")
    def deliverables_validated(self, command: Any) -> str:
        return self._apply_validated(command)

    @deliverables_validated.validator
    def _deliverables_validated_valid(self, command: Any) -> None:
        self._check_validated(command)

    @workflow.signal(name="deliverables_validated")
    def deliverables_validated_signal(self, command: Any = None, *_: Any) -> None:
        self._signalled("deliverables_validated", command, self._apply_validated)

    @workflow.update(name="feedback_received")
    def feedback_received(self, command: Any) -> str:
        return self._apply_feedback(command)

    @feedback_received.validator
    def _feedback_received_valid(self, command: Any) -> None:
        self._check_feedback(command)

    @workflow.signal(name="feedback_received")
    def feedback_received_signal(self, command: Any = None, *_: Any) -> None:
        self._signalled("feedback_received", command, self._apply_feedback)

    @workflow.update(name="follow_up_received")
    def follow_up_received(self, command: Any) -> str:
        return self._apply_follow_up(command)

    @follow_up_received.validator
    def _follow_up_received_valid(self, command: Any) -> None:
        self._check_follow_up(command)

    @workflow.signal(name="follow_up_received")
    def follow_up_received_signal(self, command: Any = None, *_: Any) -> None:
        self._signalled("follow_up_received", command, self._apply_follow_up)

    @workflow.signal(name="activity_progress")
    def activity_progress(self, view: Any = None, *_: Any) -> None:
        """Each ActivityDelivery reports its state here, for status and the UI."""
        self._proven()
        if not self._from_our_workers():
            self._record("activity_progress", "unproven", False, "not signed by our workers")
            self._revision += 1
            return
        try:
            view = ActivityView.model_validate(view)
        except ValidationError:
            self._record("activity_progress", "unknown", False, "not an activity's report")
            self._revision += 1
            return
        current = self.views.get(view.number)
        open_to_reports = current is not None and (
            current.stage not in FINISHED or view.number in self._presumed_ended
        )
        if view.number in self._heard_from:
            self._heard_from[view.number] = workflow.now()
        if current is None or (open_to_reports and view.report >= current.report):
            self._presumed_ended.discard(view.number)
            self.views[view.number] = view
            self._revision += 1


__all__ = ["ActionLifecycle", "ExtendDeadline", "Hold", "Resume"]

"""Before the PSG decides: the request at intake and the Action Fiche drafted with the
partner (DOMAIN.md §3 stages 1-2). A part of `ActionLifecycle`, kept apart by stage."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities import options
    from glossary import (
        CommandRefused,
        IntakeDecision,
        NoticeKind,
        Stage,
        SubmitFiche,
    )
    from glossary.commands import IntakeOutcome
    from glossary.documents import DocumentKind, DocumentRef, DocumentRequest
    from glossary.languages import Language
    from glossary.phrases import Phrase, T
    from workflows.casework import (
        INTAKE_FROM_RECEIPT,
    )
    from workflows.clock import Clock
    from workflows.implementation import Implementation


class Intake(Implementation):
    """Intake and Fiche drafting."""

    # -- intake -------------------------------------------------------------------------

    def _start_intake_clock(self) -> None:
        now = self.now()
        started = now
        # DOMAIN §4: the decision is due 7 days after *receipt*; a request registered days
        # after it arrived has had those days (counted from that day's start, UTC).
        if workflow.patched(INTAKE_FROM_RECEIPT) and self.request.received_on < now.date():
            started = datetime.combine(self.request.received_on, time(), UTC)
        self.clocks.start(
            Clock(
                name="intake",
                kind="intake",
                label="Intake decision",
                started_at=started,
                due_at=started + self.policy.intake_deadline,
                reminders=list(self.policy.intake_reminders),
                reminder_to=[self._officer()],
                escalate_every=self.policy.escalation_repeat,
                escalate_to="programme manager",
            )
        )

    def _acknowledge_receipt(self) -> None:
        """The partner learns the reference at once; the officer learns the case is theirs."""
        self._notify(
            self.notice(
                NoticeKind.ACKNOWLEDGEMENT,
                clock="intake",
                step="acknowledgement",
                to=self._partner(),
                subject=T("request received: {name}", name=self.request.name),
                awaited=T("nothing for now: we are assessing your request"),
                details=[
                    T(
                        "Your request is registered as MIEUX {reference}; please quote it.",
                        reference=self.reference,
                    ),
                    T(
                        "Your contact in the MIEUX team is {officer}.",
                        officer=self._officer().name,
                    ),
                    *self._decision_due(),
                ],
            )
        )
        self._assign()

    def _decision_due(self) -> list[Phrase]:
        due = self.clocks.open["intake"].due_at
        if due > self.now():
            return [T("A first decision is due by {due:date}.", due=due)]
        return [T("We will write with a first decision shortly.")]

    def _tell_partner_accepted(self) -> None:
        """The Fiche is drafted *jointly* (DOMAIN §3): the partner must know it has begun."""
        fiche = self.clocks.open["fiche"]
        self._notify(
            self.notice(
                NoticeKind.DECISION,
                clock="intake",
                step="decision",
                to=self._partner(),
                subject=T("your request {name}: accepted", name=self.request.name),
                awaited=T("nothing: this is the decision on your request"),
                details=[
                    T("The decision: accepted."),
                    T(
                        "{officer} will draft the Action Fiche with you by {due:date}.",
                        officer=self._officer().name,
                        due=fiche.due_at,
                    ),
                ],
            )
        )

    def _assign(self) -> None:
        intake = self.clocks.get("intake")
        by = [a.institution for a in self.request.requesting_authorities]
        self._notify(
            self.notice(
                NoticeKind.ASSIGNMENT,
                clock="assignment",
                step=self.officer_id,
                to=self._officer(),
                subject=f"this case is yours: {self.request.name}",
                awaited="the intake decision: accept, reject or forward"
                if intake
                else "the Action Fiche",
                due_at=intake.due_at if intake else None,
                command=f"mieux intake {self.reference} accept"
                if intake
                else f"mieux fiche submit {self.reference} FICHE.json",
                details=[
                    f"Requested by {', '.join(by)} ({self.request.country});"
                    f" themes: {', '.join(self.request.themes)}",
                ],
            )
        )

    def _check_intake_decision(self, raw: Any) -> IntakeDecision:
        command = self._parse(IntakeDecision, raw)
        self._expect_stage("intake_decision")
        if command.project_officer and command.project_officer not in {
            o.id for o in self.staff.project_officers
        }:
            raise CommandRefused(f"{command.project_officer!r} is not a configured project officer")
        return command

    def _apply_intake_decision(self, raw: Any) -> str:
        command = self._check_intake_decision(raw)
        self.clocks.stop("intake")
        reassigned = bool(command.project_officer) and command.project_officer != self.officer_id
        if command.project_officer:
            self.officer_id = command.project_officer
        if command.decision == IntakeOutcome.ACCEPT:
            self._start_drafting(revision=False)
            if self.v2:
                self._tell_partner_accepted()
            if self.v2 and reassigned:
                self._assign()
            return self._accepted(
                "intake_decision",
                command,
                f"accepted; Action Fiche due in {self.policy.fiche_deadline.days} days",
            )
        name = self.request.name
        if command.decision == IntakeOutcome.REJECT:
            self._end(Stage.REJECTED, f"rejected at intake: {command.reason}")
            subject = T(
                "your request {name}: rejected at intake: {reason}",
                name=name,
                reason=command.reason,
            )
            decision = T("The decision: rejected at intake: {reason}.", reason=command.reason)
        else:
            self._end(Stage.FORWARDED, f"forwarded to {command.forward_to}")
            subject = T("your request {name}: forwarded to {to}", name=name, to=command.forward_to)
            decision = T("The decision: forwarded to {to}.", to=command.forward_to)
        self._notify(
            self.notice(
                NoticeKind.DECISION,
                clock="intake",
                step="decision",
                to=self._partner(),
                cc=[self._officer()],
                subject=subject,
                awaited=T("nothing: this is the decision on your request"),
                details=[decision],
            )
        )
        return self._accepted("intake_decision", command, self.outcome)

    # -- fiche drafting -----------------------------------------------------------------

    def _start_drafting(self, *, revision: bool) -> None:
        self.stage = Stage.FICHE_DRAFTING
        now = self.now()
        if revision:
            self.revisions += 1
            deadline, reminders = self.policy.revision_deadline, self.policy.revision_reminders
            name, kind, label = f"revision-{self.revisions}", "revision", "Fiche revision"
        else:
            deadline, reminders = self.policy.fiche_deadline, self.policy.fiche_reminders
            name, kind, label = "fiche", "fiche", "Action Fiche"
        self.clocks.start(
            Clock(
                name=name,
                kind=kind,
                label=label,
                started_at=now,
                due_at=now + deadline,
                reminders=list(reminders),
                reminder_to=[self._officer()],
                escalate_every=self.policy.escalation_repeat,
                escalate_to="programme manager",
            )
        )

    def _check_submit_fiche(self, raw: Any) -> SubmitFiche:
        command = self._parse(SubmitFiche, raw)
        self._expect_stage("submit_fiche")
        return command

    def _apply_submit_fiche(self, raw: Any) -> str:
        command = self._check_submit_fiche(raw)
        self.fiche = command.fiche
        self.fiche_version += 1
        self.title = command.fiche.title
        self.clocks.stop_kind("fiche", "revision")
        if self.v2:
            self._later(self._write_fiche)
        self._start_consultation()
        return self._accepted(
            "submit_fiche",
            command,
            f"Action Fiche v{self.fiche_version} submitted; consultation until "
            f"{self.clocks.open[self._consultation_clock()].due_at:%Y-%m-%d}",
        )

    async def _write_fiche(self) -> None:
        """Every version of the Fiche becomes a document (.docx and Markdown), kept."""
        assert self.fiche is not None
        version = self.fiche_version
        ref: DocumentRef = await workflow.execute_activity(
            "write_document",
            DocumentRequest(
                kind=DocumentKind.ACTION_FICHE,
                reference=self.reference,
                action_title=self.fiche.title,
                country=self.request.country,
                prepared_on=workflow.now().date(),
                fiche=self.fiche,
                fiche_version=version,
                # Drafted with the partner: in the Action's working language, or theirs.
                language=self.fiche.working_language
                or self.request.partner_focal_point.language
                or Language.EN,
            ),
            result_type=DocumentRef,
            summary=f"Action Fiche v{version}",
            **options.WRITE_DOCUMENT,
        )
        self.documents.append(ref.model_copy(update={"label": f"Action Fiche v{version}"}))

    def _final_report_listed(self) -> list[DocumentRef]:
        report = self.final_report
        return [report.model_copy(update={"label": "Final report"})] if report else []

    def _fiche_attachments(self) -> list[str]:
        fiches = [d for d in self.documents if d.kind == DocumentKind.ACTION_FICHE]
        return [fiches[-1].docx_path, fiches[-1].markdown_path] if fiches else []

"""The Action Fiche before the PSG: the consultation of the EU Delegation and the EC
services, then the PSG's rounds of votes (DOMAIN.md §3 stages 3-4). A part of
`ActionLifecycle`, kept apart by stage."""

from __future__ import annotations

from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from glossary import (
        CommandRefused,
        ConsultationFeedback,
        NoticeKind,
        PsgVote,
        PsgVoteView,
        Recipient,
        Stage,
    )
    from glossary.answers import AnswerRequest, AnswerStep
    from glossary.commands import VoteDecision
    from glossary.names import VOTE_WORDS, body_name
    from glossary.phrases import N_, T
    from workflows.casework import (
        CONSULT_EVERYONE,
    )
    from workflows.clock import Clock
    from workflows.implementation import Implementation


def consulted_body(to: Recipient) -> str:
    """Who comments, as the audit trail names them: the EUDEL or the EC services."""
    return "EUDEL" if to.role == "eudel" else "EC services"


class Review(Implementation):
    """Consultation and PSG review."""

    # -- consultation -------------------------------------------------------------------

    def _consulted(self) -> list[Recipient]:
        """The EU Delegation and the EC services comment on the Fiche (DOMAIN §3 stage 3)."""
        eudel = self._eudel()
        services = [Recipient.of("ec_services", p) for p in self.staff.ec_services]
        return [*([eudel] if eudel else []), *services]

    def _consultation_clock(self) -> str:
        return f"consultation-{self.consultations}"

    def _start_consultation(self) -> None:
        self.stage = Stage.CONSULTATION
        self.consultations += 1
        self.consulted_answers = {}
        # DOMAIN §3: the EUDEL *and* the EC services comment; the first "no objection" must
        # not cut the others' window short. Actions before 0.5 replay as they ran.
        self.consult_everyone = workflow.patched(CONSULT_EVERYONE)
        now = self.now()
        self.clocks.start(
            Clock(
                name=self._consultation_clock(),
                kind="consultation",
                label=N_("Consultation"),
                started_at=now,
                due_at=now + self.policy.consultation_window,
                reminders=list(self.policy.consultation_reminders),
                reminder_to=(self._consulted() or [self._officer()])
                if self.v2
                else [self._eudel() or self._officer()],
            )
        )
        if self.v2:
            # After the Fiche document: effects run in order, so it is written by then.
            self._later(self._consultation_notices)

    async def _consultation_notices(self) -> None:
        clock = self.clocks.get(self._consultation_clock())
        if clock is None:  # answered in the same moment
            return
        for to in self._consulted():
            self._notify(
                self.notice(
                    NoticeKind.CONSULTATION,
                    clock=clock.name,
                    step="fiche",
                    to=to,
                    subject=T(
                        "for comments: Action Fiche v{version}, {title}",
                        version=self.fiche_version,
                        title=self.title,
                    ),
                    awaited=T("your comments on the Action Fiche, or no objection"),
                    due_at=clock.due_at,
                    command=f"mieux consult {self.reference} --by ORG --no-objection",
                    documents=self._fiche_attachments(),
                    answer=AnswerRequest(
                        step=AnswerStep.CONSULTATION,
                        subject=consulted_body(to),
                        until=clock.due_at,
                        round=self.fiche_version,
                    ),
                )
            )

    def _body_of(self, command: ConsultationFeedback) -> str:
        """Which consulted body speaks: the EC services, or the EU Delegation."""
        said = command.organisation.strip().lower()
        return "EC services" if said.startswith(("ec services", "ec_services")) else "EUDEL"

    def _late_consultation(self) -> bool:
        """Comments after the window: recorded and passed to the officer, never lost."""
        return (
            self.consult_everyone
            and self.stage != Stage.CONSULTATION
            and self.consultations > 0
            and not self._ended()
        )

    def _check_consultation_feedback(self, raw: Any) -> ConsultationFeedback:
        command = self._parse(ConsultationFeedback, raw)
        if self._late_consultation():
            return command
        self._expect_stage("consultation_feedback")
        body = self._body_of(command)
        if self.consult_everyone and body in self.consulted_answers:
            raise CommandRefused(
                f"the {body} already answered on Action Fiche v{self.fiche_version}:"
                f" {self.consulted_answers[body]}"
            )
        return command

    def _apply_consultation_feedback(self, raw: Any) -> str:
        command = self._check_consultation_feedback(raw)
        if self._late_consultation():
            return self._late_comment(command)
        if self.consult_everyone and not command.objection:
            return self._no_objection(command)
        self.clocks.stop(self._consultation_clock())
        if command.objection:
            self._start_drafting(revision=True)
            return self._accepted(
                "consultation_feedback",
                command,
                f"objection from {command.organisation}: {command.objection}; "
                "the Fiche goes back to drafting",
            )
        self._start_psg_round()
        return self._accepted(
            "consultation_feedback", command, f"no objection from {command.organisation}"
        )

    def _no_objection(self, command: ConsultationFeedback) -> str:
        body = self._body_of(command)
        self.consulted_answers[body] = "no objection"
        waiting = [
            consulted_body(to)
            for to in self._consulted()
            if consulted_body(to) not in self.consulted_answers
        ]
        clock = self.clocks.get(self._consultation_clock())
        if waiting and clock is not None:
            return self._accepted(
                "consultation_feedback",
                command,
                f"no objection from {command.organisation}; waiting for the"
                f" {' and the '.join(waiting)} until {clock.due_at:%Y-%m-%d}",
            )
        self.clocks.stop(self._consultation_clock())
        self._start_psg_round()
        return self._accepted(
            "consultation_feedback",
            command,
            f"no objection from {command.organisation}; every body consulted has answered:"
            " on to the PSG",
        )

    def _late_comment(self, command: ConsultationFeedback) -> str:
        said = f"objection: {command.objection}" if command.objection else "no objection"
        detail = (
            f"late comment from {command.organisation} on Action Fiche v{self.fiche_version}"
            f" (the consultation had closed; the Action did not move): {said}"
        )
        self._notify(
            self.notice(
                NoticeKind.LATE_ANSWER,
                clock=self._consultation_clock(),
                step=f"late-comment-{self._revision}",
                to=self._officer(),
                subject=f"a late comment on the Action Fiche, {self.title}",
                awaited="your decision whether the comment changes anything",
                details=[f"From {command.organisation}: {said}"],
            )
        )
        self._accepted("consultation_feedback", command, detail)
        return (
            f"Your comments arrived after the consultation had closed. They are recorded, and"
            f" {self._officer().name}, the project officer, has been told."
        )

    # -- PSG review ---------------------------------------------------------------------

    def _psg_clock(self) -> str:
        return f"psg-{self.psg_round}"

    def _start_psg_round(self) -> None:
        self.stage = Stage.PSG_REVIEW
        self.psg_round += 1
        now = self.now()
        self.clocks.start(
            Clock(
                name=self._psg_clock(),
                kind="psg",
                label="PSG vote",
                started_at=now,
                due_at=now + self.policy.psg_deadline,
                reminders=list(self.policy.psg_reminders),
                reminder_to=[p for body in self.staff.psg for p in self._psg_people(body)],
                escalate_every=self.policy.escalation_repeat,
                escalate_to="programme director",
            )
        )
        if self.v2:
            self._later(self._vote_requests)

    async def _vote_requests(self) -> None:
        """Each PSG member is asked when the round opens, the Fiche attached."""
        clock = self.clocks.get(self._psg_clock())
        if clock is None:
            return
        for body in self.staff.psg:
            for to in self._psg_people(body):
                self._notify(
                    self.notice(
                        NoticeKind.VOTE_REQUEST,
                        clock=clock.name,
                        step="vote-request",
                        to=to,
                        subject=f"PSG vote: Action Fiche v{self.fiche_version}, {self.title}",
                        awaited=f"the vote of {body_name(body)}: approved, rejected or revise",
                        due_at=clock.due_at,
                        command=f"mieux approve {self.reference} --member {body}",
                        documents=self._fiche_attachments(),
                        answer=AnswerRequest(
                            step=AnswerStep.PSG_VOTE,
                            subject=body,
                            until=clock.due_at,
                            round=self.psg_round,
                        ),
                    )
                )

    def _votes_this_round(self) -> dict[str, PsgVoteView]:
        return {v.member: v for v in self.psg_votes if v.round == self.psg_round}

    def _check_psg_vote(self, raw: Any) -> PsgVote:
        command = self._parse(PsgVote, raw)
        self._expect_stage("psg_vote")
        if command.member not in self.staff.psg:
            raise CommandRefused(
                f"{command.member!r} is not a PSG member (members: {', '.join(self.staff.psg)})"
            )
        earlier = self._votes_this_round().get(command.member)
        if earlier is not None:
            raise CommandRefused(
                f"{command.member} already voted '{earlier.decision}' in PSG round {self.psg_round}"
            )
        return command

    def _apply_psg_vote(self, raw: Any) -> str:
        command = self._check_psg_vote(raw)
        self.psg_votes.append(
            PsgVoteView(
                round=self.psg_round,
                member=command.member,
                decision=command.decision,
                comment=command.comment,
                by=command.by,
                at=self.now(),
            )
        )
        detail = f"{command.member} voted '{command.decision}' (round {self.psg_round})"
        self._decide_psg()
        return self._accepted("psg_vote", command, detail)

    def _decide_psg(self, *, silence_approves: bool = False) -> None:
        """Any rejection rejects; any `revise` sends the Fiche back; all approved approves."""
        votes = self._votes_this_round()
        decisions = {v.decision for v in votes.values()}
        if VoteDecision.REJECTED in decisions:
            outcome = N_("rejected by the PSG")
        elif VoteDecision.REVISE in decisions:
            outcome = N_("revision asked by the PSG")
        elif silence_approves or all(body in votes for body in self.staff.psg):
            outcome = N_("approved by the PSG")
        else:
            return
        self.clocks.stop(self._psg_clock())
        if outcome == "rejected by the PSG":
            self._end(Stage.REJECTED, outcome)
        elif outcome == "revision asked by the PSG":
            self._start_drafting(revision=True)
        else:
            self.stage = Stage.IMPLEMENTATION
            self.outcome = outcome
        comments = [
            f"{body_name(v.member)} {VOTE_WORDS.get(str(v.decision), v.decision)}"
            + (f': "{v.comment}"' if v.comment else ".")
            for v in votes.values()
        ]
        revision = self.clocks.get(f"revision-{self.revisions}")
        told = [self._partner(), self._officer()]
        if self.v2:
            told += [e for e in [self._eudel()] if e]
        for to in told:
            # Each DG's vote is internal to the Commission: only the officer reads them.
            internal = not self.v2 or to.role == "project_officer"
            self._notify(
                self.notice(
                    NoticeKind.DECISION,
                    clock=self._psg_clock(),
                    step="decision",
                    to=to,
                    subject=T("PSG decision: {outcome:t}", outcome=outcome),
                    awaited=T("nothing: this is the PSG's decision")
                    if outcome != "revision asked by the PSG"
                    else T("a revised Action Fiche"),
                    command=f"mieux fiche submit {self.reference} FICHE.json"
                    if outcome == "revision asked by the PSG"
                    else "",
                    # The revision's own clock runs: the notice says by when (issue 21).
                    due_at=revision.due_at
                    if outcome == "revision asked by the PSG" and revision is not None
                    else None,
                    details=[T("The PSG's decision: {outcome:t}.", outcome=outcome), *comments]
                    if internal
                    else [T("The PSG's decision: {outcome:t}.", outcome=outcome)],
                )
            )

"""An activity's experts: who is asked, who confirms, who comes next (DOMAIN.md §3 stage
5, the roster and the focal points). A part of `ActivityDelivery`, kept apart by concern."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities import options
    from glossary import (
        NoticeKind,
        Recipient,
    )
    from glossary.answers import AnswerRequest, AnswerStep
    from glossary.documents import DocumentKind, DocumentRef, DocumentRequest
    from glossary.phrases import T
    from glossary.roster import (
        Candidate,
        CandidateQuery,
        ExpertContact,
        Reservation,
        ReservationOutcome,
    )
    from workflows.casework import NOMINATIONS_INVITED, Casework
    from workflows.clock import Clock


@dataclass
class Slot:
    """One expert place on the activity and who holds or held it."""

    index: int
    expert_id: str | None = None
    state: str = "open"  # open | invited | confirmed | nominated | exhausted
    contact: ExpertContact | None = None
    clock: str | None = None  # the open confirmation clock, while invited
    tried: list[str] = field(default_factory=list)

    @property
    def filled(self) -> bool:
        return self.state in ("confirmed", "nominated")


def start_of(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=UTC)


class Mobilisation(Casework):
    """Inviting experts, in turn, until every place is filled."""

    # -- expert mobilisation ----------------------------------------------------------

    def _invited_or_held(self) -> list[str]:
        return [s.expert_id for s in self.slots if s.expert_id and s.state != "open"]

    async def _invite_for_open_slots(self) -> None:
        for slot in self.slots:
            # After a rescheduling, the experts held for the old dates are asked first.
            while self.reinvite and slot.state == "open":
                expert_id = self.reinvite.pop(0)
                if (await self._reserve(expert_id)).won:
                    await self._invite(slot, expert_id)
        open_slots = [s for s in self.slots if s.state == "open"]
        if not open_slots:
            return
        tried = sorted({e for s in self.slots for e in s.tried} | set(self._invited_or_held()))
        candidates: list[Candidate] = await workflow.execute_activity(
            "find_candidates",
            CandidateQuery.for_activity(
                self.reference,
                self.activity,
                themes=self.input.themes,
                exclude=tried,
                partner_countries=self.input.countries,
            ),
            result_type=list[Candidate],
            summary=f"candidates for activity {self.activity.number}",
            **options.FIND_CANDIDATES,
        )
        # One ranked pool shared by the open slots, filled concurrently: each candidate is
        # taken by one slot only (the iterator hands it out once), in a replayable order.
        pool = iter(candidates)
        await asyncio.gather(*(self._fill(slot, pool) for slot in open_slots))
        exhausted = [s for s in open_slots if s.state == "exhausted"]
        if exhausted:
            self._alert_roster_exhausted(len(exhausted), tried + [c.expert_id for c in candidates])

    async def _fill(self, slot: Slot, pool: Iterator[Candidate]) -> None:
        for candidate in pool:
            slot.tried.append(candidate.expert_id)
            if (await self._reserve(candidate.expert_id)).won:
                await self._invite(slot, candidate.expert_id)
                return
        slot.state, slot.expert_id = "exhausted", None

    async def _reserve(self, expert_id: str) -> ReservationOutcome:
        return await workflow.execute_activity(
            "reserve_expert",
            self._reservation(expert_id),
            result_type=ReservationOutcome,
            summary=f"reserve {expert_id}",
            **options.RESERVE_EXPERT,
        )

    def _reservation(self, expert_id: str) -> Reservation:
        return Reservation.of(expert_id, self.reference, self.activity, self.input.themes)

    async def _contact(self, expert_id: str) -> ExpertContact:
        return await workflow.execute_activity(
            "expert_contact",
            expert_id,
            result_type=ExpertContact,
            summary=f"contact of {expert_id}",
            **options.EXPERT_CONTACT,
        )

    async def _invite(self, slot: Slot, expert_id: str) -> None:
        self.rounds += 1
        clock_name = self._expert_clock(expert_id)
        contact = await self._contact(expert_id)
        slot.expert_id, slot.state, slot.contact = expert_id, "invited", contact
        slot.clock = clock_name
        now = workflow.now()
        due = now + self.policy.expert_confirmation_deadline
        invitation: DocumentRef = await workflow.execute_activity(
            "write_document",
            DocumentRequest(
                kind=DocumentKind.EXPERT_INVITATION,
                reference=self.reference,
                action_title=self.title,
                country=self.activity.country,
                prepared_on=now.date(),
                fiche=self.input.fiche,
                activity_number=self.activity.number,
                planned=self.activity,
                expert_id=expert_id,
                expert_name=contact.expert.name,
                respond_by=due.date(),
                language=contact.expert.language,
            ),
            result_type=DocumentRef,
            summary=f"invitation for {expert_id}",
            **options.WRITE_DOCUMENT,
        )
        clock = self.clocks.start(
            Clock(
                name=clock_name,
                kind="expert",
                label=f"Confirmation of {expert_id}",
                started_at=now,
                due_at=due,
                reminders=list(self.policy.expert_confirmation_reminders),
                reminder_to=self._expert_and_focal_point(contact) if self.v2 else [contact.expert],
            )
        )
        # The officer's copy carries the `mieux` command; the expert and focal point are
        # told whom to reply to (DOMAIN §3: invited through their focal point).
        copies = [self._officer()] if self.v2 else []
        for to in [*self._expert_and_focal_point(contact), *copies]:
            self._notify(
                self.notice(
                    NoticeKind.INVITATION,
                    clock=clock.name,
                    step="invitation",
                    to=to,
                    subject=T(
                        "invitation: {type:t} {place}, {start:daymonth}-{end:shortdate}",
                        **self._what_where(),
                    ),
                    awaited=T("your answer: confirm or decline")
                    if to.role == "expert"
                    else T(
                        "the answer of {expert}: confirm or decline", expert=contact.expert.name
                    ),
                    due_at=due,
                    command=self._answer_command(expert_id),
                    documents=[invitation.docx_path],
                    details=[self.activity.title],
                    answer=self._invitation_answer(expert_id, due, clock.name),
                )
            )

    @staticmethod
    def _expert_and_focal_point(contact: ExpertContact) -> list[Recipient]:
        return [contact.expert, *([contact.focal_point] if contact.focal_point else [])]

    def _invitation_answer(self, expert_id: str, due: datetime, clock: str) -> AnswerRequest:
        # The invitation's number (the last part of its clock's name): a link answers that
        # invitation only, never a later one of the same expert (docs/security.md).
        number = clock.rsplit("-", 1)[-1]
        return AnswerRequest(
            step=AnswerStep.INVITATION,
            subject=expert_id,
            activity=self.activity.number,
            until=due,
            round=int(number) if number.isdigit() else None,
        )

    def _expert_clock(self, expert_id: str) -> str:
        return f"expert-{self.activity.number}-{expert_id}-{self.rounds}"

    def _answer_command(self, expert_id: str) -> str:
        return (
            f"mieux expert confirm {self.reference} --activity {self.activity.number}"
            f" --expert {expert_id}"
        )

    def _alert_roster_exhausted(self, missing: int, tried: list[str]) -> None:
        self._exhaustions += 1
        for to in (self._officer(), self._manager()):
            self._notify(
                self.notice(
                    NoticeKind.ESCALATION,
                    clock=f"roster-{self.activity.number}",
                    step=f"exhausted-{self._exhaustions}",
                    to=to,
                    subject=f"no expert left for activity {self.activity.number}",
                    awaited=f"{missing} nominated expert(s) for activity {self.activity.number}",
                    command=(
                        f"mieux expert nominate {self.reference} --activity"
                        f" {self.activity.number} --expert ID"
                    ),
                    details=[f"candidates tried: {', '.join(tried) or 'none matched'}"],
                )
            )

    def _free_slot(self) -> Slot | None:
        """A place with nobody invited or confirmed on it."""
        return next((s for s in self.slots if not s.filled and s.state != "invited"), None)

    async def _take_nominations(self) -> None:
        # A nomination waits for a free place: one frees when an invitee declines or is silent.
        while self.nominations and (slot := self._free_slot()) is not None:
            nomination = self.nominations.pop(0)
            outcome = await self._reserve(nomination.expert_id)
            if not outcome.won:
                self._record(
                    "nominate_expert",
                    nomination.by,
                    False,
                    f"{nomination.expert_id} cannot be reserved: {outcome.reason}",
                )
                continue
            slot.tried.append(nomination.expert_id)
            if workflow.patched(NOMINATIONS_INVITED):
                # Issue 21 (3): a nominated expert gets the invitation every expert gets
                # (terms of reference, answer links), through their focal point too.
                await self._invite(slot, nomination.expert_id)
                continue
            slot.contact = await self._contact(nomination.expert_id)
            slot.expert_id, slot.state = nomination.expert_id, "nominated"

    def _deployed(self, expert_id: str) -> None:
        """Confirmed experts are held (reserved) for the dates, which already stops double
        booking; the deployment is recorded once the activity took place, so a cancelled or
        rescheduled activity leaves no deployment that never happened."""
        self._later_activity(
            "record_deployment",
            self._reservation(expert_id),
            options.RECORD_DEPLOYMENT,
            f"deployment of {expert_id}",
        )

    def _released(self, expert_id: str) -> None:
        self._later_activity(
            "release_expert",
            self._reservation(expert_id),
            options.RELEASE_EXPERT,
            f"release {expert_id}",
        )

"""Roster operations (blocking): candidate search, reservations, deployments, contacts.

The activities run these through `asyncio.to_thread`; the CLI calls them directly.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Engine, and_, delete, func, select
from sqlalchemy.orm import Session, selectinload

from activities.roster_rank import rank, why_busy
from glossary.languages import Language, language_named
from glossary.people import Recipient
from glossary.roster import (
    Candidate,
    CandidateQuery,
    ExpertContact,
    Reservation,
    ReservationOutcome,
)
from store.db import engine_for, read_session, write_session
from store.tables import AssignmentRow, AssignmentState, ExpertRow, FocalPointRow


class UnknownExpertError(LookupError):
    def __init__(self, expert_id: str) -> None:
        super().__init__(f"expert {expert_id!r} is not in the roster")
        self.expert_id = expert_id


class RosterStore:
    def __init__(self, url: str) -> None:
        self.url = url

    @property
    def engine(self) -> Engine:
        return engine_for(self.url)

    def search(self, query: CandidateQuery) -> list[Candidate]:
        with read_session(self.engine) as session:
            experts = session.scalars(
                select(ExpertRow)
                .where(ExpertRow.id.not_in(query.exclude))
                .options(
                    selectinload(ExpertRow.expertise),
                    selectinload(ExpertRow.languages),
                    selectinload(ExpertRow.unavailable),
                    selectinload(ExpertRow.conflicts),
                    selectinload(ExpertRow.assignments),
                )
            ).all()
            return rank(experts, query)

    def reserve(self, reservation: Reservation) -> ReservationOutcome:
        """Hold the expert for the dates, or say why not. Exactly one of several racing
        reservations of overlapping dates wins, whichever process makes them."""
        with write_session(self.engine) as session:
            expert = _locked_expert(session, reservation.expert_id)
            own = _assignment(session, reservation)
            blocked = why_busy(
                expert,
                reservation.start,
                reservation.end,
                reference=reservation.reference,
                activity=reservation.activity,
            )
            if blocked:
                return ReservationOutcome(won=False, reason=blocked)
            if own is None:
                session.add(
                    AssignmentRow(
                        expert_id=expert.id,
                        reference=reservation.reference,
                        activity=reservation.activity,
                        start=reservation.start,
                        end=reservation.end,
                        state=AssignmentState.RESERVED,
                        theme=reservation.theme,
                    )
                )
            else:
                # The same reservation again (a retry) wins again; new dates move it.
                own.start, own.end = reservation.start, reservation.end
        return ReservationOutcome(won=True)

    def release(self, reservation: Reservation) -> None:
        """Free the dates again; releasing what is not held is a no-op (retries are safe)."""
        with write_session(self.engine) as session:
            session.execute(
                delete(AssignmentRow).where(
                    _key(reservation), AssignmentRow.state == AssignmentState.RESERVED
                )
            )

    def record_deployment(self, reservation: Reservation) -> None:
        """The expert served: the reservation becomes a deployment (created if missing)."""
        with write_session(self.engine) as session:
            expert = _locked_expert(session, reservation.expert_id)
            own = _assignment(session, reservation)
            if own is None:
                own = AssignmentRow(
                    expert_id=expert.id,
                    reference=reservation.reference,
                    activity=reservation.activity,
                    theme=reservation.theme,
                )
                session.add(own)
            own.start, own.end = reservation.start, reservation.end
            own.state = AssignmentState.DEPLOYED
            own.theme = reservation.theme or own.theme

    def contact(self, expert_id: str) -> ExpertContact:
        with read_session(self.engine) as session:
            expert = session.get(ExpertRow, expert_id)
            if expert is None:
                raise UnknownExpertError(expert_id)
            focal = expert.focal_point
            return ExpertContact(
                expert=Recipient(
                    role="expert",
                    id=expert.id,
                    name=expert.name,
                    email=expert.email,
                    timezone=expert.timezone,
                    language=_language(expert.language, [r.language for r in expert.languages]),
                ),
                focal_point=_focal_recipient(focal) if focal else None,
            )

    def counts(self) -> tuple[int, int]:
        """(experts, focal points): for the CLI and for deciding to load the demo roster."""
        with read_session(self.engine) as session:
            experts = session.scalar(select(func.count()).select_from(ExpertRow)) or 0
            focal_points = session.scalar(select(func.count()).select_from(FocalPointRow)) or 0
        return experts, focal_points


def _locked_expert(session: Session, expert_id: str) -> ExpertRow:
    # FOR UPDATE serialises reservations of one expert on PostgreSQL; SQLite ignores it and
    # relies on the write lock its BEGIN IMMEDIATE already holds.
    expert = session.scalars(
        select(ExpertRow)
        .where(ExpertRow.id == expert_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if expert is None:
        raise UnknownExpertError(expert_id)
    return expert


def _assignment(session: Session, reservation: Reservation) -> AssignmentRow | None:
    return session.scalars(select(AssignmentRow).where(_key(reservation))).first()


def _key(reservation: Reservation) -> ColumnElement[bool]:
    return and_(
        AssignmentRow.expert_id == reservation.expert_id,
        AssignmentRow.reference == reservation.reference,
        AssignmentRow.activity == reservation.activity,
    )


def _focal_recipient(focal: FocalPointRow) -> Recipient:
    return Recipient(
        role="focal_point",
        id=focal.id,
        name=focal.name,
        email=focal.email,
        timezone=focal.timezone,
        language=_language(focal.language, []),
    )


def _language(chosen: str, speaks: list[str]) -> Language:
    """Their own setting; else the first language they work in that notices are written in
    (an expert of the roster "Spanish, English" reads Spanish); else English."""
    if chosen:
        return Language(chosen)
    for name in speaks:
        found = language_named(name)
        if found is not None:
            return found
    return Language.EN

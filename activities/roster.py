"""The roster activities (Expert and Action Roster, DOMAIN.md §3 "Expert mobilisation") and the
plain functions the CLI and the run command use: import, the demo roster, search.

Errors: an unknown expert or an impossible query is refused (non-retryable); a locked or
unreachable database is retried by the activity's retry policy.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path
from typing import TypeVar

from sqlalchemy.exc import SQLAlchemyError
from temporalio import activity

from activities.errors import refused, unavailable
from activities.heartbeat import heartbeating
from activities.options import INVALID_QUERY, ROSTER_UNAVAILABLE, UNKNOWN_EXPERT
from activities.roster_import import import_records, json_records, read_records
from activities.roster_store import RosterStore, UnknownExpertError
from glossary.roster import (
    Candidate,
    CandidateQuery,
    ExpertContact,
    ImportReport,
    Reservation,
    ReservationOutcome,
)
from store.db import engine_for

__all__ = [
    "RosterActivities",
    "RosterStore",
    "import_roster",
    "load_demo_roster",
    "search",
]

DEMO_ROSTER = "roster_demo.json"
A = TypeVar("A")
R = TypeVar("R")


class RosterActivities:
    def __init__(self, url: str) -> None:
        # The database is first touched by the first activity, not when the worker starts.
        self.store = RosterStore(url)

    @activity.defn(name="find_candidates")
    async def find_candidates(self, query: CandidateQuery) -> list[Candidate]:
        found = await self._run(self.store.search, query, f"query for {query.reference}")
        activity.logger.info(
            "%d candidates for %s activity %s", len(found), query.reference, query.activity
        )
        return found

    @activity.defn(name="reserve_expert")
    async def reserve_expert(self, reservation: Reservation) -> ReservationOutcome:
        outcome = await self._run(self.store.reserve, reservation, _what(reservation))
        activity.logger.info(
            "%s: %s", _what(reservation), "reserved" if outcome.won else "not reserved"
        )
        return outcome

    @activity.defn(name="release_expert")
    async def release_expert(self, reservation: Reservation) -> None:
        await self._run(self.store.release, reservation, _what(reservation))
        activity.logger.info("%s: released", _what(reservation))

    @activity.defn(name="record_deployment")
    async def record_deployment(self, reservation: Reservation) -> None:
        await self._run(self.store.record_deployment, reservation, _what(reservation))
        activity.logger.info("%s: deployment recorded", _what(reservation))

    @activity.defn(name="expert_contact")
    async def expert_contact(self, expert_id: str) -> ExpertContact:
        return await self._run(self.store.contact, expert_id, f"expert {expert_id}")

    async def _run(self, operation: Callable[[A], R], argument: A, what: str) -> R:
        try:
            async with heartbeating():
                return await asyncio.to_thread(operation, argument)
        except UnknownExpertError as error:
            raise refused(UNKNOWN_EXPERT, f"{what}: {error}") from None
        except ValueError as error:
            raise refused(INVALID_QUERY, f"{what}: {error}") from None
        except (SQLAlchemyError, OSError) as error:
            # The driver's message may quote row values (names, addresses): keep its type only.
            activity.logger.warning("%s: roster database error (%s)", what, type(error).__name__)
            raise unavailable(
                ROSTER_UNAVAILABLE, f"{what}: roster database unavailable ({type(error).__name__})"
            ) from None


def _what(reservation: Reservation) -> str:
    return (
        f"expert {reservation.expert_id} for {reservation.reference} "
        f"activity {reservation.activity}"
    )


def import_roster(url: str, path: Path) -> ImportReport:
    """Import a CSV or JSON roster file; ValueError when the file itself is unusable."""
    try:
        records = read_records(path)
    except json.JSONDecodeError as error:
        raise ValueError(f"{path.name}: not valid JSON ({error})") from None
    return import_records(engine_for(url), records, source=path.name)


def load_demo_roster(url: str) -> ImportReport:
    """The demo roster shipped with the package: fictitious experts and focal points."""
    data = json.loads((files("activities") / DEMO_ROSTER).read_text(encoding="utf-8"))
    return import_records(engine_for(url), json_records(data), source=DEMO_ROSTER)


def search(url: str, query: CandidateQuery) -> list[Candidate]:
    """Ranked candidates for the CLI (blocking)."""
    return RosterStore(url).search(query)

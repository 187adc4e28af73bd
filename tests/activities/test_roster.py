"""Candidate search, reservations and deployments on a real SQLite file."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.roster import RosterActivities, RosterStore, search
from activities.roster_store import UnknownExpertError
from glossary.action import PlannedActivity
from glossary.roster import CandidateQuery, Reservation, ReservationOutcome
from store.db import engine_for, read_session
from store.tables import AssignmentRow
from tests.activities.roster_support import JUNE, small_roster


def june_query(**changes: object) -> CandidateQuery:
    data: dict[str, object] = {
        "reference": "2026-07",
        "activity": 1,
        "expertise": ["migration data"],
        "languages": ["English", "French"],
        "start": JUNE[0],
        "end": JUNE[1],
        "country": "Kenya",
    }
    data.update(changes)
    return CandidateQuery.model_validate(data)


def hold(
    expert_id: str, reference: str = "2026-07", activity: int = 1, **dates: date
) -> Reservation:
    return Reservation(
        expert_id=expert_id,
        reference=reference,
        activity=activity,
        start=dates.get("start", JUNE[0]),
        end=dates.get("end", JUNE[1]),
        theme="migration data",
    )


@pytest.fixture
def url(tmp_path: Path, database_url: str) -> str:
    """The small roster, on SQLite and on PostgreSQL (tests/activities/conftest.py)."""
    return small_roster(tmp_path, database_url)


def test_candidates_are_ranked_by_expertise_language_and_experience(url: str) -> None:
    ranked = search(url, june_query())

    assert [c.expert_id for c in ranked] == ["EX-A", "EX-B", "EX-C", "EX-D"]
    assert [c.score for c in ranked] == [78.0, 70.0, 60.0, 45.0]
    first = ranked[0]
    assert first.matched_languages == ["English", "French"] and first.past_deployments == 1
    assert ranked[1].focal_point_id == "FP-PT"


def test_busy_excluded_and_conflicted_experts_are_not_candidates(url: str) -> None:
    store = RosterStore(url)
    assert store.reserve(hold("EX-A", reference="2026-05", start=date(2026, 6, 10))).won

    ranked = search(url, june_query(exclude=["EX-B"], limit=50))

    # EX-A is held elsewhere on the 10th, EX-B excluded, EX-G unavailable, EX-H conflicted
    # with Kenya, EX-I with this very Action; EX-E and EX-F do not match.
    assert [c.expert_id for c in ranked] == ["EX-C", "EX-D"]


def test_a_query_for_a_planned_activity_uses_its_expertise_languages_and_dates(url: str) -> None:
    activity = PlannedActivity(
        number=2,
        type="workshop",  # type: ignore[arg-type]
        title="Data workshop",
        country="Kenya",
        start=JUNE[0],
        end=JUNE[1],
        languages=["French"],
    )

    query = CandidateQuery.for_activity("2026-07", activity, themes=["migration data"], limit=2)

    assert query.expertise == ["migration data"] and query.country == "Kenya"
    assert [c.expert_id for c in search(url, query)] == ["EX-A", "EX-B"]


async def test_two_actions_racing_for_one_expert_on_overlapping_dates_one_wins(url: str) -> None:
    store = RosterStore(url)
    contenders = [
        hold("EX-A", reference=f"2026-{n:02d}", start=date(2026, 6, 8 + n % 3)) for n in range(8)
    ]
    # One thread each, released together, so the reservations really overlap in time.
    start_together = threading.Barrier(len(contenders), timeout=10)

    def reserve(reservation: Reservation) -> ReservationOutcome:
        start_together.wait()
        return store.reserve(reservation)

    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(max_workers=len(contenders)) as threads:
        outcomes = await asyncio.gather(
            *(loop.run_in_executor(threads, reserve, r) for r in contenders)
        )

    winners = [r for r, outcome in zip(contenders, outcomes, strict=True) if outcome.won]
    assert len(winners) == 1
    losers = [o for o in outcomes if not o.won]
    assert all(f"already reserved for {winners[0].reference}" in o.reason for o in losers)
    with read_session(engine_for(url)) as session:
        assert (
            session.scalar(
                select(func.count())
                .select_from(AssignmentRow)
                .where(AssignmentRow.expert_id == "EX-A", AssignmentRow.state == "reserved")
            )
            == 1
        )


async def test_a_retried_reservation_wins_again_without_a_second_hold(url: str) -> None:
    store = RosterStore(url)
    same = [hold("EX-C") for _ in range(4)]

    outcomes = await asyncio.gather(*(asyncio.to_thread(store.reserve, r) for r in same))

    assert all(o.won for o in outcomes)
    with read_session(engine_for(url)) as session:
        rows = session.scalars(select(AssignmentRow).where(AssignmentRow.expert_id == "EX-C"))
        assert len(rows.all()) == 1


def test_one_expert_can_serve_two_actions_on_dates_that_do_not_overlap(url: str) -> None:
    store = RosterStore(url)

    first = store.reserve(hold("EX-C", reference="2026-07"))
    second = store.reserve(
        hold("EX-C", reference="2026-08", start=date(2026, 6, 11), end=date(2026, 6, 12))
    )

    assert first.won and second.won


def test_an_unavailable_expert_cannot_be_reserved(url: str) -> None:
    outcome = RosterStore(url).reserve(hold("EX-G"))

    assert not outcome.won
    assert outcome.reason == "expert EX-G is unavailable from 2026-06-01 to 2026-06-08"


def test_a_released_expert_can_be_reserved_by_another_action(url: str) -> None:
    store = RosterStore(url)
    assert store.reserve(hold("EX-C", reference="2026-07")).won
    assert not store.reserve(hold("EX-C", reference="2026-08")).won

    store.release(hold("EX-C", reference="2026-07"))
    store.release(hold("EX-C", reference="2026-07"))  # a retried release changes nothing

    assert store.reserve(hold("EX-C", reference="2026-08")).won
    assert "EX-C" not in [c.expert_id for c in search(url, june_query(reference="2026-09"))]


def test_a_recorded_deployment_stays_and_counts_as_experience(url: str) -> None:
    store = RosterStore(url)
    assert store.reserve(hold("EX-C")).won

    store.record_deployment(hold("EX-C"))
    store.release(hold("EX-C"))  # a deployment is a fact, not a hold: release leaves it

    later = june_query(reference="2026-09", start=date(2026, 9, 1), end=date(2026, 9, 2))
    [ex_c] = [c for c in search(url, later) if c.expert_id == "EX-C"]
    assert ex_c.past_deployments == 1 and ex_c.score == 60.0 + 3 + 5
    assert not store.reserve(hold("EX-C", reference="2026-08")).won


def test_an_unknown_expert_cannot_be_reserved(url: str) -> None:
    with pytest.raises(UnknownExpertError, match="'EX-NOBODY' is not in the roster"):
        RosterStore(url).reserve(hold("EX-NOBODY"))


async def test_the_activities_speak_the_glossary_and_refuse_unknown_experts(url: str) -> None:
    roster = RosterActivities(url)
    env = ActivityEnvironment()

    candidates = await env.run(roster.find_candidates, june_query(limit=1))
    outcome = await env.run(roster.reserve_expert, hold(candidates[0].expert_id))
    contact = await env.run(roster.expert_contact, "EX-B")
    await env.run(roster.record_deployment, hold(candidates[0].expert_id))
    await env.run(roster.release_expert, hold("EX-B"))

    assert [c.expert_id for c in candidates] == ["EX-A"] and outcome.won
    assert contact.expert.role == "expert" and contact.expert.email == "ex-b@experts.example.org"
    assert contact.focal_point is not None and contact.focal_point.role == "focal_point"
    assert contact.focal_point.timezone == "Europe/Lisbon"
    with pytest.raises(ApplicationError) as unknown:
        await env.run(roster.expert_contact, "EX-NOBODY")
    assert unknown.value.type == "UnknownExpert" and unknown.value.non_retryable
    assert "expert 'EX-NOBODY' is not in the roster" in unknown.value.message
    with pytest.raises(ApplicationError) as reserve_unknown:
        await env.run(roster.reserve_expert, hold("EX-NOBODY"))
    assert reserve_unknown.value.type == "UnknownExpert"


async def test_an_unreachable_roster_database_is_retried_not_refused(tmp_path: Path) -> None:
    (tmp_path / "not-a-folder").write_text("")
    roster = RosterActivities(f"sqlite:///{tmp_path / 'not-a-folder' / 'roster.db'}")

    with pytest.raises(ApplicationError) as error:
        await ActivityEnvironment().run(roster.find_candidates, june_query())

    assert error.value.type == "RosterUnavailable" and not error.value.non_retryable


def test_a_conflict_with_a_partner_country_excludes_an_expert_from_a_visit_abroad(
    url: str,
) -> None:
    """Issue 21 (6): a study visit in Spain for a Kenyan partner is still about Kenya."""
    in_spain = june_query(country="Spain", reference="2026-08", limit=50)
    for_kenya = june_query(
        country="Spain", reference="2026-08", partner_countries=["Kenya"], limit=50
    )

    assert "EX-H" in [c.expert_id for c in search(url, in_spain)]
    assert "EX-H" not in [c.expert_id for c in search(url, for_kenya)]


def test_a_planned_activitys_query_carries_the_actions_partner_countries() -> None:
    visit = PlannedActivity(
        number=3,
        type="study visit",  # type: ignore[arg-type]
        title="Visit to the Spanish asylum office",
        country="Spain",
        start=JUNE[0],
        end=JUNE[1],
    )
    query = CandidateQuery.for_activity("2026-07", visit, partner_countries=["Morocco"])
    assert (query.country, query.partner_countries) == ("Spain", ["Morocco"])

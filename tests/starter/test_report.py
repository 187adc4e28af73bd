"""The annual-report figures (SEEDS-EXTRACT §5.5) from a list of case files: pure counting."""

from __future__ import annotations

from datetime import date
from typing import Any

from glossary import ActionStatus
from reads.reports.figures import CaseFile, compute


def _case(
    reference: str,
    stage: str,
    *,
    region: str = "Sub-Saharan Africa",
    requesters: tuple[str, ...] = ("national central authority",),
    countries: tuple[str, ...] = ("Kenya",),
    activities: list[dict[str, Any]] | None = None,
    on_hold: bool = False,
) -> CaseFile:
    status = ActionStatus(
        reference=reference,
        name=reference,
        stage=stage,
        on_hold=on_hold,
        title=reference,
        country=countries[0],
        region=region,
        themes=["migration data"],
        project_officer="po.martin",
        received_on=date(int(reference[:4]), 3, 2),
        activities=activities or [],
    )
    return CaseFile(status, requesters, countries)


def _activity(number: int, type: str, stage: str = "delivered", **more: Any) -> dict[str, Any]:
    return {
        "number": number,
        "type": type,
        "title": f"activity {number}",
        "place": "Nairobi, Kenya",
        "start": "2026-06-08",
        "end": "2026-06-10",
        "stage": stage,
        **more,
    }


CASES = [
    _case("2026-01", "intake"),
    _case("2026-02", "rejected"),
    _case("2026-03", "forwarded", region="EU Neighbourhood East"),
    _case(
        "2026-04",
        "implementation",
        requesters=("national central authority", "CSO/NGO"),
        activities=[
            _activity(
                1,
                "workshop",
                participants=30,
                women=14,
                men=15,
                experts=[
                    {"expert_id": "EXP-1", "state": "confirmed"},
                    {"expert_id": "EXP-2", "state": "declined"},
                    {"expert_id": "EXP-3", "state": "nominated"},
                ],
            ),
            _activity(2, "workshop", stage="planned"),
            _activity(3, "study visit", stage="cancelled", participants=99),
        ],
        on_hold=True,
    ),
    _case(
        "2026-05",
        "closed",
        region="Latin America and the Caribbean",
        requesters=("regional organisation",),
        countries=("Bolivia", "Peru"),
        activities=[
            _activity(
                1,
                "training",
                participants=20,
                women=12,
                men=8,
                experts=[{"expert_id": "EXP-1", "state": "confirmed"}],
            )
        ],
    ),
    _case("2026-06", "follow_up"),
    _case("2025-09", "completion"),
]

CATEGORIES = {"EXP-1": "EU MS official", "EXP-3": "non-EU official"}


def test_requests_of_the_year_are_counted_by_region_and_requester_type():
    figures = compute(CASES, year=2026, category_of=CATEGORIES.get)

    assert figures.scope == "2026"
    assert figures.requests == 6
    assert figures.requests_by_region == {
        "Sub-Saharan Africa": 4,
        "EU Neighbourhood East": 1,
        "Latin America and the Caribbean": 1,
    }
    assert figures.requests_by_requester_type == {
        "national central authority": 5,
        "CSO/NGO": 1,
        "regional organisation": 1,
    }
    assert figures.joint_or_regional == 2
    assert figures.on_hold == 1


def test_follow_up_and_closed_count_as_completed_and_drafting_as_in_preparation():
    figures = compute(CASES, year=2026)

    assert figures.outcomes == {
        "in preparation": 1,
        "ongoing": 1,
        "completed": 2,
        "rejected": 1,
        "forwarded": 1,
        "withdrawn": 0,
    }


def test_only_activities_that_took_place_count_as_held():
    figures = compute(CASES, year=2026)

    assert figures.activities == 2
    assert figures.activities_by_type == {"workshop": 1, "training": 1}
    assert (figures.activities_planned, figures.activities_cancelled) == (1, 1)
    assert (figures.participants, figures.women, figures.men) == (50, 26, 23)
    assert figures.gender_not_reported == 1


def test_a_withdrawn_actions_planned_activities_were_never_held():
    withdrawn = _case(
        "2026-07",
        "withdrawn",
        activities=[
            _activity(1, "workshop", stage="scheduled"),
            _activity(2, "training", stage="mobilising"),
            _activity(3, "workshop", stage="cancelled"),
        ],
    )
    figures = compute([withdrawn], year=2026)

    assert figures.activities == 0
    assert figures.activities_by_type == {}
    assert (figures.activities_planned, figures.activities_cancelled) == (2, 1)


def test_experts_deployed_are_distinct_people_split_by_roster_category():
    figures = compute(CASES, year=2026, category_of=CATEGORIES.get)

    assert figures.experts_deployed == 2
    assert figures.deployments == 3
    assert figures.experts_by_origin == {"EU MS": 1, "non-EU": 1}


def test_experts_unknown_to_the_roster_are_reported_as_such():
    figures = compute(CASES, year=2026)

    assert figures.experts_by_origin == {"not in the roster": 2}


def test_without_a_year_the_report_covers_all_time():
    figures = compute(CASES)

    assert figures.scope == "all time"
    assert figures.requests == 7
    assert figures.outcomes["ongoing"] == 2

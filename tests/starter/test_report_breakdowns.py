"""The report's tables by year, region, theme and requester type, and its M&E at three levels
(activity, Action, programme), then the same figures as HTML and CSV: pure, from case files."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from glossary import ActionStatus
from reads.reports.as_csv import write_csv
from reads.reports.as_html import page
from reads.reports.figures import CaseFile, compute

START = datetime(2026, 3, 2, 9, tzinfo=UTC)


def _stages(*days: tuple[str, float]) -> list[dict[str, Any]]:
    """Consecutive stays: each (stage, days spent), the last one still open."""
    spans, at = [], START
    for stage, length in days:
        left = at + timedelta(days=length) if length else None
        spans.append({"stage": stage, "entered": at, "left": left})
        at = left or at
    return spans


def _case(
    reference: str,
    stage: str,
    *,
    themes: list[str],
    region: str = "Sub-Saharan Africa",
    requesters: tuple[str, ...] = ("national central authority",),
    activities: list[dict[str, Any]] | None = None,
    stages: list[dict[str, Any]] | None = None,
    **more: Any,
) -> CaseFile:
    status = ActionStatus(
        reference=reference,
        name=reference,
        stage=stage,
        title=f"{reference} <b>title</b>",
        country="Kenya",
        region=region,
        themes=themes,
        project_officer="po.martin",
        received_on=date(int(reference[:4]), 3, 2),
        activities=activities or [],
        stages=stages or [],
        **more,
    )
    return CaseFile(status, requesters, ("Kenya",))


def _held(number: int, scores: dict[str, int], participants: int, women: int) -> dict[str, Any]:
    return {
        "number": number,
        "type": "workshop",
        "title": f"workshop {number}",
        "place": "Nairobi",
        "start": "2026-06-08",
        "end": "2026-06-10",
        "stage": "delivered",
        "evaluation": scores,
        "participants": participants,
        "women": women,
        "men": participants - women,
    }


TARGETS = {"intake": 5.0, "fiche_drafting": 21.0, "consultation": 5.0, "psg_review": 10.0}

CASES = [
    _case(
        "2026-01",
        "closed",
        themes=["migration data", "labour migration"],
        activities=[
            _held(1, {"relevance": 5, "organisation": 4}, 30, 12),
            _held(2, {"relevance": 3, "organisation": 4}, 10, 6),
        ],
        # Fiche 25 d (late), consultation 3 d, PSG 7 d: 3 of 4 stays within target.
        stages=_stages(
            ("intake", 2),
            ("fiche_drafting", 25),
            ("consultation", 3),
            ("psg_review", 7),
            ("implementation", 90),
            ("completion", 20),
            ("follow_up", 0),
        ),
        feedback_rating=4,
        adopted=True,
        adoption="national action plan adopted",
    ),
    _case(
        "2026-02",
        "rejected",
        themes=["migration data"],
        region="EU Neighbourhood East",
        stages=_stages(("intake", 1), ("fiche_drafting", 10), ("psg_review", 12), ("rejected", 0)),
    ),
    _case(
        "2025-07",
        "implementation",
        themes=["labour migration"],
        requesters=("regional organisation", "CSO/NGO"),
        activities=[_held(1, {"relevance": 4}, 20, 10)],
        feedback_rating=2,
    ),
]


def test_outcomes_are_tabled_by_year_region_theme_and_requester_type():
    figures = compute(CASES, targets=TARGETS)

    by_theme = {g.group: g for g in figures.by("theme")}
    by_year = {g.group: g.outcomes for g in figures.by("year")}
    # An Action with two themes counts under each, as the 2009-2015 table counted them.
    assert by_theme["migration data"].actions == 2
    assert by_theme["labour migration"].outcomes["completed"] == 1
    assert by_theme["labour migration"].outcomes["ongoing"] == 1
    assert by_year["2026"]["completed"] == 1 and by_year["2026"]["rejected"] == 1
    assert by_year["2025"]["ongoing"] == 1
    assert [g.group for g in figures.by("region")] == [
        "EU Neighbourhood East",
        "Sub-Saharan Africa",
    ]
    assert {g.group for g in figures.by("requester type")} == {
        "CSO/NGO",
        "national central authority",
        "regional organisation",
    }


def test_the_action_level_rolls_up_scores_feedback_adoption_and_stages_on_time():
    figures = compute(CASES, targets=TARGETS)

    first = next(a for a in figures.actions if a.reference == "2026-01")
    assert first.activities_held == 2
    assert first.mean_score == 4.0  # (5 + 4 + 3 + 4) / 4
    assert (first.participants, first.women, first.men) == (40, 18, 22)
    assert (first.feedback_rating, first.adopted) == (4, True)
    assert (first.on_time, first.timed_stays) == (3, 4)
    rejected = next(a for a in figures.actions if a.reference == "2026-02")
    assert (rejected.on_time, rejected.timed_stays) == (2, 3)  # the PSG took 12 d of 10
    assert rejected.mean_score is None and rejected.adopted is None


def test_the_programme_level_rolls_up_each_group():
    figures = compute(CASES, targets=TARGETS)

    labour = next(g for g in figures.by("theme") if g.group == "labour migration")
    assert labour.actions == 2
    assert labour.activities_held == 3
    assert labour.mean_score == 4.0  # the mean of the Actions' means: 4.0 and 4.0
    assert (labour.feedback_answers, labour.mean_feedback) == (2, 3.0)
    assert (labour.adoption_answers, labour.adopted) == (1, 1)
    assert labour.on_time_share == 0.75  # 2025-07 has no ended timed stay
    data = next(g for g in figures.by("theme") if g.group == "migration data")
    assert data.on_time_share == round(5 / 7, 3)


def test_the_activity_level_gives_the_mean_score_of_each_criterion():
    figures = compute(CASES, targets=TARGETS)

    assert figures.scores_by_criterion == {"organisation": 4.0, "relevance": 4.0}


def test_the_html_page_is_self_contained_and_escapes_partner_text():
    text = page(compute(CASES, targets=TARGETS))

    assert text.startswith("<!doctype html>")
    assert text.count("<svg") == 4  # time in stage; outcomes by year, region, theme
    # The PSG bar of 12 d and its 10 d target are both drawn.
    assert "PSG review: 90th percentile 12.0 d" in text
    assert "<title>target 10 d</title>" in text
    assert (
        "<script" not in text
        and "src=" not in text
        and "http" not in text.replace("http://www.w3.org/2000/svg", "")
    )
    assert "Outcomes by theme" in text and "M&amp;E by region" in text


def test_the_csv_files_carry_numbers_a_spreadsheet_can_sum(tmp_path: Path):
    written = write_csv(compute(CASES, targets=TARGETS), tmp_path / "figures")

    assert sorted(p.name for p in written) == [
        "actions.csv",
        "counts.csv",
        "groups.csv",
        "time-in-stage.csv",
    ]
    with (tmp_path / "figures" / "groups.csv").open(encoding="utf-8") as source:
        groups = list(csv.DictReader(source))
    themes = [g for g in groups if g["dimension"] == "theme"]
    assert sum(int(g["actions"]) for g in themes) == 4  # 3 Actions, one with two themes
    labour = next(g for g in themes if g["group"] == "labour migration")
    assert (labour["completed"], labour["ongoing"], labour["on_time_share"]) == ("1", "1", "0.75")
    with (tmp_path / "figures" / "actions.csv").open(encoding="utf-8") as source:
        actions = {row["reference"]: row for row in csv.DictReader(source)}
    assert actions["2026-01"]["themes"] == "migration data; labour migration"
    assert actions["2026-02"]["adopted"] == ""


def test_a_csv_cell_that_looks_like_a_formula_is_written_as_text(tmp_path: Path):
    """Issue 22 (13): `=HYPERLINK(...)` in a theme must not run in the reader's spreadsheet."""
    hostile = _case(
        "2026-09", "closed", themes=['=HYPERLINK("http://evil.example","x")', "-1+2", "@SUM(A1)"]
    )
    write_csv(compute([hostile], targets=TARGETS), tmp_path / "figures")
    with (tmp_path / "figures" / "actions.csv").open(encoding="utf-8") as source:
        [row] = list(csv.DictReader(source))
    with (tmp_path / "figures" / "groups.csv").open(encoding="utf-8") as source:
        groups = [g["group"] for g in csv.DictReader(source) if g["dimension"] == "theme"]
    assert row["themes"].startswith("'=HYPERLINK")
    assert sorted(groups) == ["'-1+2", '\'=HYPERLINK("http://evil.example","x")', "'@SUM(A1)"]
    assert row["reference"] == "2026-09"

"""The report's tables by group (year of receipt, region, theme, requester type) and its M&E at
three levels (SEEDS-EXTRACT §5.5 and the evaluation tool): activity, Action, programme.

Pure: takes the case files `reads.reports.figures` gathers. An Action with two themes counts once
under each theme, as the 2009-2015 publication counted them; so do joint requests under each
kind of authority.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Mapping

from pydantic import BaseModel

from reads.reports.case_file import CaseFile

# How the tables split the Actions, in the order the report prints them.
DIMENSIONS: dict[str, Callable[[CaseFile], Iterable[str]]] = {
    "year": lambda case: [str(case.status.received_on.year)],
    "region": lambda case: [case.status.region],
    "theme": lambda case: case.status.themes or ["(no theme)"],
    "requester type": lambda case: sorted(set(case.requester_types)) or ["(not known)"],
}


class ActionFigures(BaseModel):
    """M&E of one Action: what took place, how it was judged, what became of it."""

    reference: str
    year: int
    region: str
    country: str
    themes: list[str]
    outcome: str
    activities_held: int
    mean_score: float | None  # every criterion of every evaluated activity, 1..5
    participants: int
    women: int
    men: int
    feedback_rating: int | None  # the partner's overall rating, 1..5
    adopted: bool | None  # at follow-up; None: no answer (yet)
    timed_stays: int  # stays in a stage with a target that have ended
    on_time: int  # of those, within the target

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.timed_stays if self.timed_stays else None


class GroupFigures(BaseModel):
    """The programme level: the Actions of one group rolled up."""

    dimension: str
    group: str
    actions: int
    outcomes: dict[str, int]
    activities_held: int
    mean_score: float | None
    participants: int
    women: int
    men: int
    feedback_answers: int
    mean_feedback: float | None
    adoption_answers: int
    adopted: int
    on_time_share: float | None


def _mean(values: list[float]) -> float | None:
    return round(statistics.fmean(values), 2) if values else None


def action_figures(
    case: CaseFile, outcome: str, held: frozenset[str], targets: Mapping[str, float]
) -> ActionFigures:
    status = case.status
    took_place = [a for a in status.activities if a.stage in held]
    timed = [span for span in status.stages if span.left is not None and str(span.stage) in targets]
    return ActionFigures(
        reference=status.reference,
        year=status.received_on.year,
        region=status.region,
        country=status.country,
        themes=list(status.themes),
        outcome=outcome,
        activities_held=len(took_place),
        mean_score=_mean([float(v) for a in took_place for v in a.evaluation.values()]),
        participants=sum(a.participants or 0 for a in took_place),
        women=sum(a.women or 0 for a in took_place),
        men=sum(a.men or 0 for a in took_place),
        feedback_rating=status.feedback_rating,
        adopted=status.adopted,
        timed_stays=len(timed),
        on_time=sum(
            1
            for span in timed
            if span.left is not None and span.days(span.left) <= targets[str(span.stage)]
        ),
    )


def group_figures(
    cases: list[CaseFile], actions: list[ActionFigures], outcomes: list[str]
) -> list[GroupFigures]:
    """One row per group of every dimension, groups ordered by name."""
    rows: list[GroupFigures] = []
    for dimension, groups_of in DIMENSIONS.items():
        members: dict[str, list[ActionFigures]] = {}
        for case, figures in zip(cases, actions, strict=True):
            for group in groups_of(case):
                members.setdefault(group, []).append(figures)
        for group in sorted(members):
            chosen = members[group]
            counted: Counter[str] = Counter({o: 0 for o in outcomes})
            counted.update(a.outcome for a in chosen)
            scores = [a.mean_score for a in chosen if a.mean_score is not None]
            ratings = [float(a.feedback_rating) for a in chosen if a.feedback_rating]
            answered = [a for a in chosen if a.adopted is not None]
            stays = sum(a.timed_stays for a in chosen)
            rows.append(
                GroupFigures(
                    dimension=dimension,
                    group=group,
                    actions=len(chosen),
                    outcomes=dict(counted),
                    activities_held=sum(a.activities_held for a in chosen),
                    mean_score=_mean(scores),
                    participants=sum(a.participants for a in chosen),
                    women=sum(a.women for a in chosen),
                    men=sum(a.men for a in chosen),
                    feedback_answers=len(ratings),
                    mean_feedback=_mean(ratings),
                    adoption_answers=len(answered),
                    adopted=sum(1 for a in answered if a.adopted),
                    on_time_share=(
                        round(sum(a.on_time for a in chosen) / stays, 3) if stays else None
                    ),
                )
            )
    return rows


def scores_by_criterion(cases: Iterable[CaseFile], held: frozenset[str]) -> dict[str, float]:
    """The activity level: the mean score of each evaluation criterion over held activities."""
    given: dict[str, list[float]] = {}
    for case in cases:
        for activity in case.status.activities:
            if activity.stage in held:
                for criterion, score in activity.evaluation.items():
                    given.setdefault(criterion, []).append(float(score))
    return {c: round(statistics.fmean(v), 2) for c, v in sorted(given.items())}

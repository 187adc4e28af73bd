"""The annual-report figures of SEEDS-EXTRACT §5.5, computed from the Actions' case files.

Pure: the CLI gathers each Action's `status` and the requester types of its request, and
this counts. "Completed" follows DOMAIN.md §3: an Action's delivery is closed at the end of
`completion`, so `follow_up` and `closed` both count as completed.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pydantic import BaseModel

from glossary import Stage
from reads.reports.breakdowns import (
    ActionFigures,
    GroupFigures,
    action_figures,
    group_figures,
    scores_by_criterion,
)
from reads.reports.case_file import CaseFile as CaseFile

OUTCOME_OF_STAGE: Mapping[str, str] = {
    Stage.INTAKE: "in preparation",
    Stage.FICHE_DRAFTING: "in preparation",
    Stage.CONSULTATION: "in preparation",
    Stage.PSG_REVIEW: "in preparation",
    Stage.IMPLEMENTATION: "ongoing",
    Stage.COMPLETION: "ongoing",
    Stage.FOLLOW_UP: "completed",
    Stage.CLOSED: "completed",
    Stage.REJECTED: "rejected",
    Stage.FORWARDED: "forwarded",
    Stage.WITHDRAWN: "withdrawn",
}
OUTCOMES = ["in preparation", "ongoing", "completed", "rejected", "forwarded", "withdrawn"]

# Expert slots that mean the expert went on mission (for an activity that took place).
DEPLOYED = frozenset({"confirmed", "nominated", "delivered"})

# An activity took place once its completion report is in: evaluated, or delivered.
HELD = frozenset({"evaluation", "delivered"})

# Roster categories (glossary.people.ExpertCategory) -> the report's origin buckets.
ORIGIN_OF_CATEGORY: Mapping[str, str] = {
    "EU MS official": "EU MS",
    "non-EU official": "non-EU",
    "academic/NGO": "other (academic, NGO, consultant)",
    "consultant": "other (academic, NGO, consultant)",
}
UNKNOWN_ORIGIN = "not in the roster"


class StageTime(BaseModel):
    """How long Actions spent in one stage (stays that have ended), against its target."""

    stage: str
    stays: int
    median_days: float
    p90_days: float
    target_days: float | None
    within_target: float | None  # share of stays at most the target long, 0..1


class Figures(BaseModel):
    scope: str
    requests: int
    joint_or_regional: int
    requests_by_region: dict[str, int]
    requests_by_requester_type: dict[str, int]
    outcomes: dict[str, int]
    on_hold: int
    activities: int  # held: their completion report is in
    activities_by_type: dict[str, int]
    activities_planned: int  # not held yet (planned, mobilising, scheduled, reporting)
    activities_cancelled: int
    experts_deployed: int
    deployments: int
    experts_by_origin: dict[str, int]
    participants: int
    women: int
    men: int
    gender_not_reported: int
    time_in_stage: list[StageTime] = []
    activities_by_country: dict[str, int] = {}
    experts_by_nationality: dict[str, int] = {}
    scores_by_criterion: dict[str, float] = {}  # the activity level of M&E
    actions: list[ActionFigures] = []  # the Action level
    groups: list[GroupFigures] = []  # the programme level: by year, region, theme, requester

    def by(self, dimension: str) -> list[GroupFigures]:
        return [g for g in self.groups if g.dimension == dimension]


def _percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile: the smallest value with `share` of the values at or below."""
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def time_in_stage(cases: Iterable[CaseFile], targets: Mapping[str, float]) -> list[StageTime]:
    """Per stage, the stays that ended (an Action still in a stage is not counted there)."""
    stays: dict[str, list[float]] = {}
    for case in cases:
        for span in case.status.stages:
            if span.left is not None:
                stays.setdefault(str(span.stage), []).append(span.days(span.left))
    order = [str(s) for s in Stage]
    rows = []
    for stage in sorted(stays, key=order.index):
        days = stays[stage]
        target = targets.get(stage)
        rows.append(
            StageTime(
                stage=stage,
                stays=len(days),
                median_days=round(statistics.median(days), 2),
                p90_days=round(_percentile(days, 0.9), 2),
                target_days=target,
                within_target=(
                    round(sum(1 for d in days if d <= target) / len(days), 3)
                    if target is not None
                    else None
                ),
            )
        )
    return rows


def _ranked(counter: Counter[str]) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def compute(
    cases: Iterable[CaseFile],
    *,
    year: int | None = None,
    category_of: Callable[[str], str | None] = lambda _expert_id: None,
    nationality_of: Callable[[str], str | None] = lambda _expert_id: None,
    targets: Mapping[str, float] | None = None,
) -> Figures:
    """The figures for the requests received in `year`, or all time when None."""
    chosen = [c for c in cases if year is None or c.status.received_on.year == year]
    regions: Counter[str] = Counter()
    requesters: Counter[str] = Counter()
    outcomes: Counter[str] = Counter({outcome: 0 for outcome in OUTCOMES})
    activity_types: Counter[str] = Counter()
    activity_countries: Counter[str] = Counter()
    deployed: dict[str, str] = {}
    nationalities: dict[str, str] = {}
    deployments = participants = women = men = planned = cancelled = 0
    for case in chosen:
        status = case.status
        regions[status.region] += 1
        # A joint request counts once under each kind of authority that made it.
        requesters.update(set(case.requester_types))
        outcomes[OUTCOME_OF_STAGE[status.stage]] += 1
        for activity in status.activities:
            if activity.stage == "cancelled":
                cancelled += 1
                continue
            if activity.stage not in HELD:
                # A withdrawn Action's planned activities never took place: not "held".
                planned += 1
                continue
            activity_types[activity.type] += 1
            activity_countries[status.country] += 1
            for slot in activity.experts:
                if slot.state in DEPLOYED:
                    deployments += 1
                    category = category_of(slot.expert_id)
                    deployed[slot.expert_id] = ORIGIN_OF_CATEGORY.get(
                        category or "", UNKNOWN_ORIGIN
                    )
                    nationalities[slot.expert_id] = nationality_of(slot.expert_id) or UNKNOWN_ORIGIN
            participants += activity.participants or 0
            women += activity.women or 0
            men += activity.men or 0
    each = [
        action_figures(case, OUTCOME_OF_STAGE[case.status.stage], HELD, targets or {})
        for case in chosen
    ]
    return Figures(
        scope=str(year) if year is not None else "all time",
        requests=len(chosen),
        joint_or_regional=sum(1 for c in chosen if c.joint_or_regional),
        requests_by_region=_ranked(regions),
        requests_by_requester_type=_ranked(requesters),
        outcomes=dict(outcomes),
        on_hold=sum(1 for c in chosen if c.status.on_hold),
        activities=sum(activity_types.values()),
        activities_by_type=_ranked(activity_types),
        activities_planned=planned,
        activities_cancelled=cancelled,
        experts_deployed=len(deployed),
        deployments=deployments,
        experts_by_origin=_ranked(Counter(deployed.values())),
        participants=participants,
        women=women,
        men=men,
        gender_not_reported=participants - women - men,
        time_in_stage=time_in_stage(chosen, targets or {}),
        activities_by_country=_ranked(activity_countries),
        experts_by_nationality=_ranked(Counter(nationalities.values())),
        scores_by_criterion=scores_by_criterion(chosen, HELD),
        actions=each,
        groups=group_figures(chosen, each, OUTCOMES),
    )


def stage_targets(policy: Any) -> dict[str, float]:
    """The policy's clock for each stage, in days: what the stage is meant to take at most
    (request to Action Fiche 21 d, consultation 5 d, the PSG its vote period)."""
    day = 86400
    return {
        Stage.INTAKE: policy.intake_deadline.total_seconds() / day,
        Stage.FICHE_DRAFTING: policy.fiche_deadline.total_seconds() / day,
        Stage.CONSULTATION: policy.consultation_window.total_seconds() / day,
        Stage.PSG_REVIEW: policy.psg_deadline.total_seconds() / day,
    }
